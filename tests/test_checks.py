"""The checker machinery (nbcode.checks.core) and chapter 1's checkers."""

import numpy as np
import pytest

from nbcode import linear
from nbcode.checks import ch01
from nbcode.checks.core import CheckResult, check_array_answer, check_function, check_value


@pytest.mark.parametrize(("answer", "phrase"), [
    (None, "forget the `return`"),
    ("abc", "not a number"),
    (np.zeros((3, 1)), "check the orientation"),
    (np.zeros(4), "expected shape (3,)"),
    (-np.array([1.0, 2.0, 3.0]), "wrong sign"),
    (2 * np.array([1.0, 2.0, 3.0]), "factor of 2"),
    (7 * np.array([1.0, 2.0, 3.0]), "proportional to the right answer but off by a factor of 7"),
    (np.array([1.0, 2.0, 4.0]), "largest difference is 1 at index (2,)"),
    (np.array([1.0, np.nan, 3.0]), "NaN"),
])
def test_array_diagnoses(answer, phrase):
    message = check_array_answer(answer, np.array([1.0, 2.0, 3.0]), what="x")
    assert message is not None and phrase in message


def test_right_answer_passes():
    assert check_array_answer([1.0, 2.0], np.array([1.0, 2.0])) is None


def test_check_function_catches_stubs_and_errors():
    def stub(x):
        raise NotImplementedError

    def broken(x):
        return x.undefined

    result = check_function(stub, lambda x: x, [(np.ones(2),)], exercise="demo")
    assert not result and result.not_done and "not done yet" in result.message
    result = check_function(broken, lambda x: x, [(np.ones(2),)], exercise="demo")
    assert not result and "raised AttributeError" in result.message
    assert "an array of shape (2,)" in result.message
    result = check_function(lambda x: x, lambda x: x, [(np.ones(2),), (np.zeros(3),)],
                            exercise="demo", success="well done")
    assert result and result.text() == "✓ demo: well done"
    assert repr(result) == result.text()


def test_hints_name_known_mistakes():
    result = check_function(lambda x: x + 1, lambda x: x, [(np.ones(2),)], exercise="demo",
                            hints=[(lambda x: x + 1, "you added one")])
    assert result.message == "you added one"


def test_check_value_handles_ellipsis():
    result = check_value(..., 3.0, exercise="value")
    assert not result and result.not_done
    assert check_value(3.0, 3.0, exercise="value")
    assert isinstance(check_value(2.0, 3.0, exercise="value"), CheckResult)


def test_ch01_ols_gradient_checker():
    assert ch01.check_ols_gradient(linear.ols_gradient)
    assert "wrong sign" in ch01.check_ols_gradient(
        lambda b, X, y: -linear.ols_gradient(b, X, y)).message
    assert "factor of 2" in ch01.check_ols_gradient(
        lambda b, X, y: 2 * linear.ols_gradient(b, X, y)).message

    def forgot_intercept(b, X, y):
        residual = y - b[0] - X @ b[1:]
        return -np.concatenate([[0.0], X.T @ residual])

    message = ch01.check_ols_gradient(forgot_intercept).message
    assert "finite differences" in message and "dL/dbeta_0" in message


def test_ch01_logistic_gradient_checker():
    assert ch01.check_logistic_gradient(linear.logistic_gradient)

    def sign_inside(b, X, y):  # sigma(+y o) instead of sigma(-y o)
        weight = -y * linear.sigmoid(y * (b[0] + X @ b[1:]))
        return np.concatenate([[weight.sum()], X.T @ weight])

    result = ch01.check_logistic_gradient(sign_inside)
    assert not result and "finite differences" in result.message


def test_ch01_gradient_step_and_learning_rate_limit():
    assert ch01.check_gradient_step(lambda b, g, lr: b - lr * g)
    assert "up" in ch01.check_gradient_step(lambda b, g, lr: b + lr * g).message
    X = np.random.default_rng(0).normal(size=(40, 2)) * [1.0, 4.0] + 3
    X1 = linear.add_intercept(X)
    right = 2 / np.linalg.eigvalsh(X1.T @ X1 / 40).max()
    assert ch01.check_learning_rate_limit(right, X)
    assert "summed loss" in ch01.check_learning_rate_limit(
        2 / np.linalg.eigvalsh(X1.T @ X1).max(), X).message
    assert "factor of 0.5" in ch01.check_learning_rate_limit(right / 2, X).message
    assert ch01.check_learning_rate_limit(..., X).not_done


# ------------------------------------------------------------------ the contract of the core
EXPECTED = np.array([1.0, 2.0, 3.0])


@pytest.mark.parametrize("answer", [
    [1.0, 2.0, 3.0], [1, 2, 3], (1.0, 2.0, 3.0), np.array([1, 2, 3]),
    np.array([1.0, 2.0, 3.0], dtype=np.float32), np.array([1.0, 2.0, 3.0], dtype=np.float16),
    [np.float32(1.0), np.float64(2.0), 3], np.array([1.0, 2.0, 3.0], dtype=object),
    (EXPECTED * (1 + 5e-6)).astype(np.float32),
], ids=lambda a: type(a).__name__)
def test_right_numbers_of_any_type_pass(answer):
    assert check_array_answer(answer, EXPECTED) is None


@pytest.mark.parametrize(("answer", "phrase"), [
    (NotImplemented, "NotImplemented"), (..., "placeholder"), ("0.5", "string"),
    (b"0.5", "bytes"), (print, "function"), (lambda x: x, "function"), ({"a": 1.0}, "dict"),
    ((EXPECTED,), "tuple"), ((1.0, None, 3.0), "None"), ([1.0, None, 3.0], "None"),
    ([1.0, "2", 3.0], "str"), (EXPECTED + 0j, "complex"), (EXPECTED > 0, "boolean"),
    ([[1.0], [2.0, 3.0]], "could not be read"), (object(), "must be a number"),
    (np.array(["1", "2", "3"]), "strings"), (EXPECTED * 1.001, "proportional"),
    ((EXPECTED * 1.001).astype(np.float32), "proportional"),
])
def test_everything_else_fails_with_a_sentence(answer, phrase):
    message = check_array_answer(answer, EXPECTED, what="x")
    assert message is not None and phrase in message and message.startswith("x ")


@pytest.mark.parametrize(("answer", "passes"), [
    (0.5, True), (np.float32(0.5), True), (np.array([0.5]), True), (1, False), (True, False),
    ((0.5,), False), ("0.5", False), (0.5 + 0j, False), ([0.5, 0.5], False),
])
def test_a_scalar_answer(answer, passes):
    assert (check_array_answer(answer, 0.5) is None) is passes


def test_float_tolerance_comes_from_the_dtype():
    assert check_array_answer.__module__ == "nbcode.checks.core"
    from nbcode.checks.core import float_tolerance

    rtol, atol = float_tolerance(np.float32, 1e-6, 1e-8, scale=10.0)
    assert rtol == pytest.approx(100 * np.finfo(np.float32).eps) and rtol >= 1e-5
    assert atol == pytest.approx(10 * rtol)
    assert float_tolerance(np.float64, 1e-6, 1e-8, scale=10.0) == (1e-6, 1e-8)
    assert float_tolerance(np.int64, 1e-6, 1e-8, scale=10.0) == (1e-6, 1e-8)
    # A right sum computed in float32 passes; the same sum 0.1 % off does not.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = rng.normal(size=200)
    exact = X.T @ y
    in_float32 = X.astype(np.float32).T @ y.astype(np.float32)
    assert check_array_answer(in_float32, exact) is None
    assert check_array_answer(in_float32 * np.float32(1.001), exact) is not None


def test_student_works_on_copies_and_in_place_changes_are_named():
    from nbcode.checks.core import call_student

    X = np.arange(6.0).reshape(3, 2)

    def centre(X):
        X -= X.mean(axis=0)
        return X

    answer, failure = call_student(centre, (X,), "demo")
    assert answer is None and not failure
    assert "changed its argument X in place" in failure.message and "X = X.copy()" in failure.message
    assert np.array_equal(X, np.arange(6.0).reshape(3, 2))  # the caller's array is untouched

    seen = []
    result = check_function(lambda v: seen.append(v) or v * 2, lambda v: v * 2, [(X,)],
                            exercise="demo")
    assert result and seen[0] is not X


def test_interrupts_exit_and_print():
    from nbcode.checks.core import call_student

    def interrupted(x):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        check_function(interrupted, lambda x: x, [(1.0,)], exercise="demo")
    result = check_function(lambda x: exit(3), lambda x: x, [(1.0,)], exercise="demo")
    assert not result and "SystemExit" in result.message
    _, failure = call_student(lambda x: print(x), (1.0,), "demo")
    assert "print" in failure.message and "return" in failure.message
    assert not call_student(42, (), "demo")[1] and "expected a function" in call_student(
        42, (), "demo")[1].message


def test_a_hint_is_named_only_on_a_case_that_tells_the_mistakes_apart():
    # At o = 0, sigma(o) and 1 - sigma(o) are both 1/2: the second case decides.
    def sigmoid(o):
        return 1 / (1 + np.exp(-o))

    hints = [(sigmoid, "sigma itself"), (lambda o: 1 - sigmoid(o), "one minus sigma")]
    cases = [(np.zeros(2),), (np.array([-1.0, 2.0]),)]
    result = check_function(lambda o: 1 - sigmoid(o), lambda o: sigmoid(o) * (1 - sigmoid(o)),
                            cases, exercise="demo", hints=hints)
    assert result.message == "one minus sigma"
    result = check_function(sigmoid, lambda o: sigmoid(o) * (1 - sigmoid(o)), cases,
                            exercise="demo", hints=hints)
    assert result.message == "sigma itself"
    # Only the ambiguous case exists: the first matching hint is named.
    result = check_function(lambda o: 1 - sigmoid(o), lambda o: sigmoid(o) * (1 - sigmoid(o)),
                            cases[:1], exercise="demo", hints=hints)
    assert result.message == "sigma itself"
