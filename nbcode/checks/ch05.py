"""Checkers for chapter 5: convolutional networks."""

from __future__ import annotations

import numpy as np

from ..nn import conv2d_forward
from .core import CheckResult, check_array_answer, check_function, report

__all__ = ["check_output_size", "check_correlate2d", "check_conv_params"]


def _check_with_hints(function, reference, cases, hints, *, exercise, what, success):
    """Compare with the reference first; only a wrong answer is matched against known mistakes.

    (``check_function`` tries its hints before the reference, so a hint that agrees
    with the right answer on some case would wrongly fire on a correct function.)
    A hint fires when the student's answers equal the mistake's on every case.
    """
    result = check_function(function, reference, cases, exercise=exercise, what=what,
                            factors=(), quiet=True, success=success)
    if result or result.not_done or "raised" in result.message:
        return result
    for wrong, message in hints:
        try:
            with np.errstate(all="ignore"):
                same = all(check_array_answer(function(*case), wrong(*case), factors=()) is None
                           for case in cases)
        except Exception:  # noqa: BLE001 - the main check already explained the failure
            same = False
        if same:
            return CheckResult(exercise, False, message)
    return result


def _output_size(n, kernel, padding, stride):
    """Libraries' rule: floor((n + 2 padding - kernel) / stride) + 1."""
    return (n + 2 * padding - kernel) // stride + 1


def check_output_size(function) -> CheckResult:
    """Check ``function(n, kernel, padding, stride)`` returns the output length (floor rule).

    Cases include strides that do not tile the input (e.g. n=224, kernel=7,
    padding=3, stride=2 gives 112), where the last incomplete window is dropped.
    """
    cases = [(8, 3, 0, 1), (8, 3, 1, 1), (7, 3, 1, 2), (224, 7, 3, 2), (32, 5, 2, 1),
             (28, 2, 0, 2), (10, 3, 0, 2), (6, 4, 1, 3)]
    exercise = "output size of a convolution"
    hints = [
        (lambda n, k, p, s: (n + 2 * p - k) / s + 1,
         "some of your answers are not whole numbers: round down, with `//`, since an "
         "incomplete window at the end is dropped."),
        (lambda n, k, p, s: (n + p - k) // s + 1,
         "the padding is added on both sides: use 2 × padding."),
        (lambda n, k, p, s: (n + 2 * p - k) // s,
         "you are one short: the first window is at position 0, so add 1."),
        (lambda n, k, p, s: (n + 2 * p - k + 1) // s,
         "close, but (n + 2 padding - kernel + 1) // stride is wrong when the stride does "
         "not tile the input: compute (n + 2 padding - kernel) // stride, then add 1."),
        (lambda n, k, p, s: -(-(n + 2 * p - k) // s) + 1,
         "you rounded up: an incomplete window at the end does not give an output, so "
         "round down."),
    ]
    result = _check_with_hints(function, _output_size, cases, hints, exercise=exercise,
                               what="the output size",
                               success="correct: floor((n + 2 padding - kernel) / stride) + 1.")
    if result and not all(isinstance(function(*c), int | np.integer) for c in cases):
        result = CheckResult(exercise, False, "the values are right but not integers: "
                                              "return an int (use `//`, not `/`).")
    return report(result)


def _correlate_reference(x, w, stride=1, padding=0):
    out, _ = conv2d_forward(np.asarray(x, float)[None, None], np.asarray(w, float)[None, None],
                            np.zeros(1), stride=stride, padding=padding)
    return out[0, 0]


def _correlate_cases():
    rng = np.random.default_rng(5)
    return [
        (rng.normal(size=(5, 5)), rng.normal(size=(3, 3)), 1, 0),
        (rng.normal(size=(6, 7)), rng.normal(size=(2, 3)), 1, 0),
        (rng.normal(size=(6, 6)), rng.normal(size=(3, 3)), 1, 1),
        (rng.normal(size=(7, 9)), rng.normal(size=(3, 3)), 2, 1),
        (rng.normal(size=(8, 8)), rng.normal(size=(4, 4)), 2, 0),
    ]


def check_correlate2d(function) -> CheckResult:
    """Check ``function(x, w, stride, padding)``: the 2-D cross-correlation of one channel.

    ``x`` has shape (h, w), ``w`` (kh, kw); zero padding on the four sides; the
    result has shape (out_h, out_w) with ``out_h = (h + 2 padding - kh) // stride + 1``.
    """

    def flipped(x, w, stride, padding):
        return _correlate_reference(x, np.asarray(w)[::-1, ::-1], stride, padding)

    def no_padding(x, w, stride, padding):
        return _correlate_reference(x, w, stride, 0)

    def no_stride(x, w, stride, padding):
        return _correlate_reference(x, w, 1, padding)

    hints = [
        (flipped, "you computed a true convolution (the kernel flipped): deep-learning "
                  "layers compute the cross-correlation, w[u, v] times x[p + u, q + v]."),
        (no_padding, "your function ignores `padding`: pad x with zeros on all four sides "
                     "first (np.pad)."),
        (no_stride, "your function ignores `stride`: windows start at rows 0, stride, "
                    "2 stride, ..."),
    ]
    return report(_check_with_hints(
        function, _correlate_reference, _correlate_cases(), hints,
        exercise="2-D cross-correlation", what="the feature map",
        success="correct: your cross-correlation matches the im2col layer."))


def _conv_params(in_channels, out_channels, kernel_h, kernel_w):
    return (in_channels * kernel_h * kernel_w + 1) * out_channels


def check_conv_params(function) -> CheckResult:
    """Check ``function(in_channels, out_channels, kernel_h, kernel_w)`` counts weights + biases."""
    cases = [(1, 8, 3, 3), (8, 16, 3, 3), (3, 64, 7, 7), (16, 4, 1, 1), (2, 5, 3, 5)]
    hints = [
        (lambda c, f, kh, kw: c * kh * kw * f,
         "you counted the weights but not the biases: each filter has one bias."),
        (lambda c, f, kh, kw: (kh * kw + 1) * f,
         "each filter has one kernel per input channel: multiply by in_channels."),
        (lambda c, f, kh, kw: (c * kh * kw + 1),
         "that is the count for one filter: there are out_channels of them."),
        (lambda c, f, kh, kw: (c * kh * kw + 1) * f * c,
         "the biases are one per filter, not one per filter and input channel."),
    ]
    return report(_check_with_hints(
        function, _conv_params, cases, hints, exercise="parameters of a conv layer",
        what="the number of parameters",
        success="correct: (in_channels × kernel_h × kernel_w + 1) × out_channels, as Keras "
                "counts them."))
