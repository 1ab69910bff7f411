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
