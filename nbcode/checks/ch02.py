"""Checkers for chapter 2: the perceptron (one neuron, its gradient, Rosenblatt's rule)."""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr

from .. import i18n
from ..gradcheck import numerical_gradient
from ..i18n import N_, _
from ..neuron import neuron_gradient, squared_loss
from ..nn.activations import get_activation, sigmoid
from .core import CheckResult, call_student, check_array_answer, check_function, check_tuple_answer

__all__ = ["check_sigmoid_derivative", "check_neuron_gradient", "check_perceptron_epoch",
           "reference_perceptron_epoch", "check_probit_gradient", "reference_probit_gradient"]


def check_sigmoid_derivative(function) -> CheckResult:
    """Check ``function(o)`` returns sigmoid'(o) = sigmoid(o) (1 - sigmoid(o)), same shape as o."""
    rng = np.random.default_rng(20)
    # Not o = 0 alone first: there sigma(o) and 1 - sigma(o) are both 1/2.
    cases = [(np.linspace(-6, 6, 13),), (np.array([0.0]),), (rng.normal(0, 3, size=(4, 5)),),
             (np.array([-40.0, 40.0]),)]
    return check_function(
        function, sigmoid.derivative, cases, exercise=_("derivative of the sigmoid"),
        what="sigma'(o)",
        success=_("correct: sigma'(o) = sigma(o) (1 - sigma(o)), largest (1/4) at o = 0."),
        hints=[(lambda o: o * (1 - o),
                _("you computed o (1 - o): the formula f (1 - f) uses the sigmoid's *value* "
                  "f = sigma(o), not o itself.")),
               (lambda o: sigmoid.value(o),
                _("you returned sigma(o) itself: multiply it by (1 - sigma(o)).")),
               (lambda o: np.exp(-o) / (1 + np.exp(-o)),
                _("you returned exp(-o) / (1 + exp(-o)) = 1 - sigma(o): one factor sigma(o) is "
                  "missing.")),
               (lambda o: 1 - np.tanh(o) ** 2,
                _("you returned 1 - tanh(o)^2, the derivative of tanh: the sigmoid's is "
                  "sigma(o) (1 - sigma(o)).")),
               (lambda o: sigmoid.value(o) * (1 + sigmoid.value(o)),
                _("you computed sigma(o) (1 + sigma(o)): the second factor is "
                  "1 - sigma(o)."))])


def _gradient_cases():
    rng = np.random.default_rng(21)
    cases = []
    for (n, p), activation in zip([(5, 1), (12, 3), (30, 2), (20, 2)],
                                  ["sigmoid", "tanh", "relu", "sigmoid"], strict=True):
        X = rng.normal(size=(n, p))
        y = rng.choice([0.0, 1.0], size=n)
        beta = rng.normal(size=p + 1)
        if activation == "relu":
            # Two examples with o exactly 0 (dyadic numbers: no rounding) and y = 1, so that
            # ReLU'(0) = 1 instead of the book's ReLU'(0) = 0 changes every component.
            beta[:] = [0.5, 1.0, -0.5]
            X[:2] = [[0.5, 2.0], [-1.5, -2.0]]
            y[:2] = 1.0
        cases.append((beta, X, y, activation))
    return cases


def _relu_derivative_at_zero(beta, X, y, activation):
    """A usual mistake: ReLU'(0) = 1 (o >= 0) instead of the book's ReLU'(0) = 0."""
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    slope = (o >= 0).astype(float) if activation == "relu" else f.derivative(o)
    delta = -(y - f.value(o)) * slope
    return np.concatenate([[delta.sum()], X.T @ delta])


def _no_derivative(beta, X, y, activation):
    """A typical mistake: the chain rule without the factor f'(o)."""
    error = y - get_activation(activation).value(beta[0] + X @ beta[1:])
    return -np.concatenate([[error.sum()], X.T @ error])


def check_neuron_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y, activation)`` returns the gradient of sum_i 1/2 (y_i - a_i)^2.

    Expected shape (p + 1,), dL/dbeta_0 first; activation is "sigmoid", "tanh" or "relu".
    """
    exercise = _("gradient of one neuron")
    names = ("beta", "X", "y", "activation")
    result = check_function(
        function, neuron_gradient, _gradient_cases(), exercise=exercise, what=_("the gradient"),
        factors=(2.0, 0.5), names=names,
        success=_("correct: your gradient matches the chain rule and finite differences for the "
                  "sigmoid, tanh and ReLU."),
        hints=[(_no_derivative,
                _("your gradient is -(y - a) x summed over examples: the chain rule also needs "
                  "the factor f'(o_i) of the activation.")),
               (_relu_derivative_at_zero,
                _("your ReLU derivative is 1 at o = 0: the book's convention is ReLU'(0) = 0, "
                  "i.e. f'(o) = 1 only where o > 0 (strictly); use get_activation(activation)"
                  ".derivative(o).")),
               (lambda *case: 2 * neuron_gradient(*case),
                _("your gradient is off by a factor of 2: the 1/2 in L = sum_i 1/2 (y_i - a_i)^2 "
                  "cancels the 2 of the square's derivative.")),
               (lambda *case: neuron_gradient(*case) / len(case[1]),
                _("this is the gradient of the mean loss L/n: the loss of the exercise is the "
                  "sum over the examples, without 1/n.")),
               (lambda beta, X, y, a: np.concatenate([[0.0], neuron_gradient(beta, X, y, a)[1:]]),
                _("your dL/dbeta_0 is 0: the intercept gets sum_i delta_i (its input is "
                  "x_i0 = 1)."))])
    # Only a generic mismatch (not a sign, a factor, a shape or a crash) gets the per-component
    # comparison with finite differences.
    if not result and result.kind == "mismatch":
        beta, X, y, activation = _gradient_cases()[1]
        numeric = numerical_gradient(lambda b: squared_loss(b, X, y, activation), beta.copy())
        answer, failure = call_student(function, (beta, X, y, activation), exercise, names=names)
        wrong = np.array([], dtype=int)
        if failure is None and check_array_answer(answer, numeric, rtol=1e-4) is not None:
            try:
                answer = np.asarray(answer, dtype=float)
                wrong = np.flatnonzero(~np.isclose(answer, numeric, rtol=1e-4, atol=1e-6))
            except Exception:  # noqa: BLE001 - the first check already explained the failure
                pass
        if wrong.size:
            names = ", ".join("dL/dbeta_0" if j == 0 else f"dL/dbeta_{j}" for j in wrong[:4])
            result = CheckResult(
                exercise, False,
                _("with activation {activation!r}, your gradient does not match finite "
                  "differences on {names}: you gave {gave}, finite differences give "
                  "{numeric}.").format(activation=activation, names=names,
                                       gave=np.round(answer[wrong[:4]], 4).tolist(),
                                       numeric=np.round(numeric[wrong[:4]], 4).tolist()),
                kind="mismatch")
    return result


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


def _batch_epoch(beta, X, y):
    """A usual mistake: one update with every mistake of the starting beta at once."""
    beta = np.array(beta, dtype=float)
    wrong = y * (beta[0] + X @ beta[1:]) <= 0
    return beta + np.concatenate([[y[wrong].sum()], X[wrong].T @ y[wrong]]), int(wrong.sum())


# The messages of these lists are marked with N_() and translated where they are shown
# (i18n._: the catalogue's extractor reads _() with a literal only).
_PERCEPTRON_MISTAKES = [
    (_strict_epoch, N_("you update only when y_i o_i < 0: a point exactly on the boundary "
                       "(o_i = 0, which is every point when beta = 0) is a mistake too; "
                       "test y_i o_i <= 0.")),
    (_no_intercept_epoch, N_("beta_0 never changes: the rule also updates the intercept, "
                             "beta_0 <- beta_0 + y_i.")),
    (_batch_epoch, N_("you updated beta with all the mistakes of the starting beta at once: the "
                      "rule visits the examples one at a time, and each update changes the "
                      "margins of the examples after it.")),
]


def _perceptron_cases():
    rng = np.random.default_rng(22)
    cases = []
    for n, p, start in [(6, 2, "zeros"), (15, 2, "random"), (25, 3, "random")]:
        X = rng.normal(size=(n, p))
        y = rng.choice([-1, 1], size=n)
        beta = np.zeros(p + 1) if start == "zeros" else rng.normal(size=p + 1)
        cases.append((beta, X, y))
    return cases


def check_perceptron_epoch(function) -> CheckResult:
    """Check ``function(beta, X, y)`` runs one epoch of the perceptron rule (learning rate 1).

    It must visit the examples in the order 0..n-1 and return ``(new_beta, n_mistakes)``.
    """
    exercise = _("one epoch of the perceptron rule")
    cases = _perceptron_cases()
    for number, (beta, X, y) in enumerate(cases, start=1):
        expected_beta, expected_mistakes = reference_perceptron_epoch(beta.copy(), X, y)
        answer, failure = call_student(function, (beta, X, y), exercise, names=("beta", "X", "y"))
        if failure is not None:
            return failure
        problem = check_tuple_answer(answer, 2, _("a pair (new_beta, n_mistakes), e.g. "
                                                  "`return beta, mistakes`"))
        if problem is not None:
            return CheckResult(exercise, False, problem)
        new_beta, mistakes = answer
        if np.ndim(new_beta) == 0 and np.ndim(mistakes) == 1 and np.size(mistakes) == len(beta):
            return CheckResult(exercise, False, _("the pair is in the wrong order: return "
                                                  "(new_beta, n_mistakes), beta first."))
        problem = check_array_answer(new_beta, expected_beta, what=_("the new beta"))
        if problem is not None:
            for wrong, message in _PERCEPTRON_MISTAKES:
                if check_array_answer(new_beta, wrong(beta.copy(), X, y)[0]) is None:
                    return CheckResult(exercise, False, i18n._(message), kind="known mistake")
            return CheckResult(exercise, False,
                               _("{problem} (test case {number} of {count}, n = {n})").format(
                                   problem=problem, number=number, count=len(cases), n=len(X)))
        problem = check_array_answer(mistakes, expected_mistakes,
                                     what=_("the number of mistakes"), factors=())
        if problem is not None:
            return CheckResult(
                exercise, False,
                _("beta is right but the number of mistakes is wrong: {problem} Count one "
                  "mistake per update (test case {number}).").format(problem=problem,
                                                                     number=number))
    return CheckResult(exercise, True,
                       _("correct: your epoch makes the same updates as Rosenblatt's rule."))


# ------------------------------------------------------------------ the probit neuron
def _probit_delta(o, y, *, mistake: str | None = None):
    """dl_i/do_i of the binary cross-entropy of a = Phi(o), shape (n,); or a usual mistake.

    Right: ``(a - y) / (a (1 - a)) phi(o)``, computed as ``-phi(o)/Phi(o)`` for y = 1 and
    ``phi(o)/Phi(-o)`` for y = 0 (with log_ndtr, stable for large |o|), and mixed linearly
    for targets strictly between 0 and 1.
    """
    log_phi = -0.5 * o ** 2 - 0.5 * np.log(2 * np.pi)
    a = np.exp(log_ndtr(o))
    phi = np.exp(log_phi)
    if mistake == "sigmoid shortcut":
        return a - y
    if mistake == "no phi":
        return (a - y) / (a * (1 - a))
    if mistake == "squared loss":
        return (a - y) * phi
    if mistake == "sigmoid output":
        return 1 / (1 + np.exp(-o)) - y
    return y * -np.exp(log_phi - log_ndtr(o)) + (1 - y) * np.exp(log_phi - log_ndtr(-o))


def reference_probit_gradient(beta, X, y, *, mistake: str | None = None, mean: bool = True):
    """Gradient of the mean binary cross-entropy of a probit neuron a_i = Phi(o_i), shape (p + 1,).

    ``dL/dbeta_0 = 1/n sum_i delta_i`` and ``dL/dbeta_j = 1/n sum_i delta_i x_ij`` with
    ``delta_i = (a_i - y_i) phi(o_i) / (a_i (1 - a_i))``. ``mistake`` and ``mean=False``
    reproduce the usual mistakes that :func:`check_probit_gradient` names.
    """
    beta = np.asarray(beta, dtype=float)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    delta = _probit_delta(beta[0] + X @ beta[1:], y, mistake=mistake)
    gradient = np.concatenate([[delta.sum()], X.T @ delta])
    return gradient / len(y) if mean else gradient


def _probit_cases():
    rng = np.random.default_rng(23)
    cases = []
    for n, p in [(7, 1), (16, 2), (25, 3)]:
        X = rng.normal(size=(n, p))
        y = rng.choice([0.0, 1.0], size=n)
        y[:2] = [0.0, 1.0]                   # both classes in every case
        beta = rng.normal(0, 0.8, size=p + 1)
        beta[0] = 0.7                        # an intercept that matters beyond the tolerance
        cases.append((beta, X, y))
    return cases


def _no_intercept(beta, X, y):
    gradient = reference_probit_gradient(beta, X, y)
    gradient[0] = 0.0
    return gradient


_PROBIT_HINTS = [
    (lambda beta, X, y: reference_probit_gradient(beta, X, y, mistake="sigmoid shortcut"),
     N_("you used delta_i = a_i - y_i: that shortcut holds for the sigmoid only, whose "
        "derivative a (1 - a) cancels the 1 / (a (1 - a)) of dl/da. For a = Phi(o), da/do = "
        "phi(o): delta_i = (a_i - y_i) phi(o_i) / (a_i (1 - a_i)).")),
    (lambda beta, X, y: reference_probit_gradient(beta, X, y, mistake="no phi"),
     N_("you stopped at dl/da = (a - y) / (a (1 - a)): the chain rule also needs da/do = "
        "phi(o), the standard normal density at o (norm.pdf(o)).")),
    (lambda beta, X, y: reference_probit_gradient(beta, X, y, mistake="squared loss"),
     N_("you used delta_i = (a_i - y_i) phi(o_i): that is the gradient of the squared loss "
        "1/2 (y - a)^2. The cross-entropy's dl/da is (a - y) / (a (1 - a)).")),
    (lambda beta, X, y: reference_probit_gradient(beta, X, y, mistake="sigmoid output"),
     N_("you computed a with the sigmoid: the probit neuron's output is a = Phi(o), the "
        "standard normal distribution function (norm.cdf(o)).")),
    (lambda beta, X, y: reference_probit_gradient(beta, X, y, mean=False),
     N_("this is the gradient of the summed loss: the exercise's loss is the mean over the n "
        "examples, so divide by n.")),
    (_no_intercept,
     N_("your dL/dbeta_0 is 0: the intercept gets 1/n sum_i delta_i (its input is x_i0 = 1).")),
]


def check_probit_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y)`` returns the gradient of the mean cross-entropy of a = Phi(o).

    Expected shape (p + 1,), dL/dbeta_0 first; y holds 0/1 labels.
    """
    return check_function(
        function, reference_probit_gradient, _probit_cases(),
        exercise=_("cross-entropy of a probit neuron"), what=_("the gradient"),
        factors=(2.0, 0.5), names=("beta", "X", "y"),
        hints=[(wrong, i18n._(message)) for wrong, message in _PROBIT_HINTS],
        success=_("correct: delta_i = (a_i - y_i) phi(o_i) / (a_i (1 - a_i)); for the probit, "
                  "unlike the sigmoid, the factor of the output's derivative does not cancel."))
