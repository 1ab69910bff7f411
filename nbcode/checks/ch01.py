"""Checkers for chapter 1: linear regression and gradient descent."""

from __future__ import annotations

import numpy as np

from .. import linear
from .core import CheckResult, check_function, report

__all__ = ["check_ols_gradient", "check_gradient_step", "check_logistic_gradient",
           "check_learning_rate_limit"]


def _regression_cases():
    rng = np.random.default_rng(1)
    cases = []
    for n, p in [(5, 1), (12, 3), (30, 2)]:
        X = rng.normal(size=(n, p))
        y = rng.normal(size=n)
        beta = rng.normal(size=p + 1)
        cases.append((beta, X, y))
    return cases


def _classification_cases():
    rng = np.random.default_rng(2)
    cases = []
    for n, p in [(6, 1), (15, 2), (40, 3)]:
        X = rng.normal(size=(n, p))
        y = rng.choice([-1, 1], size=n)
        beta = rng.normal(size=p + 1)
        cases.append((beta, X, y))
    return cases


def _fd_diagnosis(function, loss, exercise):
    """When the answer is wrong, say which components disagree with finite differences."""
    beta, X, y = _classification_cases()[1] if loss is linear.logistic_loss else _regression_cases()[1]
    try:
        answer = np.asarray(function(beta, X, y), dtype=float)
        numeric = linear.numerical_gradient(lambda b: loss(b, X, y), beta)
        wrong = np.flatnonzero(~np.isclose(answer, numeric, rtol=1e-4, atol=1e-6))
    except Exception:  # noqa: BLE001 - the main check already explained the failure
        return None
    if wrong.size:
        names = ", ".join("dL/dbeta_0" if j == 0 else f"dL/dbeta_{j}" for j in wrong[:4])
        return CheckResult(exercise, False,
                           f"your gradient does not match finite differences on {names}: "
                           f"you gave {np.round(answer[wrong[:4]], 4).tolist()}, finite "
                           f"differences give {np.round(numeric[wrong[:4]], 4).tolist()}.")
    return None


def _worth_finite_differences(result: CheckResult) -> bool:
    """Only a wrong value with no more specific diagnosis (sign, factor, shape, crash, stub)
    gets the component-by-component comparison with finite differences."""
    return not result and "does not match the expected values" in result.message


def _check_gradient(function, reference, loss, cases, exercise: str, success: str) -> CheckResult:
    """Compare a student's gradient with ``reference``; a wrong value with no more specific
    diagnosis is compared with finite differences of ``loss``, component by component."""
    result = check_function(function, reference, cases, exercise=exercise, what="the gradient",
                            quiet=True, success=success)
    if _worth_finite_differences(result):
        diagnosis = _fd_diagnosis(function, loss, exercise)
        if diagnosis is not None:
            return report(diagnosis)
    return report(result)


def check_ols_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y)`` returns the gradient of 1/2 sum (y - yhat)^2.

    Expected shape (p + 1,): dL/dbeta_0 first.
    """
    return _check_gradient(function, linear.ols_gradient, linear.ols_loss, _regression_cases(),
                           exercise="gradient of the squared loss",
                           success="correct: your gradient matches the formula and finite "
                                   "differences.")


def check_gradient_step(function) -> CheckResult:
    """Check ``function(beta, gradient, learning_rate)`` returns one descent step."""
    rng = np.random.default_rng(3)
    cases = [(rng.normal(size=3), rng.normal(size=3), lr) for lr in (0.1, 0.01, 1.0)]
    return check_function(function, lambda b, g, lr: b - lr * g, cases,
                          exercise="one gradient-descent step", what="the new beta",
                          success="correct: beta moves against the gradient.",
                          hints=[(lambda b, g, lr: b + lr * g,
                                  "your step goes *up* the gradient (beta + learning_rate × "
                                  "gradient): descent moves against it.")])


def check_logistic_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y)`` returns the gradient of sum log(1 + exp(-y o)), y in ±1."""
    return _check_gradient(function, linear.logistic_gradient, linear.logistic_loss,
                           _classification_cases(),
                           exercise="gradient of the logistic negative log-likelihood",
                           success="correct: your gradient matches finite differences of the "
                                   "negative log-likelihood.")


def check_learning_rate_limit(eta_max, X) -> CheckResult:
    """Check ``eta_max`` = 2 / lambda_max of the mean loss's Hessian [1, X]^T [1, X] / n."""
    from .core import check_value

    exercise = "largest stable learning rate"
    X = np.asarray(X, dtype=float)
    n = len(X)
    X1 = linear.add_intercept(X)
    right = 2 / np.linalg.eigvalsh(X1.T @ X1 / n).max()
    if (eta_max is not Ellipsis and np.ndim(eta_max) == 0
            and not np.isclose(float(eta_max), right, rtol=1e-4)):
        known = {
            "without the column of ones for the intercept":
                2 / np.linalg.eigvalsh(X.T @ X / n).max(),
            "for the summed loss L(beta) instead of the mean L(beta)/n (divide the Hessian by n)":
                2 / np.linalg.eigvalsh(X1.T @ X1).max(),
            "with the smallest eigenvalue instead of the largest":
                2 / np.linalg.eigvalsh(X1.T @ X1 / n).min(),
        }
        for mistake, value in known.items():
            if np.isclose(float(eta_max), value, rtol=1e-4):
                return report(CheckResult(exercise, False, f"this is the limit {mistake}."))
    return check_value(eta_max, right, exercise=exercise, what="eta_max", rtol=1e-4,
                       factors=(0.5, 2.0),
                       success=f"correct: eta_max = 2 / lambda_max = {right:.4g}.")
