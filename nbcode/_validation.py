"""Input validation shared by every nbcode module.

Errors name the argument, the expected shape or type, and what was received,
so that a student who passes the wrong thing learns what the right thing is.
Where a classic mistake is likely (±1 labels where 0/1 are meant, an (n, 1)
column against an (n,) vector) the message says how to fix it.

These checks run at the door of public functions (``fit``, ``predict``, the
cs231n-style layer functions), never inside a training loop's per-batch path.

The messages are in the reader's language (:mod:`nbcode.i18n`). A piece that a caller
passes in (``what``, ``context``: " (one bias per unit, i.e. per column of W)") is
marked with ``N_()`` in the caller's module and translated here, when the message is
made; an argument's ``name`` is code (``X``, ``lr``) and stays as it is.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import i18n
from .i18n import N_, _


def _shown(piece: str) -> str:
    """A piece of a message passed in by a caller (marked ``N_()`` there), in the current
    language; an empty piece stays empty."""
    return i18n._(piece) if piece else piece


def _received(value) -> str:
    """``value`` as an error message shows it: its repr and, when that hides it, its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    if isinstance(value, bool | str) or value is None or not isinstance(value, numbers.Number):
        return f"{text} ({type(value).__name__})"
    return text


def _pretty_shape(shape) -> str:
    names = tuple("n" if s is None else s for s in shape)
    return "(" + ", ".join(str(s) for s in names) + ("," if len(names) == 1 else "") + ")"


def as_array(
    value,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    shape: tuple[int | str | None, ...] | None = None,
    dtype=float,
    finite: bool = True,
    allow_empty: bool = False,
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
        Expected shape; ``None`` (shown as ``n``) or a name such as ``"h"`` match any
        length. Implies ``ndim``.
    dtype : numpy dtype, optional
        Dtype to convert to (``float`` by default; ``None`` keeps the input's).
    finite : bool
        Reject NaN and infinite values (only checked for float arrays).
    allow_empty : bool
        Accept an array with no entries (by default an empty array is refused: a
        mean over zero examples would divide by zero further in).

    Returns
    -------
    numpy.ndarray
    """
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            _("{name} must be an array of numbers; received {kind} "
              "that numpy cannot convert ({error}).").format(
                name=name, kind=type(value).__name__, error=error)
        ) from None
    if dtype is None and array.dtype.kind == "O" and array.size:
        # Labels may be numbers or strings (e.g. from a pandas column); not None or lists.
        try:
            array = array.astype(float)
        except (TypeError, ValueError):
            if not all(isinstance(v, str) for v in array.flat):
                kind = type(array.flat[0]).__name__
                raise TypeError(_("{name} must be an array of numbers or of string labels; "
                                  "received an array of {kind} objects.").format(
                                      name=name, kind=kind)) from None
            array = array.astype(str)
    if shape is not None:
        ndim = len(shape)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            expected = _(" or ").join(f"{d}-D" for d in allowed)
            hint = ""
            if array.ndim == 1 and 2 in allowed:
                hint = " " + _("Did you mean {name}.reshape(-1, 1) (one feature)?").format(
                    name=name)
            elif array.ndim == 2 and 1 in allowed and array.shape[1:] == (1,):
                hint = " " + _("Did you mean {name}.ravel() (an (n, 1) column as an (n,) "
                               "vector)?").format(name=name)
            raise ValueError(
                _("{name} must be a {expected} array; received an array of shape "
                  "{shape} ({ndim}-D).{hint}").format(
                    name=name, expected=expected, shape=array.shape, ndim=array.ndim, hint=hint)
            )
    if shape is not None:
        for axis, (expected, got) in enumerate(zip(shape, array.shape, strict=True)):
            if isinstance(expected, int) and expected != got:
                raise ValueError(
                    _("{name} must have shape {expected_shape}; received shape "
                      "{shape} (axis {axis} has length {got}, expected {expected}).").format(
                        name=name, expected_shape=_pretty_shape(shape), shape=array.shape,
                        axis=axis, got=got, expected=expected)
                )
    if not allow_empty and array.ndim and array.size == 0:
        raise ValueError(
            _("{name} must hold at least one example (one value); received an empty array "
              "of shape {shape}.").format(name=name, shape=array.shape)
        )
    if finite and array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        bad = ~np.isfinite(array)
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if array.ndim else ()
        count = int(bad.sum())
        if first:
            message = _("{name} must contain only finite numbers; received {count} NaN or "
                        "infinite value(s), the first at index {first}.")
        else:
            message = _("{name} must contain only finite numbers; received {count} NaN or "
                        "infinite value(s).")
        raise ValueError(message.format(name=name, count=count, first=first))
    return array


def check_same_length(a, b, name_a: str, name_b: str) -> None:
    """Raise if two arrays do not have the same number of rows."""
    if len(a) != len(b):
        raise ValueError(
            _("{name_a} and {name_b} must have the same number of rows (one per example); "
              "received {n_a} and {n_b}.").format(name_a=name_a, name_b=name_b, n_a=len(a),
                                                  n_b=len(b))
        )


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise if two arrays differ in shape (numpy would broadcast them silently)."""
    if a.shape == b.shape:
        return
    hint = ""
    if a.ndim + b.ndim == 3 and a.shape[0] == b.shape[0] and 1 in (a.shape[1:] + b.shape[1:]):
        column = name_a if a.ndim == 2 else name_b
        flat = name_b if a.ndim == 2 else name_a
        hint = " " + _("Reshape with {column} = {column}.reshape({flat}.shape): an (n, 1) "
                       "array against an (n,) one broadcasts to (n, n) and gives a wrong "
                       "answer.").format(column=column, flat=flat)
    raise ValueError(
        _("{name_a} and {name_b} must have the same shape; received {shape_a} and "
          "{shape_b}.{hint}").format(name_a=name_a, name_b=name_b, shape_a=a.shape,
                                     shape_b=b.shape, hint=hint)
    )


def check_shape(array: np.ndarray, expected: tuple, name: str, context: str = "") -> None:
    """Raise unless ``array.shape == expected``; ``context`` says where ``expected`` comes from."""
    if array.shape != tuple(expected):
        raise ValueError(
            _("{name} must have shape {expected}{context}; received shape {shape}.").format(
                name=name, expected=tuple(expected), context=_shown(context), shape=array.shape)
        )


def _check_real(value, name: str, kind: str) -> None:
    """``kind`` is already in the reader's language ("a number > 0")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(_("{name} must be {kind}; received {received}.").format(
            name=name, kind=kind, received=_received(value)))
    if not math.isfinite(value):
        raise ValueError(_("{name} must be a finite number ({kind}); received {value!r}.").format(
            name=name, kind=kind, value=value))


def check_positive(value, name: str, *, integer: bool = False, allow_zero: bool = False):
    """Check that ``value`` is a finite positive number (or integer) and return it."""
    bound = "≥ 0" if allow_zero else "> 0"
    if integer:
        kind = _("an integer ≥ 0") if allow_zero else _("an integer > 0")
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(_("{name} must be {kind}; received {received}.").format(
                name=name, kind=kind, received=_received(value)))
    else:
        _check_real(value, name, _("a number ≥ 0") if allow_zero else _("a number > 0"))
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(_("{name} must be {bound}; received {value!r}.").format(
            name=name, bound=bound, value=value))
    return value


def check_finite_scalar(value, name: str) -> float:
    """Check that ``value`` is a finite real number (bools and strings refused); return a float."""
    _check_real(value, name, _("a number"))
    return float(value)


def check_integer(value, name: str) -> int:
    """Check that ``value`` is an integer (bools refused); return it as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(_("{name} must be an integer; received {received}.").format(
            name=name, received=_received(value)))
    return int(value)


def check_rate(value, name: str, what: str = "") -> float:
    """Check that ``value`` is a number in [0, 1) (a dropout rate, a momentum); return a float.

    ``what`` says what the number is, " (the probability of dropping a unit)" (marked
    ``N_()`` by the caller: it is translated here)."""
    _check_real(value, name, _("a number in [0, 1)"))
    if value < 0:
        raise ValueError(_("{name} must be ≥ 0; received {value!r} ({name} is in "
                           "[0, 1){what}).").format(name=name, value=value, what=_shown(what)))
    if value >= 1:
        raise ValueError(_("{name} must be in [0, 1){what}; received {value!r}.").format(
            name=name, what=_shown(what), value=value))
    return float(value)


def check_probability(value, name: str, *, open_interval: bool = False) -> float:
    """Check that ``value`` is in [0, 1] (or (0, 1) with ``open_interval``); return a float."""
    interval = "(0, 1)" if open_interval else "[0, 1]"
    _check_real(value, name, _("a number in {interval}").format(interval=interval))
    inside = 0 < value < 1 if open_interval else 0 <= value <= 1
    if not inside:
        raise ValueError(_("{name} must be in {interval}; received {value!r}.").format(
            name=name, interval=interval, value=value))
    return float(value)


def check_seed(seed, name: str = "seed"):
    """Accept None, an integer ≥ 0 or a numpy Generator (like scikit-learn's random_state)."""
    if seed is None or isinstance(seed, np.random.Generator | np.random.SeedSequence):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(_("{name} must be an integer ≥ 0, a numpy Generator or None; "
                          "received {received}.").format(name=name, received=_received(seed)))
    if seed < 0:
        raise ValueError(_("{name} must be an integer ≥ 0 (numpy's seeds are); received "
                           "{seed!r}.").format(name=name, seed=seed))
    return seed


def check_callable(value, name: str, what: str = N_("a function")) -> None:
    """Raise a TypeError unless ``value`` can be called.

    ``what`` describes the function expected, "beta -> float" (marked ``N_()`` by the
    caller: it is translated here)."""
    if not callable(value):
        raise TypeError(_("{name} must be callable ({what}); received {value} "
                          "({kind}).").format(name=name, what=_shown(what),
                                              value=repr(value)[:60], kind=type(value).__name__))


def check_labels(y, name: str = "y", *, values=None) -> np.ndarray:
    """Check a 1-D label vector, optionally restricted to a set of values."""
    y = as_array(y, name, ndim=1, dtype=None)
    if values is not None:
        unexpected = np.setdiff1d(np.unique(y), np.asarray(sorted(values)))
        if unexpected.size:
            expected = set(values)
            hint = ""
            if expected == {-1, 1}:
                hint = " " + _("Convert 0/1 labels with 2 * y - 1.")
            elif expected == {0, 1}:
                hint = " " + _("Convert ±1 labels with (y + 1) // 2.")
            raise ValueError(
                _("{name} must only contain the labels {allowed}; received labels "
                  "{labels}, of which {unexpected} are not allowed.{hint}").format(
                    name=name, allowed=sorted(values), labels=np.unique(y)[:6].tolist(),
                    unexpected=unexpected[:5].tolist(), hint=hint)
            )
    return y


def check_unit_interval_labels(y: np.ndarray, name: str = "y") -> None:
    """Raise unless every value of ``y`` is in [0, 1] (0/1 labels or probabilities of class 1)."""
    if y.size and (y.min() < 0 or y.max() > 1):
        hint = " " + _("Convert ±1 labels with (y + 1) // 2.") if y.min() == -1 else ""
        low, high = y.min(), y.max()
        raise ValueError(
            _("{name} must hold labels in [0, 1] (0/1, or the probability of class 1); "
              "received values from {low:g} to {high:g}.{hint}").format(
                name=name, low=low, high=high, hint=hint)
        )


def check_class_indices(y, n_classes: int, name: str = "y", context: str = "") -> np.ndarray:
    """Check integer class indices ``0, ..., n_classes - 1`` (shape (n,)); return them as ints.

    Float labels holding whole numbers (``2.0``) are accepted, as scikit-learn does.
    ``context`` says where ``n_classes`` comes from (marked ``N_()`` by the caller).
    """
    y = as_array(y, name, ndim=1, dtype=None)
    last = n_classes - 1
    if y.dtype.kind not in "iub":
        if y.dtype.kind not in "f":
            raise TypeError(_("{name} must contain labels in 0, ..., {last}{context} "
                              "(integer class indices); received an array of dtype "
                              "{dtype}.").format(name=name, last=last, context=_shown(context),
                                                 dtype=y.dtype))
        fraction = y[np.mod(y, 1) != 0]
        if fraction.size:
            raise ValueError(
                _("{name} must contain labels in 0, ..., {last}{context} (integer class "
                  "indices); received non-integer labels such as {example:g}.").format(
                    name=name, last=last, context=_shown(context), example=fraction[0])
            )
    y = y.astype(np.intp)
    if y.min() < 0 or y.max() >= n_classes:
        hint = " " + _("Class indices start at 0: shift labels 1..k with y - 1.") if (
            y.min() >= 1 and y.max() == n_classes) else ""
        raise ValueError(
            _("{name} must contain labels in 0, ..., {last}{context} (integer class "
              "indices); received labels from {low} to {high}.{hint}").format(
                name=name, last=last, context=_shown(context), low=y.min(), high=y.max(),
                hint=hint)
        )
    return y


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    try:
        ok = value in choices
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(_("{name} must be one of {choices}; received {value!r}.").format(
            name=name, choices=sorted(choices), value=value))
    return value


def check_cache(cache, n_items: int, name: str, forward: str) -> tuple:
    """Check that ``cache`` is the tuple of ``n_items`` that ``forward`` returns."""
    if not isinstance(cache, tuple):
        raise TypeError(_("{name} must be the tuple returned by {forward}; received "
                          "{kind}.").format(name=name, forward=forward, kind=type(cache).__name__))
    if len(cache) != n_items:
        raise ValueError(_("{name} must be the tuple of {n_items} items returned by {forward}; "
                           "received a tuple of {n_received} items (from another layer's "
                           "forward?).").format(name=name, n_items=n_items, forward=forward,
                                                n_received=len(cache)))
    return cache


def check_limits(limits, name: str = "limits"):
    """Check ``((x_min, x_max), (y_min, y_max))`` with finite, increasing bounds; return it."""
    try:
        (x_min, x_max), (y_min, y_max) = limits
        bounds = [float(b) for b in (x_min, x_max, y_min, y_max)]
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be ((x_min, x_max), (y_min, y_max)); received "
                           "{limits!r}.").format(name=name, limits=limits)) from None
    if not all(math.isfinite(b) for b in bounds) or bounds[0] >= bounds[1] or bounds[2] >= bounds[3]:
        raise ValueError(_("{name} must be ((x_min, x_max), (y_min, y_max)) with finite bounds, "
                           "x_min < x_max and y_min < y_max; received {limits!r}.").format(
                               name=name, limits=limits))
    return (bounds[0], bounds[1]), (bounds[2], bounds[3])


def check_interval(interval, name: str):
    """Check a ``(low, high)`` pair of finite numbers with ``low < high``; return it."""
    try:
        low, high = (float(v) for v in interval)
    except (TypeError, ValueError):
        raise ValueError(_("{name} must be a pair (low, high) with low < high; received "
                           "{interval!r}.").format(name=name, interval=interval)) from None
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        pair = tuple(interval)
        raise ValueError(_("{name} must be a pair (low, high) of finite numbers with low < high; "
                           "received {pair!r}.").format(name=name, pair=pair))
    return low, high
