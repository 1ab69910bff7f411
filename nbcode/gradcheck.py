"""Numerical gradients by central differences: the check of every gradient in the book.

One rule, ``dL/dw ~ (L(w + eps) - L(w - eps)) / (2 eps)`` for one entry ``w`` at a
time (an error of order ``eps**2``, two evaluations of the loss per entry), behind two
doors:

* :func:`numerical_gradient` ``(f, x)``: ``f`` is a function of an array (chapter 1's
  ``beta -> L(beta)``, chapter 5's flattened filters);
* :func:`numerical_gradients` ``(loss, params)``: ``loss()`` takes no argument and reads
  arrays that are perturbed **in place** (a network's weights), optionally only at
  chosen ``entries``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from ._validation import as_array, check_callable, check_positive
from .i18n import _

__all__ = ["numerical_gradient", "numerical_gradients"]


def _central_difference(loss: Callable[[], float], param: np.ndarray, position: tuple,
                        eps: float) -> float:
    # The entry is set to w + eps, then w - eps, then put back: loss() sees the exact
    # array it was given, apart from that one entry.
    original = param[position]
    param[position] = original + eps
    up = loss()
    param[position] = original - eps
    down = loss()
    param[position] = original
    return (up - down) / (2 * eps)


def _check_params(params) -> list[np.ndarray]:
    if not isinstance(params, list | tuple):
        kind = type(params).__name__
        raise TypeError(_("params must be a list of numpy arrays; received {kind}.").format(kind=kind))
    for i, param in enumerate(params):
        if not isinstance(param, np.ndarray):
            kind = type(param).__name__
            raise TypeError(_("params[{i}] must be a numpy array (perturbed in place, so that loss() "
                              "sees the change); received {kind}.").format(i=i, kind=kind))
        if param.dtype.kind != "f":
            raise TypeError(_("params[{i}] must be a float array (an integer array would round "
                              "w + eps back to w); received dtype {dtype}.").format(i=i, dtype=param.dtype))
    return list(params)


def numerical_gradients(loss: Callable[[], float], params, eps: float = 1e-6,
                        entries: Iterable[tuple[int, tuple]] | None = None):
    """Central finite differences of ``loss()`` with respect to the entries of ``params``.

    Parameters
    ----------
    loss : callable, no arguments -> float
        Reads the current values of the arrays in ``params`` (e.g. a model's weights).
    params : list of float arrays
        Perturbed **in place**, one entry at a time, and restored exactly.
    eps : float
        The step.
    entries : iterable of (i, position), optional
        Only these entries: ``params[i][position]`` (``position`` a tuple of indices).

    Returns
    -------
    list of arrays shaped like ``params`` (every entry), or, with ``entries``, an array of
    shape (len(entries),)
        ``(loss(w + eps) - loss(w - eps)) / (2 eps)`` for each entry ``w``.
    """
    check_callable(loss, "loss", _("no arguments -> float, reading the arrays of params"))
    check_positive(eps, "eps")
    params = _check_params(params)
    if entries is not None:
        entries = list(entries)
        for i, _position in entries:
            if not (isinstance(i, int) and -len(params) <= i < len(params)):
                raise ValueError(_("entries must hold (index in params, position); the index must "
                                   "be below {n}; received {i!r}.").format(n=len(params), i=i))
        return np.array([_central_difference(loss, params[i], position, eps)
                         for i, position in entries])
    grads = []
    for param in params:
        grad = np.zeros_like(param, dtype=float)
        for position in np.ndindex(param.shape):
            grad[position] = _central_difference(loss, param, position, eps)
        grads.append(grad)
    return grads


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences ``(f(x + eps e_j) - f(x - eps e_j)) / (2 eps)`` of ``f`` at ``x``.

    Parameters
    ----------
    f : callable, array shaped like x -> float
        Gets a fresh copy of the perturbed point at every call (it may keep or change it).
    x : array-like, any shape, at least one entry
    eps : float

    Returns
    -------
    array, shape of x
    """
    check_callable(f, "f", _("the function x -> float to differentiate"))
    point = as_array(x, "x").copy()
    return numerical_gradients(lambda: f(point.copy()), [point], eps)[0]
