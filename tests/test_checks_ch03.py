"""The chapter 3 checkers: right answers pass, stubs are "not done yet", mistakes are named."""

import numpy as np

from nbcode.analysis import input_gradient
from nbcode.checks import ch03
from nbcode.nn import softmax
from nbcode.nn.losses import one_hot


def _stub(*args):
    raise NotImplementedError


def test_softmax_gradient_right_stub_and_mistakes():
    right = ch03.check_softmax_ce_gradient(
        lambda o, y: (softmax(o) - one_hot(y, o.shape[1])) / len(o))
    assert right.passed
    stub = ch03.check_softmax_ce_gradient(_stub)
    assert not stub.passed and stub.not_done and "not done yet" in stub.message
    summed = ch03.check_softmax_ce_gradient(lambda o, y: softmax(o) - one_hot(y, o.shape[1]))
    assert not summed.passed and "divide by n" in summed.message
    no_onehot = ch03.check_softmax_ce_gradient(lambda o, y: softmax(o) / len(o))
    assert not no_onehot.passed and "one-hot" in no_onehot.message


def test_hidden_layer_gradients():
    assert ch03.check_hidden_layer_gradients(ch03.reference_hidden_layer_gradients).passed
    stub = ch03.check_hidden_layer_gradients(_stub)
    assert stub.not_done

    def no_tanh(*args):
        return ch03.reference_hidden_layer_gradients(*args, tanh_derivative=False)

    result = ch03.check_hidden_layer_gradients(no_tanh)
    assert not result.passed and "tanh" in result.message

    def summed(*args):
        return ch03.reference_hidden_layer_gradients(*args, mean=False)

    result = ch03.check_hidden_layer_gradients(summed)
    assert not result.passed and "divide by n" in result.message
    result = ch03.check_hidden_layer_gradients(lambda *args: np.zeros(3))
    assert not result.passed and "four arrays" in result.message

    def transposed(*args):
        dW1, db1, dW2, db2 = ch03.reference_hidden_layer_gradients(*args)
        return dW1.T, db1, dW2, db2

    result = ch03.check_hidden_layer_gradients(transposed)
    assert not result.passed and "shape" in result.message


def test_fgsm_step():
    def right(model, X, y, epsilon):
        return np.clip(X + epsilon * np.sign(input_gradient(model, X, y)), 0, 1)

    assert ch03.check_fgsm_step(right).passed
    assert ch03.check_fgsm_step(_stub).not_done

    def downhill(model, X, y, epsilon):
        return np.clip(X - epsilon * np.sign(input_gradient(model, X, y)), 0, 1)

    result = ch03.check_fgsm_step(downhill)
    assert not result.passed and "down" in result.message

    def unclipped(model, X, y, epsilon):
        return X + epsilon * np.sign(input_gradient(model, X, y))

    result = ch03.check_fgsm_step(unclipped)
    assert not result.passed and "clip" in result.message
