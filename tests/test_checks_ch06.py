"""The chapter 6 checkers accept right answers, report stubs as not done, and explain mistakes."""

import copy

from nbcode import nn
from nbcode.checks import ch06


def stub(*args):
    raise NotImplementedError


def right_freeze(model, n_layers):
    for i, layer in enumerate(model.layers):
        layer.trainable = i >= n_layers
    return model


def test_freeze_right_stub_and_mistakes():
    assert ch06.check_freeze(right_freeze)
    assert ch06.check_freeze(stub).not_done

    def wrong_end(model, n_layers):
        n = len(model.layers)
        for i, layer in enumerate(model.layers):
            layer.trainable = i < n - n_layers
        return model

    result = ch06.check_freeze(wrong_end)
    assert not result and "wrong end" in result.message

    def only_freezes(model, n_layers):
        for layer in model.layers[:n_layers]:
            layer.trainable = False
        return model

    result = ch06.check_freeze(only_freezes)
    assert not result and "every layer" in result.message

    def off_by_one(model, n_layers):
        for i, layer in enumerate(model.layers):
            layer.trainable = i > n_layers
        return model

    result = ch06.check_freeze(off_by_one)
    assert not result and "off by one" in result.message

    def no_return(model, n_layers):
        right_freeze(model, n_layers)

    result = ch06.check_freeze(no_return)
    assert not result and "return the model" in result.message


def test_n_trainable_right_stub_and_mistakes():
    assert ch06.check_n_trainable(lambda m: sum(l.n_params for l in m.layers if l.trainable))
    assert ch06.check_n_trainable(stub).not_done
    result = ch06.check_n_trainable(lambda m: m.n_params)
    assert not result and "every parameter" in result.message
    result = ch06.check_n_trainable(lambda m: sum(l.n_params for l in m.layers if not l.trainable))
    assert not result and "frozen" in result.message
    result = ch06.check_n_trainable(
        lambda m: sum(l.params["W"].size for l in m.layers if l.trainable and "W" in l.params))
    assert not result and "biases" in result.message
    result = ch06.check_n_trainable(lambda m: 1.5)
    assert not result and "int" in result.message


def right_classifier(model, n_classes, seed=0):
    body = [copy.deepcopy(layer) for layer in model.layers[:-1]]
    return nn.Sequential(body + [nn.Dense(model.layers[-1].n_in, n_classes, init="glorot",
                                          seed=seed)])


def test_new_classifier_right_stub_and_mistakes():
    assert ch06.check_new_classifier(right_classifier)
    assert ch06.check_new_classifier(stub).not_done

    def shared(model, n_classes, seed=0):
        return nn.Sequential(model.layers[:-1] + [nn.Dense(model.layers[-1].n_in, n_classes,
                                                           seed=seed)])

    result = ch06.check_new_classifier(shared)
    assert not result and "deepcopy" in result.message

    def appended(model, n_classes, seed=0):
        return nn.Sequential([copy.deepcopy(layer) for layer in model.layers]
                             + [nn.Dense(5, n_classes, seed=seed)])

    result = ch06.check_new_classifier(appended)
    assert not result and "do not add one" in result.message

    def in_place(model, n_classes, seed=0):
        model.layers[-1] = nn.Dense(model.layers[-1].n_in, n_classes, seed=seed)
        return model

    result = ch06.check_new_classifier(in_place)
    assert not result and ("shares layer objects" in result.message or "changed" in result.message)

    def wrong_size(model, n_classes, seed=0):
        return right_classifier(model, 5, seed)

    result = ch06.check_new_classifier(wrong_size)
    assert not result and "(2, 7)" in result.message
