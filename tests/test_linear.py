"""nbcode.linear against closed forms, finite differences, JAX and scikit-learn."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from nbcode import data, linear, train


@pytest.fixture
def regression():
    return data.make_regression(60, beta=(0.5, 1.5, -2.0), noise=0.3, seed=2)


@pytest.fixture
def classification():
    X, y = data.make_moons(150, noise=0.25, seed=1)
    return X, data.to_plus_minus(y)


def test_ols_gradient_matches_finite_differences(regression):
    X, y = regression
    beta = np.array([0.3, -0.2, 0.7])
    numeric = linear.numerical_gradient(lambda b: linear.ols_loss(b, X, y), beta)
    np.testing.assert_allclose(linear.ols_gradient(beta, X, y), numeric, rtol=1e-6)


def test_ols_gradient_matches_jax(regression):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    X, y = regression

    def loss(beta):
        return 0.5 * jnp.sum((y - beta[0] - X @ beta[1:]) ** 2)

    beta = np.array([0.3, -0.2, 0.7])
    np.testing.assert_allclose(linear.ols_gradient(beta, X, y), jax.grad(loss)(beta), rtol=1e-10)


def test_closed_form_matches_sklearn_and_zeroes_the_gradient(regression):
    X, y = regression
    beta = linear.ols_closed_form(X, y)
    reference = LinearRegression().fit(X, y)
    np.testing.assert_allclose(beta, np.r_[reference.intercept_, reference.coef_], rtol=1e-10)
    np.testing.assert_allclose(linear.ols_gradient(beta, X, y), 0, atol=1e-9)


def test_logistic_loss_and_gradient(classification):
    X, y = classification
    beta = np.array([0.1, -0.4, 0.9])
    o = beta[0] + X @ beta[1:]
    np.testing.assert_allclose(linear.logistic_loss(beta, X, y), np.sum(np.log1p(np.exp(-y * o))))
    numeric = linear.numerical_gradient(lambda b: linear.logistic_loss(b, X, y), beta)
    np.testing.assert_allclose(linear.logistic_gradient(beta, X, y), numeric, rtol=1e-6)


def test_sigmoid_is_stable_and_symmetric():
    o = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    s = linear.sigmoid(o)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s + linear.sigmoid(-o), 1.0)
    assert s[2] == 0.5


def test_gradient_descent_converges_below_the_bound_and_diverges_above(regression):
    X, y = regression
    n = len(X)
    X1 = linear.add_intercept(X)
    bound = 2 / np.linalg.eigvalsh(X1.T @ X1 / n).max()

    def grad(b):
        return linear.ols_gradient(b, X, y) / n

    def loss(b):
        return linear.ols_loss(b, X, y) / n

    path, losses = linear.gradient_descent(grad, np.zeros(3), 0.9 * bound, 2000, loss=loss)
    np.testing.assert_allclose(path[-1], linear.ols_closed_form(X, y), atol=1e-6)
    assert path.shape == (2001, 3)
    _, losses = linear.gradient_descent(grad, np.zeros(3), 1.05 * bound, 300, loss=loss)
    assert losses[-1] > 1e3 * losses[0]


@pytest.mark.parametrize("batch_size", [None, 8, 1])
def test_linear_regression_gd_reaches_least_squares(regression, batch_size):
    X, y = regression
    model = linear.LinearRegressionGD(learning_rate=0.05 if batch_size else 0.3, n_epochs=300,
                                      batch_size=batch_size, seed=0).fit(X, y)
    tolerance = {None: 1e-4, 8: 0.05, 1: 0.15}[batch_size]
    np.testing.assert_allclose(model.beta_, linear.ols_closed_form(X, y), atol=tolerance)
    assert len(model.history_["loss"]) == 301


def test_logistic_regression_gd_matches_unpenalised_sklearn(classification):
    X, y = classification
    model = linear.LogisticRegressionGD(learning_rate=4.0, n_epochs=2000).fit(X, y)
    reference = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(model.beta_, np.r_[reference.intercept_, reference.coef_[0]],
                               rtol=1e-4, atol=1e-4)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(np.unique(model.predict(X))) <= {-1, 1}
    assert model.score(X, y) == pytest.approx(reference.score(X, y))


def test_callbacks_receive_progress_and_can_stop(classification):
    X, y = classification
    recorder = train.Recorder(epochs=[0, 5, 10])
    seen = []

    def stop_at_7(progress):
        seen.append(progress.epoch)
        return progress.epoch == 7

    model = linear.LogisticRegressionGD(learning_rate=1.0, n_epochs=50)
    model.fit(X, y, callbacks=[recorder, stop_at_7])
    assert seen == list(range(8))
    assert [epoch for epoch, *_ in recorder.snapshots] == [0, 5]
    assert recorder.snapshots[0][1].beta_.tolist() == [0.0, 0.0, 0.0]


def test_errors_teach():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match=r"beta must have shape \(p \+ 1,\) = \(3,\)"):
        linear.ols_gradient(np.zeros(2), X, np.zeros(5))
    with pytest.raises(ValueError, match="X must be a 2-D array.*reshape"):
        linear.ols_loss(np.zeros(2), np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="same number of rows"):
        linear.ols_loss(np.zeros(3), X, np.zeros(4))
    with pytest.raises(ValueError, match=r"labels \[-1, 1\].*2 \* y - 1"):
        linear.LogisticRegressionGD().fit(X, np.array([0, 1, 0, 1, 1]))
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        linear.LinearRegressionGD(learning_rate=-1)
    with pytest.raises(RuntimeError, match="not fitted yet"):
        linear.LinearRegressionGD().predict(X)


def test_descent_path_with_sgd_is_gradient_descent():
    from nbcode import nn

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)

    def gradient(b):
        return linear.ols_gradient(b, X, y) / 20

    expected = linear.gradient_descent(gradient, [1.0, -1.0, 0.5], 0.1, 15)
    np.testing.assert_array_equal(linear.descent_path(gradient, [1.0, -1.0, 0.5], nn.SGD(0.1), 15),
                                  expected)
    path = linear.descent_path(gradient, [1.0, -1.0, 0.5], nn.Adam(0.1), 3)
    # Adam's first step is a sign step of size learning_rate in every coordinate
    np.testing.assert_allclose(np.abs(path[1] - path[0]), 0.1, rtol=1e-6)
    assert path.shape == (4, 3)
    with pytest.raises(TypeError, match=r"optimizer must be an optimiser of nbcode.nn"):
        linear.descent_path(gradient, [0.0, 0.0, 0.0], "adam", 3)
    with pytest.raises(ValueError, match=r"gradient must return an array of the shape of beta0"):
        linear.descent_path(lambda b: np.zeros(2), [0.0, 0.0, 0.0], nn.SGD(0.1), 3)


def test_linear_regression_gd_accepts_a_schedule():
    from nbcode import nn

    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(30, 1)), rng.normal(size=30)
    constant = linear.LinearRegressionGD(learning_rate=0.05, n_epochs=5, batch_size=5).fit(X, y)
    scheduled = linear.LinearRegressionGD(learning_rate=lambda step: 0.05, n_epochs=5,
                                          batch_size=5).fit(X, y)
    np.testing.assert_array_equal(constant.beta_, scheduled.beta_)
    # the schedule sees the updates of all the epochs: 6 mini-batches x 5 epochs
    steps = []

    def schedule(step):
        steps.append(step)
        return nn.StepDecay(0.05, 0.5, 6)(step)

    linear.LinearRegressionGD(learning_rate=schedule, n_epochs=5, batch_size=5).fit(X, y)
    # tried at step 0 by the model and by its optimiser when given, then once per update
    assert steps == [0, 0, *range(30)]
    with pytest.raises(ValueError, match=r"learning_rate\(0\) returned -1"):
        linear.LinearRegressionGD(learning_rate=lambda step: -1)
