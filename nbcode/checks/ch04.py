"""Checkers for chapter 4: regularisation (weight decay, L1's proximal step, dropout)."""

from __future__ import annotations

import numpy as np

from ..i18n import _
from .core import CheckResult, check_function

__all__ = ["check_weight_decay_step", "check_soft_threshold", "check_dropout_forward",
           "check_lasso_orthonormal", "orthonormal_design"]


def _decay_cases():
    rng = np.random.default_rng(41)
    cases = []
    for shape, lr, l2 in [((3, 4), 0.1, 0.01), ((5,), 0.5, 0.2), ((2, 6), 0.05, 1.0)]:
        cases.append((rng.normal(size=shape), rng.normal(size=shape), lr, l2))
    return cases


def _decay_reference(W, grad, learning_rate, l2):
    return (1 - learning_rate * l2) * W - learning_rate * grad


def check_weight_decay_step(function) -> CheckResult:
    """Check ``function(W, grad, learning_rate, l2)``: one SGD step on loss + l2/2 ||W||^2.

    ``grad`` is the data loss's gradient; the answer is ``W - lr (grad + l2 W)``.
    """
    exercise = _("one SGD step with weight decay")
    hints = [
        (lambda W, g, lr, l2: W - lr * g,
         _("your step ignores the penalty: the gradient of l2/2 ||W||^2 is l2 * W, which must be "
           "added to the data gradient before the step.")),
        (lambda W, g, lr, l2: W - lr * (g + 2 * l2 * W),
         _("your penalty gradient is 2 * l2 * W: that is the gradient of l2 ||W||^2, but the "
           "penalty is l2/2 ||W||^2 (the 1/2 cancels the 2).")),
        (lambda W, g, lr, l2: W - lr * (g - l2 * W),
         _("your penalty pushes the weights away from 0 (sign error): the step subtracts "
           "learning_rate * l2 * W, so W shrinks.")),
        (lambda W, g, lr, l2: (1 - l2) * W - lr * g,
         _("the decay factor should be (1 - learning_rate * l2): the penalty's gradient is "
           "multiplied by the learning rate like the data gradient.")),
        (lambda W, g, lr, l2: W - lr * (g + l2 * np.sign(W)),
         _("you used l2 * sign(W), the (sub)gradient of an L1 penalty; the L2 penalty's "
           "gradient is l2 * W.")),
    ]
    return check_function(
        function, _decay_reference, _decay_cases(), exercise=exercise, what=_("the new W"),
        hints=hints,
        success=_("correct: W is shrunk by (1 - learning_rate * l2), then moved against the "
                  "data gradient."), names=("W", "grad", "learning_rate", "l2"))


def _threshold_cases():
    rng = np.random.default_rng(42)
    # Entries at exactly +-threshold: both "|w| > t" and "|w| >= t" conventions give 0 there.
    w1 = np.array([-2.0, -0.3, -0.1, -0.05, 0.0, 0.05, 0.1, 0.3, 2.0])
    return [(w1, 0.1), (rng.normal(size=(4, 5)), 0.5), (rng.normal(size=8) * 3, 1.5)]


def _soft_threshold(w, threshold):
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def check_soft_threshold(function) -> CheckResult:
    """Check ``function(w, threshold)`` returns ``sign(w) max(|w| - threshold, 0)``."""
    exercise = _("the soft-thresholding (proximal L1) step")
    hints = [
        (lambda w, t: w - t * np.sign(w),
         _("your step is the subgradient step w - threshold * sign(w): small weights jump over 0 "
           "instead of stopping there. Entries with |w| <= threshold must become exactly 0.")),
        (lambda w, t: np.maximum(w - t, 0.0),
         _("negative weights all became 0: shrink |w| and keep the sign, "
           "sign(w) * max(|w| - threshold, 0).")),
        (lambda w, t: np.where(np.abs(w) > t, w, 0.0),
         _("you set small weights to 0 (hard thresholding) but did not shrink the large ones "
           "by the threshold.")),
        (lambda w, t: np.where(np.abs(w) > t, w - t, 0.0),
         _("negative weights moved away from 0 (w - threshold for every large weight): shrink "
           "|w| and keep the sign, sign(w) * max(|w| - threshold, 0).")),
        (lambda w, t: np.clip(w, -t, t),
         _("you returned np.clip(w, -threshold, threshold), the part that soft-thresholding "
           "removes: the answer is w - np.clip(w, -threshold, threshold).")),
    ]
    return check_function(
        function, _soft_threshold, _threshold_cases(), exercise=exercise,
        what=_("the thresholded array"), hints=hints,
        success=_("correct: every weight moves threshold closer to 0 and stops exactly at 0."),
        names=("w", "threshold"))


def _dropout_cases():
    rng = np.random.default_rng(43)
    cases = []
    for shape, rate in [((4, 5), 0.4), ((6, 3), 0.2), ((2, 8), 0.75)]:
        x = rng.normal(size=shape)
        keep = rng.random(shape) >= rate
        cases.append((x, keep, rate))
    return cases


def check_dropout_forward(function) -> CheckResult:
    """Check ``function(x, keep, rate)`` returns ``x * keep / (1 - rate)`` (inverted dropout)."""
    exercise = _("inverted dropout's forward pass")
    hints = [
        (lambda x, keep, rate: x * keep,
         _("you dropped the right units but forgot the rescaling: kept units must be divided by "
           "(1 - rate) so that the expected output equals x.")),
        (lambda x, keep, rate: x * keep * (1 - rate),
         _("you multiplied the kept units by (1 - rate); inverted dropout *divides* by it "
           "(multiplying by 1 - rate is what classic dropout does at test time).")),
        (lambda x, keep, rate: x * keep / rate,
         _("you divided by rate, the probability of dropping; divide by 1 - rate, the "
           "probability of keeping.")),
        (lambda x, keep, rate: x * keep * rate,
         _("you multiplied the kept units by rate; inverted dropout divides them by 1 - rate, "
           "the probability of keeping.")),
        (lambda x, keep, rate: x * ~keep / (1 - rate),
         _("you kept the dropped units and dropped the kept ones: keep is True where a unit is "
           "kept.")),
    ]
    return check_function(
        function, lambda x, keep, rate: x * keep / (1 - rate), _dropout_cases(),
        exercise=exercise, what=_("the layer's output"), hints=hints,
        success=_("correct: dropped units are 0 and kept units are scaled by 1 / (1 - rate)."),
        names=("x", "keep", "rate"))


def orthonormal_design(n: int, least_squares, seed: int = 0):
    """A design ``X`` with ``X^T X / n = I`` and a response ``y`` whose least-squares fit is
    ``least_squares``: ``X = sqrt(n) Q`` (``Q`` orthonormal columns), ``y = X a + r`` with
    ``X^T r = 0``. Shapes: ``X`` (n, p), ``y`` (n,) for ``least_squares`` of length p < n."""
    a = np.asarray(least_squares, dtype=float)
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(n, a.size + 1)))[0]
    X = np.sqrt(n) * Q[:, :-1]
    return X, X @ a + 0.7 * np.sqrt(n) * Q[:, -1]


def _lasso_cases():
    # Least-squares estimates placed between the thresholds lam/2, lam, 2 lam and n lam,
    # so that each usual slip gives its own, different answer.
    return [orthonormal_design(20, [1.5, -0.8, 0.2, -0.1, 0.45, -0.25], seed=44) + (0.3,),
            orthonormal_design(50, [-2.0, 0.07, 0.5, -0.03], seed=45) + (0.05,),
            orthonormal_design(10, [-0.9], seed=46) + (0.4,)]


def _lasso_sklearn(X, y, lam):
    from sklearn.linear_model import Lasso  # imported here: the other checkers do not need it
    return Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=10_000).fit(X, y).coef_


def _least_squares(X, y):
    return X.T @ y / len(y)        # X^T X / n = I: the least-squares estimate


def _soft(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def check_lasso_orthonormal(function) -> CheckResult:
    """Check ``function(X, y, lam)``: the lasso (L1-MAP) weights for an orthonormal design.

    ``X`` (n, p) has ``X^T X / n = I``; the answer minimises
    ``1/(2n) ||y - X w||^2 + lam ||w||_1`` (no intercept), i.e. it is
    ``soft_threshold(X^T y / n, lam)``. The reference is scikit-learn's ``Lasso(alpha=lam,
    fit_intercept=False)``, computed on private copies.
    """
    exercise = _("the lasso for an orthonormal design")
    hints = [
        (lambda X, y, lam: _least_squares(X, y),
         _("you returned the least-squares estimate X^T y / n: the L1 penalty must still "
           "soft-threshold it by lam.")),
        (lambda X, y, lam: _soft(_least_squares(X, y), len(y) * lam),
         _("your threshold is n * lam: that is the threshold for the summed loss 1/2 ||y - Xw||^2 + "
           "n lam ||w||_1 written with X^T X = I; with the mean loss and X^T X / n = I the "
           "threshold is lam.")),
        (lambda X, y, lam: _soft(X.T @ y, lam),
         _("you thresholded X^T y, not X^T y / n: with X^T X / n = I the least-squares estimate "
           "is X^T y / n.")),
        (lambda X, y, lam: _soft(_least_squares(X, y), lam / 2),
         _("your threshold is lam / 2: the derivative of lam |w| is lam sign(w), and the loss "
           "1/(2n) ||y - Xw||^2 becomes 1/2 ||w - w_ls||^2 + constant, so the threshold is lam.")),
        (lambda X, y, lam: _soft(_least_squares(X, y), 2 * lam),
         _("your threshold is 2 lam: the 1/2 in 1/2 ||w - w_ls||^2 gives the gradient w - w_ls, "
           "so the threshold is lam.")),
        (lambda X, y, lam: _least_squares(X, y) / (1 + lam),
         _("you shrank every coefficient by 1 / (1 + lam): that is ridge (an L2 penalty), which "
           "never gives exact zeros; the L1 penalty soft-thresholds.")),
        (lambda X, y, lam: np.where(np.abs(_least_squares(X, y)) > lam, _least_squares(X, y), 0.0),
         _("you set the small coefficients to 0 (hard thresholding) but did not shrink the large "
           "ones by lam.")),
        (lambda X, y, lam: np.maximum(_least_squares(X, y) - lam, 0.0),
         _("your negative coefficients all became 0: shrink |w_ls| and keep its sign, "
           "sign(w_ls) * max(|w_ls| - lam, 0).")),
        (lambda X, y, lam: _least_squares(X, y) - lam * np.sign(_least_squares(X, y)),
         _("you moved every coefficient by lam towards 0 but let the small ones cross it: "
           "coefficients with |w_ls| <= lam must be exactly 0.")),
    ]
    return check_function(
        function, _lasso_sklearn, _lasso_cases(), exercise=exercise, what=_("the weights w"),
        hints=hints,
        success=_("correct: the lasso soft-thresholds the least-squares estimate X^T y / n at lam, "
                  "as scikit-learn's Lasso does."),
        names=("X", "y", "lam"))
