"""Exercise checkers: one module per chapter, built on :mod:`nbcode.checks.core`.

A checker calls the student's function on test inputs (on copies: a function that
changes its inputs in place is told so), compares with the reference computed
beforehand, and returns one plain sentence: what is right, or what is wrong (not
implemented yet, not a number, wrong shape, wrong sign, off by a factor, does not
match finite differences). It never lets a traceback reach the student. The result
is a :class:`CheckResult`: true when the answer is right, and displayed in a
notebook as its one-sentence verdict.
"""

from .core import CheckResult, call_student, check_array_answer, check_function, check_value

__all__ = ["CheckResult", "call_student", "check_array_answer", "check_function", "check_value"]
