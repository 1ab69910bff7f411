"""The chapter 4 checkers: right answers pass, stubs are "not done yet", mistakes are named."""

import numpy as np

from nbcode.checks import ch04


def _stub(*args):
    raise NotImplementedError


def test_weight_decay_step():
    assert ch04.check_weight_decay_step(lambda W, g, lr, l2: (1 - lr * l2) * W - lr * g)
    stub = ch04.check_weight_decay_step(_stub)
    assert not stub and stub.not_done
    no_penalty = ch04.check_weight_decay_step(lambda W, g, lr, l2: W - lr * g)
    assert not no_penalty and "ignores the penalty" in no_penalty.message
    doubled = ch04.check_weight_decay_step(lambda W, g, lr, l2: W - lr * (g + 2 * l2 * W))
    assert not doubled and "1/2" in doubled.message
    l1 = ch04.check_weight_decay_step(lambda W, g, lr, l2: W - lr * (g + l2 * np.sign(W)))
    assert not l1 and "L1" in l1.message


def test_soft_threshold():
    assert ch04.check_soft_threshold(lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0))
    assert ch04.check_soft_threshold(_stub).not_done
    sub = ch04.check_soft_threshold(lambda w, t: w - t * np.sign(w))
    assert not sub and "subgradient" in sub.message
    hard = ch04.check_soft_threshold(lambda w, t: np.where(np.abs(w) > t, w, 0.0))
    assert not hard and "hard thresholding" in hard.message


def test_dropout_forward():
    assert ch04.check_dropout_forward(lambda x, keep, rate: np.where(keep, x / (1 - rate), 0.0))
    assert ch04.check_dropout_forward(_stub).not_done
    unscaled = ch04.check_dropout_forward(lambda x, keep, rate: x * keep)
    assert not unscaled and "rescaling" in unscaled.message
    wrong = ch04.check_dropout_forward(lambda x, keep, rate: x * keep / rate)
    assert not wrong and "1 - rate" in wrong.message
    crash = ch04.check_dropout_forward(lambda x, keep, rate: x @ keep)
    assert not crash and "raised" in crash.message
