"""Checkers for chapter 2: the perceptron (one neuron, its gradient, Rosenblatt's rule)."""

from __future__ import annotations

import numpy as np

from .. import linear
from ..neuron import neuron_gradient, squared_loss
from ..nn.activations import sigmoid
from .core import CheckResult, _call_student, check_array_answer, check_function, report

__all__ = ["check_sigmoid_derivative", "check_neuron_gradient", "check_perceptron_epoch",
           "reference_perceptron_epoch"]


def check_sigmoid_derivative(function) -> CheckResult:
    """Check ``function(o)`` returns sigmoid'(o) = sigmoid(o) (1 - sigmoid(o)), same shape as o."""
    rng = np.random.default_rng(20)
    cases = [(np.array([0.0]),), (np.linspace(-6, 6, 13),), (rng.normal(0, 3, size=(4, 5)),),
             (np.array([-40.0, 40.0]),)]
    return check_function(
        function, sigmoid.derivative, cases, exercise="derivative of the sigmoid",
        what="sigma'(o)",
        success="correct: sigma'(o) = sigma(o) (1 - sigma(o)), largest (1/4) at o = 0.",
        hints=[(lambda o: o * (1 - o),
                "you computed o (1 - o): the formula f (1 - f) uses the sigmoid's *value* "
                "f = sigma(o), not o itself."),
               (lambda o: sigmoid.value(o),
                "you returned sigma(o) itself: multiply it by (1 - sigma(o))."),
               (lambda o: np.exp(-o) / (1 + np.exp(-o)),
                "you returned exp(-o) / (1 + exp(-o)) = 1 - sigma(o): one factor sigma(o) is "
                "missing.")])


def _gradient_cases():
    rng = np.random.default_rng(21)
    cases = []
    for (n, p), activation in zip([(5, 1), (12, 3), (30, 2), (20, 2)],
                                  ["sigmoid", "tanh", "relu", "sigmoid"], strict=True):
        X = rng.normal(size=(n, p))
        y = rng.choice([0.0, 1.0], size=n)
        beta = rng.normal(size=p + 1)
        cases.append((beta, X, y, activation))
    return cases


def _no_derivative(beta, X, y, activation):
    """A typical mistake: the chain rule without the factor f'(o)."""
    from ..nn.activations import get_activation

    error = y - get_activation(activation).value(beta[0] + X @ beta[1:])
    return -np.concatenate([[error.sum()], X.T @ error])


def check_neuron_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y, activation)`` returns the gradient of sum_i 1/2 (y_i - a_i)^2.

    Expected shape (p + 1,), dL/dbeta_0 first; activation is "sigmoid", "tanh" or "relu".
    """
    exercise = "gradient of one neuron"
    result = check_function(
        function, neuron_gradient, _gradient_cases(), exercise=exercise, what="the gradient",
        quiet=True, factors=(2.0, 0.5),
        success="correct: your gradient matches the chain rule and finite differences for the "
                "sigmoid, tanh and ReLU.",
        hints=[(_no_derivative,
                "your gradient is -(y - a) x summed over examples: the chain rule also needs the "
                "factor f'(o_i) of the activation.")])
    # Only a generic mismatch (not a sign, a factor, a shape or a crash) gets the per-component
    # comparison with finite differences.
    if not result and "does not match the expected values" in result.message:
        beta, X, y, activation = _gradient_cases()[1]
        try:
            answer = np.asarray(function(beta, X, y, activation), dtype=float)
            numeric = linear.numerical_gradient(lambda b: squared_loss(b, X, y, activation), beta)
            wrong = np.flatnonzero(~np.isclose(answer, numeric, rtol=1e-4, atol=1e-6))
        except Exception:  # noqa: BLE001 - the first check already explained the failure
            wrong = np.array([], dtype=int)
        if wrong.size:
            names = ", ".join("dL/dbeta_0" if j == 0 else f"dL/dbeta_{j}" for j in wrong[:4])
            result = CheckResult(
                exercise, False,
                f"with activation {activation!r}, your gradient does not match finite differences "
                f"on {names}: you gave {np.round(answer[wrong[:4]], 4).tolist()}, finite "
                f"differences give {np.round(numeric[wrong[:4]], 4).tolist()}.")
    return report(result)


def reference_perceptron_epoch(beta, X, y, learning_rate: float = 1.0, *, strict: bool = False,
                               update_intercept: bool = True):
    """One epoch of Rosenblatt's rule, examples in the order 0..n-1; returns (beta, mistakes).

    ``strict`` and ``update_intercept=False`` reproduce two usual mistakes (testing
    ``y o < 0`` instead of ``y o <= 0``; never updating beta_0), which the checker names.
    """
    beta = np.array(beta, dtype=float)
    mistakes = 0
    for x_i, y_i in zip(np.asarray(X, float), np.asarray(y, float), strict=True):
        margin = y_i * (beta[0] + x_i @ beta[1:])
        if margin < 0 or (margin == 0 and not strict):
            if update_intercept:
                beta[0] += learning_rate * y_i
            beta[1:] += learning_rate * y_i * x_i
            mistakes += 1
    return beta, mistakes


def _strict_epoch(beta, X, y):
    return reference_perceptron_epoch(beta, X, y, strict=True)


def _no_intercept_epoch(beta, X, y):
    return reference_perceptron_epoch(beta, X, y, update_intercept=False)


def check_perceptron_epoch(function) -> CheckResult:
    """Check ``function(beta, X, y)`` runs one epoch of the perceptron rule (learning rate 1).

    It must visit the examples in the order 0..n-1 and return ``(new_beta, n_mistakes)``.
    """
    exercise = "one epoch of the perceptron rule"
    rng = np.random.default_rng(22)
    cases = []
    for n, p, start in [(6, 2, "zeros"), (15, 2, "random"), (25, 3, "random")]:
        X = rng.normal(size=(n, p))
        y = rng.choice([-1, 1], size=n)
        beta = np.zeros(p + 1) if start == "zeros" else rng.normal(size=p + 1)
        cases.append((beta, X, y))
    for number, (beta, X, y) in enumerate(cases, start=1):
        answer, failure = _call_student(function, (beta.copy(), X, y), exercise)
        if failure is not None:
            return report(failure)
        if not (isinstance(answer, tuple | list) and len(answer) == 2):
            return report(CheckResult(
                exercise, False,
                "return a pair (new_beta, n_mistakes), e.g. `return beta, mistakes`; received "
                f"{type(answer).__name__}."))
        new_beta, mistakes = answer
        expected_beta, expected_mistakes = reference_perceptron_epoch(beta, X, y)
        for wrong, message in [
                (_strict_epoch, "you update only when y_i o_i < 0: a point exactly on the boundary "
                                "(o_i = 0, which is every point when beta = 0) is a mistake too; "
                                "test y_i o_i <= 0."),
                (_no_intercept_epoch, "beta_0 never changes: the rule also updates the intercept, "
                                      "beta_0 <- beta_0 + y_i.")]:
            wrong_beta, _ = wrong(beta, X, y)
            if (check_array_answer(new_beta, wrong_beta) is None
                    and check_array_answer(new_beta, expected_beta) is not None):
                return report(CheckResult(exercise, False, message))
        problem = check_array_answer(new_beta, expected_beta, what="the new beta")
        if problem is not None:
            return report(CheckResult(exercise, False,
                                      f"{problem} (test case {number} of {len(cases)}, n = {len(X)})"))
        if np.ndim(mistakes) != 0 or int(mistakes) != expected_mistakes:
            return report(CheckResult(
                exercise, False,
                f"beta is right but the number of mistakes is {mistakes!r}; expected "
                f"{expected_mistakes} (count one mistake per update) (test case {number})."))
    return report(CheckResult(exercise, True,
                              "correct: your epoch makes the same updates as Rosenblatt's rule."))

