"""Checkers for chapter 4: regularisation (weight decay, L1's proximal step, dropout)."""

from __future__ import annotations

import numpy as np

from .core import CheckResult, check_function

__all__ = ["check_weight_decay_step", "check_soft_threshold", "check_dropout_forward"]


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
    exercise = "one SGD step with weight decay"
    hints = [
        (lambda W, g, lr, l2: W - lr * g,
         "your step ignores the penalty: the gradient of l2/2 ||W||^2 is l2 * W, which must be "
         "added to the data gradient before the step."),
        (lambda W, g, lr, l2: W - lr * (g + 2 * l2 * W),
         "your penalty gradient is 2 * l2 * W: that is the gradient of l2 ||W||^2, but the "
         "penalty is l2/2 ||W||^2 (the 1/2 cancels the 2)."),
        (lambda W, g, lr, l2: W - lr * (g - l2 * W),
         "your penalty pushes the weights away from 0 (sign error): the step subtracts "
         "learning_rate * l2 * W, so W shrinks."),
        (lambda W, g, lr, l2: (1 - l2) * W - lr * g,
         "the decay factor should be (1 - learning_rate * l2): the penalty's gradient is "
         "multiplied by the learning rate like the data gradient."),
        (lambda W, g, lr, l2: W - lr * (g + l2 * np.sign(W)),
         "you used l2 * sign(W), the (sub)gradient of an L1 penalty; the L2 penalty's "
         "gradient is l2 * W."),
    ]
    return check_function(
        function, _decay_reference, _decay_cases(), exercise=exercise, what="the new W",
        hints=hints,
        success="correct: W is shrunk by (1 - learning_rate * l2), then moved against the "
                "data gradient.", names=("W", "grad", "learning_rate", "l2"))


def _threshold_cases():
    rng = np.random.default_rng(42)
    # Entries at exactly +-threshold: both "|w| > t" and "|w| >= t" conventions give 0 there.
    w1 = np.array([-2.0, -0.3, -0.1, -0.05, 0.0, 0.05, 0.1, 0.3, 2.0])
    return [(w1, 0.1), (rng.normal(size=(4, 5)), 0.5), (rng.normal(size=8) * 3, 1.5)]


def _soft_threshold(w, threshold):
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


def check_soft_threshold(function) -> CheckResult:
    """Check ``function(w, threshold)`` returns ``sign(w) max(|w| - threshold, 0)``."""
    exercise = "the soft-thresholding (proximal L1) step"
    hints = [
        (lambda w, t: w - t * np.sign(w),
         "your step is the subgradient step w - threshold * sign(w): small weights jump over 0 "
         "instead of stopping there. Entries with |w| <= threshold must become exactly 0."),
        (lambda w, t: np.maximum(w - t, 0.0),
         "negative weights all became 0: shrink |w| and keep the sign, "
         "sign(w) * max(|w| - threshold, 0)."),
        (lambda w, t: np.where(np.abs(w) > t, w, 0.0),
         "you set small weights to 0 (hard thresholding) but did not shrink the large ones "
         "by the threshold."),
        (lambda w, t: np.where(np.abs(w) > t, w - t, 0.0),
         "negative weights moved away from 0 (w - threshold for every large weight): shrink "
         "|w| and keep the sign, sign(w) * max(|w| - threshold, 0)."),
        (lambda w, t: np.clip(w, -t, t),
         "you returned np.clip(w, -threshold, threshold), the part that soft-thresholding "
         "removes: the answer is w - np.clip(w, -threshold, threshold)."),
    ]
    return check_function(
        function, _soft_threshold, _threshold_cases(), exercise=exercise,
        what="the thresholded array", hints=hints,
        success="correct: every weight moves threshold closer to 0 and stops exactly at 0.",
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
    exercise = "inverted dropout's forward pass"
    hints = [
        (lambda x, keep, rate: x * keep,
         "you dropped the right units but forgot the rescaling: kept units must be divided by "
         "(1 - rate) so that the expected output equals x."),
        (lambda x, keep, rate: x * keep * (1 - rate),
         "you multiplied the kept units by (1 - rate); inverted dropout *divides* by it "
         "(multiplying by 1 - rate is what classic dropout does at test time)."),
        (lambda x, keep, rate: x * keep / rate,
         "you divided by rate, the probability of dropping; divide by 1 - rate, the "
         "probability of keeping."),
        (lambda x, keep, rate: x * keep * rate,
         "you multiplied the kept units by rate; inverted dropout divides them by 1 - rate, "
         "the probability of keeping."),
        (lambda x, keep, rate: x * ~keep / (1 - rate),
         "you kept the dropped units and dropped the kept ones: keep is True where a unit is "
         "kept."),
    ]
    return check_function(
        function, lambda x, keep, rate: x * keep / (1 - rate), _dropout_cases(),
        exercise=exercise, what="the layer's output", hints=hints,
        success="correct: dropped units are 0 and kept units are scaled by 1 / (1 - rate).",
        names=("x", "keep", "rate"))
