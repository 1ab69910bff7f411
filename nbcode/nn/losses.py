"""Loss functions and their gradients, written the way backpropagation uses them.

Conventions (the notes use both, so each function says which it is):

* :func:`squared_error` follows the notes: ``L = 1/2 sum (y - a)^2``, a **sum**
  over examples and outputs, with ``dL/da = a - y``. Pass ``reduction="mean"``
  to divide both by the number of examples ``n`` (what ``Sequential.fit`` uses).
* The cross-entropies are **means** over the ``n`` examples (as in scikit-learn's
  ``log_loss`` and Keras), so their gradients carry a factor ``1/n``.

Functions that take logits ``o`` (pre-activations of the output layer) rather than
probabilities are the numerically stable ones: they never compute ``log(0)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .._validation import (
    as_array,
    check_choice,
    check_class_indices,
    check_positive,
    check_same_length,
    check_same_shape,
    check_unit_interval_labels,
)
from ..i18n import N_

__all__ = [
    "squared_error",
    "squared_error_gradient",
    "binary_cross_entropy",
    "binary_cross_entropy_gradient",
    "binary_cross_entropy_with_logits",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy",
    "one_hot",
]

# Probabilities are clipped to [EPS, 1 - EPS] before taking logs, as scikit-learn does.
EPS = 1e-15


def _same_shape(a, y, name_a, name_y, labels01=False):
    a = as_array(a, name_a)
    y = as_array(y, name_y)
    check_same_shape(a, y, name_a, name_y)
    if labels01:
        check_unit_interval_labels(y, name_y)
    return a, y


def _n_examples(a: np.ndarray) -> int:
    return a.shape[0] if a.ndim else 1


def squared_error(a, y, reduction: str = "sum") -> float:
    """Squared-error loss ``L = 1/2 sum (y - a)^2`` of predictions ``a``.

    Parameters
    ----------
    a : array, shape (n,) or (n, k)
        Predictions (activations of the output layer).
    y : array, same shape as ``a``
        Targets.
    reduction : {"sum", "mean"}
        ``"sum"`` (the notes' ``L``) or ``"mean"`` (divided by ``n`` examples).

    Returns
    -------
    float
    """
    check_choice(reduction, "reduction", {"sum", "mean"})
    a, y = _same_shape(a, y, "a", "y")
    loss = 0.5 * float(np.sum((y - a) ** 2))
    return loss / _n_examples(a) if reduction == "mean" else loss


def squared_error_gradient(a, y, reduction: str = "sum") -> np.ndarray:
    """Gradient ``dL/da = a - y`` of :func:`squared_error` (divided by ``n`` for "mean").

    Returns an array with the shape of ``a``.
    """
    check_choice(reduction, "reduction", {"sum", "mean"})
    a, y = _same_shape(a, y, "a", "y")
    grad = a - y
    return grad / _n_examples(a) if reduction == "mean" else grad


def _squared_mean(a: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Unchecked fast path of the training loop: the mean over examples of
    1/2 sum_k (y_k - a_k)^2 and its gradient (a - y) / n, for validated arrays of one shape."""
    diff = a - y
    n = a.shape[0]
    return 0.5 * float(np.vdot(diff, diff)) / n, diff / n


def binary_cross_entropy(p, y) -> float:
    """Mean binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))``.

    Parameters
    ----------
    p : array, shape (n,) or (n, 1)
        Predicted probabilities ``P(y = 1)``; clipped to ``[1e-15, 1 - 1e-15]``.
    y : array, same shape as ``p``
        Labels in {0, 1}.
    """
    p, y = _same_shape(p, y, "p", "y", labels01=True)
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))


def binary_cross_entropy_gradient(p, y) -> np.ndarray:
    """Gradient ``dL/dp = (p - y) / (p (1 - p)) / n`` of :func:`binary_cross_entropy`.

    Returns an array with the shape of ``p``. Chained with the sigmoid's
    ``f'(o) = p (1 - p)`` it gives the famous ``dL/do = (p - y) / n``.
    """
    p, y = _same_shape(p, y, "p", "y", labels01=True)
    p = np.clip(p, EPS, 1 - EPS)
    return (p - y) / (p * (1 - p)) / p.size


def binary_cross_entropy_with_logits(o, y) -> tuple[float, np.ndarray]:
    """Mean binary cross-entropy of ``sigmoid(o)``, computed stably from logits.

    Uses ``L_i = max(o, 0) - o y + log(1 + exp(-|o|))``, which equals
    ``-(y log s + (1 - y) log(1 - s))`` with ``s = sigmoid(o)`` but never
    overflows or takes ``log(0)``.

    Parameters
    ----------
    o : array, shape (n,) or (n, 1)
        Logits (pre-activation of the single output unit).
    y : array, same shape as ``o``
        Labels in {0, 1}.

    Returns
    -------
    loss : float
        Mean over the ``n`` examples.
    dL_do : array, same shape as ``o``
        ``(sigmoid(o) - y) / n``.
    """
    o, y = _same_shape(o, y, "o", "y", labels01=True)
    return _bce_logits(o, y)


def _bce_logits(o: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    # Unvalidated version for the training loop's hot path. logaddexp(0, o) is
    # log(1 + exp(o)) computed stably, and max(o, 0) + log(1 + exp(-|o|)) = log(1 + exp(o)).
    n = o.size
    loss = (float(np.logaddexp(0.0, o).sum()) - float(np.vdot(o, y))) / n
    s = expit(o)
    s -= y
    s /= n
    return loss, s


def softmax(o) -> np.ndarray:
    """Softmax of each row: ``exp(o_ik) / sum_j exp(o_ij)``.

    Parameters
    ----------
    o : array, shape (n, k)
        Logits, one row per example.

    Returns
    -------
    array, shape (n, k)
        Rows are probability vectors. Subtracting each row's maximum first
        leaves the result unchanged and keeps ``exp`` from overflowing.
    """
    o = as_array(o, "o", ndim=2)
    return _softmax(o)


def _softmax(o: np.ndarray) -> np.ndarray:
    e = np.exp(o - o.max(axis=1, keepdims=True))
    e /= e.sum(axis=1, keepdims=True)
    return e


def log_softmax(o) -> np.ndarray:
    """Logarithm of :func:`softmax`, computed without taking ``log`` of 0.

    ``o`` has shape (n, k); the result too.
    """
    o = as_array(o, "o", ndim=2)
    shifted = o - o.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def one_hot(y, n_classes: int) -> np.ndarray:
    """One-hot encoding: shape (n,) integer labels -> shape (n, n_classes) of 0/1."""
    check_positive(n_classes, "n_classes", integer=True)
    y = check_class_indices(y, n_classes, "y", f" (n_classes = {n_classes})")
    encoded = np.zeros((y.shape[0], n_classes))
    encoded[np.arange(y.shape[0]), y] = 1.0
    return encoded


def softmax_cross_entropy(o, y) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy of logits ``o`` for integer labels ``y``.

    Parameters
    ----------
    o : array, shape (n, k)
        Logits, one row per example, one column per class.
    y : array of int, shape (n,)
        Class labels in ``0, ..., k - 1``.

    Returns
    -------
    loss : float
        ``-mean_i log softmax(o)_{i, y_i}``.
    dL_do : array, shape (n, k)
        ``(softmax(o) - onehot(y)) / n``.
    """
    o = as_array(o, "o", ndim=2)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(o, y, "o", "y")
    y = check_class_indices(y, o.shape[1], "y", N_(" (one per column of o)"))
    return _softmax_ce(o, y)


def _softmax_ce(o: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    # Unvalidated version for the training loop's hot path.
    n = o.shape[0]
    rows = np.arange(n)
    shifted = o - o.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    loss = float(np.sum(np.log(total[:, 0]) - shifted[rows, y])) / n
    e /= total
    e[rows, y] -= 1.0
    e /= n
    return loss, e
