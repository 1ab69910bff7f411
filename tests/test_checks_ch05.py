"""The chapter 5 checkers accept right answers, report stubs as not done, and explain mistakes."""

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong

from nbcode.checks import ch05
from nbcode.nn import conv2d_forward


def stub(*args):
    raise NotImplementedError


def test_output_size_right_stub_and_mistakes():
    assert ch05.check_output_size(lambda n, k, p, s: (n + 2 * p - k) // s + 1)
    result = ch05.check_output_size(stub)
    assert not result and result.not_done
    result = ch05.check_output_size(lambda n, k, p, s: (n + 2 * p - k) / s + 1)
    assert not result and "whole numbers" in result.message
    result = ch05.check_output_size(lambda n, k, p, s: (n + p - k) // s + 1)
    assert not result and "both sides" in result.message
    result = ch05.check_output_size(lambda n, k, p, s: (n + 2 * p - k) // s)
    assert not result and "add 1" in result.message


def right_correlate(x, w, stride=1, padding=0):
    x = np.pad(x, padding)
    kh, kw = w.shape
    oh, ow = (x.shape[0] - kh) // stride + 1, (x.shape[1] - kw) // stride + 1
    out = np.empty((oh, ow))
    for p in range(oh):
        for q in range(ow):
            out[p, q] = np.sum(w * x[p * stride:p * stride + kh, q * stride:q * stride + kw])
    return out


def test_correlate2d_right_stub_and_mistakes():
    assert ch05.check_correlate2d(right_correlate)
    assert ch05.check_correlate2d(stub).not_done
    result = ch05.check_correlate2d(lambda x, w, s, p: right_correlate(x, w[::-1, ::-1], s, p))
    assert not result and "convolution" in result.message
    result = ch05.check_correlate2d(lambda x, w, s, p: right_correlate(x, w, s, 0))
    assert not result and "padding" in result.message
    result = ch05.check_correlate2d(lambda x, w, s, p: right_correlate(x, w, 1, p))
    assert not result and "stride" in result.message
    result = ch05.check_correlate2d(lambda x, w, s, p: right_correlate(x, w, s, p).T)
    assert not result and "shape" in result.message


def test_correlate_reference_is_conv2d_forward():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(7, 9)), rng.normal(size=(3, 3))
    out, _ = conv2d_forward(x[None, None], w[None, None], np.zeros(1), stride=2, padding=1)
    assert np.allclose(right_correlate(x, w, 2, 1), out[0, 0])


def test_conv_params_right_stub_and_mistakes():
    assert ch05.check_conv_params(lambda c, f, kh, kw: (c * kh * kw + 1) * f)
    assert ch05.check_conv_params(stub).not_done
    result = ch05.check_conv_params(lambda c, f, kh, kw: c * kh * kw * f)
    assert not result and "biases" in result.message
    result = ch05.check_conv_params(lambda c, f, kh, kw: (kh * kw + 1) * f)
    assert not result and "in_channels" in result.message


def test_errors_become_messages():
    result = ch05.check_conv_params(lambda c, f, kh, kw: 1 / 0)
    assert not result and "ZeroDivisionError" in result.message


# ------------------------------------------------------------------ weight gradient (battery)
def right_param_grads(x, G, kernel_shape, stride=1, padding=0):
    """Equation (eq-conv-grad-params), one kernel offset (u, v) at a time."""
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    (k_h, k_w), (out_h, out_w) = kernel_shape, G.shape[2:]
    dW = np.zeros((G.shape[1], x.shape[1], k_h, k_w))
    for u in range(k_h):
        for v in range(k_w):
            patch = x_padded[:, :, u:u + stride * out_h:stride, v:v + stride * out_w:stride]
            dW[:, :, u, v] = np.einsum("ijpq,icpq->jc", G, patch)
    return dW, G.sum(axis=(0, 2, 3))


def loops_param_grads(x, G, kernel_shape, stride=1, padding=0):
    """The same, written as four loops over the output and a scipy-free sum (a right answer)."""
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    k_h, k_w = kernel_shape
    n, f, out_h, out_w = G.shape
    dW = np.zeros((f, x.shape[1], k_h, k_w))
    for i in range(n):
        for j in range(f):
            for p in range(out_h):
                for q in range(out_w):
                    window = x_padded[i, :, stride * p:stride * p + k_h, stride * q:stride * q + k_w]
                    dW[j] += G[i, j, p, q] * window
    return dW, np.array([G[:, j].sum() for j in range(f)])


def scipy_param_grads(x, G, kernel_shape, stride=1, padding=0):
    """Stride 1 through scipy's correlate2d; stride s by dilating G with zeros (a right answer)."""
    import scipy.signal

    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    n, f, out_h, out_w = G.shape
    dilated = np.zeros((n, f, stride * (out_h - 1) + 1, stride * (out_w - 1) + 1))
    dilated[:, :, ::stride, ::stride] = G
    dW = np.array([[sum(scipy.signal.correlate2d(x_padded[i, c], dilated[i, j], mode="valid")
                        for i in range(n)) for c in range(x.shape[1])] for j in range(f)])
    return dW[:, :, :kernel_shape[0], :kernel_shape[1]], G.sum(axis=(0, 2, 3))


def _with_dW(change):
    return lambda *args: (change(*args), right_param_grads(*args)[1])


def _with_db(change):
    return lambda *args: (right_param_grads(*args)[0], change(*args))


PARAM_GRADS_CASES = [
    right("four loops over the outputs", loops_param_grads),
    right("scipy correlate2d with a dilated G", scipy_param_grads),
    right("a list [dW, db]", lambda *a: list(right_param_grads(*a))),
    wrong("dW flipped", _with_dW(lambda *a: right_param_grads(*a)[0][:, :, ::-1, ::-1]),
          "flipped", "cross-correlation"),
    wrong("x convolved with G (scipy convolve2d)",
          _with_dW(lambda x, G, k, s, p: right_param_grads(x, G[:, :, ::-1, ::-1], k, s, p)[0]),
          "convolved", "G flipped"),
    wrong("dW averaged over the batch", _with_dW(lambda *a: right_param_grads(*a)[0] / len(a[0])),
          "mean over the batch"),
    wrong("dW of the first example only",
          _with_dW(lambda x, G, k, s, p: right_param_grads(x[:1], G[:1], k, s, p)[0]),
          "first example"),
    wrong("dW ignores the stride", _with_dW(lambda x, G, k, s, p: ch05._dW_by_offsets(
        x, G, k, s, p, step=1)), "ignores the stride"),
    wrong("dW (channels, filters, ...)",
          _with_dW(lambda *a: right_param_grads(*a)[0].transpose(1, 0, 2, 3)), "(filters, channels"),
    wrong("dW kernel axes swapped",
          _with_dW(lambda *a: right_param_grads(*a)[0].transpose(0, 1, 3, 2)), "swapped"),
    wrong("dW one per example", _with_dW(lambda x, G, k, s, p: np.stack(
        [right_param_grads(x[i:i + 1], G[i:i + 1], k, s, p)[0] for i in range(len(x))])),
        "one gradient per example"),
    wrong("dW ignores the padding (x not padded, then cropped)", _with_dW(
        lambda x, G, k, s, p: right_param_grads(np.pad(x[:, :, p:x.shape[2] - p or None,
                                                           p:x.shape[3] - p or None],
                                                         ((0, 0), (0, 0), (p, p), (p, p))),
                                                  G, k, s, p)[0]), "does not match"),
    wrong("db summed over the positions only", _with_db(lambda x, G, *r: G.sum(axis=(2, 3))),
          "axes 2 and 3", "shape"),
    wrong("db summed over the batch only", _with_db(lambda x, G, *r: G.sum(axis=0)),
          "axis 0 only"),
    wrong("db summed over everything", _with_db(lambda x, G, *r: G.sum()), "every axis"),
    wrong("db summed over axes 1, 2, 3", _with_db(lambda x, G, *r: G.sum(axis=(1, 2, 3))),
          "filters and positions"),
    wrong("db a mean", _with_db(lambda x, G, *r: G.mean(axis=(0, 2, 3))), "mean"),
    wrong("db of the first example", _with_db(lambda x, G, *r: G[0].sum(axis=(1, 2))),
          "first example"),
    wrong("db divided by n", _with_db(lambda x, G, *r: G.sum(axis=(0, 2, 3)) / len(G)),
          "mean over the batch"),
    wrong("returns dW only", lambda *a: right_param_grads(*a)[0], "pair (dW, db)"),
    wrong("returns (db, dW)", lambda *a: right_param_grads(*a)[::-1], "shape"),
    wrong("returns the input gradient too", lambda *a: (np.zeros(1), *right_param_grads(*a)),
          "pair (dW, db)"),
]


@pytest.mark.parametrize("answer", params(right_param_grads, PARAM_GRADS_CASES))
def test_param_grads_battery(answer):
    assert_answer(ch05.check_conv_param_grads, answer)


def test_param_grads_reference_is_finite_differences_and_jax_free():
    """The checker's reference (conv2d_backward) is the numerical gradient of sum(G * z)."""
    for case in ch05._param_grads_cases():
        dW, db = ch05._param_grads_reference(*case)
        assert ch05._finite_differences_agree(dW, case)
        assert np.allclose(right_param_grads(*case)[0], dW)
        assert np.allclose(db, case[1].sum(axis=(0, 2, 3)))


def test_param_grads_mistakes_never_coincide():
    """No two named mistakes give the same dW (or db) on every case, nor the right one."""
    cases = ch05._param_grads_cases()
    for mistakes, part in ((ch05.DW_MISTAKES, 0), (ch05.DB_MISTAKES, 1)):
        right_values = [ch05._param_grads_reference(*c)[part] for c in cases]
        values = [ch05._mistake_values(wrong_, cases) for wrong_, _ in mistakes]
        for k, first in enumerate(values):
            assert not all(ch05._agrees(a, b, 1e-6, 1e-8) for a, b in zip(first, right_values, strict=True))
            for second in values[k + 1:]:
                assert not all(a is not None and b is not None and ch05._agrees(a, b, 1e-6, 1e-8)
                               for a, b in zip(first, second, strict=True))
