"""Activations: values, derivatives against finite differences, the registry's errors."""

import numpy as np
import pytest
from scipy.special import expit

from nbcode.nn import (
    ACTIVATIONS,
    LeakyReLU,
    get_activation,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    step,
    tanh,
)

# Points away from 0, where ReLU, leaky ReLU and step have a kink.
O = np.array([-3.0, -1.2, -0.3, 0.2, 0.7, 2.5])


def central_difference(f, o, h=1e-6):
    return (f(o + h) - f(o - h)) / (2 * h)


@pytest.mark.parametrize("activation", [identity, sigmoid, tanh, relu, leaky_relu, step])
def test_derivative_matches_central_differences(activation):
    numeric = central_difference(activation.value, O)
    np.testing.assert_allclose(activation.derivative(O), numeric, rtol=1e-6, atol=1e-9)


def test_values_against_closed_forms():
    np.testing.assert_allclose(sigmoid.value(O), expit(O), rtol=1e-15)
    np.testing.assert_allclose(tanh.value(O), np.tanh(O))
    np.testing.assert_array_equal(relu.value(O), [0, 0, 0, 0.2, 0.7, 2.5])
    np.testing.assert_array_equal(step.value([-1.0, 0.0, 2.0]), [0, 1, 1])
    np.testing.assert_allclose(leaky_relu.value([-2.0, 3.0]), [-0.02, 3.0])
    np.testing.assert_array_equal(identity.value(O), O)


def test_sigmoid_derivative_is_f_times_one_minus_f():
    a = sigmoid.value(O)
    np.testing.assert_allclose(sigmoid.derivative(O), a * (1 - a))
    assert sigmoid.derivative(0.0) == pytest.approx(0.25)


def test_tanh_derivative_is_one_minus_f_squared():
    np.testing.assert_allclose(tanh.derivative(O), 1 - np.tanh(O) ** 2)


def test_sigmoid_is_numerically_stable():
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # overflow would raise
        a = sigmoid.value(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
    assert a[0] == 0.0 and a[-1] == 1.0 and a[2] == 0.5
    assert a[1] == pytest.approx(np.exp(-40.0), rel=1e-12)  # tiny but not rounded to 0


def test_kink_conventions():
    assert relu.derivative(np.array([0.0]))[0] == 0.0  # ReLU'(0) := 0
    assert np.all(step.derivative(np.array([-1.0, 0.0, 1.0])) == 0.0)  # no gradient signal
    assert relu.backward(np.array([0.0, 1.0]), np.array([5.0, 5.0])).tolist() == [0.0, 5.0]


def test_shapes_are_preserved():
    o = np.random.default_rng(0).normal(size=(4, 3, 2))
    for activation in ACTIVATIONS.values():
        assert activation.value(o).shape == o.shape
        assert activation.derivative(o).shape == o.shape


def test_registry_names_aliases_and_objects():
    assert get_activation("relu") is relu
    assert get_activation("ReLU") is relu
    assert get_activation("linear") is identity
    assert get_activation("logistic") is sigmoid
    custom = LeakyReLU(0.2)
    assert get_activation(custom) is custom
    assert {a.name for a in ACTIVATIONS.values()} >= {"identity", "step", "sigmoid", "tanh",
                                                       "relu"}


def test_registry_errors_teach():
    with pytest.raises(ValueError, match=r"activation must be one of .*'relu'.*received 'rleu'"):
        get_activation("rleu")
    with pytest.raises(TypeError, match=r"activation must be a name .*received int"):
        get_activation(3)


def test_repr_and_call():
    assert repr(relu) == "ReLU()"
    assert repr(LeakyReLU(0.1)) == "LeakyReLU(slope=0.1)"
    assert sigmoid(0.0) == 0.5
    assert LeakyReLU(0.1) == LeakyReLU(0.1) and LeakyReLU(0.1) != LeakyReLU(0.2)
