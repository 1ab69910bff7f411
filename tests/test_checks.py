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
