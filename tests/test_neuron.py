"""nbcode.neuron: the single neuron's gradient (finite differences, jax.grad), its training loops,
Rosenblatt's perceptron (converges on separable data, never on XOR) and input validation."""

import copy

import numpy as np
import pytest
from optional_jax import jax, jnp, needs_jax

from nbcode import data, linear, train
from nbcode.neuron import Neuron, Perceptron, draw_neuron, neuron_gradient, squared_loss

JAX_ACTIVATIONS = {} if jax is None else {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh,
                                          "relu": jax.nn.relu, "identity": lambda o: o}


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = rng.choice([0.0, 1.0], size=30)
    beta = rng.normal(size=4)
    return beta, X, y


def separable(seed=1):
    X, y = data.make_blobs(n_samples=100, spread=0.6, radius=1.5, seed=seed)
    return X + np.array([3.0, 2.0]), y


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
def test_gradient_matches_finite_differences(problem, activation):
    beta, X, y = problem
    numeric = linear.numerical_gradient(lambda b: squared_loss(b, X, y, activation), beta)
    np.testing.assert_allclose(neuron_gradient(beta, X, y, activation), numeric, rtol=1e-5, atol=1e-7)


@needs_jax
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "identity"])
def test_gradient_matches_jax_grad(problem, activation):
    beta, X, y = problem
    f = JAX_ACTIVATIONS[activation]

    def loss(b):
        return 0.5 * jnp.sum((y - f(b[0] + X @ b[1:])) ** 2)

    np.testing.assert_allclose(neuron_gradient(beta, X, y, activation), np.asarray(jax.grad(loss)(beta)),
                               rtol=1e-10, atol=1e-12)


def test_forward_backward_agree_with_the_functions(problem):
    beta, X, y = problem
    neuron = Neuron("tanh")
    neuron.beta_ = beta
    a = neuron.forward(X)
    assert a.shape == (30,)
    np.testing.assert_allclose(neuron.cache_["o"], beta[0] + X @ beta[1:])
    grads = neuron.backward(y)
    assert set(grads) == {"delta", "beta_0", "beta"}
    assert grads["delta"].shape == (30,) and grads["beta"].shape == (3,)
    np.testing.assert_allclose(np.r_[grads["beta_0"], grads["beta"]], neuron_gradient(beta, X, y, "tanh"))
    np.testing.assert_allclose(neuron.gradient(X, y), neuron_gradient(beta, X, y, "tanh"))


def test_step_and_relu_at_zero_have_zero_gradient(problem):
    beta, X, y = problem
    assert np.all(neuron_gradient(beta, X, y, "step") == 0)
    assert np.all(neuron_gradient(np.zeros(4), X, y, "relu") == 0)   # ReLU'(0) := 0


@pytest.mark.parametrize("batch_size", [None, 10, 1])
def test_fit_decreases_the_loss_and_counts_updates(batch_size):
    X, y = separable()
    model = Neuron("sigmoid", learning_rate=0.5, n_epochs=20, batch_size=batch_size, seed=0).fit(X, y)
    losses = model.history_["loss"]
    assert len(losses) == 21 and losses[-1] < 0.5 * losses[0]
    per_epoch = {None: 1, 10: 10, 1: 100}[batch_size]
    assert model.history_["updates"][-1] == 20 * per_epoch
    assert model.score(X, y) >= 0.9
    proba = model.predict_proba(X)
    assert proba.shape == (100, 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(np.unique(model.predict(X))) <= {0, 1}


def test_fit_is_deterministic_and_calls_back_with_snapshots():
    X, y = separable()
    recorder = train.Recorder(epochs=[0, 5, 10])
    first = Neuron("relu", learning_rate=0.05, n_epochs=10, batch_size=10, seed=3).fit(
        X, y, callbacks=[recorder])
    second = Neuron("relu", learning_rate=0.05, n_epochs=10, batch_size=10, seed=3).fit(X, y)
    np.testing.assert_array_equal(first.beta_, second.beta_)
    assert [s[0] for s in recorder.snapshots] == [0, 5, 10]
    assert not np.array_equal(recorder.snapshots[0][1].beta_, first.beta_)


def test_early_stopping_protocol():
    X, y = separable()
    model = Neuron("sigmoid", n_epochs=5).fit(X, y)
    params = copy.deepcopy(model.get_params())
    model.beta_ = model.beta_ * 0
    model.set_params(params)
    np.testing.assert_array_equal(model.beta_, params["beta"])


def test_neuron_validation_errors():
    X, y = separable()
    with pytest.raises(ValueError, match="activation must be one of"):
        Neuron("softplus")
    with pytest.raises(ValueError, match="learning_rate"):
        Neuron(learning_rate=-1.0)
    with pytest.raises(TypeError, match="batch_size"):
        Neuron(batch_size=2.5)
    with pytest.raises(RuntimeError, match="call fit"):
        Neuron().predict(X)
    with pytest.raises(ValueError, match="same number of rows"):
        Neuron().fit(X, y[:-1])
    with pytest.raises(ValueError, match="2-D"):
        Neuron().fit(X[:, 0], y)
    model = Neuron(n_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="2 features"):
        model.predict(np.ones((3, 3)))
    with pytest.raises(RuntimeError, match="forward"):
        Neuron().backward(y)
    with pytest.raises(ValueError, match="p \\+ 1"):
        neuron_gradient(np.zeros(2), X, y)


def test_perceptron_converges_on_separable_data_within_novikoff_bound():
    X, y01 = separable()
    y = data.to_plus_minus(y01)
    model = Perceptron(n_epochs=100, seed=0).fit(X, y)
    assert model.converged_ and model.mistakes_[-1] == 0
    assert model.score(X, y) == 1.0 and model.error_rate(X, y) == 0.0
    n_updates = len(model.path_) - 1
    assert n_updates == sum(model.mistakes_) and model.seen_.shape == (n_updates + 1,)
    np.testing.assert_array_equal(model.path_[-1], model.beta_)
    # Novikoff: updates <= (R / gamma)^2 for any separating unit vector u (here the final beta).
    X_tilde = linear.add_intercept(X)
    u = model.beta_ / np.linalg.norm(model.beta_)
    gamma = (y * (X_tilde @ u)).min()
    assert gamma > 0
    assert n_updates <= (np.linalg.norm(X_tilde, axis=1).max() / gamma) ** 2


def test_perceptron_never_converges_on_xor():
    X, y01 = data.make_xor(n_samples=100, seed=0)
    model = Perceptron(n_epochs=50, seed=0).fit(X, data.to_plus_minus(y01))
    assert not model.converged_
    assert len(model.mistakes_) == 50 and min(model.mistakes_) > 0


def test_perceptron_learning_rate_only_rescales_beta():
    X, y01 = separable()
    y = data.to_plus_minus(y01)
    one = Perceptron(learning_rate=1.0, seed=0).fit(X, y)
    tenth = Perceptron(learning_rate=0.1, seed=0).fit(X, y)
    np.testing.assert_allclose(tenth.beta_, 0.1 * one.beta_)
    assert one.mistakes_ == tenth.mistakes_


def test_perceptron_validation_errors():
    X, y01 = separable()
    with pytest.raises(ValueError, match="2 \\* y - 1"):
        Perceptron().fit(X, y01)
    with pytest.raises(RuntimeError, match="not fitted"):
        Perceptron().predict(X)
    with pytest.raises(ValueError, match="n_epochs"):
        Perceptron(n_epochs=0)
    model = Perceptron().fit(X, data.to_plus_minus(y01))
    assert set(np.unique(model.predict(X))) <= {-1, 1}
    assert model.predict_proba(X).shape == (100, 2)
    assert "converged=True" in repr(model)


def test_draw_neuron_makes_a_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    draw_neuron(ax, n_inputs=4)
    assert len(ax.texts) > 8
    plt.close(fig)


# -- the cross-entropy loss ---------------------------------------------------------------
def test_cross_entropy_gradient_matches_finite_differences_and_the_closed_form(problem):
    from nbcode.gradcheck import numerical_gradient
    from nbcode.neuron import cross_entropy_loss

    beta, X, y = problem
    ours = neuron_gradient(beta, X, y, "sigmoid", loss="cross_entropy")
    numeric = numerical_gradient(lambda b: cross_entropy_loss(b, X, y), beta.copy())
    np.testing.assert_allclose(ours, numeric, rtol=1e-6, atol=1e-8)
    # delta_i = a_i - y_i: the squared loss's delta divided by the saturation factor a (1 - a)
    a = 1 / (1 + np.exp(-(beta[0] + X @ beta[1:])))
    np.testing.assert_allclose(ours, linear.add_intercept(X).T @ (a - y), rtol=1e-12)
    neuron = Neuron("sigmoid", loss="cross_entropy")
    neuron.beta_ = beta
    np.testing.assert_allclose(neuron.gradient(X, y), ours, rtol=1e-12)


@needs_jax
def test_cross_entropy_gradient_matches_jax_grad(problem):
    beta, X, y = problem

    def loss(b):
        a = jax.nn.sigmoid(b[0] + X @ b[1:])
        return -jnp.sum(y * jnp.log(a) + (1 - y) * jnp.log(1 - a))

    np.testing.assert_allclose(neuron_gradient(beta, X, y, loss="cross_entropy"),
                               np.asarray(jax.grad(loss)(beta)), rtol=1e-10, atol=1e-12)


def test_cross_entropy_is_the_bernoulli_negative_log_likelihood(problem):
    from scipy.stats import bernoulli
    from sklearn.metrics import log_loss

    from nbcode.neuron import cross_entropy_loss

    beta, X, y = problem
    neuron = Neuron("sigmoid", loss="cross_entropy")
    neuron.beta_ = beta
    a = neuron.forward(X)
    mean = neuron.loss(X, y)
    np.testing.assert_allclose(mean, -np.mean(bernoulli.logpmf(y, a)), rtol=1e-12)
    np.testing.assert_allclose(mean, log_loss(y, a), rtol=1e-12)
    # chapter 1's logistic loss with labels t = 2 y - 1 is the same sum
    np.testing.assert_allclose(cross_entropy_loss(beta, X, y),
                               linear.logistic_loss(beta, X, 2 * y - 1), rtol=1e-12)
    assert np.isfinite(cross_entropy_loss(np.array([800.0, 0, 0, 0]), X, np.zeros(30)))


def test_cross_entropy_trains_a_confidently_wrong_neuron_faster_than_the_squared_loss():
    X, y = separable()
    start = -Neuron("sigmoid", n_epochs=40, batch_size=1).fit(X, y).beta_   # every point wrong
    assert np.all((linear.add_intercept(X) @ start >= 0) != y)
    runs = {loss: Neuron("sigmoid", learning_rate=0.5, n_epochs=400, loss=loss).fit(X, y, beta0=start)
            for loss in ("squared", "cross_entropy")}
    assert runs["cross_entropy"].score(X, y) >= 0.95
    assert runs["squared"].score(X, y) <= 0.5          # stuck on the plateau of saturated points
    g_squared = np.linalg.norm(neuron_gradient(start, X, y, loss="squared"))
    g_cross_entropy = np.linalg.norm(neuron_gradient(start, X, y, loss="cross_entropy"))
    assert g_cross_entropy > 50 * g_squared


def test_loss_is_validated_and_the_squared_default_is_unchanged(problem):
    beta, X, y = problem
    with pytest.raises(ValueError, match="loss must be one of"):
        Neuron(loss="hinge")
    with pytest.raises(ValueError, match="needs activation 'sigmoid'"):
        Neuron("tanh", loss="cross_entropy")
    with pytest.raises(ValueError, match="needs activation 'sigmoid'"):
        neuron_gradient(beta, X, y, "relu", loss="cross_entropy")
    with pytest.raises(ValueError, match="labels in \\[0, 1\\]"):
        Neuron(loss="cross_entropy").fit(X, 2 * y - 1)
    np.testing.assert_array_equal(neuron_gradient(beta, X, y, "tanh"),
                                  neuron_gradient(beta, X, y, "tanh", loss="squared"))
    assert "loss='cross_entropy'" in repr(Neuron(loss="cross_entropy"))
    assert "loss=" not in repr(Neuron())
