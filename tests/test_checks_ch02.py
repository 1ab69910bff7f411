"""Checkers of chapter 2: right answers pass, stubs are "not done yet", typical mistakes are named."""

import numpy as np

from nbcode.checks import ch02
from nbcode.nn import get_activation


def stub(*args):
    raise NotImplementedError("Exercise: replace this line with your code")


def sigmoid(o):
    return 1 / (1 + np.exp(-np.asarray(o, dtype=float)))


def test_sigmoid_derivative():
    assert ch02.check_sigmoid_derivative(lambda o: sigmoid(o) * (1 - sigmoid(o)))
    result = ch02.check_sigmoid_derivative(stub)
    assert not result and result.not_done and "not done yet" in result.text()
    result = ch02.check_sigmoid_derivative(lambda o: np.asarray(o) * (1 - np.asarray(o)))
    assert not result and "value" in result.message
    result = ch02.check_sigmoid_derivative(sigmoid)
    assert not result and "(1 - sigma(o))" in result.message


def right_gradient(beta, X, y, activation):
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    delta = -(y - f.value(o)) * f.derivative(o)
    return np.concatenate([[delta.sum()], X.T @ delta])


def test_neuron_gradient():
    assert ch02.check_neuron_gradient(right_gradient)
    assert ch02.check_neuron_gradient(stub).not_done
    result = ch02.check_neuron_gradient(lambda *args: -right_gradient(*args))
    assert not result and "sign" in result.message

    def no_derivative(beta, X, y, activation):
        error = y - get_activation(activation).value(beta[0] + X @ beta[1:])
        return -np.concatenate([[error.sum()], X.T @ error])

    result = ch02.check_neuron_gradient(no_derivative)
    assert not result and "f'(o_i)" in result.message

    def forgot_intercept(beta, X, y, activation):
        g = right_gradient(beta, X, y, activation)
        g[0] = 0.0
        return g

    result = ch02.check_neuron_gradient(forgot_intercept)
    assert not result and "dL/dbeta_0" in result.message
    result = ch02.check_neuron_gradient(lambda *args: right_gradient(*args)[1:])
    assert not result and "shape" in result.message


def test_perceptron_epoch():
    assert ch02.check_perceptron_epoch(ch02.reference_perceptron_epoch)
    assert ch02.check_perceptron_epoch(stub).not_done
    result = ch02.check_perceptron_epoch(lambda beta, X, y: ch02.reference_perceptron_epoch(beta, X, y)[0])
    assert not result and "pair" in result.message

    def strict(beta, X, y):
        beta = np.array(beta, dtype=float)
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (beta[0] + x_i @ beta[1:]) < 0:
                beta[0] += y_i
                beta[1:] += y_i * x_i
                mistakes += 1
        return beta, mistakes

    result = ch02.check_perceptron_epoch(strict)
    assert not result and "<= 0" in result.message

    def wrong_count(beta, X, y):
        new_beta, mistakes = ch02.reference_perceptron_epoch(beta, X, y)
        return new_beta, len(X)

    result = ch02.check_perceptron_epoch(wrong_count)
    assert not result and "number of mistakes" in result.message
