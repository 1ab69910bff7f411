"""Input validation shared by every nbcode module.

Errors name the argument, the expected shape or type, and what was received,
so that a student who passes the wrong thing learns what the right thing is.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_array(
    value,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
    dtype=float,
    finite: bool = True,
) -> np.ndarray:
    """Convert ``value`` to a numpy array and check its dimensions.

    Parameters
    ----------
    value : array-like
        What the caller passed.
    name : str
        The argument's name, used in error messages (e.g. ``"X"``).
    ndim : int or tuple of int, optional
        Allowed number(s) of dimensions.
    shape : tuple, optional
        Expected shape; ``None`` entries match any length. Implies ``ndim``.
    dtype : numpy dtype, optional
        Dtype to convert to (``float`` by default; ``None`` keeps the input's).
    finite : bool
        Reject NaN and infinite values (only checked for float arrays).

    Returns
    -------
    numpy.ndarray
    """
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must be an array of numbers; received {type(value).__name__} "
            f"that numpy cannot convert ({error})."
        ) from None
    if shape is not None:
        ndim = len(shape)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{name} must be a {expected} array; received an array of shape "
                f"{array.shape} ({array.ndim}-D)."
                + (" Did you mean X.reshape(-1, 1)?" if array.ndim == 1 and 2 in allowed else "")
            )
    if shape is not None:
        for axis, (expected, got) in enumerate(zip(shape, array.shape, strict=True)):
            if expected is not None and expected != got:
                pretty = tuple("n" if s is None else s for s in shape)
                raise ValueError(
                    f"{name} must have shape {pretty}; received shape {array.shape} "
                    f"(axis {axis} has length {got}, expected {expected})."
                )
    if finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays do not have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of rows (one per example); "
            f"received {len(a)} and {len(b)}."
        )


def check_positive(value, name: str, *, integer: bool = False, allow_zero: bool = False):
    """Check that ``value`` is a positive number (or integer) and return it."""
    kind = "integer" if integer else "number"
    valid_type = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, valid_type):
        raise TypeError(f"{name} must be a positive {kind}; received {value!r}.")
    if value < 0 or (value == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}; received {value!r}.")
    return value


def check_labels(y, name: str = "y", *, values=None) -> np.ndarray:
    """Check a 1-D label vector, optionally restricted to a set of values."""
    y = as_array(y, name, ndim=1, dtype=None)
    if values is not None:
        unexpected = np.setdiff1d(np.unique(y), np.asarray(sorted(values)))
        if unexpected.size:
            raise ValueError(
                f"{name} must only contain the labels {sorted(values)}; "
                f"found {unexpected[:5].tolist()}."
                + (" Convert 0/1 labels with 2 * y - 1." if set(values) == {-1, 1} else "")
            )
    return y


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}; received {value!r}.")
    return value
