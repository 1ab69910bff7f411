"""Every model trains through nbcode.train.fit: each against its update written out by hand.

The hand-written loops below are the estimators' definitions (chapters 1-2 and 4): same
shuffling (numpy's Generator from the model's seed), same updates. The library must give
the same numbers, up to the rounding of a different order of floating-point operations.
"""

import numpy as np
import pytest

from nbcode import data, linear, nn, train
from nbcode.neuron import Neuron, Perceptron


def batches(n, batch_size, rng):
    """The mini-batches of one epoch, written out: a permutation cut into pieces."""
    if batch_size is None or batch_size >= n:
        return [np.arange(n)]
    order = rng.permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


@pytest.fixture
def regression():
    return data.make_regression(45, beta=(0.5, 1.5, -2.0), noise=0.3, seed=3)


@pytest.mark.parametrize("batch_size", [None, 7, 1])
def test_linear_regression_is_gradient_descent_on_the_mean_squared_loss(regression, batch_size):
    X, y = regression
    beta, rng = np.zeros(3), np.random.default_rng(4)
    for _ in range(20):
        for b in batches(len(X), batch_size, rng):
            beta = beta - 0.03 * linear.ols_gradient(beta, X[b], y[b]) / len(b)
    model = linear.LinearRegressionGD(learning_rate=0.03, n_epochs=20, batch_size=batch_size,
                                      seed=4).fit(X, y)
    np.testing.assert_allclose(model.beta_, beta, rtol=1e-12, atol=1e-14)
    assert model.history_["loss"][-1] == pytest.approx(linear.ols_loss(beta, X, y) / len(X),
                                                       rel=1e-12)


def test_linear_regression_is_a_one_layer_network_of_the_engine(regression):
    X, y = regression
    model = linear.LinearRegressionGD(n_epochs=5).fit(X, y)
    (dense,) = model.network_.layers
    assert isinstance(dense, nn.Dense) and (dense.n_in, dense.n_out) == (2, 1)
    np.testing.assert_array_equal(model.beta_, np.r_[dense.params["b"], dense.params["W"][:, 0]])
    np.testing.assert_allclose(model.network_.forward(X)[:, 0], model.predict(X), rtol=1e-15)
    model.beta_ = [1.0, 2.0, 3.0]  # setting beta_ sets the layer's parameters
    np.testing.assert_allclose(model.predict(X), 1.0 + X @ [2.0, 3.0], rtol=1e-15)


def test_logistic_regression_is_gradient_descent_on_the_mean_log_likelihood():
    X, y01 = data.make_moons(80, noise=0.3, seed=5)
    y = data.to_plus_minus(y01)
    beta, rng = np.zeros(3), np.random.default_rng(0)
    for _ in range(30):
        for b in batches(len(X), 16, rng):
            beta = beta - 2.0 * linear.logistic_gradient(beta, X[b], y[b]) / len(b)
    model = linear.LogisticRegressionGD(learning_rate=2.0, n_epochs=30, batch_size=16).fit(X, y)
    np.testing.assert_allclose(model.beta_, beta, rtol=1e-12, atol=1e-14)


def test_neuron_fit_is_its_backward_pass_plugged_into_the_loop():
    X, y = data.make_moons(60, noise=0.3, seed=6)
    rng = np.random.default_rng(1)
    beta = np.concatenate([[0.0], 0.1 * rng.standard_normal(2)])  # Neuron's initialisation
    for _ in range(15):
        for b in batches(len(X), 10, rng):
            beta = beta - 0.5 * _neuron_gradient(beta, X[b], y[b]) / len(b)
    model = Neuron("tanh", learning_rate=0.5, n_epochs=15, batch_size=10, seed=1).fit(X, y)
    np.testing.assert_allclose(model.beta_, beta, rtol=1e-12, atol=1e-14)
    assert model.history_["updates"] == [6.0 * e for e in range(16)]


def _neuron_gradient(beta, X, y):
    o = beta[0] + X @ beta[1:]
    delta = -(y - np.tanh(o)) * (1 - np.tanh(o) ** 2)
    return np.concatenate([[delta.sum()], X.T @ delta])


def test_perceptron_keeps_only_its_rule_and_the_loop_counts_visits():
    X, y01 = data.make_blobs(n_samples=40, seed=2)
    y = data.to_plus_minus(y01)
    beta, rng, mistakes = np.zeros(3), np.random.default_rng(3), []
    for _ in range(50):  # Rosenblatt's rule, written out
        mistakes.append(0)
        for (i,) in batches(len(X), 1, rng):
            if y[i] * (beta[0] + X[i] @ beta[1:]) <= 0:
                beta = beta + y[i] * np.r_[1.0, X[i]]
                mistakes[-1] += 1
        if mistakes[-1] == 0:
            break
    steps, recorder = [], train.Recorder(epochs=[0])
    model = Perceptron(n_epochs=50, seed=3).fit(X, y, callbacks=[lambda p: steps.append(p.step),
                                                                 recorder])
    assert "epochs=0, converged=False" in repr(recorder.snapshots[0][1])  # a snapshot mid-fit
    np.testing.assert_array_equal(model.beta_, beta)
    assert model.mistakes_ == mistakes and model.converged_ == (mistakes[-1] == 0)
    assert len(model.path_) - 1 == sum(mistakes)
    assert steps == [len(X) * e for e in range(len(mistakes) + 1)]  # examples visited


def test_gradient_descent_on_a_quadratic_follows_its_closed_form():
    # f(beta) = 1/2 a beta^2, so beta_t = (1 - eta a)^t beta_0.
    a, eta = 3.0, 0.1
    path = linear.gradient_descent(lambda b: a * b, [2.0, -1.0], eta, 25)
    expected = (1 - eta * a) ** np.arange(26)[:, None] * np.array([2.0, -1.0])
    np.testing.assert_allclose(path, expected, rtol=1e-13)


def test_sequential_update_rule_is_one_gradient_step_of_fit():
    # Dense(2, 1) from zero weights, squared loss: one full-batch SGD step is
    # W <- -eta X^T (0 - y) / n, b <- -eta sum(0 - y) / n.
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(9, 2)), rng.normal(size=9)
    net = nn.Sequential([nn.Dense(2, 1, init="zeros")])
    update = net.update_rule(X, y, loss="squared", optimizer=nn.SGD(0.2))
    batch_loss = update(np.arange(9))
    np.testing.assert_allclose(net[0].params["W"][:, 0], 0.2 * X.T @ y / 9, rtol=1e-14)
    np.testing.assert_allclose(net[0].params["b"], [0.2 * y.mean()], rtol=1e-14)
    assert batch_loss == pytest.approx(0.5 * np.mean(y ** 2), rel=1e-14)
    fitted = nn.Sequential([nn.Dense(2, 1, init="zeros")])
    fitted.fit(X, y, epochs=1, batch_size=None, loss="squared", optimizer=nn.SGD(0.2))
    np.testing.assert_array_equal(fitted[0].params["W"], net[0].params["W"])


def test_every_model_reports_through_the_same_progress():
    X, y01 = data.make_moons(30, noise=0.2, seed=8)
    y = data.to_plus_minus(y01)
    models = {
        "LinearRegressionGD": (linear.LinearRegressionGD(n_epochs=3), y.astype(float)),
        "LogisticRegressionGD": (linear.LogisticRegressionGD(n_epochs=3), y),
        "Neuron": (Neuron(n_epochs=3), y01),
        "Perceptron": (Perceptron(n_epochs=3), y),
    }
    for name, (model, target) in models.items():
        seen = []
        model.fit(X, target, callbacks=[seen.append])
        assert all(isinstance(p, train.Progress) and p.model is model for p in seen), name
        assert [p.epoch for p in seen] == list(range(len(seen))), name
    seen = []
    net = nn.MLP(2, (4,), seed=0)
    net.fit(X, y01, epochs=3, callbacks=[seen.append])
    assert [p.epoch for p in seen] == [0, 1, 2, 3] and seen[-1].model is net
