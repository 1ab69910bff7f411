"""Tests of the chapter 7 checkers: right answers pass, stubs are "not done", mistakes explained."""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

from nbcode.checks import ch07  # noqa: E402


def _cnn(padding="valid", filters=16, last_activation=None, conv_activation="relu"):
    def build():
        return keras.Sequential([
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(filters, 3, padding=padding, activation=conv_activation),
            keras.layers.MaxPooling2D(2),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation=last_activation),
        ])
    return build


def test_digit_cnn_right():
    assert ch07.check_digit_cnn(_cnn())


def test_digit_cnn_functional_with_relu_layer_passes():
    def build():
        inputs = keras.Input((8, 8, 1))
        x = keras.layers.Conv2D(16, 3)(inputs)
        x = keras.layers.ReLU()(x)
        x = keras.layers.Flatten()(keras.layers.MaxPooling2D(2)(x))
        return keras.Model(inputs, keras.layers.Dense(10)(x))
    assert ch07.check_digit_cnn(build)


def test_digit_cnn_stub():
    def build():
        raise NotImplementedError("Exercise")
    result = ch07.check_digit_cnn(build)
    assert not result and result.not_done and "not done yet" in result.message


def test_digit_cnn_same_padding():
    result = ch07.check_digit_cnn(_cnn(padding="same"))
    assert not result and "padding" in result.message and "(8, 8, 16)" in result.message


def test_digit_cnn_wrong_filters():
    result = ch07.check_digit_cnn(_cnn(filters=8))
    assert not result and "8 filters" in result.message


def test_digit_cnn_softmax_output():
    result = ch07.check_digit_cnn(_cnn(last_activation="softmax"))
    assert not result and "logits" in result.message


def test_digit_cnn_missing_relu():
    result = ch07.check_digit_cnn(_cnn(conv_activation=None))
    assert not result and "ReLU" in result.message


def test_digit_cnn_not_a_model_and_none():
    assert "None" in ch07.check_digit_cnn(lambda: None).message
    assert "Keras model" in ch07.check_digit_cnn(lambda: [1, 2]).message


def test_digit_cnn_missing_layer():
    def build():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(16, 3, activation="relu"),
                                 keras.layers.Flatten(), keras.layers.Dense(10)])
    result = ch07.check_digit_cnn(build)
    assert not result and "MaxPooling2D" in result.message


class _Base(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses, self.kernel_norms = [], []


class _Right(_Base):
    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(float(logs["loss"]))
        self.kernel_norms.append(float(np.linalg.norm(self.model.layers[0].get_weights()[0])))


class _Stub(_Base):
    def on_epoch_end(self, epoch, logs=None):
        raise NotImplementedError("Exercise")


class _Squared(_Base):
    def on_epoch_end(self, epoch, logs=None):
        self.losses.append(float(logs["loss"]))
        self.kernel_norms.append(float(np.sum(self.model.layers[0].get_weights()[0] ** 2)))


class _PerBatch(_Base):
    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))
        self.kernel_norms.append(float(np.linalg.norm(self.model.layers[0].get_weights()[0])))


def test_epoch_recorder_right():
    assert ch07.check_epoch_recorder(_Right)


def test_epoch_recorder_stub():
    result = ch07.check_epoch_recorder(_Stub)
    assert not result and result.not_done


def test_epoch_recorder_squared_norm():
    result = ch07.check_epoch_recorder(_Squared)
    assert not result and "squared" in result.message


def test_epoch_recorder_per_batch():
    result = ch07.check_epoch_recorder(_PerBatch)
    assert not result and "on_epoch_end" in result.message


def test_epoch_recorder_instance_instead_of_class():
    result = ch07.check_epoch_recorder(_Right())
    assert not result and "class itself" in result.message


# ------------------------------------------------------------------ gradient norms (battery)
import jax  # noqa: E402
from battery import assert_answer, params, right, wrong  # noqa: E402


def _gradients(model, X, y, reduction="sum_over_batch_size"):
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=reduction)
    values = [v.value for v in model.trainable_variables]

    def loss(values):
        logits, _ = model.stateless_call(values, [], X)
        return loss_fn(y, logits)

    return values, jax.grad(loss)(values)


def right_norms(model, X, y):
    """jax.grad over stateless_call, the kernels' gradients (2-D), their Frobenius norms."""
    _, grads = _gradients(model, X, y)
    return np.array([float(np.linalg.norm(g)) for g in grads if g.ndim == 2])


def keras_ops_norms(model, X, y):
    """The same with keras.ops and the variables' paths (a right answer in another style)."""
    _, grads = _gradients(model, X, y)
    paths = [v.path for v in model.trainable_variables]
    return [keras.ops.sqrt(keras.ops.sum(g ** 2)) for g, p in zip(grads, paths, strict=True)
            if p.endswith("kernel")]


def trains_the_model(model, X, y):
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X, y, epochs=1, verbose=0)
    return right_norms(model, X, y)


GRADIENT_NORM_CASES = [
    right("keras.ops and the variables' paths", keras_ops_norms),
    right("a list of floats", lambda *a: [float(v) for v in right_norms(*a)]),
    wrong("reverse order", lambda *a: right_norms(*a)[::-1], "reverse order"),
    wrong("summed loss", lambda m, X, y: np.array([
        np.linalg.norm(g) for g in _gradients(m, X, y, reduction="sum")[1] if g.ndim == 2]),
        "n times too large"),
    wrong("squared norms", lambda *a: right_norms(*a) ** 2, "squared"),
    wrong("norms of the kernels", lambda m, X, y: np.array(
        [np.linalg.norm(v) for v in _gradients(m, X, y)[0] if v.ndim == 2]), "kernels themselves"),
    wrong("largest entry", lambda m, X, y: np.array(
        [np.abs(g).max() for g in _gradients(m, X, y)[1] if g.ndim == 2]), "largest absolute"),
    wrong("biases included", lambda m, X, y: np.array(
        [np.linalg.norm(g) for g in _gradients(m, X, y)[1]]), "biases"),
    wrong("biases only", lambda m, X, y: np.array(
        [np.linalg.norm(g) for g in _gradients(m, X, y)[1] if g.ndim == 1]), "biases' gradients"),
    wrong("hidden layers only", lambda *a: right_norms(*a)[:-1], "last layer"),
    wrong("first layer only", lambda *a: right_norms(*a)[:1], "shape"),
    wrong("trains the model first", trains_the_model, "changed the model's weights"),
    right("softmax, then the loss of probabilities (the same function)", lambda m, X, y: np.array([
        np.linalg.norm(g) for g in jax.grad(lambda v: keras.losses.SparseCategoricalCrossentropy()(
            y, keras.ops.softmax(m.stateless_call(v, [], X)[0])))(
                [v.value for v in m.trainable_variables]) if g.ndim == 2])),
]


@pytest.mark.parametrize("answer", params(right_norms, GRADIENT_NORM_CASES))
def test_kernel_gradient_norms_battery(answer):
    assert_answer(ch07.check_kernel_gradient_norms, answer)


def test_numpy_backpropagation_is_jax():
    """The checker's float64 numpy reference agrees with JAX on its own models."""
    X, y = ch07._gradient_batch()
    for activation, init, seed in ch07.GRADIENT_NORM_MODELS:
        model = ch07._deep_mlp(activation, init, seed)
        values, grads = _gradients(model, X, y)
        weights = [np.asarray(v) for v in values]
        ours = ch07._numpy_kernel_gradients(weights, activation, X, y)
        biases = ch07._numpy_bias_gradients(weights, activation, X, y)
        # float32 (JAX) against float64 (numpy): relative to each gradient's size
        assert all(np.allclose(a, np.asarray(g), rtol=1e-4, atol=1e-5 * np.abs(a).max())
                   for a, g in zip(ours + biases, grads[0::2] + grads[1::2], strict=True))


def test_gradient_norm_models_differ_and_mistakes_never_coincide():
    """One model vanishes towards the input, another does not; no mistake is the right answer."""
    X, y = ch07._gradient_batch()
    ratios = []
    for activation, init, seed in ch07.GRADIENT_NORM_MODELS:
        weights = ch07._deep_mlp(activation, init, seed).get_weights()
        norms = ch07._norms(ch07._numpy_kernel_gradients(weights, activation, X, y))
        ratios.append(norms[0] / norms[-1])
        values = [wrong_(weights, activation, X, y) for wrong_, _ in ch07.GRADIENT_NORM_MISTAKES]
        for k, first in enumerate(values):
            assert np.shape(first) != np.shape(norms) or not np.allclose(first, norms, rtol=1e-3)
            for second in values[k + 1:]:
                assert np.shape(first) != np.shape(second) or not np.allclose(first, second,
                                                                              rtol=1e-3)
    assert min(ratios) < 1e-3 and max(ratios) > 0.5
