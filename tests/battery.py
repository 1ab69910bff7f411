"""A shared battery of wrong (and disguised right) answers for the exercise checkers.

A checker must never raise, never pass a wrong answer, never fail a right one, and give
every wrong answer a sentence that names its mistake. This module builds, from a right
answer, the generic ways of getting it wrong that every checker must survive; each
chapter's tests add their own list of specific, realistic mistakes and run both.

API (stable; the tests of every chapter import it)
---------------------------------------------------
``Answer(label, answer, passes=False, phrases=(), not_done=False, propagates=None)``
    One entry: ``answer`` is what the checker receives (a function, a value, a class,
    a model builder); ``passes`` says whether the checker must accept it; every item of
    ``phrases`` must appear in the failing message (case-insensitive; an item may be a
    tuple of alternatives, any one of which is enough); ``not_done`` requires the result
    to be flagged "not done yet"; ``propagates`` names an exception the checker must let
    through (``KeyboardInterrupt``).
``right(label, answer)`` and ``wrong(label, answer, *phrases, not_done=False)``
    Short constructors for the specific lists.
``wrong_answers(right_function)`` -> list of Answer
    The generic battery for checkers that take a function: disguised right answers
    (float32, lists, a debugging print, a tiny rounding) and wrong ones (None,
    NotImplemented, ``...``, strings, the function itself, dicts, tuples holding None,
    complex, booleans, NaN, inf, a wrong shape, 0.1 % off, raised exceptions, a stub,
    ``exit()``, KeyboardInterrupt, in-place changes of the first array argument, print
    instead of return, not a function at all). A function returning a tuple
    ``(main, *rest)`` has the value-level mistakes applied to ``main``.
``wrong_values(right_value)`` -> list of Answer
    The same for checkers that take a value (a number the student computed).
``judge(checker, answer)`` -> str | None
    What the checker did wrong with this answer, or None.
``run_battery(checker, right, cases=(), *, generic=wrong_answers)`` -> list of (Answer, result)
    Runs ``generic(right)`` (pass ``generic=None`` to skip it, or your own builder for
    another kind of checker, e.g. one taking a class or a Keras model builder) followed
    by ``cases``, and asserts that the checker judged every one as it must.
``params(right, cases=(), *, generic=wrong_answers)`` -> list of pytest.param
    The same answers, one pytest parameter each (id = label), for ``assert_answer``.
``assert_answer(checker, answer)``
    Asserts ``judge(checker, answer) is None``.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pytest

from nbcode.checks.core import CheckResult

__all__ = ["Answer", "assert_answer", "judge", "params", "right", "run_battery", "wrong",
           "wrong_answers", "wrong_values"]


@dataclass(frozen=True)
class Answer:
    """One answer of the battery and how the checker must judge it."""

    label: str
    answer: object
    passes: bool = False
    phrases: tuple = ()
    not_done: bool = False
    propagates: type[BaseException] | None = None


def right(label: str, answer) -> Answer:
    """A right answer, however it is written: the checker must pass it."""
    return Answer(label, answer, passes=True)


def wrong(label: str, answer, *phrases, not_done: bool = False) -> Answer:
    """A wrong answer: the checker must fail it with a message containing every phrase."""
    return Answer(label, answer, passes=False, phrases=tuple(phrases), not_done=not_done)


# ------------------------------------------------------------------ building variants
def _map_main(result, f):
    """Apply ``f`` to the main value: the first item of a tuple result, else the result."""
    if isinstance(result, tuple) and result:
        return (f(result[0]),) + tuple(result[1:])
    return f(result)


def _map_arrays(value, f):
    """Apply ``f`` to every float array or float in ``value`` (items of a tuple included)."""
    if isinstance(value, tuple | list):
        return type(value)(_map_arrays(item, f) for item in value)
    if isinstance(value, np.ndarray | float | np.floating):
        return f(value)
    return value


def _float32(value):
    array = np.asarray(value)
    return array.astype(np.float32) if array.dtype.kind == "f" else value


def _as_lists(value):
    return np.asarray(value).tolist()


def _with(value, entry):
    """A float copy of ``value`` with its first entry replaced by ``entry``."""
    array = np.array(value, dtype=complex if isinstance(entry, complex) else float)
    array.flat[0] = entry
    return array


def _with_none(value):
    listed = np.asarray(value, dtype=float).tolist()
    if not isinstance(listed, list):
        return [None]
    inner = listed
    while isinstance(inner[0], list):
        inner = inner[0]
    inner[0] = None
    return listed


def _reshaped(value):
    """The usual shape mistakes: a transpose, a column instead of a flat vector."""
    array = np.asarray(value)
    if array.ndim >= 2:
        return array.T if array.shape[0] != array.shape[-1] else array.reshape(-1)
    if array.ndim == 1:
        return array.reshape(-1, 1)
    return np.array([array, array])


def _mutate_first_array(args):
    """Change the first array argument in place; return whether there was one."""
    for arg in args:
        if isinstance(arg, np.ndarray) and arg.size:
            if arg.dtype.kind == "b":
                arg ^= True
            else:
                arg += 1
            return True
    return False


def wrong_answers(right_function: Callable) -> list[Answer]:
    """The generic battery for a checker of functions, built from a right function."""
    f = right_function

    def computed_in_float32(*args):
        cast = [a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind == "f"
                else a for a in args]
        return _map_arrays(f(*cast), _float32)

    def debug_print(*args):
        result = f(*args)
        print("debug:", type(result).__name__)
        return result

    def mutate_after(*args):
        result = copy.deepcopy(f(*args))
        _mutate_first_array(args)
        return result

    def mutate_before(*args):
        _mutate_first_array(args)
        return f(*args)

    def prints(*args):
        print(f(*args))

    def raise_(error):
        def raising(*args):
            raise error
        return raising

    def returns(value):
        return lambda *args: value

    def main(g):
        return lambda *args: _map_main(f(*args), g)

    answers = [
        right("float32 output", lambda *args: _map_arrays(f(*args), _float32)),
        right("computed in float32", computed_in_float32),
        right("nested lists", lambda *args: _map_arrays(f(*args), _as_lists)),
        right("a tiny rounding (1e-12 relative)",
              lambda *args: _map_arrays(f(*args), lambda v: np.asarray(v) * (1 + 1e-12))),
        right("a debugging print", debug_print),
        wrong("returns None", returns(None), "None"),
        wrong("returns NotImplemented", returns(NotImplemented), "NotImplemented"),
        wrong("returns ...", returns(Ellipsis), "placeholder"),
        wrong("returns the string '0.5'", main(lambda v: "0.5"), "string"),
        wrong("returns str(result)", main(lambda v: str(np.asarray(v).tolist())), "string"),
        wrong("returns bytes", main(lambda v: b"0.5"), "bytes"),
        wrong("returns the function itself", main(lambda v: f), "function"),
        wrong("returns a dict", main(lambda v: {"result": v}), "dict"),
        wrong("returns a tuple holding None",
              lambda *args: (*(r if isinstance(r := f(*args), tuple) else (r,)), None), "None"),
        wrong("a None among the numbers", main(_with_none), "None"),
        wrong("complex numbers", main(lambda v: _with(v, complex(np.asarray(v).flat[0], 1.0))),
              "complex"),
        wrong("booleans", main(lambda v: np.asarray(v) > 0), "boolean"),
        wrong("a NaN", main(lambda v: _with(v, np.nan)), "NaN"),
        wrong("an inf", main(lambda v: _with(v, np.inf)), "infinite"),
        wrong("a transposed or column-shaped array", main(_reshaped), "shape"),
        wrong("0.1 % off", main(lambda v: np.asarray(v, dtype=float) * 1.001 + 1e-3)),
        wrong("raises ValueError", raise_(ValueError("shapes do not align")), "raised ValueError"),
        wrong("raises ZeroDivisionError", lambda *args: 1 / 0, "raised ZeroDivisionError"),
        wrong("a stub", raise_(NotImplementedError("Exercise")), "not done yet", not_done=True),
        wrong("calls exit()", lambda *args: sys.exit(1), "SystemExit"),
        Answer("KeyboardInterrupt", raise_(KeyboardInterrupt()), propagates=KeyboardInterrupt),
        wrong("changes its first array in place, returns the right value", mutate_after,
              "in place"),
        wrong("changes its first array in place, then computes on it", mutate_before,
              "in place"),
        wrong("prints instead of returning", prints, "print"),
        wrong("not a function: None", None, "expected a function"),
        wrong("not a function: the value", 0.5, "expected a function"),
    ]
    return answers


def wrong_values(right_value) -> list[Answer]:
    """The generic battery for a checker of a value (a number the student computed)."""
    v = float(right_value)
    return [
        right("a Python float", v),
        right("a numpy float64", np.float64(v)),
        right("a numpy float32", np.float32(v)),
        right("a 0-d array", np.array(v)),
        right("an array holding one number", np.array([v])),
        right("a tiny rounding (1e-9 relative)", v * (1 + 1e-9)),
        wrong("None", None, "None"),
        wrong("...", Ellipsis, "not done yet", not_done=True),
        wrong("NotImplemented", NotImplemented, "not done yet", not_done=True),
        wrong("the string '0.5'", "0.5", "string"),
        wrong("the right value as a string", f"{v}", "string"),
        wrong("a tuple (trailing comma)", (v,), "tuple"),
        wrong("a tuple holding None", (v, None), "None"),
        wrong("a function", lambda: v, "function"),
        wrong("a boolean", True, "boolean"),
        wrong("a complex number", complex(v, 0.0), "complex"),
        wrong("NaN", float("nan"), "NaN"),
        wrong("inf", float("inf"), "infinite"),
        wrong("1 % off", v * 1.01),
        wrong("two numbers", [v, v], "shape"),
        wrong("a dict", {"value": v}, "dict"),
        wrong("a list holding None", [None], "None"),
    ]


# ------------------------------------------------------------------ judging
def _has(message: str, phrase) -> bool:
    options = phrase if isinstance(phrase, tuple) else (phrase,)
    return any(option.lower() in message.lower() for option in options)


def judge(checker: Callable, answer: Answer) -> str | None:
    """What the checker did wrong with ``answer`` (a sentence), or None if it judged right."""
    try:
        result = checker(answer.answer)
    except BaseException as error:  # noqa: BLE001 - the point is to see everything
        if answer.propagates is not None and isinstance(error, answer.propagates):
            return None
        return f"the checker raised {type(error).__name__}: {error}"
    if answer.propagates is not None:
        return f"{answer.propagates.__name__} should reach the caller; the checker returned {result!r}"
    if not isinstance(result, CheckResult):
        return f"the checker returned {type(result).__name__}, not a CheckResult"
    if not isinstance(result.message, str) or not result.message.strip():
        return "the checker's message is empty"
    if "Traceback" in result.message:
        return f"the message holds a traceback: {result.message}"
    if answer.passes and not result.passed:
        return f"a right answer failed: {result.message}"
    if not answer.passes and result.passed:
        return f"a wrong answer passed: {result.message}"
    if answer.not_done and not result.not_done:
        return f"not flagged 'not done yet': {result.message}"
    missing = [p for p in answer.phrases if not _has(result.message, p)]
    if missing:
        return f"the message lacks {missing}: {result.message}"
    return None


def _collect(right_answer, cases: Iterable[Answer], generic) -> list[Answer]:
    answers = list(generic(right_answer)) if generic is not None else []
    return answers + list(cases)


def run_battery(checker: Callable, right_answer, cases: Iterable[Answer] = (), *,
                generic=wrong_answers) -> list[tuple[Answer, object]]:
    """Judge every generic and specific answer; assert that all were judged right."""
    problems, results = [], []
    for answer in _collect(right_answer, cases, generic):
        problem = judge(checker, answer)
        results.append((answer, problem))
        if problem is not None:
            problems.append(f"{answer.label}: {problem}")
    assert not problems, "\n".join(problems)
    return results


def params(right_answer, cases: Iterable[Answer] = (), *, generic=wrong_answers) -> list:
    """The battery as pytest parameters (one per answer, id = its label)."""
    return [pytest.param(answer, id=answer.label)
            for answer in _collect(right_answer, cases, generic)]


def assert_answer(checker: Callable, answer: Answer) -> None:
    """Assert that ``checker`` judged ``answer`` as it must."""
    problem = judge(checker, answer)
    assert problem is None, f"{answer.label}: {problem}"
