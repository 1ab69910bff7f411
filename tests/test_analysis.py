"""nbcode.analysis: hidden representations, input gradients, FGSM, activations across depth."""

import numpy as np
import pytest

from nbcode import analysis, data, gradcheck
from nbcode.nn import MLP, softmax_cross_entropy


@pytest.fixture(scope="module")
def spirals_model():
    X, y = data.make_spirals(150, 3, seed=0)
    model = MLP(2, (16, 2), 3, activation="tanh", init="glorot", seed=0)
    model.fit(X, y, epochs=30, optimizer="adam", learning_rate=0.01)
    return model, X, y


def test_hidden_representation_feeds_the_output_layer(spirals_model):
    model, X, y = spirals_model
    H = analysis.hidden_representation(model, X)
    assert H.shape == (len(X), 2)
    np.testing.assert_allclose(analysis.output_logits_from_hidden(model, H), model.forward(X))
    assert analysis.hidden_representation(model, X, layer=0) is not None


def test_hidden_representation_needs_a_hidden_layer():
    with pytest.raises(ValueError, match="no hidden layer"):
        analysis.hidden_representation(MLP(2, (), 3), np.zeros((3, 2)))
    with pytest.raises(TypeError, match="Sequential"):
        analysis.hidden_representation("model", np.zeros((3, 2)))


def test_input_gradient_matches_finite_differences(spirals_model):
    model, X, y = spirals_model
    X, y = X[:5], y[:5]
    grad = analysis.input_gradient(model, X, y)

    def summed_loss(Z):
        return softmax_cross_entropy(model.forward(Z), y)[0] * len(Z)

    eps = 1e-6
    numeric = np.zeros_like(X)
    for pos in np.ndindex(X.shape):
        up, down = X.copy(), X.copy()
        up[pos] += eps
        down[pos] -= eps
        numeric[pos] = (summed_loss(up) - summed_loss(down)) / (2 * eps)
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8)


def test_input_gradient_binary_model():
    X, y = data.make_moons(50, seed=0)
    model = MLP(2, (8,), 2, seed=0).fit(X, y, epochs=5)
    assert analysis.input_gradient(model, X, y).shape == X.shape
    with pytest.raises(ValueError, match="one label per row"):
        analysis.input_gradient(model, X, y[:3])


def test_fgsm_moves_each_pixel_by_epsilon_and_raises_the_loss(spirals_model):
    model, X, y = spirals_model
    X01 = (X + 1.5) / 3  # in [0, 1], like image pixels
    adversarial = analysis.fgsm(model, X01, y, 0.05, clip=None)
    np.testing.assert_allclose(np.abs(adversarial - X01), 0.05)
    before = softmax_cross_entropy(model.forward(X01), y)[0]
    after = softmax_cross_entropy(model.forward(adversarial), y)[0]
    assert after > before
    clipped = analysis.fgsm(model, X01, y, 2.0)
    assert clipped.min() >= 0 and clipped.max() <= 1
    np.testing.assert_array_equal(analysis.fgsm(model, X01, y, 0.0), X01)
    with pytest.raises(TypeError):
        analysis.fgsm(model, X01, y, "big")


def test_activations_across_depth():
    tanh = analysis.activations_across_depth(5, 64, "tanh", "glorot", n_samples=100)
    assert len(tanh) == 5 and tanh[0].shape == (100, 64)
    small = analysis.activations_across_depth(5, 64, "tanh", "normal", scale=0.01, n_samples=100)
    assert small[-1].std() < 1e-4 * small[0].std()  # vanishes
    relu_he = analysis.activations_across_depth(10, 128, "relu", "he", n_samples=200)
    ratio = np.mean(relu_he[-1] ** 2) / np.mean(relu_he[0] ** 2)
    assert 0.3 < ratio < 3  # He keeps the scale
    zeros = analysis.activations_across_depth(3, 16, "tanh", "zeros", n_samples=10)
    assert np.all(zeros[-1] == 0)


def test_numerical_gradients_restore_and_agree():
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    b = np.array([0.1, 0.2])
    grads = gradcheck.numerical_gradients(lambda: float(np.sum(W ** 2) + np.sum(3 * b)), [W, b])
    np.testing.assert_allclose(grads[0], 2 * W, rtol=1e-6)
    np.testing.assert_allclose(grads[1], [3.0, 3.0], rtol=1e-6)
    np.testing.assert_array_equal(W, [[1.0, -2.0], [0.5, 3.0]])
