"""Checkers for chapter 1: linear regression and gradient descent."""

from __future__ import annotations

import numpy as np

from .. import i18n, linear
from ..gradcheck import numerical_gradient
from ..i18n import N_, _
from .core import (
    CheckResult,
    call_student,
    check_array_answer,
    check_function,
    check_tuple_answer,
    check_value,
)

__all__ = ["check_ols_gradient", "check_gradient_step", "check_logistic_gradient",
           "check_learning_rate_limit", "check_adam_step", "reference_adam_step"]


def _regression_cases():
    rng = np.random.default_rng(1)
    cases = []
    for n, p in [(5, 1), (12, 3), (30, 2)]:
        X = rng.normal(size=(n, p))
        y = 1 + rng.normal(size=n)
        beta = rng.normal(size=p + 1)
        # An intercept far from 0, so that leaving beta_0 out of the prediction moves every
        # component of the gradient by O(n), far beyond the tolerance.
        beta[0] = 2.5
        cases.append((beta, X, y))
    return cases


def _classification_cases():
    rng = np.random.default_rng(2)
    cases = []
    for n, p in [(6, 1), (15, 2), (40, 3)]:
        X = rng.normal(size=(n, p))
        y = rng.choice([-1, 1], size=n)
        y[:2] = [-1, 1]  # both labels in every case, so a label mistake always shows
        beta = rng.normal(size=p + 1)
        beta[0] = 1.5
        cases.append((beta, X, y))
    return cases


def _with_intercept(X):
    return np.column_stack([np.ones(len(X)), X])


_NAMES = ("beta", "X", "y")
# Messages shared by two checkers, translated where they are shown: i18n._(constant) (the
# catalogue's extractor reads _() with a literal only; N_() marks these).
_ZERO_INTERCEPT = N_("your dL/dbeta_0 is 0, but finite differences show that the loss changes "
                     "with beta_0: differentiate through the column of ones, dL/dbeta_0 = sum_i "
                     "of the per-example terms with x_i0 = 1.")
_NO_BETA0 = N_("your prediction leaves out the intercept: o_i = beta_0 + x_i beta, with beta_0 = "
               "beta[0] and the slopes beta[1:].")
_MEAN = N_("this is the gradient of the mean loss L/n: the loss of the exercise is a sum over "
           "the examples, without 1/n.")


def _ols_hints():
    def zero_intercept(b, X, y):
        g = linear.ols_gradient(b, X, y)
        return np.concatenate([[0.0], g[1:]])

    def no_beta0(b, X, y):
        return -_with_intercept(X).T @ (y - X @ b[1:])

    return [(lambda b, X, y: 2 * linear.ols_gradient(b, X, y),
             _("your gradient is off by a factor of 2: the 1/2 in L = 1/2 sum (y_i - yhat_i)^2 "
               "cancels the 2 of the square's derivative.")),
            (lambda b, X, y: linear.ols_gradient(b, X, y) / len(X), i18n._(_MEAN)),
            (zero_intercept, i18n._(_ZERO_INTERCEPT)),
            (no_beta0, i18n._(_NO_BETA0))]


def _logistic_hints():
    def zero_intercept(b, X, y):
        g = linear.logistic_gradient(b, X, y)
        return np.concatenate([[0.0], g[1:]])

    def no_beta0(b, X, y):
        return -_with_intercept(X).T @ (y * linear.sigmoid(-y * (X @ b[1:])))

    def zero_one_formula(b, X, y):
        return -_with_intercept(X).T @ (y - linear.sigmoid(b[0] + X @ b[1:]))

    # Braces doubled: the message is a format string for the catalogue's checks.
    return [(zero_one_formula,
             _("you used the formula for labels in {{0, 1}}, -sum_i (y_i - sigma(o_i)) x_i, with "
               "labels in {{-1, +1}}: either use -sum_i y_i sigma(-y_i o_i) x_i, or map the "
               "labels to {{0, 1}} first (on a copy: y01 = (y + 1) / 2).").format()),
            (lambda b, X, y: linear.logistic_gradient(b, X, y) / len(X), i18n._(_MEAN)),
            (zero_intercept, i18n._(_ZERO_INTERCEPT)),
            (no_beta0, i18n._(_NO_BETA0))]


def _fd_diagnosis(function, loss, exercise):
    """When the answer is wrong, say which components disagree with finite differences."""
    beta, X, y = _classification_cases()[1] if loss is linear.logistic_loss else _regression_cases()[1]
    numeric = numerical_gradient(lambda b: loss(b, X, y), beta.copy())
    answer, failure = call_student(function, (beta, X, y), exercise, names=_NAMES)
    if failure is not None or check_array_answer(answer, numeric, rtol=1e-4) is None:
        return None
    try:
        answer = np.asarray(answer, dtype=float)
        wrong = np.flatnonzero(~np.isclose(answer, numeric, rtol=1e-4, atol=1e-6))
    except Exception:  # noqa: BLE001 - the main check already explained the failure
        return None
    if wrong.size:
        names = ", ".join("dL/dbeta_0" if j == 0 else f"dL/dbeta_{j}" for j in wrong[:4])
        return CheckResult(exercise, False,
                           _("your gradient does not match finite differences on {names}: you "
                             "gave {gave}, finite differences give {numeric}.").format(
                               names=names, gave=np.round(answer[wrong[:4]], 4).tolist(),
                               numeric=np.round(numeric[wrong[:4]], 4).tolist()),
                           kind="mismatch")
    return None


def _worth_finite_differences(result: CheckResult) -> bool:
    """Only a wrong value with no more specific diagnosis (sign, factor, shape, crash, stub)
    gets the component-by-component comparison with finite differences."""
    return not result and result.kind == "mismatch"


def _check_gradient(function, reference, loss, cases, exercise: str, success: str,
                    hints=()) -> CheckResult:
    """Compare a student's gradient with ``reference``; a wrong value with no more specific
    diagnosis (a known mistake in ``hints``, a sign, a factor) is compared with finite
    differences of ``loss``, component by component."""
    result = check_function(function, reference, cases, exercise=exercise, what=_("the gradient"),
                            success=success, hints=hints, names=_NAMES)
    if _worth_finite_differences(result):
        diagnosis = _fd_diagnosis(function, loss, exercise)
        if diagnosis is not None:
            return diagnosis
    return result


def check_ols_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y)`` returns the gradient of 1/2 sum (y - yhat)^2.

    Expected shape (p + 1,): dL/dbeta_0 first.
    """
    return _check_gradient(function, linear.ols_gradient, linear.ols_loss, _regression_cases(),
                           exercise=_("gradient of the squared loss"), hints=_ols_hints(),
                           success=_("correct: your gradient matches the formula and finite "
                                     "differences."))


def check_gradient_step(function) -> CheckResult:
    """Check ``function(beta, gradient, learning_rate)`` returns one descent step."""
    rng = np.random.default_rng(3)
    cases = [(rng.normal(size=3), rng.normal(size=3), lr) for lr in (0.1, 0.01, 1.0)]
    return check_function(function, lambda b, g, lr: b - lr * g, cases,
                          exercise=_("one gradient-descent step"), what=_("the new beta"),
                          success=_("correct: beta moves against the gradient."),
                          names=("beta", "gradient", "learning_rate"),
                          hints=[(lambda b, g, lr: b + lr * g,
                                  _("your step goes *up* the gradient (beta + learning_rate × "
                                    "gradient): descent moves against it.")),
                                 (lambda b, g, lr: b - g,
                                  _("your step ignores the learning rate: beta - learning_rate × "
                                    "gradient.")),
                                 (lambda b, g, lr: -lr * g,
                                  _("you returned the step -learning_rate × gradient alone: add "
                                    "it to beta to get the new beta.")),
                                 (lambda b, g, lr: b - g / lr,
                                  _("you divided the gradient by the learning rate: "
                                    "multiply."))])


def check_logistic_gradient(function) -> CheckResult:
    """Check ``function(beta, X, y)`` returns the gradient of sum log(1 + exp(-y o)), y in ±1."""
    return _check_gradient(function, linear.logistic_gradient, linear.logistic_loss,
                           _classification_cases(), hints=_logistic_hints(),
                           exercise=_("gradient of the logistic negative log-likelihood"),
                           success=_("correct: your gradient matches finite differences of the "
                                     "negative log-likelihood."))


def check_learning_rate_limit(eta_max, X) -> CheckResult:
    """Check ``eta_max`` = 2 / lambda_max of the mean loss's Hessian [1, X]^T [1, X] / n."""
    exercise = _("largest stable learning rate")
    X = np.array(X, dtype=float)
    n = len(X)
    X1 = linear.add_intercept(X)
    hessian = X1.T @ X1 / n
    right = 2 / np.linalg.eigvalsh(hessian).max()
    result = check_value(eta_max, right, exercise=exercise, what="eta_max", rtol=1e-4,
                         factors=(0.5, 2.0),
                         success=_("correct: eta_max = 2 / lambda_max = {right:.4g}.").format(
                             right=right))
    if result or result.not_done:
        return result
    centred = X - X.mean(axis=0)
    known = [
        (_("this is 1 / lambda_max, off by a factor of 0.5: gradient descent on a quadratic "
           "converges for eta < 2 / lambda_max."),
         1 / np.linalg.eigvalsh(hessian).max()),
        (_("this is the limit without the column of ones for the intercept."),
         2 / np.linalg.eigvalsh(X.T @ X / n).max()),
        (_("this is the limit for the summed loss L(beta) instead of the mean L(beta)/n (divide "
           "the Hessian by n)."), 2 / np.linalg.eigvalsh(X1.T @ X1).max()),
        (_("this is the limit with the smallest eigenvalue instead of the largest."),
         2 / np.linalg.eigvalsh(hessian).min()),
        (_("this is the limit for centred features (the covariance matrix): the descent runs on "
           "the raw features, with the column of ones."),
         2 / np.linalg.eigvalsh(centred.T @ centred / n).max()),
        (_("this is 2 / the largest singular value of [1, X] / sqrt(n): the eigenvalues of the "
           "Hessian are the squares of the singular values."),
         2 / np.linalg.svd(X1 / np.sqrt(n), compute_uv=False).max()),
    ]
    for message, value in known:
        if (not np.isclose(value, right, rtol=1e-4)
                and check_array_answer(eta_max, value, rtol=1e-4, factors=()) is None):
            return CheckResult(exercise, False, message, kind="known mistake")
    return result


# --------------------------------------------------------------------------- Adam's step


def reference_adam_step(beta, grad, m, v, t, learning_rate, beta1, beta2, eps):
    """One step of nbcode.nn.Adam from the moments (m, v) after step t - 1: (beta, m, v).

    Runs the engine's own optimiser on copies, its state set to (m, v, t - 1).
    """
    from ..nn import Adam

    beta, grad = np.array(beta, dtype=float), np.array(grad, dtype=float)
    optimizer = Adam(learning_rate, beta1=beta1, beta2=beta2, eps=eps)
    optimizer._check([beta], [grad])          # makes the state, shaped like beta
    optimizer.state[0]["m"][...] = m
    optimizer.state[0]["v"][...] = v
    optimizer.t = t - 1
    optimizer.step([beta], [grad])
    return beta, optimizer.state[0]["m"].copy(), optimizer.state[0]["v"].copy()


def _adam_by_formula(beta, g, m, v, t, lr, b1, b2, eps, *, correct=True, power=None,
                     eps_inside=False, square=True, one_minus=True):
    """Adam's step written out, with switches for the usual mistakes (the checker's hints)."""
    m = b1 * m + ((1 - b1) if one_minus else 1.0) * g
    v = b2 * v + ((1 - b2) if one_minus else 1.0) * (g * g if square else g)
    k = t if power is None else power
    m_hat = m / (1 - b1 ** k) if correct else m
    v_hat = v / (1 - b2 ** k) if correct else v
    with np.errstate(all="ignore"):
        root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        return beta - lr * m_hat / root, m, v


def _adam_cases():
    rng = np.random.default_rng(5)
    cases = []
    # (shape, t, eps): t = 7 first, where every mistake gives finite numbers (a correction with
    # t - 1 divides by 0 at t = 1) and the moments are far from 0; t = 1 separates a missing bias
    # correction most; a large eps with small gradients separates eps inside the root.
    for shape, t, eps, scale in [((2, 2), 7, 1e-8, 1.0), ((3,), 1, 1e-8, 1.0),
                                 ((4,), 3, 1e-2, 0.05)]:
        beta, grad = rng.normal(size=shape), scale * rng.normal(size=shape)
        m = np.zeros(shape) if t == 1 else 0.3 * scale * rng.normal(size=shape)
        v = np.zeros(shape) if t == 1 else (scale * rng.normal(size=shape)) ** 2 * 0.2
        cases.append((beta, grad, m, v, t, 0.01, 0.9, 0.999, eps))
    return cases


_ADAM_NAMES = ("beta", "grad", "m", "v", "t", "learning_rate", "beta1", "beta2", "eps")
# The messages are marked with N_() and translated where they are shown (i18n._).
_ADAM_MISTAKES = [
    (dict(correct=False), N_("this is Adam's step without the bias correction: divide m by "
                             "1 - beta1^t and v by 1 - beta2^t before the update (equation "
                             "eq-adam).")),
    (dict(power="t-1"), N_("your bias correction uses t - 1: t is the number of this step, 1 at "
                           "the first one, so the correction is 1 - beta1^t.")),
    (dict(power="t+1"), N_("your bias correction uses t + 1: t is already the number of this "
                           "step (1 at the first one); do not add 1 to it.")),
    (dict(eps_inside=True), N_("you put eps inside the square root, sqrt(v_hat + eps): Adam adds "
                               "it to the root, sqrt(v_hat) + eps.")),
    (dict(square=False), N_("your v is a running mean of g, not of g^2: v <- beta2 v + "
                            "(1 - beta2) g^2 (g * g, coordinate by coordinate).")),
    (dict(one_minus=False), N_("your running means add g (and g^2) without the factors "
                               "1 - beta1 and 1 - beta2: m <- beta1 m + (1 - beta1) g.")),
]


def _adam_mistake(options, case):
    beta, g, m, v, t, lr, b1, b2, eps = (np.array(a, dtype=float) if isinstance(a, np.ndarray)
                                         else a for a in case)
    power = options.get("power")
    if power is not None:
        power = t - 1 if power == "t-1" else t + 1
    return _adam_by_formula(beta, g, m, v, t, lr, b1, b2, eps, power=power,
                            **{k: o for k, o in options.items() if k != "power"})


def check_adam_step(function) -> CheckResult:
    """Check ``function(beta, grad, m, v, t, learning_rate, beta1, beta2, eps)`` returns
    ``(new_beta, new_m, new_v)``: one step of Adam (t = 1 at the first step), as nbcode.nn.Adam."""
    exercise = _("one step of Adam")
    cases = _adam_cases()
    for number, case in enumerate(cases, start=1):
        expected = reference_adam_step(*[a.copy() if isinstance(a, np.ndarray) else a
                                         for a in case])
        answer, failure = call_student(function, case, exercise, names=_ADAM_NAMES)
        if failure is not None:
            return failure
        problem = check_tuple_answer(answer, 3, _("a triple (new_beta, new_m, new_v), e.g. "
                                                  "`return beta, m, v`"))
        if problem is not None:
            return CheckResult(exercise, False, problem)
        whats = (_("the new beta"), _("the new m"), _("the new v"))
        problems = [check_array_answer(item, right, what=what, rtol=1e-6, atol=1e-10)
                    for item, right, what in zip(answer, expected, whats, strict=True)]
        if all(problem is None for problem in problems):
            continue
        for options, message in _ADAM_MISTAKES:
            with np.errstate(all="ignore"):
                wrong = _adam_mistake(options, case)
            if all(check_array_answer(item, w, rtol=1e-6, atol=1e-10, factors=()) is None
                   for item, w in zip(answer, wrong, strict=True)):
                return CheckResult(exercise, False, i18n._(message), kind="known mistake")
        fields = dict(number=number, count=len(cases), t=case[4])
        if problems[0] is None:
            wrong_moment = "m" if problems[1] is not None else "v"
            return CheckResult(exercise, False,
                               _("beta is right but {problem} Return the updated {moment}, the "
                                 "one this step used (test case {number} of {count}, t = "
                                 "{t}).").format(problem=problems[1] or problems[2],
                                                 moment=wrong_moment, **fields))
        if problems[1] is None and problems[2] is None:
            return CheckResult(exercise, False,
                               _("m and v are right, but {problem} Check the bias correction "
                                 "and the update beta - learning_rate * m_hat / (sqrt(v_hat) + "
                                 "eps) (test case {number}, t = {t}).").format(
                                   problem=problems[0], **fields))
        first = next(problem for problem in problems if problem is not None)
        return CheckResult(exercise, False,
                           _("{problem} (test case {number} of {count}, t = {t}).").format(
                               problem=first, **fields))
    return CheckResult(exercise, True,
                       _("correct: your step makes the same update as nbcode.nn.Adam, bias "
                         "correction included."))
