"""The machinery shared by every exercise checker.

Use :func:`check_function` to test a student's function on several cases, each
compared with a reference implementation by :func:`check_array_answer`, which
diagnoses the usual mistakes. Messages are plain sentences for students.

The contract every checker relies on (see DESIGN.md, "Exercises"):

- the reference is computed first, on private copies of the inputs;
- the student's function is called by :func:`call_student`, on copies of its own,
  which are compared with the originals afterwards: a function that changes its
  inputs in place (``X -= X.mean(0)``, ``y[y == -1] = 0``, ``beta += ...``) fails
  with a sentence that says so, since the caller's data would change too;
- every exception of the student's code becomes a sentence, except
  ``KeyboardInterrupt``, which is let through so that the notebook's stop button
  still stops a function that loops for ever;
- :func:`check_array_answer` accepts any real numbers of the right value (Python
  or numpy scalars, lists, arrays of any float or int type, float32 and float16 within
  a tolerance derived from ``np.finfo``) and rejects, with a sentence, ``None``,
  ``NotImplemented``, ``...``, functions, strings, bytes, dicts, tuples of arrays,
  containers holding ``None`` or non-numbers, complex numbers and booleans (where a
  boolean array is expected, booleans are accepted).
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import numbers
import textwrap
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "NOT_DONE", "call_student", "check_array_answer", "check_function",
           "check_tuple_answer", "check_value", "float_tolerance"]

NOT_DONE = "not done yet"

# A float type with fewer bits than float64 gets this many of its own epsilons of relative
# tolerance: float32 -> 1.2e-5, float16 -> 0.098. A right formula evaluated in that type
# (sums of tens of terms, some cancellation) stays well inside; the usual mistakes (a factor,
# a sign, a missing term) are far outside.
_EPS_FACTOR = 100


@dataclass
class CheckResult:
    """The outcome of a check: ``passed`` and a message for the student."""

    exercise: str
    passed: bool
    message: str
    not_done: bool = False

    def __bool__(self) -> bool:
        return self.passed

    def text(self, width: int = 88) -> str:
        """The verdict as one paragraph, wrapped to ``width`` characters."""
        mark = "✓" if self.passed else ("…" if self.not_done else "✗")
        return textwrap.fill(f"{mark} {self.exercise}: {self.message}", width=width,
                             subsequent_indent="  ", break_long_words=False)

    def __repr__(self) -> str:
        return self.text()


def _describe(value) -> str:
    """A short description of a value for a message: its shape for an array, else type and repr."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict with keys {list(value)!r}"[:80]
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a student's object may have a broken __repr__
        text = "<unprintable>"
    return f"{type(value).__name__} {text}"[:80]


def _number(value) -> str:
    """A number as a student writes it: 0.345585, not np.float64(0.34558419206)."""
    return f"{value:.6g}" if isinstance(value, numbers.Number | np.number) else repr(value)


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def float_tolerance(dtype, rtol: float, atol: float, scale: float) -> tuple[float, float]:
    """``(rtol, atol)`` widened for an answer of float type ``dtype`` coarser than float64.

    ``scale`` is the size of the expected values (their largest magnitude): the absolute
    tolerance grows with it, since a float32 sum of values of size s is off by about
    s * eps, however small the sum is.
    """
    dtype = np.dtype(dtype)
    if dtype.kind == "f" and np.finfo(dtype).eps > np.finfo(np.float64).eps:
        eps = float(np.finfo(dtype).eps)
        return max(rtol, _EPS_FACTOR * eps), max(atol, _EPS_FACTOR * eps * max(scale, 1.0))
    return rtol, atol


def _is_real_scalar(value) -> bool:
    return (isinstance(value, numbers.Real | np.integer | np.floating)
            and not isinstance(value, bool | np.bool_))


def _not_numbers(answer, what: str, expected: np.ndarray) -> str | None:
    """Why ``answer`` cannot be read as real numbers, or None if it can."""
    if answer is None:
        return f"{what} is None: did you forget the `return` statement?"
    if answer is NotImplemented:
        return f"{what} is NotImplemented, a placeholder: replace it with your computation."
    if answer is Ellipsis:
        return f"{what} is `...` (Ellipsis), a placeholder: replace it with your code."
    if isinstance(answer, str):
        return (f"{what} is the string {_short(answer)}, not a number: remove the quotes "
                "and give the value itself.")
    if isinstance(answer, bytes | bytearray):
        return f"{what} is bytes {_short(answer)}, not numbers."
    if callable(answer) and not isinstance(answer, np.ndarray):
        name = getattr(answer, "__name__", type(answer).__name__)
        return (f"{what} is a function ({name}), not numbers: call it and use what it "
                "returns, e.g. `return f(x)` rather than `return f`.")
    if isinstance(answer, dict | set | frozenset):
        return f"{what} is a {type(answer).__name__}; expected numbers (an array or a float)."
    if isinstance(answer, tuple):
        holds_none = any(item is None for item in answer)
        if not answer or holds_none or expected.ndim == 0 or not all(
                _is_real_scalar(item) for item in answer):
            detail = " It contains None." if holds_none else ""
            return (f"{what} is a tuple of {len(answer)} item(s); expected one "
                    f"{'number' if expected.ndim == 0 else 'array'}, not a tuple (a trailing "
                    f"comma, or `return a, b`, makes a tuple).{detail}")
    return None


def _as_real_array(answer, what: str, expected: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """``(array, None)`` if ``answer`` holds real numbers, else ``(None, why not)``."""
    problem = _not_numbers(answer, what, expected)
    if problem is not None:
        return None, problem
    try:
        array = np.asarray(answer)
    except Exception:  # noqa: BLE001 - ragged lists, objects numpy cannot read
        return None, (f"{what} could not be read as an array of numbers (lists of different "
                      f"lengths?); received {_describe(answer)}.")
    kind = array.dtype.kind
    if kind == "b" and expected.dtype.kind != "b":
        return None, (f"{what} is boolean (True/False), not numbers: did you return a "
                      "comparison, or a mask, instead of the values?")
    if kind == "c":
        return None, f"{what} contains complex numbers; expected real numbers."
    if kind in "USV":
        example = f" such as {_short(array.flat[0])}" if array.size else ""
        return None, f"{what} contains strings{example}, not numbers."
    if kind == "O":
        for position, item in zip(np.ndindex(array.shape), array.flat, strict=True):
            if not _is_real_scalar(item):
                where = f" at index {position}" if array.ndim else ""
                if item is None:
                    return None, f"{what} contains None{where}: every entry must be a number."
                return None, (f"{what} contains {_describe(item)}{where}; every entry must be "
                              "a number.")
        array = array.astype(float)
    elif kind not in "fiub":
        return None, f"{what} should be numbers; received {_describe(answer)}."
    return array, None


def check_array_answer(answer, expected, *, what: str = "your result", rtol: float = 1e-6,
                       atol: float = 1e-8, factors: Sequence[float] = (2.0, 0.5)) -> str | None:
    """Compare ``answer`` with ``expected``; return None if they agree, else what is wrong.

    Diagnoses, in this order: not numbers (``None``: forgot ``return``; a string, a
    function, a tuple, booleans, complex numbers, ...), wrong shape (including a
    transposed or flattened result), NaN or inf, wrong sign, off by a constant factor
    (``factors`` lists the usual ones, e.g. 2 or 1/n), and otherwise the largest
    difference. An answer of a coarser float type (float32, float16) is compared with
    the tolerance of :func:`float_tolerance`. Where a number is expected, an array holding
    exactly one number is accepted. Never raises.
    """
    try:
        return _compare(answer, expected, what, rtol, atol, factors)
    except Exception as error:  # noqa: BLE001 - a checker must never crash on a strange answer
        return (f"{what} could not be compared with the expected values ({type(error).__name__}); "
                f"received {_describe(answer)}.")


def _compare(answer, expected, what, rtol, atol, factors) -> str | None:
    expected = np.asarray(expected)
    array, problem = _as_real_array(answer, what, expected)
    if problem is not None:
        return problem
    expected = expected.astype(float)
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    rtol, atol = float_tolerance(array.dtype, rtol, atol, scale)
    answer = array.astype(float)
    if expected.ndim == 0 and answer.size == 1:
        answer = answer.reshape(())
    if answer.shape != expected.shape:
        hint = ""
        if answer.size == expected.size:
            hint = (" It has the right number of entries: check the orientation "
                    "(a transpose, or a flattened array?).")
        return f"{what} has shape {answer.shape}; expected shape {expected.shape}.{hint}"
    if not np.all(np.isfinite(answer)):
        return f"{what} contains NaN or infinite values."
    if np.allclose(answer, expected, rtol=rtol, atol=atol):
        return None
    if np.any(expected != 0) and np.allclose(answer, -expected, rtol=rtol, atol=atol):
        return f"{what} has the wrong sign: it is exactly the opposite of the right answer."
    for factor in factors:
        if np.allclose(answer, factor * expected, rtol=rtol, atol=atol):
            return (f"{what} is off by a factor of {factor:g}: it equals {factor:g} × "
                    "the right answer.")
    if scale > 0 and expected.size > 1:
        ratio = answer.ravel() / np.where(expected.ravel() == 0, np.nan, expected.ravel())
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size > 1 and np.allclose(ratio, ratio[0], rtol=1e-6) and np.allclose(
                answer, ratio[0] * expected, rtol=rtol, atol=atol):
            return (f"{what} is proportional to the right answer but off by a factor of "
                    f"{ratio[0]:.4g}.")
    worst = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
    position = f" at index {tuple(int(i) for i in worst)}" if expected.ndim else ""
    return (f"{what} does not match the expected values: the largest difference is "
            f"{np.abs(answer - expected)[worst]:.3g}{position} "
            f"(you gave {answer[worst]:.6g}, expected {expected[worst]:.6g}).")


def check_tuple_answer(answer, length: int, wanted: str) -> str | None:
    """Why ``answer`` is not a tuple (or list) of ``length`` items, or None if it is.

    ``wanted`` describes what to return, e.g. ``"a pair (new_beta, n_mistakes)"``; the
    items themselves are judged by the caller. Never raises.
    """
    if answer is None:
        return f"your function returned None: did you forget the `return` statement? Return {wanted}."
    if answer is NotImplemented or answer is Ellipsis:
        return f"your function returned a placeholder ({answer!r}): return {wanted}."
    if not isinstance(answer, tuple | list):
        return f"return {wanted}; received {_describe(answer)}."
    if len(answer) != length:
        nones = " (holding None)" if any(item is None for item in answer) else ""
        return (f"return {wanted}; received a {type(answer).__name__} of {len(answer)} "
                f"items{nones}.")
    return None


# ------------------------------------------------------------------ calling the student's code
def _is_data(value, depth: int = 0) -> bool:
    """Plain data (arrays, numbers, strings, containers of them): copied by default."""
    if depth > 4:
        return False
    if value is None or isinstance(value, np.ndarray | np.generic | numbers.Number | str | bytes):
        return True
    if isinstance(value, list | tuple):
        return all(_is_data(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(_is_data(item, depth + 1) for item in value.values())
    return False


def _change(before, after, depth: int = 0) -> str | None:
    """How ``after`` differs from ``before`` (a copy taken before the call), or None."""
    if depth > 6:
        return None
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray):
            return f"it is now {_describe(after)}"
        if before.shape != after.shape:
            return f"its shape changed from {before.shape} to {after.shape}"
        if before.dtype != after.dtype:
            return f"its dtype changed from {before.dtype} to {after.dtype}"
        if before.dtype.kind in "fc":
            differ = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        else:
            differ = before != after
        if np.any(differ):
            where = np.argwhere(differ)[0] if before.ndim else ()
            position = tuple(int(i) for i in where)
            return (f"{int(np.sum(differ))} of its {before.size} entries changed, e.g. "
                    f"{'entry ' + str(position) + ' ' if before.ndim else ''}went from "
                    f"{_number(before[position])} to {_number(after[position])}")
        return None
    if isinstance(before, list | dict):
        if type(after) is not type(before) or len(after) != len(before):
            return f"its length changed from {len(before)} to {len(after)}"
        keys = range(len(before)) if isinstance(before, list) else before.keys()
        for key in keys:
            if isinstance(before, dict) and key not in after:
                return f"its key {key!r} was removed"
            inner = _change(before[key], after[key], depth + 1)
            if inner is not None:
                return f"its item {key!r} changed: {inner}"
        return None
    if isinstance(before, tuple):  # immutable, but its items may be arrays
        for key, (b, a) in enumerate(zip(before, after, strict=True)):
            inner = _change(b, a, depth + 1)
            if inner is not None:
                return f"its item {key} changed: {inner}"
        return None
    if hasattr(before, "__dict__") and not isinstance(before, type):
        for key, value in vars(before).items():
            if key not in vars(after):
                return f"its attribute {key} was removed"
            inner = _change(value, vars(after)[key], depth + 1)
            if inner is not None:
                return f"its attribute {key} changed: {inner}"
    return None


def _argument_names(function, count: int, names: Sequence[str] | None) -> list[str]:
    """The student's own parameter names when they can be read, else ``names``."""
    try:
        parameters = [p.name for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        parameters = []
    fallback = list(names or ())
    return [parameters[i] if i < len(parameters) else
            (fallback[i] if i < len(fallback) else f"number {i + 1}") for i in range(count)]


def call_student(function: Callable, args: tuple, exercise: str, *,
                 names: Sequence[str] | None = None,
                 protect: bool | Sequence[int] | None = None,
                 compare: Mapping[int, Callable] | None = None) -> tuple[object, CheckResult | None]:
    """Call the student's ``function(*args)``; return ``(answer, None)`` or ``(None, failure)``.

    The student receives deep copies of the arguments (``copy.deepcopy``), never the
    originals, so nothing the checker computes can be changed by the student's code.
    After the call, the copies are compared with the originals: a function that changed
    an argument in place gets a failing result saying which argument and how.

    Parameters
    ----------
    function : the student's function (anything else gets a sentence)
    args : tuple of the arguments
    exercise : str
        Name of the exercise, for the result.
    names : sequence of str, optional
        Argument names for the messages when the student's own parameter names cannot be
        read (``lambda *args``).
    protect : None, True or sequence of int
        Which arguments are copied and compared. None (default): every argument that is
        plain data (arrays, numbers, strings, lists, tuples, dicts of them); other objects
        (models, layers) are handed over as they are, since some exercises change them on
        purpose (freezing layers). True: every argument. A sequence: those indices.
        Plain data is compared whole; another protected object (a model) is compared only
        through its entry in ``compare``, since its caches legitimately change.
    compare : mapping {index: view}, optional
        For an argument that is not plain data, ``view(argument)`` is what must not change
        (e.g. ``lambda model: model.parameters()``).

    Every exception becomes a failing result: ``NotImplementedError`` is "not done yet",
    ``SystemExit`` and any other exception is named with the line that raised it.
    ``KeyboardInterrupt`` propagates (the notebook's stop button must still work). A
    function that printed something and returned None is told to ``return`` instead.
    """
    if not callable(function):
        return None, CheckResult(exercise, False,
                                 f"expected a function, received {_describe(function)}.")
    args = tuple(args)
    if protect is None:
        guarded = {i for i, a in enumerate(args) if _is_data(a)}
    elif protect is True:
        guarded = set(range(len(args)))
    else:
        guarded = set(protect)
    handed, originals = [], {}
    for i, arg in enumerate(args):
        if i in guarded:
            try:
                handed.append(copy.deepcopy(arg))
                originals[i] = arg
                continue
            except Exception:  # noqa: BLE001 - an object that cannot be copied is handed as is
                pass
        handed.append(arg)
    printed = io.StringIO()
    try:
        with np.errstate(all="ignore"), contextlib.redirect_stdout(printed):
            answer = function(*handed)
    except NotImplementedError:
        return None, CheckResult(exercise, False,
                                 f"{NOT_DONE}: replace `raise NotImplementedError` with your code.",
                                 not_done=True)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any error becomes advice
        frames = traceback.extract_tb(error.__traceback__)
        line = next((f for f in reversed(frames) if f.filename.startswith("<ipython") or
                     "ipykernel" in f.filename), frames[-1] if frames else None)
        where = f" (line {line.lineno}: `{line.line}`)" if line is not None and line.line else ""
        shapes = ", ".join(_describe(a) for a in args)
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        return None, CheckResult(exercise, False,
                                 f"your function raised {text}{where}. "
                                 f"It was called with {shapes}.")
    finally:
        # What the student printed is still shown, after the check has captured it.
        if printed.getvalue():
            print(printed.getvalue(), end="")
    labels = _argument_names(function, len(args), names)
    views = dict(compare or {})
    for i, original in originals.items():
        try:
            if i in views:
                change = _change(views[i](original), views[i](handed[i]))
            elif _is_data(original):
                change = _change(original, handed[i])
            else:
                change = None
        except Exception:  # noqa: BLE001 - an unusual object: assume it was not changed
            change = None
        if change is not None:
            name = labels[i]
            if isinstance(original, np.ndarray):
                advice = (f"Work on a copy: write `{name} = {name} - ...` (a new array) instead "
                          f"of `{name} -= ...` or `{name}[...] = ...`, or start with "
                          f"`{name} = {name}.copy()`.")
            elif isinstance(original, list | dict):
                advice = f"Work on a copy: `{name} = copy.deepcopy({name})` first."
            else:
                advice = "Leave it as it is, or work on `copy.deepcopy` of it."
            return None, CheckResult(
                exercise, False,
                f"your function changed its argument {name} in place ({change}); the caller's "
                f"data would change too. {advice}")
    if answer is None and printed.getvalue():
        return None, CheckResult(
            exercise, False,
            "your function printed its result but returned None: use `return ...` instead "
            "of `print(...)`, so that the caller receives the value.")
    return answer, None


# The old private name, used by the chapter checkers.
_call_student = call_student


def check_function(function: Callable, reference: Callable, cases: Iterable[tuple], *,
                   exercise: str, what: str = "the result", success: str = "correct.",
                   rtol: float = 1e-6, atol: float = 1e-8,
                   factors: Sequence[float] = (2.0, 0.5),
                   hints: Sequence[tuple[Callable, str]] = (),
                   names: Sequence[str] | None = None,
                   protect: bool | Sequence[int] | None = None,
                   compare: Mapping[int, Callable] | None = None) -> CheckResult:
    """Check ``function(*case)`` against ``reference(*case)`` for every case.

    For each case, ``reference`` runs first, on its own deep copy of the case; then the
    student's function runs through :func:`call_student` (its own copies, in-place
    changes reported); then the answer is judged by :func:`check_array_answer`.

    Parameters
    ----------
    function : the student's function
    reference : the right implementation
    cases : iterable of argument tuples
    exercise : str
        Name of the exercise, printed at the start of the message.
    what : str
        What the function returns, used in messages ("the gradient").
    success : str
        Message when every case passes.
    hints : sequence of (wrong_function, message)
        Known mistakes: if the answer is wrong and equals ``wrong_function(*case)``, the
        message explains that mistake instead of the generic diagnosis.
    names, protect, compare : passed to :func:`call_student`.
    """
    cases = list(cases)
    # A case on which two known mistakes give the same value cannot tell them apart: the
    # verdict is then deferred to the next cases, which may separate them.
    ambiguous: tuple[CheckResult, list[int]] | None = None
    for number, args in enumerate(cases, start=1):
        with np.errstate(all="ignore"):
            expected = reference(*copy.deepcopy(args))
        answer, failure = call_student(function, args, exercise, names=names, protect=protect,
                                       compare=compare)
        if failure is not None:
            return ambiguous[0] if ambiguous is not None and not failure.not_done else failure
        problem = check_array_answer(answer, expected, what=what, rtol=rtol,
                                     atol=atol, factors=factors)
        if problem is None:
            continue
        # A known mistake is named only when the answer is wrong: on some inputs a
        # mistake can give the right value.
        matches = []
        for k, (wrong, _) in enumerate(hints):
            if ambiguous is not None and k not in ambiguous[1]:
                continue
            with np.errstate(all="ignore"):
                wrong_value = wrong(*copy.deepcopy(args))
            if check_array_answer(answer, wrong_value, rtol=rtol, atol=atol,
                                  factors=()) is None:
                matches.append(k)
        if len(matches) == 1:
            return CheckResult(exercise, False, hints[matches[0]][1])
        if ambiguous is not None:
            return ambiguous[0]
        if len(matches) > 1:
            ambiguous = (CheckResult(exercise, False, hints[matches[0]][1]), matches)
            continue
        shapes = ", ".join(_describe(a) for a in args)
        return CheckResult(exercise, False,
                           f"{problem} (test case {number} of {len(cases)}, inputs: {shapes})")
    if ambiguous is not None:
        return ambiguous[0]
    return CheckResult(exercise, True, success)


def check_value(answer, expected, *, exercise: str, what: str = "your answer",
                rtol: float = 1e-6, atol: float = 1e-8, success: str = "correct.",
                factors: Sequence[float] = (2.0, 0.5)) -> CheckResult:
    """Check a value (number or array) the student computed, not a function.

    ``...`` and ``NotImplemented`` are "not done yet"; anything else is judged by
    :func:`check_array_answer`.
    """
    if answer is NotImplemented or answer is Ellipsis:
        return CheckResult(exercise, False, f"{NOT_DONE}: replace `...` with your answer.",
                           not_done=True)
    problem = check_array_answer(answer, expected, what=what, rtol=rtol, atol=atol,
                                 factors=factors)
    return CheckResult(exercise, problem is None, success if problem is None else problem)
