"""Tests of nbcode.gradcheck: central differences against closed forms and JAX."""

import numpy as np
import pytest

from nbcode import linear
from nbcode.gradcheck import numerical_gradient, numerical_gradients


def test_quadratic_form_any_shape():
    # f(X) = sum_ij A_ij X_ij^2 / 2 + sum(B * X): gradient A * X + B, for a 2-D point.
    rng = np.random.default_rng(0)
    A, B, X = rng.normal(size=(3, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    grad = numerical_gradient(lambda Z: float(np.sum(A * Z ** 2) / 2 + np.sum(B * Z)), X)
    assert grad.shape == X.shape
    np.testing.assert_allclose(grad, A * X + B, rtol=1e-8, atol=1e-9)


def test_error_is_of_order_eps_squared():
    # For f = sum(sin x), the central difference errs by about eps^2 / 6 * cos(x):
    # halving eps divides the error by 4.
    x = np.array([0.3, 1.1, -0.7])
    errors = [np.abs(numerical_gradient(lambda v: float(np.sin(v).sum()), x, eps) - np.cos(x))
              for eps in (1e-2, 5e-3)]
    np.testing.assert_allclose(errors[0], 1e-4 / 6 * np.abs(np.cos(x)), rtol=1e-3)
    np.testing.assert_allclose(errors[0] / errors[1], 4.0, rtol=1e-3)


def _network_loss(W1, b1, W2, X, y):
    return np.mean((np.tanh(X @ W1 + b1) @ W2 - y) ** 2)


def test_in_place_params_agree_with_jax_and_are_restored():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    jax.config.update("jax_enable_x64", True)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))]
    saved = [p.copy() for p in params]
    numeric = numerical_gradients(lambda: _network_loss(*params, X, y), params)

    def jax_loss(W1, b1, W2):
        return jnp.mean((jnp.tanh(X @ W1 + b1) @ W2 - y) ** 2)

    autodiff = jax.grad(jax_loss, argnums=(0, 1, 2))(*params)
    for p, s, g, a in zip(params, saved, numeric, autodiff, strict=True):
        assert np.array_equal(p, s)  # every entry put back exactly
        np.testing.assert_allclose(g, np.asarray(a), rtol=1e-6, atol=1e-9)


def test_entries_are_the_same_numbers_as_the_full_gradient():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    params = [rng.normal(size=(3, 4)), rng.normal(size=4), rng.normal(size=(4, 2))]
    full = numerical_gradients(lambda: _network_loss(*params, X, y), params)
    entries = [(0, (2, 1)), (1, (3,)), (2, (0, 1)), (-1, (3, 0))]
    some = numerical_gradients(lambda: _network_loss(*params, X, y), params, entries=entries)
    assert some.shape == (4,)
    assert np.array_equal(some, [full[i][position] for i, position in entries])


def test_the_two_doors_give_the_same_numbers():
    # numerical_gradient(f, x) is numerical_gradients on a copy of x: same step, same order.
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.choice([-1.0, 1.0], size=20)
    beta = np.array([0.3, -0.5, 1.0])
    point = beta.copy()
    by_params = numerical_gradients(lambda: linear.logistic_loss(point, X, y), [point])[0]
    by_function = numerical_gradient(lambda b: linear.logistic_loss(b, X, y), beta)
    assert np.array_equal(by_params, by_function)
    np.testing.assert_allclose(by_function, linear.logistic_gradient(beta, X, y), rtol=1e-7)


def test_f_may_change_its_argument_and_x_is_left_alone():
    x = np.array([1.0, 2.0, 3.0])

    def destructive(v):
        value = float(v @ v)
        v[:] = 0.0
        return value

    np.testing.assert_allclose(numerical_gradient(destructive, x), 2 * x, rtol=1e-8)
    assert np.array_equal(x, [1.0, 2.0, 3.0])


def test_chapter_one_name_is_the_one_helper():
    assert linear.numerical_gradient is numerical_gradient


@pytest.mark.parametrize("call, error, words", [
    (lambda: numerical_gradients(lambda: 0.0, [np.zeros(2, int)]), TypeError, ("params[0]", "float")),
    (lambda: numerical_gradients(lambda: 0.0, np.zeros(2)), TypeError, ("params", "list")),
    (lambda: numerical_gradients(lambda: 0.0, [np.zeros(2)], entries=[(1, (0,))]), ValueError,
     ("entries", "below 1", "1")),
    (lambda: numerical_gradients(lambda: 0.0, [np.zeros(2)], 0.0), ValueError, ("eps",)),
    (lambda: numerical_gradient(None, [1.0]), TypeError, ("f", "callable")),
    (lambda: numerical_gradient(lambda v: 0.0, [np.nan]), ValueError, ("x", "finite")),
])
def test_bad_inputs_name_the_argument(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert all(word in str(info.value) for word in words), str(info.value)
