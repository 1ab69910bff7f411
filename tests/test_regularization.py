"""nbcode.regularization: penalties, their gradients, soft-thresholding, the L1 callback."""

import numpy as np
import pytest

from nbcode import data
from nbcode import regularization as reg
from nbcode.nn import MLP


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(40, noise=0.3, seed=0)


def test_penalty_counts_weights_not_biases():
    model = MLP(2, (3,), seed=0)
    for layer in model.layers:
        if "b" in layer.params:
            layer.params["b"][:] = 5.0
    w = reg.flat_weights(model)
    assert w.shape == (2 * 3 + 3 * 1,)
    assert np.isclose(reg.penalty(model, l2=0.4), 0.2 * np.dot(w, w))
    assert np.isclose(reg.penalty(model, l1=0.3), 0.3 * np.abs(w).sum())


def test_penalized_gradient_matches_finite_differences(moons):
    X, y = moons
    model = MLP(2, (5,), activation="tanh", seed=1)
    grads = reg.penalized_gradient(model, X, y, l2=0.3, l1=0.05)
    entries = [(0, "W", (1, 2)), (0, "b", (3,)), (2, "W", (4, 0)), (2, "b", (0,))]
    numeric = reg.numerical_gradient_entries(model, X, y, entries, l2=0.3, l1=0.05)
    analytic = np.array([grads[i][k][idx] for i, k, idx in entries])
    assert np.allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def test_penalized_gradient_refuses_dropout(moons):
    X, y = moons
    with pytest.raises(ValueError, match="Dropout"):
        reg.penalized_gradient(MLP(2, (4,), dropout=0.5), X, y)


def test_fit_l2_step_is_weight_decay(moons):
    X, y = moons
    model = MLP(2, (4,), seed=2)
    before = [w.copy() for w in reg.penalized_weights(model)]
    grads = reg.penalized_gradient(model, X, y)
    model.fit(X, y, epochs=1, batch_size=None, optimizer="sgd", learning_rate=0.1, l2=0.5)
    after = reg.penalized_weights(model)
    data_grads = [g["W"] for g in grads if "W" in g]
    for w0, w1, g in zip(before, after, data_grads, strict=True):
        assert np.allclose(w1, (1 - 0.1 * 0.5) * w0 - 0.1 * g)


def test_soft_threshold():
    w = np.array([-2.0, -0.1, 0.0, 0.05, 1.0])
    assert np.allclose(reg.soft_threshold(w, 0.1), [-1.9, 0.0, 0.0, 0.0, 0.9])
    with pytest.raises(ValueError):
        reg.soft_threshold(w, -1.0)


def test_subgradient_callback_gives_no_exact_zeros(moons):
    X, y = moons
    model = MLP(2, (8,), seed=3)
    model.fit(X, y, epochs=50, batch_size=None, optimizer="sgd", learning_rate=0.5,
              callbacks=[reg.SubgradientL1(0.01, 0.5)])
    assert np.count_nonzero(reg.flat_weights(model) == 0) == 0
    prox = MLP(2, (8,), seed=3).fit(X, y, epochs=50, batch_size=None, optimizer="sgd",
                                    learning_rate=0.5, l1=0.01)
    assert np.count_nonzero(reg.flat_weights(prox) == 0) > 0


def test_regularization_path_and_table(moons):
    X, y = moons
    path = reg.regularization_path(
        lambda lam: MLP(2, (4,), seed=0), [0.0, 0.1],
        lambda m, lam: m.fit(X, y, epochs=5, batch_size=None, l2=lam), X_val=X, y_val=y, X=X, y=y)
    assert len(path["models"]) == 2 and path["val_accuracy"].shape == (2,)
    table = reg.accuracy_table({"none": (1.0, 0.5, 0.25)})
    assert "100.0%" in table and "25.0%" in table
    with pytest.raises(ValueError):
        reg.accuracy_table({"bad": (1.0,)})


def test_rbf_features_shape_and_values():
    Phi = reg.rbf_features(np.array([[0.0], [0.5]]), np.array([0.0, 0.5, 1.0]), 0.5)
    assert Phi.shape == (2, 3)
    np.testing.assert_allclose(Phi[0], np.exp(-0.5 * np.array([0.0, 1.0, 4.0])))
    with pytest.raises(ValueError, match="one feature"):
        reg.rbf_features(np.zeros((3, 2)), np.zeros(2), 1.0)


def test_ridge_path_is_sklearn_ridge_with_alpha_n_lambda():
    from sklearn.linear_model import Ridge
    X, y = data.make_curve(40, seed=2)
    Phi = reg.rbf_features(X, np.linspace(-1, 1, 8), 0.3)
    lambdas = np.array([1e-4, 1e-2, 1.0])
    W, b = reg.ridge_path(Phi, y, lambdas)
    for lam, w, intercept in zip(lambdas, W, b, strict=True):
        ridge = Ridge(alpha=len(y) * lam, solver="cholesky").fit(Phi, y)
        np.testing.assert_allclose(w, ridge.coef_, rtol=1e-9, atol=1e-12)
        assert np.isclose(intercept, ridge.intercept_, rtol=1e-9)
    # the gradient of the chapter's objective vanishes (intercept unpenalised)
    residual = y - b[1] - Phi @ W[1]
    np.testing.assert_allclose(-Phi.T @ residual / len(y) + 1e-2 * W[1], 0.0, atol=1e-12)
    assert abs(residual.mean()) < 1e-12
    with pytest.raises(ValueError, match="lambdas must be >= 0"):
        reg.ridge_path(Phi, y, [-1.0])


def test_bias_variance_decomposes_the_error():
    centres = np.linspace(-1, 1, 10)
    X_test = np.linspace(-1, 1, 21)[:, None]
    result = reg.bias_variance(lambda s: data.make_curve(25, 0.3, seed=s), data.curve,
                               lambda X: reg.rbf_features(X, centres, 0.2), [1e-4, 1e-1, 10.0],
                               X_test, noise=0.3, n_draws=200, seed=7)
    np.testing.assert_allclose(result["bias2"] + result["variance"], result["error_about_truth"],
                               rtol=1e-12)
    total = result["bias2"] + result["variance"] + result["noise2"]
    assert np.all(np.abs(result["error"] / total - 1) < 4 * result["error_se"] + 0.01)
    assert result["bias2"][2] > result["bias2"][0] and result["variance"][0] > result["variance"][2]
    # a huge penalty predicts the training mean: the bias is that of a constant
    assert result["bias2"][2] > 0.3
