"""Checkers for chapter 5: convolutional networks."""

from __future__ import annotations

import copy
import numbers

import numpy as np

from ..gradcheck import numerical_gradient
from ..i18n import N_, _
from ..nn import conv2d_backward, conv2d_forward
from .core import CheckResult, _describe, call_student, check_array_answer, check_tuple_answer

__all__ = ["check_output_size", "check_correlate2d", "check_conv_params", "check_conv_param_grads"]


def _agrees(answer, value, rtol, atol) -> bool:
    return check_array_answer(answer, value, rtol=rtol, atol=atol, factors=()) is None


def _mistake_values(wrong, cases):
    """``wrong`` on every case (on copies), or None where the mistake cannot be evaluated."""
    values = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):
                values.append(wrong(*copy.deepcopy(case)))
        except Exception:  # noqa: BLE001 - e.g. a mistaken size no array can have
            values.append(None)
    return values


def _check_cases(function, reference, cases, mistakes, *, exercise, what, success, names,
                 rtol=1e-6, atol=1e-8, when_right=None) -> CheckResult:
    """Call ``function`` on every case, then judge all the answers together.

    The references are computed first, on private copies; the student's function is
    called once per case, on copies (an in-place change of an argument is reported).
    A wrong answer is named by a known mistake only when it equals that mistake's
    value on *every* case: two mistakes can coincide on one case, never on all (the
    tests check it), so the sentence names the right one. ``when_right(answers)`` may
    still object (a sentence, or None) when every value is right.
    """
    cases = list(cases)
    expected = []
    for case in cases:
        with np.errstate(all="ignore"):
            expected.append(reference(*copy.deepcopy(case)))
    answers = []
    for case in cases:
        answer, failure = call_student(function, case, exercise, names=names)
        if failure is not None:
            return failure
        answers.append(answer)
    problems = [check_array_answer(answer, value, what=what, rtol=rtol, atol=atol, factors=())
                for answer, value in zip(answers, expected, strict=True)]
    if all(problem is None for problem in problems):
        objection = when_right(answers) if when_right is not None else None
        return CheckResult(exercise, objection is None, objection or success)
    for wrong, message in mistakes:
        values = _mistake_values(wrong, cases)
        if all(v is not None and _agrees(a, v, rtol, atol)
               for a, v in zip(answers, values, strict=True)):
            return CheckResult(exercise, False, _(message))
    number = next(i for i, problem in enumerate(problems) if problem is not None)
    inputs = ", ".join(f"{name}={_describe(v) if isinstance(v, np.ndarray) else v!r}"
                       for name, v in zip(names, cases[number], strict=True))
    return CheckResult(exercise, False, _("{problem} (test case {number} of {total}: {inputs})")
                       .format(problem=problems[number], number=number + 1, total=len(cases),
                               inputs=inputs))


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral | np.integer) and not isinstance(value, bool | np.bool_)


# ------------------------------------------------------------------ output size
def _output_size(n, kernel, padding, stride):
    """Libraries' rule: floor((n + 2 padding - kernel) / stride) + 1."""
    return (n + 2 * padding - kernel) // stride + 1


#: (n, kernel, padding, stride): strides that tile the input and strides that do not
#: (224, 7, 3, 2 -> 112 is ResNet's first layer); chosen so that no two mistakes below
#: give the same numbers on every case.
OUTPUT_SIZE_CASES = [(8, 3, 0, 1), (8, 3, 1, 1), (7, 3, 1, 2), (224, 7, 3, 2), (32, 5, 2, 1),
                     (28, 2, 0, 2), (10, 3, 0, 2), (6, 4, 1, 3), (11, 3, 0, 4)]

#: The usual mistakes, each with the sentence that explains it.
OUTPUT_SIZE_MISTAKES = [
    (lambda n, k, p, s: (n + 2 * p - k) / s + 1,
     N_("some of your answers are not whole numbers: round down, with `//`, since an "
        "incomplete window at the end is dropped.")),
    (lambda n, k, p, s: (n + p - k) // s + 1,
     N_("the padding is added on both sides: use 2 × padding.")),
    (lambda n, k, p, s: (n - k) // s + 1,
     N_("your function ignores the padding: the padded input has n + 2 × padding entries.")),
    (lambda n, k, p, s: (n + 2 * p - k) // s,
     N_("you are one short: the first window is at position 0, so add 1.")),
    (lambda n, k, p, s: (n + 2 * p - k) + 1,
     N_("your function ignores the stride: the windows start every `stride` entries, so "
        "divide (n + 2 padding - kernel) by the stride (rounding down) before adding 1.")),
    (lambda n, k, p, s: (n + 2 * p - k + 1) // s,
     N_("close, but (n + 2 padding - kernel + 1) // stride is wrong when the stride does "
        "not tile the input: compute (n + 2 padding - kernel) // stride, then add 1.")),
    (lambda n, k, p, s: (n + 2 * p) // s,
     N_("the kernel is missing from your formula: a window of size kernel must fit, so use "
        "(n + 2 padding - kernel) // stride + 1.")),
    (lambda n, k, p, s: -(-(n + 2 * p - k) // s) + 1,
     N_("you rounded up: an incomplete window at the end does not give an output, so "
        "round down.")),
    (lambda n, k, p, s: round((n + 2 * p - k) / s) + 1,
     N_("you rounded to the nearest integer: an incomplete window at the end does not give "
        "an output, so round down (with `//`).")),
]


def check_output_size(function) -> CheckResult:
    """Check ``function(n, kernel, padding, stride)`` returns the output length (floor rule).

    Cases include strides that do not tile the input (e.g. n=224, kernel=7,
    padding=3, stride=2 gives 112), where the last incomplete window is dropped.
    The answer must be an int (Python or numpy); a float of the right value is told so.
    """
    def integers(answers):
        # Right values: the exercise asks for an int (an array shape needs one).
        kinds = sorted({type(a).__name__ for a in answers if not _is_int(a)})
        if not kinds:
            return None
        return _("the values are right but not integers (you returned {types}): return an int "
                 "(use `//`, not `/`, or int(...)).").format(types=", ".join(kinds))

    return _check_cases(function, _output_size, OUTPUT_SIZE_CASES, OUTPUT_SIZE_MISTAKES,
                        exercise=_("output size of a convolution"), what=_("the output size"),
                        rtol=0.0, atol=0.0, names=("n", "kernel", "padding", "stride"),
                        when_right=integers,
                        success=_("correct: floor((n + 2 padding - kernel) / stride) + 1."))


# ------------------------------------------------------------------ cross-correlation
def _correlate_reference(x, w, stride=1, padding=0):
    out = conv2d_forward(np.asarray(x, float)[None, None], np.asarray(w, float)[None, None],
                         np.zeros(1), stride=stride, padding=padding)[0]
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


def _floor_correlate(x, w, stride, padding, pad_width=None):
    """Cross-correlation by the floor rule (any stride), for the mistakes' values."""
    x = np.pad(np.asarray(x, float), padding if pad_width is None else pad_width)
    w = np.asarray(w, float)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)[::stride, ::stride]
    return np.einsum("pquv,uv->pq", windows, w)


def _one_sided(x, w, stride, padding):
    return _floor_correlate(x, w, stride, 0, pad_width=((0, padding), (0, padding)))


CORRELATE_MISTAKES = [
    (lambda x, w, s, p: _correlate_reference(x, np.asarray(w)[::-1, ::-1], s, p),
     N_("you computed a true convolution (the kernel flipped): deep-learning layers compute "
        "the cross-correlation, w[u, v] times x[p + u, q + v].")),
    (lambda x, w, s, p: _correlate_reference(x, np.asarray(w).T, s, p),
     N_("you used the kernel transposed (W.T): window entry (u, v) is multiplied by W[u, v].")),
    (lambda x, w, s, p: _correlate_reference(x, w, s, 0),
     N_("your function ignores `padding`: pad x with zeros on all four sides first (np.pad).")),
    (_one_sided,
     N_("you padded x on one side only: np.pad(x, padding) adds `padding` zeros on all four "
        "sides.")),
    (lambda x, w, s, p: _correlate_reference(x, w, 1, p),
     N_("your function ignores `stride`: windows start at rows 0, stride, 2 stride, ...")),
    (lambda x, w, s, p: _correlate_reference(x, w, s, p)[:-1, :-1],
     N_("your feature map is one row and one column short: out_h = (h + 2 padding - k_h) "
        "// stride + 1 (the last window ends exactly at the border).")),
    (lambda x, w, s, p: np.trunc(_correlate_reference(x, w, s, p)),
     N_("your feature map holds whole numbers only: it was created with an integer dtype, "
        "so every value was truncated. Create it with np.zeros((out_h, out_w)) (floats).")),
]


def check_correlate2d(function) -> CheckResult:
    """Check ``function(x, w, stride, padding)``: the 2-D cross-correlation of one channel.

    ``x`` has shape (h, w), ``w`` (kh, kw); zero padding on the four sides; the
    result has shape (out_h, out_w) with ``out_h = (h + 2 padding - kh) // stride + 1``.
    """
    # Sums of up to 16 products: float32 arithmetic stays within 1e-5 of the reference,
    # while every mistake above is off by more than 0.01.
    return _check_cases(function, _correlate_reference, _correlate_cases(), CORRELATE_MISTAKES,
                        exercise=_("2-D cross-correlation"), what=_("the feature map"),
                        names=("x", "W", "stride", "padding"), rtol=1e-5, atol=1e-5,
                        success=_("correct: your cross-correlation matches the im2col layer."))


# ------------------------------------------------------------------ parameter count
def _conv_params(in_channels, out_channels, kernel_h, kernel_w):
    return (in_channels * kernel_h * kernel_w + 1) * out_channels


CONV_PARAMS_CASES = [(1, 8, 3, 3), (8, 16, 3, 3), (3, 64, 7, 7), (16, 4, 1, 1), (2, 5, 3, 5)]

CONV_PARAMS_MISTAKES = [
    (lambda c, f, kh, kw: c * kh * kw * f,
     N_("you counted the weights but not the biases: each filter has one bias.")),
    (lambda c, f, kh, kw: (kh * kw + 1) * f,
     N_("each filter has one kernel per input channel: multiply by in_channels.")),
    (lambda c, f, kh, kw: (c * kh * kw + 1),
     N_("that is the count for one filter: there are out_channels of them.")),
    (lambda c, f, kh, kw: c * (kh * kw + 1) * f,
     N_("the biases are one per filter, not one per filter and input channel.")),
    (lambda c, f, kh, kw: (c * kh * kw + 1) * f * c,
     N_("you multiplied by in_channels twice: (in_channels × kernel_h × kernel_w + 1) × "
        "out_channels.")),
    (lambda c, f, kh, kw: c * kh * kw * f + 1,
     N_("there is one bias per filter, not one for the whole layer: (in_channels × kernel_h "
        "× kernel_w + 1) × out_channels.")),
    (lambda c, f, kh, kw: c * kh * kw + f,
     N_("check the brackets: the bias is added to each filter's weights before multiplying "
        "by out_channels, (in_channels × kernel_h × kernel_w + 1) × out_channels.")),
    (lambda c, f, kh, kw: (f * kh * kw + 1) * c,
     N_("you swapped in_channels and out_channels: each of the out_channels filters has "
        "in_channels × kernel_h × kernel_w weights and one bias.")),
    (lambda c, f, kh, kw: (c * kh * kh + 1) * f,
     N_("you used kernel_h twice: a kernel has kernel_h × kernel_w entries (the case 3×5 "
        "tells them apart).")),
]


def check_conv_params(function) -> CheckResult:
    """Check ``function(in_channels, out_channels, kernel_h, kernel_w)`` counts weights + biases."""
    return _check_cases(
        function, _conv_params, CONV_PARAMS_CASES, CONV_PARAMS_MISTAKES,
        exercise=_("parameters of a conv layer"), what=_("the number of parameters"),
        names=("in_channels", "out_channels", "kernel_h", "kernel_w"), rtol=0.0, atol=0.0,
        success=_("correct: (in_channels × kernel_h × kernel_w + 1) × out_channels, as Keras "
                  "counts them."))


# ------------------------------------------------------------------ weight gradient
def _param_grads_reference(x, G, kernel_shape, stride=1, padding=0):
    """(dW, db) of nbcode's layer: conv2d_backward on a cache built for these shapes."""
    x, G = np.asarray(x, float), np.asarray(G, float)
    k_h, k_w = kernel_shape
    W = np.zeros((G.shape[1], x.shape[1], k_h, k_w))      # dW does not depend on W
    cache = conv2d_forward(x, W, np.zeros(G.shape[1]), stride=stride, padding=padding)[1]
    dW, db = conv2d_backward(G, cache)[1:]
    return dW, db


def _dW_by_offsets(x, G, kernel_shape, stride, padding, *, step=None, flip_G=False):
    """Equation (eq-conv-grad-params), one kernel offset (u, v) at a time, for the mistakes.

    ``step`` is the stride the patches are read with (the mistake of ignoring the
    stride reads them contiguously); ``flip_G`` convolves with G instead of correlating.
    """
    x, G = np.asarray(x, float), np.asarray(G, float)
    step = stride if step is None else step
    if flip_G:
        G = G[:, :, ::-1, ::-1]
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    (k_h, k_w), (out_h, out_w) = kernel_shape, G.shape[2:]
    dW = np.zeros((G.shape[1], x.shape[1], k_h, k_w))
    for u in range(k_h):
        for v in range(k_w):
            patch = x[:, :, u:u + step * out_h:step, v:v + step * out_w:step]
            dW[:, :, u, v] = np.einsum("ijpq,icpq->jc", G, patch)
    return dW


def _param_grads_cases():
    """(x, G, kernel_shape, stride, padding): one channel; several with padding; stride 2.

    Batch sizes, channels and filters differ within each case (n != c != f), so that a
    transposed or wrongly summed array has a shape of its own; kernels of 3 x 2 tell a
    transposed kernel apart.
    """
    rng = np.random.default_rng(18)
    shapes = [((2, 1, 5, 5), (3, 3), 1, 0, 1),     # (x shape, kernel, stride, padding, f)
              ((3, 2, 6, 7), (3, 2), 1, 1, 4),
              ((2, 3, 7, 7), (3, 3), 2, 1, 4),
              ((4, 2, 8, 8), (2, 2), 2, 0, 3)]
    cases = []
    for x_shape, kernel, stride, padding, f in shapes:
        n, h, w = x_shape[0], x_shape[2], x_shape[3]
        out_h = (h + 2 * padding - kernel[0]) // stride + 1
        out_w = (w + 2 * padding - kernel[1]) // stride + 1
        cases.append((rng.normal(size=x_shape), rng.normal(size=(n, f, out_h, out_w)),
                      kernel, stride, padding))
    return cases


def _first_example(x, G, k, s, p):
    return _param_grads_reference(np.asarray(x)[:1], np.asarray(G)[:1], k, s, p)


#: Mistakes of the weight gradient dW, each with its sentence (named only when the
#: student's dW equals it on every case; the tests check that no two coincide).
DW_MISTAKES = [
    (lambda x, G, k, s, p: _param_grads_reference(x, G, k, s, p)[0][:, :, ::-1, ::-1],
     N_("your dW is the right one flipped (rows and columns reversed): the weight gradient is "
        "a cross-correlation, dW[j, c, u, v] = sum over i, p, q of G[i, j, p, q] x̃[i, c, sp + u, "
        "sq + v], with no flip. The flip belongs to the input gradient.")),
    (lambda x, G, k, s, p: _dW_by_offsets(x, G, k, s, p, flip_G=True),
     N_("you convolved x̃ with G (G flipped, as scipy.signal.convolve2d does): the weight "
        "gradient is a cross-correlation of the padded input with G, G[i, j, p, q] times "
        "x̃[i, c, sp + u, sq + v].")),
    (lambda x, G, k, s, p: _param_grads_reference(x, G, k, s, p)[0] / len(x),
     N_("your dW is the mean over the batch: sum over the examples instead (the loss's own "
        "1/n, if any, is already inside G).")),
    (lambda x, G, k, s, p: _first_example(x, G, k, s, p)[0],
     N_("your dW uses the first example only: sum the contributions of every example i of the "
        "batch.")),
    (lambda x, G, k, s, p: _dW_by_offsets(x, G, k, s, p, step=1),
     N_("your dW ignores the stride: output (p, q) saw the input pixel (sp + u, sq + v), so read "
        "the patch of offset (u, v) every `stride` pixels, x̃[:, :, u:u + stride·h':stride, ...].")),
    (lambda x, G, k, s, p: _param_grads_reference(x, G, k, s, p)[0][:, :, :, ::-1],
     N_("your dW has its columns reversed: offset v multiplies x̃[..., sq + v], with no flip.")),
]

#: Mistakes of the bias gradient db (its shape mistakes are named separately).
DB_MISTAKES = [
    (lambda x, G, k, s, p: np.asarray(G, float).mean(axis=(0, 2, 3)),
     N_("your db is a mean: it is the sum of G over the batch and the output positions, "
        "G.sum(axis=(0, 2, 3)).")),
    (lambda x, G, k, s, p: np.asarray(G, float)[:1].sum(axis=(0, 2, 3)),
     N_("your db uses the first example only: sum G over the batch too, G.sum(axis=(0, 2, 3)).")),
    (lambda x, G, k, s, p: np.asarray(G, float).sum(axis=(0, 2, 3)) / len(G),
     N_("your db is the mean over the batch: sum over the examples instead.")),
]


def _shape(value) -> tuple | None:
    """The shape of an array of real numbers, or None for anything else (judged later)."""
    if isinstance(value, str | bytes | bool) or value is None:
        return None
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - a ragged list: judged later
        return None
    return array.shape if array.dtype.kind in "fiu" else None


def _db_shape_problem(db, G) -> str | None:
    """A sentence for the usual wrong axes of db's sum, recognised by the shape."""
    n, f, out_h, out_w = np.shape(G)
    shape = _shape(db)
    axes = {(n, f): N_("axes 2 and 3 only (the positions)"),
            (f, out_h, out_w): N_("axis 0 only (the batch)"),
            (n,): N_("axes 1, 2 and 3 (the filters and positions)"),
            (): N_("every axis"), (1,): N_("every axis"),
            (out_h, out_w): N_("axes 0 and 1 (the batch and the filters)")}
    if shape is None or shape == (f,) or shape not in axes:
        return None
    return _("db has shape {shape}: you summed G over {axes}. There is one bias per filter, so "
             "db has shape ({f},): sum over the batch and the output positions, "
             "G.sum(axis=(0, 2, 3)).").format(shape=shape, axes=_(axes[shape]), f=f)


def _dW_shape_problem(dW, x, G, kernel_shape) -> str | None:
    shape = _shape(dW)
    (n, c), f = np.shape(x)[:2], np.shape(G)[1]
    k_h, k_w = kernel_shape
    right = (f, c, k_h, k_w)
    if shape == (c, f, k_h, k_w) and c != f:
        return _("dW has shape {shape}, (channels, filters, ...): like W it must be "
                 "(filters, channels, k_h, k_w) = {right}.").format(shape=shape, right=right)
    if shape == (f, c, k_w, k_h) and k_h != k_w:
        return _("dW has shape {shape}: the kernel's axes are swapped; W and dW have shape "
                 "(filters, channels, k_h, k_w) = {right}.").format(shape=shape, right=right)
    if shape == (n, f, c, k_h, k_w):
        return _("dW has one gradient per example: sum them over the batch, to shape "
                 "{right}.").format(right=right)
    return None


def _judge_part(answers, expected, cases, mistakes, what, shape_problem) -> str | None:
    """Why the answers (one per case) are wrong, naming a known mistake; None if right."""
    problems = [check_array_answer(a, e, what=what, rtol=1e-6, atol=1e-8, factors=())
                for a, e in zip(answers, expected, strict=True)]
    if all(problem is None for problem in problems):
        return None
    for answer, case in zip(answers, cases, strict=True):
        sentence = shape_problem(answer, case)
        if sentence is not None:
            return sentence
    for wrong, message in mistakes:
        values = _mistake_values(wrong, cases)
        if all(v is not None and _agrees(a, v, 1e-6, 1e-8) for a, v in zip(answers, values, strict=True)):
            return _(message)
    number = next(i for i, problem in enumerate(problems) if problem is not None)
    x, G, kernel_shape, stride, padding = cases[number]
    return _("{problem} (test case {number} of {total}: x {x_shape}, G {G_shape}, "
             "kernel_shape={kernel_shape}, stride={stride}, padding={padding})").format(
        problem=problems[number], number=number + 1, total=len(cases), x_shape=np.shape(x),
        G_shape=np.shape(G), kernel_shape=kernel_shape, stride=stride, padding=padding)


def _finite_differences_agree(dW, case) -> bool:
    """Central differences of L(W) = sum(G * conv(x, W)) at W = 0 (L is linear in W)."""
    x, G, (k_h, k_w), stride, padding = case
    W = np.zeros((G.shape[1], x.shape[1], k_h, k_w))
    b = np.zeros(G.shape[1])
    numeric = numerical_gradient(
        lambda w: float(np.sum(G * conv2d_forward(x, w, b, stride, padding)[0])), W)
    return bool(np.allclose(np.asarray(dW, float), numeric, rtol=1e-5, atol=1e-6))


def check_conv_param_grads(function) -> CheckResult:
    """Check ``function(x, G, kernel_shape, stride, padding) -> (dW, db)``.

    ``x`` (n, c, h, w) is a batch, ``G`` (n, f, out_h, out_w) the gradient of the loss with
    respect to the layer's output, ``kernel_shape`` the pair (k_h, k_w); ``dW`` must have
    shape (f, c, k_h, k_w) and ``db`` shape (f,), as returned by ``nn.conv2d_backward``.
    The reference is ``conv2d_backward``, computed first on private copies; a right dW is
    also confirmed by central finite differences (``nbcode.gradcheck``).
    """
    exercise = _("gradient of a convolution's parameters")
    cases = _param_grads_cases()
    expected = [_param_grads_reference(*copy.deepcopy(case)) for case in cases]
    names = ("x", "G", "kernel_shape", "stride", "padding")
    dWs, dbs = [], []
    for case in cases:
        answer, failure = call_student(function, case, exercise, names=names)
        if failure is not None:
            return failure
        problem = check_tuple_answer(answer, 2, _("a pair (dW, db)"))
        if problem is not None:
            return CheckResult(exercise, False, problem)
        dWs.append(answer[0])
        dbs.append(answer[1])
    problem = _judge_part(dWs, [e[0] for e in expected], cases, DW_MISTAKES, "dW",
                          lambda a, case: _dW_shape_problem(a, case[0], case[1], case[2]))
    if problem is None:
        problem = _judge_part(dbs, [e[1] for e in expected], cases, DB_MISTAKES, "db",
                              lambda a, case: _db_shape_problem(a, case[1]))
    if problem is not None:
        return CheckResult(exercise, False, problem)
    if not all(_finite_differences_agree(dW, case) for dW, case in zip(dWs, cases, strict=True)):
        return CheckResult(exercise, False, _("dW matches conv2d_backward but not the finite "
                                              "differences: please report this to the authors."))
    return CheckResult(exercise, True,
                       _("correct: dW and db match nn.conv2d_backward and central finite "
                         "differences, with stride and padding."))
