"""The machinery shared by every exercise checker.

Use :func:`check_function` to test a student's function on several cases, each
compared with a reference implementation by :func:`check_array_answer`, which
diagnoses the usual mistakes. Messages are plain sentences for students.
"""

from __future__ import annotations

import textwrap
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "NOT_DONE", "check_array_answer", "check_function", "check_value",
           "report"]

NOT_DONE = "not done yet"


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


def report(result: CheckResult) -> CheckResult:
    """Return the result; a notebook displays it as its one-sentence verdict.

    Checkers return the result instead of printing it, so that the verdict is the
    cell's single output (put the checker call last in the cell, with no ``;``).
    """
    return result


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"{type(value).__name__} {value!r}"[:80]


def check_array_answer(answer, expected, *, what: str = "your result", rtol: float = 1e-6,
                       atol: float = 1e-8, factors: Sequence[float] = (2.0, 0.5)) -> str | None:
    """Compare ``answer`` with ``expected``; return None if they agree, else what is wrong.

    Diagnoses, in this order: ``None`` (forgot ``return``), not numbers, NaN,
    wrong shape (including a transposed or flattened result), wrong sign,
    off by a constant factor (``factors`` lists the usual ones, e.g. 2 or 1/n),
    and otherwise reports the largest difference.
    """
    if answer is None:
        return f"{what} is None: did you forget the `return` statement?"
    try:
        answer = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"{what} should be numbers; received {_describe(answer)}."
    expected = np.asarray(expected, dtype=float)
    if answer.shape != expected.shape:
        hint = ""
        if answer.size == expected.size:
            hint = (" It has the right number of entries: check the orientation "
                    "(a transpose, or a flattened array?).")
        return (f"{what} has shape {answer.shape}; expected shape {expected.shape}.{hint}")
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
    scale = np.abs(expected).max() if expected.size else 0.0
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


def _call_student(function: Callable, args: tuple, exercise: str) -> tuple[object, CheckResult | None]:
    """Call the student's function; turn every failure into a CheckResult."""
    if not callable(function):
        return None, CheckResult(exercise, False,
                                 f"expected a function, received {_describe(function)}.")
    try:
        with np.errstate(all="ignore"):
            return function(*args), None
    except NotImplementedError:
        return None, CheckResult(exercise, False,
                                 f"{NOT_DONE}: replace `raise NotImplementedError` with your code.",
                                 not_done=True)
    except Exception as error:  # noqa: BLE001 - any error becomes advice, not a traceback
        frames = traceback.extract_tb(error.__traceback__)
        line = next((f for f in reversed(frames) if f.filename.startswith("<ipython") or
                     "ipykernel" in f.filename), frames[-1] if frames else None)
        where = f" (line {line.lineno}: `{line.line}`)" if line is not None and line.line else ""
        shapes = ", ".join(_describe(a) for a in args)
        return None, CheckResult(exercise, False,
                                 f"your function raised {type(error).__name__}: {error}{where}. "
                                 f"It was called with {shapes}.")


def check_function(function: Callable, reference: Callable, cases: Iterable[tuple], *,
                   exercise: str, what: str = "the result", success: str = "correct.",
                   rtol: float = 1e-6, atol: float = 1e-8,
                   factors: Sequence[float] = (2.0, 0.5), quiet: bool = False,
                   hints: Sequence[tuple[Callable, str]] = ()) -> CheckResult:
    """Check ``function(*case)`` against ``reference(*case)`` for every case.

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
    quiet : bool
        Return the result without printing it.
    hints : sequence of (wrong_function, message)
        Known mistakes: if the answer equals ``wrong_function(*case)``, the
        message explains that mistake instead of the generic diagnosis.
    """
    cases = list(cases)
    for number, args in enumerate(cases, start=1):
        answer, failure = _call_student(function, args, exercise)
        if failure is None:
            problem = check_array_answer(answer, reference(*args), what=what, rtol=rtol,
                                         atol=atol, factors=factors)
            # A known mistake is named only when the answer is wrong: on some inputs a
            # mistake can give the right value.
            for wrong, message in hints if problem is not None else ():
                if check_array_answer(answer, wrong(*args), rtol=rtol, atol=atol,
                                      factors=()) is None:
                    failure = CheckResult(exercise, False, message)
                    break
            if problem is not None and failure is None:
                shapes = ", ".join(_describe(a) for a in args)
                failure = CheckResult(exercise, False,
                                      f"{problem} (test case {number} of {len(cases)}, "
                                      f"inputs: {shapes})")
        if failure is not None:
            return failure if quiet else report(failure)
    result = CheckResult(exercise, True, success)
    return result if quiet else report(result)


def check_value(answer, expected, *, exercise: str, what: str = "your answer",
                rtol: float = 1e-6, atol: float = 1e-8, success: str = "correct.",
                factors: Sequence[float] = (2.0, 0.5), quiet: bool = False) -> CheckResult:
    """Check a value (number or array) the student computed, not a function."""
    if answer is NotImplemented or answer is Ellipsis:
        result = CheckResult(exercise, False, f"{NOT_DONE}: replace `...` with your answer.",
                             not_done=True)
    else:
        problem = check_array_answer(answer, expected, what=what, rtol=rtol, atol=atol,
                                     factors=factors)
        result = CheckResult(exercise, problem is None, success if problem is None else problem)
    return result if quiet else report(result)
