"""The chapter 5 checkers accept right answers, report stubs as not done, and explain mistakes."""

import numpy as np

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
