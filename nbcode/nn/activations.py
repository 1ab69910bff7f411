"""Activation functions ``a = f(o)`` and their derivatives ``f'(o)``.

A neuron computes a pre-activation ``o = b0 + sum_j bj xj`` and an activation
``a = f(o)``. Backpropagation needs ``f'(o)``, so every activation here is a small
object with two methods, ``value(o)`` and ``derivative(o)``, both applied
elementwise to an array ``o`` of any shape. :func:`get_activation` turns a name
such as ``"relu"`` into one of these objects.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite_scalar
from ..i18n import _

__all__ = [
    "ActivationFunction",
    "Identity",
    "Step",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "identity",
    "step",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "ACTIVATIONS",
    "get_activation",
]


def _not_numbers(o) -> TypeError:
    """The error for an ``o`` that is not numbers (raised where numpy's own error would be)."""
    dtype = getattr(np.asarray(o), "dtype", None)
    return TypeError(_("o must be an array of numbers (pre-activations); received "
                       "{kind} of dtype {dtype}.").format(kind=type(o).__name__, dtype=dtype))


def _numbers(o) -> np.ndarray:
    o = np.asarray(o)
    if o.dtype.kind not in "biuf":
        raise _not_numbers(o)
    return o


class ActivationFunction:
    """Base class: an elementwise function ``f`` with its derivative ``f'``.

    Subclasses implement :meth:`value` and :meth:`derivative`; both take an
    array ``o`` of any shape and return an array of the same shape.
    """

    name = "activation"

    def value(self, o: np.ndarray) -> np.ndarray:
        """Return ``f(o)``, same shape as ``o``."""
        raise NotImplementedError

    def derivative(self, o: np.ndarray) -> np.ndarray:
        """Return ``f'(o)``, same shape as ``o``."""
        raise NotImplementedError

    def backward(self, o: np.ndarray, dout: np.ndarray) -> np.ndarray:
        """Chain rule through ``f``: return ``dout * f'(o)`` (what a layer's backward needs)."""
        return dout * self.derivative(o)

    def __call__(self, o):
        return self.value(o)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(sorted(vars(self).items()))))


class Identity(ActivationFunction):
    """``f(o) = o``: the output neuron of a regression network."""

    name = "identity"

    def value(self, o):
        return _numbers(o).astype(float, copy=False)

    def derivative(self, o):
        return np.ones_like(_numbers(o), dtype=float)


class Step(ActivationFunction):
    """Rosenblatt's perceptron: ``f(o) = 1 if o >= 0 else 0``.

    Its derivative is 0 wherever it exists (and undefined at 0, where we also
    return 0). This is why gradient descent cannot train a step network: no
    error signal flows back through it.
    """

    name = "step"

    def value(self, o):
        return (_numbers(o) >= 0).astype(float)

    def derivative(self, o):
        return np.zeros_like(_numbers(o), dtype=float)


class Sigmoid(ActivationFunction):
    """Logistic sigmoid ``f(o) = 1 / (1 + exp(-o))``, with ``f' = f (1 - f)``."""

    name = "sigmoid"

    def value(self, o):
        try:
            o = np.asarray(o, dtype=float)
        except (TypeError, ValueError):
            raise _not_numbers(o) from None
        # exp(-o) overflows for o << 0; exp(-|o|) never does. For o < 0 use the
        # equivalent form exp(o) / (1 + exp(o)).
        z = np.exp(-np.abs(o))
        return np.where(o >= 0, 1.0 / (1.0 + z), z / (1.0 + z))

    def derivative(self, o):
        return self.derivative_from_value(self.value(o))

    @staticmethod
    def derivative_from_value(a):
        """``f'(o)`` from ``a = f(o)``: ``a (1 - a)``."""
        return a * (1.0 - a)

    def backward_from_value(self, a, dout):
        """``dout * f'(o)`` from ``a = f(o)``, which the forward pass computed: it needs no
        second exponential (the same numbers as :meth:`backward`, bit for bit)."""
        return dout * self.derivative_from_value(a)


class Tanh(ActivationFunction):
    """Hyperbolic tangent ``f(o) = tanh(o)``, with ``f' = 1 - f^2``."""

    name = "tanh"

    def value(self, o):
        try:
            return np.tanh(o)
        except TypeError:
            raise _not_numbers(o) from None

    def derivative(self, o):
        return self.derivative_from_value(self.value(o))

    @staticmethod
    def derivative_from_value(a):
        """``f'(o)`` from ``a = f(o)``: ``1 - a^2``."""
        return 1.0 - a * a

    def backward_from_value(self, a, dout):
        """``dout * f'(o)`` from ``a = f(o)``, which the forward pass computed: it needs no
        second tanh (the same numbers as :meth:`backward`, bit for bit)."""
        return dout * self.derivative_from_value(a)


class ReLU(ActivationFunction):
    """Rectified linear unit ``f(o) = max(0, o)``.

    ReLU is not differentiable at 0; we use the convention ``ReLU'(0) := 0``
    (as do the notes, PyTorch and JAX).
    """

    name = "relu"

    def value(self, o):
        try:
            return np.maximum(o, 0.0)
        except TypeError:  # numpy's UFuncTypeError for strings; no cost when nothing is raised
            raise _not_numbers(o) from None

    def derivative(self, o):
        return (_numbers(o) > 0).astype(float)

    def backward(self, o, dout):
        # One pass instead of building f'(o) and multiplying: the training hot path.
        return np.where(o > 0, dout, 0.0)


class LeakyReLU(ActivationFunction):
    """Leaky ReLU ``f(o) = o if o > 0 else slope * o`` (``f'(0) := slope``).

    The small slope for negative ``o`` keeps a gradient flowing through units
    that a plain ReLU would switch off for good ("dead" units).
    """

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        self.slope = check_finite_scalar(slope, "slope")

    def value(self, o):
        o = _numbers(o).astype(float, copy=False)
        return np.where(o > 0, o, self.slope * o)

    def derivative(self, o):
        return np.where(_numbers(o) > 0, 1.0, self.slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(slope={self.slope})"


identity = Identity()
step = Step()
sigmoid = Sigmoid()
tanh = Tanh()
relu = ReLU()
leaky_relu = LeakyReLU()

#: Activations by name, as accepted by :func:`get_activation` and ``Activation(name)``.
ACTIVATIONS: dict[str, ActivationFunction] = {
    f.name: f for f in (identity, step, sigmoid, tanh, relu, leaky_relu)
}
# Common alternative spellings (Keras says "linear" for the identity).
_ALIASES = {"linear": "identity", "logistic": "sigmoid", "heaviside": "step"}


def get_activation(activation) -> ActivationFunction:
    """Return the activation object for a name (``"relu"``) or an object.

    Parameters
    ----------
    activation : str or ActivationFunction
        One of ``"identity"`` (alias ``"linear"``), ``"step"``, ``"sigmoid"``,
        ``"tanh"``, ``"relu"``, ``"leaky_relu"``, or an object with ``value``
        and ``derivative`` methods (returned unchanged).
    """
    if isinstance(activation, str):
        key = activation.lower()
        key = _ALIASES.get(key, key)
        if key in ACTIVATIONS:
            return ACTIVATIONS[key]
        raise ValueError(
            _("activation must be one of {names}; received {activation!r}. "
              "You can also pass an object with value(o) and derivative(o) methods.").format(
                names=sorted(ACTIVATIONS), activation=activation)
        )
    if callable(getattr(activation, "value", None)) and callable(
        getattr(activation, "derivative", None)
    ):
        return activation
    raise TypeError(
        _("activation must be a name such as 'relu' or an object with value(o) and "
          "derivative(o) methods; received {kind}.").format(kind=type(activation).__name__)
    )
