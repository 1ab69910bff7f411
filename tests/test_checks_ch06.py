"""The chapter 6 checkers accept right answers, report stubs as not done, and explain mistakes."""

import copy

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong

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


# ------------------------------------------------------------------ a linear probe (battery)
def right_ridge_probe(F, y, n_classes, alpha):
    """Centre F and the one-hot Y, solve the ridge normal equations, recover the bias."""
    Y = np.eye(n_classes)[y]
    F_mean, Y_mean = F.mean(axis=0), Y.mean(axis=0)
    Fc, Yc = F - F_mean, Y - Y_mean
    W = np.linalg.solve(Fc.T @ Fc + alpha * np.eye(F.shape[1]), Fc.T @ Yc)
    return W, Y_mean - F_mean @ W


def joint_ridge_probe(F, y, n_classes, alpha):
    """The same from the augmented design [1, F], a zero for the bias in the penalty."""
    X = np.column_stack([np.ones(len(F)), F])
    penalty = alpha * np.eye(X.shape[1])
    penalty[0, 0] = 0.0
    B = np.linalg.solve(X.T @ X + penalty, X.T @ np.eye(n_classes)[y])
    return B[1:], B[0]


def sklearn_probe(F, y, n_classes, alpha):
    from sklearn.linear_model import Ridge

    ridge = Ridge(alpha=alpha).fit(F, np.eye(n_classes)[y])
    return ridge.coef_.T, ridge.intercept_


def _with_W(change):
    return lambda *a: (change(*a), right_ridge_probe(*a)[1])


RIDGE_PROBE_CASES = [
    right("the augmented normal equations", joint_ridge_probe),
    right("scikit-learn's Ridge", sklearn_probe),
    right("a list [W, b]", lambda *a: list(right_ridge_probe(*a))),
    wrong("bias penalised", lambda F, y, K, a: ch06._augmented_ridge(F, np.eye(K)[y], a),
          "penalised the bias"),
    wrong("no bias", lambda F, y, K, a: (np.linalg.solve(F.T @ F + a * np.eye(F.shape[1]),
                                                         F.T @ np.eye(K)[y]), np.zeros(K)),
          "no bias"),
    wrong("alpha ignored (pinv)", lambda F, y, K, a: ch06._no_alpha(F, y, K, a), "ignores alpha"),
    wrong("mean loss", lambda F, y, K, a: right_ridge_probe(F, y, K, a * len(F)), "n times"),
    wrong("alpha halved", lambda F, y, K, a: right_ridge_probe(F, y, K, a / 2), "halved"),
    wrong("alpha doubled", lambda F, y, K, a: right_ridge_probe(F, y, K, 2 * a), "doubled"),
    wrong("±1 targets", lambda F, y, K, a: tuple(
        2 * v - (1 if i else 0) for i, v in enumerate(right_ridge_probe(F, y, K, a))), "±1"),
    wrong("W transposed", lambda *a: (right_ridge_probe(*a)[0].T, right_ridge_probe(*a)[1]),
          "transpose"),
    wrong("bias inside W", lambda F, y, K, a: (np.vstack(right_ridge_probe(F, y, K, a)[::-1]),
                                               right_ridge_probe(F, y, K, a)[1]),
          "separately"),
    wrong("labels regressed as numbers",
          lambda F, y, K, a: (np.linalg.lstsq(F, y, rcond=None)[0], 0.0), "one-hot"),
    wrong("classes counted from y", lambda F, y, K, a: right_ridge_probe(F, y, int(y.max()) + 1, a),
          "absent"),
    wrong("b of shape (1, K)", lambda *a: (right_ridge_probe(*a)[0], right_ridge_probe(*a)[1][None]),
          "one bias per class"),
    wrong("W of the wrong sign", _with_W(lambda *a: -right_ridge_probe(*a)[0]),
          "wrong sign", "test case"),
    wrong("returns W only", lambda *a: right_ridge_probe(*a)[0], "pair (W, b)"),
]


@pytest.mark.parametrize("answer", params(right_ridge_probe, RIDGE_PROBE_CASES))
def test_ridge_probe_battery(answer):
    assert_answer(ch06.check_ridge_probe, answer)


def test_ridge_probe_reference_solves_its_normal_equations():
    """sklearn's Ridge (the checker's reference) zeroes the objective's gradient."""
    for F, y, K, alpha in ch06._ridge_probe_cases():
        W, b = ch06._ridge_probe_reference(F, y, K, alpha)
        residual = np.eye(K)[y] - F @ W - b
        assert np.allclose(-2 * F.T @ residual + 2 * alpha * W, 0, atol=1e-9)
        assert np.allclose(residual.sum(axis=0), 0, atol=1e-9)


def test_ridge_probe_mistakes_never_coincide():
    cases = ch06._ridge_probe_cases()
    expected = [ch06._ridge_probe_reference(*c) for c in cases]
    values = [[wrong_(*c) for c in cases] for wrong_, _ in ch06.RIDGE_PROBE_MISTAKES]

    def same(first, second):
        return all(np.shape(a[0]) == np.shape(b[0]) and np.allclose(a[0], b[0], atol=1e-8)
                   and np.allclose(a[1], b[1], atol=1e-8) for a, b in zip(first, second, strict=True))

    for k, first in enumerate(values):
        assert not same(first, expected)
        for second in values[k + 1:]:
            assert not same(first, second)
