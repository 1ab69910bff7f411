"""Layers: forward against scipy/naive loops, backward against finite differences and JAX."""

import numpy as np
import pytest
from optional_jax import jax, jnp, needs_jax
from scipy.signal import correlate

from nbcode.nn import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    col2im,
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    dense_backward,
    dense_forward,
    im2col,
    init_weights,
    maxpool2d_backward,
    maxpool2d_forward,
)

rng = np.random.default_rng(0)


def numerical_gradient(f, x, h=1e-6):
    """Central differences of a scalar function f at x (x is perturbed in place)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        up = f()
        x[i] = old - h
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


# ------------------------------------------------------------------ Dense


def test_dense_backward_matches_finite_differences_and_jax():
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dout = rng.normal(size=(4, 2))
    out, cache = dense_forward(x, W, b)
    np.testing.assert_allclose(out, x @ W + b)
    dx, dW, db = dense_backward(dout, cache)

    def loss():  # L = sum(dout * out), so dL/dout = dout
        return np.sum(dout * dense_forward(x, W, b)[0])

    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-6)
    np.testing.assert_allclose(dW, numerical_gradient(loss, W), rtol=1e-6)
    np.testing.assert_allclose(db, numerical_gradient(loss, b), rtol=1e-6)

    if jax is None:  # the finite differences above ran; the comparison with JAX needs it
        pytest.skip("jax is not installed")
    jx, jW, jb = jax.grad(lambda x, W, b: jnp.sum(dout * (x @ W + b)), argnums=(0, 1, 2))(x, W, b)
    np.testing.assert_allclose(dx, jx, rtol=1e-12)
    np.testing.assert_allclose(dW, jW, rtol=1e-12)
    np.testing.assert_allclose(db, jb, rtol=1e-12)


def test_dense_layer_matches_functions_and_counts_params():
    layer = Dense(3, 5, seed=1)
    x, dout = rng.normal(size=(7, 3)), rng.normal(size=(7, 5))
    out = layer.forward(x)
    expected, cache = dense_forward(x, layer.params["W"], layer.params["b"])
    np.testing.assert_allclose(out, expected)
    dx = layer.backward(dout)
    for got, want in zip((dx, layer.grads["W"], layer.grads["b"]), dense_backward(dout, cache),
                         strict=True):
        np.testing.assert_allclose(got, want)
    assert layer.n_params == 3 * 5 + 5
    assert layer.grads.keys() == layer.params.keys()
    assert repr(layer) == "Dense(n_in=3, n_out=5, init='he')"


def test_frozen_layer_still_returns_input_gradient():
    layer = Dense(3, 2, seed=0)
    layer.trainable = False
    layer.forward(np.ones((1, 3)))
    np.testing.assert_allclose(layer.backward(np.ones((1, 2))), layer.params["W"].sum(axis=1)[None])
    assert "trainable=False" in repr(layer)


def test_init_rules():
    he = init_weights((400, 300), 400, 300, "he", rng=0)
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    glorot = init_weights((400, 300), 400, 300, "glorot", rng=0)
    assert np.abs(glorot).max() <= np.sqrt(6 / 700)
    assert glorot.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert not init_weights((2, 2), 2, 2, "zeros").any()
    normal = init_weights((1000,), 1, 1, "normal", scale=3.0, rng=0)
    assert normal.std() == pytest.approx(3, rel=0.1)
    with pytest.raises(ValueError, match=r"init must be one of .*received 'xavier'"):
        Dense(2, 3, init="xavier")
    with pytest.raises(ValueError, match=r"n_out must be > 0; received 0"):
        Dense(2, 0)


# ------------------------------------------------------------------ Activation layer


def test_activation_layer_backward_matches_finite_differences():
    layer = Activation("tanh")
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    layer.forward(x, training=True)
    dx = layer.backward(dout)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda: np.sum(dout * layer.forward(x)), x), rtol=1e-6)
    relu = Activation("relu")
    relu.forward(np.array([[-1.0, 0.0, 2.0]]))
    np.testing.assert_array_equal(relu.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])
    assert repr(relu) == "Activation('relu')" and relu.n_params == 0



@pytest.mark.parametrize("name", ["tanh", "sigmoid"])
def test_activation_layer_backward_from_its_output_is_the_same_bit_for_bit(name):
    # tanh and sigmoid take f' from the forward pass's output (no second tanh/exp): the
    # numbers must be those of dout * f'(o) exactly (committed chapter outputs depend on it),
    # and agree with finite differences.
    layer = Activation(name)
    x, dout = rng.normal(scale=3, size=(5, 7)), rng.normal(size=(5, 7))
    layer.forward(x, training=True)
    assert layer._a is not None
    dx = layer.backward(dout)
    np.testing.assert_array_equal(dx, dout * layer.activation.derivative(x))
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda: np.sum(dout * layer.forward(x)), x), rtol=1e-5, atol=1e-9)


def test_activation_layer_with_only_value_and_derivative_still_trains():
    # A student's activation object (value and derivative only): the layer keeps no output
    # and calls derivative(o).
    class Cube:
        name = "cube"

        def value(self, o):
            return o ** 3

        def derivative(self, o):
            return 3 * o ** 2

    layer = Activation(Cube())
    x, dout = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    layer.forward(x, training=True)
    assert layer._a is None
    np.testing.assert_allclose(layer.backward(dout), dout * 3 * x ** 2, rtol=1e-12)
# ------------------------------------------------------------------ Dropout


def test_dropout_preserves_expectation_in_training():
    layer = Dropout(0.3, seed=0)
    x = rng.normal(size=(5, 4))
    mean = np.mean([layer.forward(x, training=True) for _ in range(20000)], axis=0)
    np.testing.assert_allclose(mean, x, atol=0.03)
    out = layer.forward(x, training=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / 0.7)  # kept units scaled by 1/(1 - rate)


def test_dropout_is_identity_at_evaluation():
    layer = Dropout(0.5, seed=0)
    x = rng.normal(size=(3, 3))
    assert layer.forward(x) is x
    np.testing.assert_array_equal(layer.backward(np.ones((3, 3))), np.ones((3, 3)))


def test_dropout_reuses_its_mask_in_backward():
    layer = Dropout(0.5, seed=1)
    x = np.ones((50, 20))
    out = layer.forward(x, training=True)
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx, out)  # same zeros, same 1 / (1 - rate)
    assert 0.3 < np.mean(dx == 0) < 0.7


def test_dropout_rate_is_validated():
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\).*received 1"):
        Dropout(1)
    with pytest.raises(ValueError, match=r"rate must be ≥ 0; received -0.1"):
        Dropout(-0.1)


# ------------------------------------------------------------------ convolution


def test_conv_output_size_and_its_errors():
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(28, 3, padding=1) == 28
    assert conv_output_size(7, 3, padding=0, stride=2) == 3
    with pytest.raises(ValueError, match=r"kernel \(9\) is larger than the padded input"):
        conv_output_size(4, 9, padding=1)
    with pytest.raises(ValueError, match=r"stride 2 does not tile the input"):
        conv_output_size(8, 3, stride=2)
    with pytest.raises(ValueError, match=r"padding must be ≥ 0; received -1"):
        conv_output_size(8, 3, padding=-1)


def test_im2col_rows_are_flattened_patches_and_col2im_is_its_adjoint():
    x = rng.normal(size=(2, 3, 5, 5))
    cols = im2col(x, 3, 3, stride=2, padding=1)
    assert cols.shape == (2 * 3 * 3, 3 * 3 * 3)
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    # Row of example 1, output pixel (2, 1): the patch starting at (4, 2) of the padded input.
    np.testing.assert_array_equal(cols[9 + 2 * 3 + 1], padded[1, :, 4:7, 2:5].ravel())
    c = rng.normal(size=cols.shape)
    back = col2im(c, x.shape, 3, 3, stride=2, padding=1)
    assert np.vdot(cols, c) == pytest.approx(np.vdot(x, back), rel=1e-12)


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 1), (2, 1)])
def test_conv2d_forward_matches_scipy_correlate(stride, padding):
    x, W, b = rng.normal(size=(2, 3, 7, 7)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, _ = conv2d_forward(x, W, b, stride=stride, padding=padding)
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    expected = np.empty_like(out)
    for i in range(2):
        for f in range(4):
            full = correlate(padded[i], W[f], mode="valid")[0]  # sums over channels
            expected[i, f] = full[::stride, ::stride] + b[f]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_backward_matches_finite_differences():
    x, W, b = rng.normal(size=(2, 2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    dout = rng.normal(size=(2, 3, 3, 3))
    _, cache = conv2d_forward(x, W, b, stride=2, padding=1)
    dx, dW, db = conv2d_backward(dout, cache)

    def loss():
        return np.sum(dout * conv2d_forward(x, W, b, stride=2, padding=1)[0])

    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dW, numerical_gradient(loss, W), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, numerical_gradient(loss, b), rtol=1e-6, atol=1e-8)


@needs_jax
@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (1, 2), (2, 1)])
def test_conv2d_matches_jax(stride, padding):
    x, W, b = rng.normal(size=(3, 2, 9, 9)), rng.normal(size=(4, 2, 3, 3)), rng.normal(size=4)
    out, cache = conv2d_forward(x, W, b, stride=stride, padding=padding)
    dout = rng.normal(size=out.shape)

    def jax_conv(x, W, b):
        y = jax.lax.conv_general_dilated(x, W, (stride, stride), [(padding, padding)] * 2,
                                         dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + b[None, :, None, None]

    np.testing.assert_allclose(out, jax_conv(x, W, b), rtol=1e-10, atol=1e-12)
    grads = jax.grad(lambda *a: jnp.sum(dout * jax_conv(*a)), argnums=(0, 1, 2))(x, W, b)
    for ours, theirs in zip(conv2d_backward(dout, cache), grads, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_conv2d_layer():
    layer = Conv2D(2, 4, kernel_size=3, padding=1, seed=0)
    x = rng.normal(size=(5, 2, 6, 6))
    out = layer.forward(x)
    assert out.shape == (5, 4, 6, 6) == (5, *layer.output_shape((2, 6, 6)))
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == x.shape and layer.grads["W"].shape == (4, 2, 3, 3)
    assert layer.n_params == 4 * 2 * 3 * 3 + 4
    with pytest.raises(ValueError, match=r"Conv2D\(in_channels=2\) expects x of shape "
                                         r"\(n, 2, height, width\); received shape \(5, 3, 6, 6\)"):
        layer.forward(np.zeros((5, 3, 6, 6)))


# ------------------------------------------------------------------ pooling, flatten


def naive_maxpool(x, size, stride):
    n, c, h, w = x.shape
    oh, ow = (h - size) // stride + 1, (w - size) // stride + 1
    out, dx_routes = np.empty((n, c, oh, ow)), []
    for i in range(n):
        for k in range(c):
            for p in range(oh):
                for q in range(ow):
                    window = x[i, k, p * stride:p * stride + size, q * stride:q * stride + size]
                    out[i, k, p, q] = window.max()
                    u, v = np.unravel_index(window.argmax(), window.shape)
                    dx_routes.append(((i, k, p, q), (i, k, p * stride + u, q * stride + v)))
    return out, dx_routes


def check_maxpool_against_naive_loop(x, size, stride, **tolerance):
    """maxpool2d_forward and _backward on x against the loop: returns the loop's output."""
    out, cache = maxpool2d_forward(x, size, stride)
    expected, routes = naive_maxpool(x, size, stride)
    np.testing.assert_array_equal(out, expected)
    dout = rng.normal(size=out.shape)
    dx_expected = np.zeros_like(x)
    for out_index, in_index in routes:
        dx_expected[in_index] += dout[out_index]
    np.testing.assert_allclose(maxpool2d_backward(dout, cache), dx_expected, **tolerance)
    return expected


@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 1), (2, 1), (3, 2)])
def test_maxpool_matches_naive_loop(size, stride):
    x = rng.normal(size=(2, 3, 7, 7))
    expected = check_maxpool_against_naive_loop(x, size, stride)
    layer = MaxPool2D(size, stride)
    np.testing.assert_array_equal(layer.forward(x), expected)
    assert layer.output_shape((3, 7, 7)) == expected.shape[1:]


@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 1), (2, 1)])
def test_maxpool_ties_go_to_the_first_maximum(size, stride):
    # After a ReLU many windows are all zeros: the gradient goes to the window's first
    # maximum in row-major order (numpy's argmax, as in the naive loop), nowhere else.
    x = np.maximum(rng.integers(-2, 2, size=(2, 3, 7, 7)).astype(float), 0.0)
    # (overlapping windows add in another order than the loop: equal to rounding)
    check_maxpool_against_naive_loop(x, size, stride, rtol=1e-12, atol=1e-15)


def test_conv2d_param_backward_is_backward_without_dx():
    layer = Conv2D(2, 3, kernel_size=3, padding=1, seed=0)
    x = rng.normal(size=(4, 2, 6, 6))
    dout = rng.normal(size=layer.forward(x).shape)
    layer.backward(dout)
    full = {key: grad.copy() for key, grad in layer.grads.items()}
    layer.grads.clear()
    assert layer.param_backward(dout) is None
    for key in ("W", "b"):
        np.testing.assert_array_equal(layer.grads[key], full[key])
    with pytest.raises(ValueError, match="dout must have shape"):
        layer.param_backward(dout[:, :2])


def test_maxpool_backward_matches_finite_differences():
    x = rng.normal(size=(1, 2, 4, 4))
    layer = MaxPool2D(2)
    dout = rng.normal(size=(1, 2, 2, 2))
    layer.forward(x)
    dx = layer.backward(dout)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda: np.sum(dout * layer.forward(x)), x), atol=1e-8)


def test_flatten_round_trip():
    layer = Flatten()
    x = rng.normal(size=(2, 3, 4, 5))
    out = layer.forward(x)
    assert out.shape == (2, 60)
    np.testing.assert_array_equal(out[1], x[1].ravel())
    np.testing.assert_array_equal(layer.backward(out), x)
    assert layer.output_shape((3, 4, 5)) == (60,)
