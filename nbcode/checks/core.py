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

Every sentence is in the reader's language (:mod:`nbcode.i18n`): the messages of this
module are translated where they are made, and the texts a checker passes in (``exercise``,
``what``, ``success``, the hints, ``wanted``) are expected in the reader's language already
(``exercise=_("one gradient-descent step")``). Logic never reads a message: what was
diagnosed is :attr:`CheckResult.kind`.
"""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import numbers
import re
import textwrap
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..i18n import N_, _, language, ngettext

__all__ = ["CheckResult", "NOT_DONE", "call_student", "check_array_answer", "check_function",
           "check_tuple_answer", "check_value", "float_tolerance"]

#: The start of a "not done yet" verdict, in English: shown as ``_(NOT_DONE)``.
NOT_DONE = N_("not done yet")

# A space that textwrap does not break at (a private-use character, put back as a space).
_GLUE = "\ue000"

# A float type with fewer bits than float64 gets this many of its own epsilons of relative
# tolerance: float32 -> 1.2e-5, float16 -> 0.098. A right formula evaluated in that type
# (sums of tens of terms, some cancellation) stays well inside; the usual mistakes (a factor,
# a sign, a missing term) are far outside.
_EPS_FACTOR = 100


@dataclass
class CheckResult:
    """The outcome of a check: ``passed`` and a message for the student.

    ``exercise`` and ``message`` are in the reader's language. ``kind`` says what was
    diagnosed in words that do not depend on the language, for the checkers' own logic
    (which must never search the message): ``"mismatch"`` (a wrong value with no more
    specific diagnosis), ``"shape"``, ``"sign"``, ``"factor"``, ``"proportional"``,
    ``"not finite"``, ``"not numbers"``, ``"not comparable"``, ``"known mistake"`` (a
    hint), ``"not done"``, ``"raised"``, ``"in place"``, ``"printed"``, ``"not a
    function"``, or ``""`` (nothing recorded, e.g. a pass).
    """

    exercise: str
    passed: bool
    message: str
    not_done: bool = False
    kind: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def text(self, width: int = 88) -> str:
        """The verdict as one paragraph, wrapped to ``width`` characters."""
        mark = "✓" if self.passed else ("…" if self.not_done else "✗")
        line = _("{mark} {exercise}: {message}").format(mark=mark, exercise=self.exercise,
                                                        message=self.message)
        if language() == "fr":
            # French puts a space before : ; ? and ! -- never a line break there (nor in
            # "p. ex.").
            line = re.sub(r" (?=[:;?!](\s|$))", _GLUE, line).replace("p. ex.", f"p.{_GLUE}ex.")
        return textwrap.fill(line, width=width, subsequent_indent="  ",
                             break_long_words=False).replace(_GLUE, " ")

    def __repr__(self) -> str:
        return self.text()


def _describe(value) -> str:
    """A short description of a value for a message: its shape for an array, else type and repr."""
    if isinstance(value, np.ndarray):
        shape = value.shape
        return _("an array of shape {shape}").format(shape=shape)
    if isinstance(value, dict):
        keys = list(value)
        return _("a dict with keys {keys!r}").format(keys=keys)[:80]
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
        return _("{what} is None: did you forget the `return` statement?").format(what=what)
    if answer is NotImplemented:
        return _("{what} is NotImplemented, a placeholder: replace it with your "
                 "computation.").format(what=what)
    if answer is Ellipsis:
        return _("{what} is `...` (Ellipsis), a placeholder: replace it with your "
                 "code.").format(what=what)
    if isinstance(answer, str):
        return _("{what} is the string {text}, not a number: remove the quotes and give the "
                 "value itself.").format(what=what, text=_short(answer))
    if isinstance(answer, bytes | bytearray):
        return _("{what} is bytes {text}, not numbers.").format(what=what, text=_short(answer))
    if callable(answer) and not isinstance(answer, np.ndarray):
        name = getattr(answer, "__name__", type(answer).__name__)
        return _("{what} is a function ({name}), not numbers: call it and use what it "
                 "returns, e.g. `return f(x)` rather than `return f`.").format(what=what,
                                                                              name=name)
    if isinstance(answer, dict | set | frozenset):
        kind = type(answer).__name__
        return _("{what} is a {kind}; expected numbers (an array or a float).").format(
            what=what, kind=kind)
    if isinstance(answer, tuple):
        holds_none = any(item is None for item in answer)
        if not answer or holds_none or expected.ndim == 0 or not all(
                _is_real_scalar(item) for item in answer):
            count = len(answer)
            if expected.ndim == 0:
                message = ngettext(
                    "{what} is a tuple of {count} item(s); expected one number, not a tuple "
                    "(a trailing comma, or `return a, b`, makes a tuple).",
                    "{what} is a tuple of {count} item(s); expected one number, not a tuple "
                    "(a trailing comma, or `return a, b`, makes a tuple).", count)
            else:
                message = ngettext(
                    "{what} is a tuple of {count} item(s); expected one array, not a tuple "
                    "(a trailing comma, or `return a, b`, makes a tuple).",
                    "{what} is a tuple of {count} item(s); expected one array, not a tuple "
                    "(a trailing comma, or `return a, b`, makes a tuple).", count)
            message = message.format(what=what, count=count)
            return (message + " " + _("It contains None.")) if holds_none else message
    return None


def _as_real_array(answer, what: str, expected: np.ndarray) -> tuple[np.ndarray | None, str | None]:
    """``(array, None)`` if ``answer`` holds real numbers, else ``(None, why not)``."""
    problem = _not_numbers(answer, what, expected)
    if problem is not None:
        return None, problem
    try:
        array = np.asarray(answer)
    except Exception:  # noqa: BLE001 - ragged lists, objects numpy cannot read
        return None, _("{what} could not be read as an array of numbers (lists of different "
                       "lengths?); received {received}.").format(what=what,
                                                                received=_describe(answer))
    kind = array.dtype.kind
    if kind == "b" and expected.dtype.kind != "b":
        return None, _("{what} is boolean (True/False), not numbers: did you return a "
                       "comparison, or a mask, instead of the values?").format(what=what)
    if kind == "c":
        return None, _("{what} contains complex numbers; expected real numbers.").format(
            what=what)
    if kind in "USV":
        if array.size:
            return None, _("{what} contains strings such as {example}, not numbers.").format(
                what=what, example=_short(array.flat[0]))
        return None, _("{what} contains strings, not numbers.").format(what=what)
    if kind == "O":
        for position, item in zip(np.ndindex(array.shape), array.flat, strict=True):
            if not _is_real_scalar(item):
                if item is None and array.ndim:
                    message = _("{what} contains None at index {position}: every entry must "
                                "be a number.")
                elif item is None:
                    message = _("{what} contains None: every entry must be a number.")
                elif array.ndim:
                    message = _("{what} contains {item} at index {position}; every entry must "
                                "be a number.")
                else:
                    message = _("{what} contains {item}; every entry must be a number.")
                return None, message.format(what=what, item=_describe(item), position=position)
        array = array.astype(float)
    elif kind not in "fiub":
        return None, _("{what} should be numbers; received {received}.").format(
            what=what, received=_describe(answer))
    return array, None


def check_array_answer(answer, expected, *, what: str | None = None, rtol: float = 1e-6,
                       atol: float = 1e-8, factors: Sequence[float] = (2.0, 0.5)) -> str | None:
    """Compare ``answer`` with ``expected``; return None if they agree, else what is wrong.

    Diagnoses, in this order: not numbers (``None``: forgot ``return``; a string, a
    function, a tuple, booleans, complex numbers, ...), wrong shape (including a
    transposed or flattened result), NaN or inf, wrong sign, off by a constant factor
    (``factors`` lists the usual ones, e.g. 2 or 1/n), and otherwise the largest
    difference. An answer of a coarser float type (float32, float16) is compared with
    the tolerance of :func:`float_tolerance`. Where a number is expected, an array holding
    exactly one number is accepted. Never raises.

    ``what`` names the answer at the start of the message, in the reader's language
    (default: "your result").
    """
    return _diagnosis(answer, expected, what, rtol, atol, factors)[1]


def _diagnosis(answer, expected, what, rtol, atol, factors) -> tuple[str, str | None]:
    """``(kind, message)`` of :func:`check_array_answer` (``("", None)`` if they agree);
    ``kind`` is one of :class:`CheckResult`'s kinds."""
    if what is None:
        what = _("your result")
    try:
        return _compare(answer, expected, what, rtol, atol, factors)
    except Exception as error:  # noqa: BLE001 - a checker must never crash on a strange answer
        return "not comparable", _(
            "{what} could not be compared with the expected values ({error}); received "
            "{received}.").format(what=what, error=type(error).__name__,
                                  received=_describe(answer))


def _compare(answer, expected, what, rtol, atol, factors) -> tuple[str, str | None]:
    expected = np.asarray(expected)
    array, problem = _as_real_array(answer, what, expected)
    if problem is not None:
        return "not numbers", problem
    expected = expected.astype(float)
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    rtol, atol = float_tolerance(array.dtype, rtol, atol, scale)
    answer = array.astype(float)
    if expected.ndim == 0 and answer.size == 1:
        answer = answer.reshape(())
    if answer.shape != expected.shape:
        message = _("{what} has shape {shape}; expected shape {expected}.").format(
            what=what, shape=answer.shape, expected=expected.shape)
        if answer.size == expected.size:
            message += " " + _("It has the right number of entries: check the orientation "
                               "(a transpose, or a flattened array?).")
        return "shape", message
    if not np.all(np.isfinite(answer)):
        return "not finite", _("{what} contains NaN or infinite values.").format(what=what)
    if np.allclose(answer, expected, rtol=rtol, atol=atol):
        return "", None
    if np.any(expected != 0) and np.allclose(answer, -expected, rtol=rtol, atol=atol):
        return "sign", _("{what} has the wrong sign: it is exactly the opposite of the right "
                         "answer.").format(what=what)
    for factor in factors:
        if np.allclose(answer, factor * expected, rtol=rtol, atol=atol):
            return "factor", _("{what} is off by a factor of {factor:g}: it equals {factor:g} × "
                               "the right answer.").format(what=what, factor=factor)
    if scale > 0 and expected.size > 1:
        ratio = answer.ravel() / np.where(expected.ravel() == 0, np.nan, expected.ravel())
        ratio = ratio[np.isfinite(ratio)]
        if ratio.size > 1 and np.allclose(ratio, ratio[0], rtol=1e-6) and np.allclose(
                answer, ratio[0] * expected, rtol=rtol, atol=atol):
            return "proportional", _("{what} is proportional to the right answer but off by a "
                                     "factor of {ratio:.4g}.").format(what=what, ratio=ratio[0])
    worst = np.unravel_index(np.argmax(np.abs(answer - expected)), expected.shape)
    fields = dict(what=what, difference=np.abs(answer - expected)[worst], gave=answer[worst],
                  expected=expected[worst], position=tuple(int(i) for i in worst))
    if expected.ndim:
        message = _("{what} does not match the expected values: the largest difference is "
                    "{difference:.3g} at index {position} (you gave {gave:.6g}, expected "
                    "{expected:.6g}).")
    else:
        message = _("{what} does not match the expected values: the largest difference is "
                    "{difference:.3g} (you gave {gave:.6g}, expected {expected:.6g}).")
    return "mismatch", message.format(**fields)


def check_tuple_answer(answer, length: int, wanted: str) -> str | None:
    """Why ``answer`` is not a tuple (or list) of ``length`` items, or None if it is.

    ``wanted`` describes what to return, e.g. ``"a pair (new_beta, n_mistakes)"``; the
    items themselves are judged by the caller. Never raises.
    """
    if answer is None:
        return _("your function returned None: did you forget the `return` statement? Return "
                 "{wanted}.").format(wanted=wanted)
    if answer is NotImplemented or answer is Ellipsis:
        return _("your function returned a placeholder ({answer!r}): return {wanted}.").format(
            answer=answer, wanted=wanted)
    if not isinstance(answer, tuple | list):
        return _("return {wanted}; received {received}.").format(wanted=wanted,
                                                                 received=_describe(answer))
    if len(answer) != length:
        fields = dict(wanted=wanted, kind=type(answer).__name__, count=len(answer))
        if any(item is None for item in answer):
            message = ngettext("return {wanted}; received a {kind} of {count} items (holding "
                               "None).", "return {wanted}; received a {kind} of {count} items "
                               "(holding None).", len(answer))
        else:
            message = ngettext("return {wanted}; received a {kind} of {count} items.",
                               "return {wanted}; received a {kind} of {count} items.",
                               len(answer))
        return message.format(**fields)
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
            return _("it is now {value}").format(value=_describe(after))
        if before.shape != after.shape:
            return _("its shape changed from {before} to {after}").format(before=before.shape,
                                                                          after=after.shape)
        if before.dtype != after.dtype:
            return _("its dtype changed from {before} to {after}").format(before=before.dtype,
                                                                          after=after.dtype)
        if before.dtype.kind in "fc":
            differ = ~((before == after) | (np.isnan(before) & np.isnan(after)))
        else:
            differ = before != after
        if np.any(differ):
            where = np.argwhere(differ)[0] if before.ndim else ()
            position = tuple(int(i) for i in where)
            fields = dict(changed=int(np.sum(differ)), size=before.size, position=position,
                          before=_number(before[position]), after=_number(after[position]))
            if before.ndim:
                message = _("{changed} of its {size} entries changed, e.g. entry {position} "
                            "went from {before} to {after}")
            else:
                message = _("{changed} of its {size} entries changed, e.g. went from {before} "
                            "to {after}")
            return message.format(**fields)
        return None
    if isinstance(before, list | dict):
        if type(after) is not type(before) or len(after) != len(before):
            return _("its length changed from {before} to {after}").format(before=len(before),
                                                                           after=len(after))
        keys = range(len(before)) if isinstance(before, list) else before.keys()
        for key in keys:
            if isinstance(before, dict) and key not in after:
                return _("its key {key!r} was removed").format(key=key)
            inner = _change(before[key], after[key], depth + 1)
            if inner is not None:
                return _("its item {key!r} changed: {change}").format(key=key, change=inner)
        return None
    if isinstance(before, tuple):  # immutable, but its items may be arrays
        for key, (b, a) in enumerate(zip(before, after, strict=True)):
            inner = _change(b, a, depth + 1)
            if inner is not None:
                return _("its item {key} changed: {change}").format(key=key, change=inner)
        return None
    if hasattr(before, "__dict__") and not isinstance(before, type):
        for key, value in vars(before).items():
            if key not in vars(after):
                return _("its attribute {key} was removed").format(key=key)
            inner = _change(value, vars(after)[key], depth + 1)
            if inner is not None:
                return _("its attribute {key} changed: {change}").format(key=key, change=inner)
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
            (fallback[i] if i < len(fallback) else _("number {number}").format(number=i + 1))
            for i in range(count)]


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
        Name of the exercise, for the result (in the reader's language).
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
                                 _("expected a function, received {received}.").format(
                                     received=_describe(function)), kind="not a function")
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
                                 _("not done yet: replace `raise NotImplementedError` with your "
                                   "code."), not_done=True, kind="not done")
    except (Exception, SystemExit) as error:  # noqa: BLE001 - any error becomes advice
        frames = traceback.extract_tb(error.__traceback__)
        line = next((f for f in reversed(frames) if f.filename.startswith("<ipython") or
                     "ipykernel" in f.filename), frames[-1] if frames else None)
        shapes = ", ".join(_describe(a) for a in args)
        text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        if line is not None and line.line:
            message = _("your function raised {error} (line {line}: `{code}`). It was called "
                        "with {inputs}.").format(error=text, line=line.lineno, code=line.line,
                                                 inputs=shapes)
        else:
            message = _("your function raised {error}. It was called with {inputs}.").format(
                error=text, inputs=shapes)
        return None, CheckResult(exercise, False, message, kind="raised")
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
                advice = _("Work on a copy: write `{name} = {name} - ...` (a new array) instead "
                           "of `{name} -= ...` or `{name}[...] = ...`, or start with "
                           "`{name} = {name}.copy()`.").format(name=name)
            elif isinstance(original, list | dict):
                advice = _("Work on a copy: `{name} = copy.deepcopy({name})` first.").format(
                    name=name)
            else:
                advice = _("Leave it as it is, or work on `copy.deepcopy` of it.")
            return None, CheckResult(
                exercise, False,
                _("your function changed its argument {name} in place ({change}); the caller's "
                  "data would change too. {advice}").format(name=name, change=change,
                                                            advice=advice), kind="in place")
    if answer is None and printed.getvalue():
        return None, CheckResult(
            exercise, False,
            _("your function printed its result but returned None: use `return ...` instead "
              "of `print(...)`, so that the caller receives the value."), kind="printed")
    return answer, None


# The old private name, used by the chapter checkers.
_call_student = call_student


def check_function(function: Callable, reference: Callable, cases: Iterable[tuple], *,
                   exercise: str, what: str | None = None, success: str | None = None,
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
        What the function returns, used in messages ("the gradient"; default "the result").
    success : str
        Message when every case passes (default "correct.").
    hints : sequence of (wrong_function, message)
        Known mistakes: if the answer is wrong and equals ``wrong_function(*case)``, the
        message explains that mistake instead of the generic diagnosis.

    ``exercise``, ``what``, ``success`` and the hints' messages are shown as they are given:
    in the reader's language (``what=_("the gradient")``).
    names, protect, compare : passed to :func:`call_student`.
    """
    what = _("the result") if what is None else what
    success = _("correct.") if success is None else success
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
        kind, problem = _diagnosis(answer, expected, what, rtol, atol, factors)
        if problem is None:
            continue
        # A known mistake is named only when the answer is wrong: on some inputs a
        # mistake can give the right value.
        matches = []
        for k, (wrong, _message) in enumerate(hints):
            if ambiguous is not None and k not in ambiguous[1]:
                continue
            with np.errstate(all="ignore"):
                wrong_value = wrong(*copy.deepcopy(args))
            if check_array_answer(answer, wrong_value, rtol=rtol, atol=atol,
                                  factors=()) is None:
                matches.append(k)
        if len(matches) == 1:
            return CheckResult(exercise, False, hints[matches[0]][1], kind="known mistake")
        if ambiguous is not None:
            return ambiguous[0]
        if len(matches) > 1:
            ambiguous = (CheckResult(exercise, False, hints[matches[0]][1], kind="known mistake"),
                         matches)
            continue
        shapes = ", ".join(_describe(a) for a in args)
        return CheckResult(exercise, False,
                           _("{problem} (test case {number} of {count}, inputs: {inputs})").format(
                               problem=problem, number=number, count=len(cases), inputs=shapes),
                           kind=kind)
    if ambiguous is not None:
        return ambiguous[0]
    return CheckResult(exercise, True, success)


def check_value(answer, expected, *, exercise: str, what: str | None = None,
                rtol: float = 1e-6, atol: float = 1e-8, success: str | None = None,
                factors: Sequence[float] = (2.0, 0.5)) -> CheckResult:
    """Check a value (number or array) the student computed, not a function.

    ``...`` and ``NotImplemented`` are "not done yet"; anything else is judged by
    :func:`check_array_answer`. ``what`` (default "your answer") and ``success`` (default
    "correct.") are shown as they are given, in the reader's language.
    """
    if answer is NotImplemented or answer is Ellipsis:
        return CheckResult(exercise, False, _("not done yet: replace `...` with your answer."),
                           not_done=True, kind="not done")
    what = _("your answer") if what is None else what
    kind, problem = _diagnosis(answer, expected, what, rtol, atol, factors)
    if problem is None:
        return CheckResult(exercise, True, _("correct.") if success is None else success)
    return CheckResult(exercise, False, problem, kind=kind)
