"""Losses: values against scikit-learn and closed forms, gradients against finite differences."""

import numpy as np
import pytest
from sklearn.metrics import log_loss

from nbcode.nn import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    binary_cross_entropy_with_logits,
    log_softmax,
    one_hot,
    sigmoid,
    softmax,
    softmax_cross_entropy,
    squared_error,
    squared_error_gradient,
)

rng = np.random.default_rng(0)


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def test_squared_error_value_is_half_sum():
    a, y = np.array([1.0, 2.0, 4.0]), np.array([0.0, 2.0, 1.0])
    assert squared_error(a, y) == pytest.approx(0.5 * (1 + 0 + 9))
    assert squared_error(a, y, reduction="mean") == pytest.approx(5.0 / 3)
    np.testing.assert_array_equal(squared_error_gradient(a, y), [1.0, 0.0, 3.0])


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_squared_error_gradient_matches_finite_differences(reduction):
    a, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    numeric = numerical_gradient(lambda z: squared_error(z, y, reduction), a.copy())
    np.testing.assert_allclose(squared_error_gradient(a, y, reduction), numeric, atol=1e-8)


def test_binary_cross_entropy_matches_sklearn():
    p, y = rng.uniform(0.05, 0.95, size=20), rng.integers(0, 2, size=20)
    assert binary_cross_entropy(p, y) == pytest.approx(log_loss(y, p), rel=1e-12)


def test_binary_cross_entropy_gradient_matches_finite_differences():
    p, y = rng.uniform(0.1, 0.9, size=(6, 1)), rng.integers(0, 2, size=(6, 1)).astype(float)
    numeric = numerical_gradient(lambda q: binary_cross_entropy(q, y), p.copy())
    np.testing.assert_allclose(binary_cross_entropy_gradient(p, y), numeric, rtol=1e-6)


def test_binary_cross_entropy_with_logits_agrees_and_is_stable():
    o, y = rng.normal(size=(8, 1)) * 3, rng.integers(0, 2, size=(8, 1)).astype(float)
    loss, grad = binary_cross_entropy_with_logits(o, y)
    assert loss == pytest.approx(binary_cross_entropy(sigmoid.value(o), y), rel=1e-10)
    np.testing.assert_allclose(grad, (sigmoid.value(o) - y) / 8)
    numeric = numerical_gradient(lambda z: binary_cross_entropy_with_logits(z, y)[0], o.copy())
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)
    # A confident wrong prediction costs |o|, not log(0) = inf.
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        big, _ = binary_cross_entropy_with_logits(np.array([1000.0]), np.array([0.0]))
    assert big == pytest.approx(1000.0)


def test_softmax_rows_are_distributions_and_stable():
    o = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]])
    p = softmax(o)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(p[0], np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    np.testing.assert_allclose(p[1], [0.5, 0.5, 0.0], atol=1e-300)
    np.testing.assert_allclose(softmax(o + 50.0), p)  # shift invariance
    np.testing.assert_allclose(np.exp(log_softmax(o[:1])), p[:1])


def test_softmax_cross_entropy_matches_sklearn_log_loss():
    o, y = rng.normal(size=(30, 4)), rng.integers(0, 4, size=30)
    loss, _ = softmax_cross_entropy(o, y)
    assert loss == pytest.approx(log_loss(y, softmax(o), labels=range(4)), rel=1e-12)


def test_softmax_cross_entropy_gradient():
    o, y = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    _, grad = softmax_cross_entropy(o, y)
    np.testing.assert_allclose(grad, (softmax(o) - one_hot(y, 3)) / 5)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, y)[0], o.copy())
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-10)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"a and y must have the same shape.*\(3,\) and \(2,\)"):
        squared_error(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match=r"y must contain labels in 0, \.\.\., 2.*from 0 to 3"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"o must be a 2-D array; received .*\(3,\)"):
        softmax(np.zeros(3))
    with pytest.raises(ValueError, match=r"reduction must be one of \['mean', 'sum'\]"):
        squared_error(np.zeros(2), np.zeros(2), reduction="avg")
