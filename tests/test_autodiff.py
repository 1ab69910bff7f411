"""nbcode.autodiff: every local rule against finite differences and closed forms, the sweep, JAX."""

import math

import numpy as np
import pytest
from optional_jax import jax, jnp, needs_jax

from nbcode import autodiff, data, gradcheck, nn
from nbcode.autodiff import Value

# Each operation as a function of one or two Values, with points where it is smooth.
UNARY = {
    "neg": (lambda x: -x, [0.7, -2.0]),
    "exp": (lambda x: x.exp(), [0.3, -1.5]),
    "log": (lambda x: x.log(), [0.2, 3.0]),
    "tanh": (lambda x: x.tanh(), [0.5, -2.2]),
    "relu": (lambda x: x.relu(), [0.8, -0.6]),
    "pow 3": (lambda x: x ** 3, [1.3, -0.4]),
    "pow -0.5": (lambda x: x ** -0.5, [0.9, 2.5]),
    "constant + x": (lambda x: 2.0 + x, [0.1]),
    "constant - x": (lambda x: 2.0 - x, [0.1]),
    "constant * x": (lambda x: 2.5 * x, [0.1]),
    "constant / x": (lambda x: 2.0 / x, [0.7, -1.2]),
}
BINARY = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: x / y,
}


def _grad(f, *points):
    leaves = [Value(p) for p in points]
    out = f(*leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def _finite_difference(f, *points):
    def scalar(vector):
        return f(*(Value(v) for v in vector)).data
    return gradcheck.numerical_gradient(scalar, np.array(points, dtype=float))


@pytest.mark.parametrize("name", UNARY)
def test_unary_rules_match_finite_differences(name):
    f, points = UNARY[name]
    for point in points:
        _, (grad,) = _grad(f, point)
        assert grad == pytest.approx(_finite_difference(f, point)[0], rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("name", BINARY)
def test_binary_rules_match_finite_differences(name):
    f = BINARY[name]
    _, grads = _grad(f, 1.7, -0.6)
    np.testing.assert_allclose(grads, _finite_difference(f, 1.7, -0.6), rtol=1e-7)


def test_closed_forms():
    value, (grad,) = _grad(lambda x: x.tanh(), 0.5)
    assert value == math.tanh(0.5) and grad == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)
    _, (gx, gy) = _grad(lambda x, y: x / y, 3.0, 2.0)
    assert (gx, gy) == (0.5, -0.75)
    assert _grad(lambda x: x.relu(), 0.0)[1] == [0.0]     # the book's ReLU'(0) := 0
    assert _grad(lambda x: x.exp().log(), 1.3)[1][0] == pytest.approx(1.0, rel=1e-15)
    assert _grad(lambda x: x ** 2, -3.0)[1] == [-6.0]


def test_node_used_twice_accumulates():
    # x * x + x: both uses of x add to its gradient, 2x + 1.
    assert _grad(lambda x: x * x + x, 1.5)[1] == [4.0]
    # one intermediate node feeding two others: d/dx of tanh(x) * tanh(x) = 2 t (1 - t²).
    t = math.tanh(0.4)
    assert _grad(lambda x: (lambda a: a * a)(x.tanh()), 0.4)[1][0] == pytest.approx(2 * t * (1 - t * t))


def test_backward_twice_gives_the_same_gradients():
    x = Value(0.8)
    out = x * x.exp()
    out.backward()
    first = x.grad
    out.backward()
    assert x.grad == first == pytest.approx(math.exp(0.8) * 1.8)


def test_deep_chain_no_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0001 + 0.0
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 5000, rel=1e-10)
    assert len(autodiff.topological_order(y)) == 1 + 5000 * 4   # x, and per step 2 constants, *, +


def test_topological_order_puts_parents_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = autodiff.topological_order(d)
    assert order[-1] is d and len(order) == 4
    assert order.index(c) > max(order.index(a), order.index(b))


def _network():
    X, y = data.make_spirals(10, n_classes=3, seed=2)
    model = nn.MLP(2, hidden=(4,), n_outputs=3, activation="tanh", seed=3)
    return X, y, model


def _scalar_gradients(X, y, params):
    leaves = [autodiff.as_values(p, name) for p, name in zip(params, ["W1", "b1", "W2", "b2"],
                                                               strict=True)]
    W1, b1, W2, b2 = leaves
    loss = autodiff.mean_cross_entropy(np.tanh(X @ W1 + b1) @ W2 + b2, y)
    loss.backward()
    return loss.data, [autodiff.gradients(v) for v in leaves]


def test_same_gradients_as_hand_backpropagation():
    X, y, model = _network()
    loss, grads = _scalar_gradients(X, y, model.parameters())
    reference, d_logits = nn.softmax_cross_entropy(model.forward(X, training=True), y)
    model.backward(d_logits)
    backprop = [layer.grads[key] for layer in model.layers for key in layer.params]
    assert loss == pytest.approx(reference, rel=1e-13)
    for g, b in zip(grads, backprop, strict=True):
        np.testing.assert_allclose(g, b, rtol=1e-11, atol=1e-14)


@needs_jax
def test_same_gradients_as_jax():
    X, y, model = _network()
    params = [p.copy() for p in model.parameters()]

    def loss(params):
        W1, b1, W2, b2 = params
        logits = jnp.tanh(X @ W1 + b1) @ W2 + b2
        return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(len(y)), y])

    reference = jax.grad(loss)(params)
    _, grads = _scalar_gradients(X, y, params)
    for g, r in zip(grads, reference, strict=True):
        np.testing.assert_allclose(g, np.asarray(r), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("bad, error, phrase", [
    (float("nan"), ValueError, "finite"), (float("inf"), ValueError, "finite"),
    ("1.0", TypeError, "real number"), (True, TypeError, "real number"),
    (None, TypeError, "real number"), (np.array([1.0, 2.0]), TypeError, "as_values"),
])
def test_bad_data(bad, error, phrase):
    with pytest.raises(error, match=phrase):
        Value(bad)


def test_bad_operations_teach():
    with pytest.raises(TypeError, match="constant"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="positive"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="overflows"):
        Value(800.0).exp()
    with pytest.raises(ZeroDivisionError, match="0"):
        Value(1.0) / 0.0
    with pytest.raises(ValueError, match="integer exponent"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) + float("nan")
    with pytest.raises(TypeError, match="parents"):
        Value(1.0, parents=(2.0,))
    with pytest.raises(TypeError, match="backward"):
        Value(1.0, backward="rule")
    with pytest.raises(TypeError, match="output must be a Value"):
        autodiff.topological_order(3.0)
    with pytest.raises(TypeError, match="real numbers"):
        autodiff.as_values(np.array(["a"]), "W")
    with pytest.raises(ValueError, match="shape"):
        autodiff.mean_cross_entropy(autodiff.as_values(np.zeros(3)), np.zeros(3, dtype=int))


def test_draw_graph_labels_every_node():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    w, x = Value(-0.8, label="w"), Value(1.5, label="x")
    loss = ((w * x).tanh() - 0.2) ** 2
    loss.backward()
    ax = autodiff.draw_graph(loss)
    texts = [t.get_text() for t in ax.texts if t.get_text()]    # arrows are empty annotations
    assert len(texts) == len(autodiff.topological_order(loss)) == 7   # with the constant 0.2
    t = math.tanh(-1.2)
    assert f"tanh\n{t:.3g}\ngrad {2 * (t - 0.2):.3g}" in texts
    assert any(t.startswith("w\n-0.8\ngrad ") and f"{w.grad:.3g}" in t for t in texts)
    plt.close(ax.figure)
    big = Value(0.0)
    for _ in range(30):
        big = big + 1.0
    with pytest.raises(ValueError, match="max_nodes"):
        autodiff.draw_graph(big)
