"""Chapter 1's Adam-step checker: right answers pass, the usual mistakes are named (battery)."""

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong

from nbcode.checks import ch01
from nbcode.nn import Adam


def adam_step(beta, grad, m, v, t, learning_rate, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return beta - learning_rate * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_the_reference_is_nbcode_adam_over_several_steps():
    """reference_adam_step, chained, walks the same path as nn.Adam itself."""
    rng = np.random.default_rng(0)
    beta_engine = rng.normal(size=(2, 3))
    beta, m, v = beta_engine.copy(), np.zeros((2, 3)), np.zeros((2, 3))
    optimizer = Adam(0.05, beta1=0.8, beta2=0.99, eps=1e-6)
    for t in range(1, 6):
        grad = beta_engine ** 3 - 1
        optimizer.step([beta_engine], [grad])
        beta, m, v = ch01.reference_adam_step(beta, grad, m, v, t, 0.05, 0.8, 0.99, 1e-6)
        np.testing.assert_allclose(beta, beta_engine, rtol=1e-14)
    np.testing.assert_allclose(m, optimizer.state[0]["m"], rtol=1e-14)
    # and the hand-written formula agrees with it
    beta_hand, m_hand, v_hand = adam_step(beta, grad, m, v, 6, 0.05, 0.8, 0.99, 1e-6)
    np.testing.assert_allclose(ch01.reference_adam_step(beta, grad, m, v, 6, 0.05, 0.8, 0.99,
                                                        1e-6)[0], beta_hand, rtol=1e-14)


def without_correction(beta, grad, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad ** 2
    return beta - lr * m / (np.sqrt(v) + eps), m, v


def correction_power(shift):
    def step(beta, grad, m, v, t, lr, b1, b2, eps):
        m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad ** 2
        k = t + shift
        with np.errstate(all="ignore"):
            return beta - lr * (m / (1 - b1 ** k)) / (np.sqrt(v / (1 - b2 ** k)) + eps), m, v
    return step


def eps_inside(beta, grad, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad ** 2
    return beta - lr * (m / (1 - b1 ** t)) / np.sqrt(v / (1 - b2 ** t) + eps), m, v


def v_from_g(beta, grad, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + (1 - b1) * grad, b2 * v + (1 - b2) * grad
    with np.errstate(all="ignore"):
        return beta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps), m, v


def in_place(beta, grad, m, v, t, lr, b1, b2, eps):
    m *= b1
    m += (1 - b1) * grad
    v *= b2
    v += (1 - b2) * grad ** 2
    beta -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return beta, m, v


def old_moments(beta, grad, m, v, t, lr, b1, b2, eps):
    return adam_step(beta, grad, m, v, t, lr, b1, b2, eps)[0], m, v


def swapped(beta, grad, m, v, t, lr, b1, b2, eps):
    new_beta, m, v = adam_step(beta, grad, m, v, t, lr, b1, b2, eps)
    return new_beta, v, m


def returns_step(beta, grad, m, v, t, lr, b1, b2, eps):
    new_beta, m, v = adam_step(beta, grad, m, v, t, lr, b1, b2, eps)
    return new_beta - beta, m, v


def no_one_minus(beta, grad, m, v, t, lr, b1, b2, eps):
    m, v = b1 * m + grad, b2 * v + grad ** 2
    return beta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps), m, v


CASES = [
    right("with np.power and a loop-free formula", lambda b, g, m, v, t, lr, b1, b2, e: (
        b - lr * ((b1 * m + (1 - b1) * g) / (1 - np.power(b1, t)))
        / (np.sqrt((b2 * v + (1 - b2) * np.square(g)) / (1 - np.power(b2, t))) + e),
        b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * np.square(g))),
    right("returns a list", lambda *args: list(adam_step(*args))),
    wrong("no bias correction", without_correction, "without the bias correction"),
    wrong("bias correction with t - 1 (t from 0)", correction_power(-1), "t - 1"),
    wrong("bias correction with t + 1", correction_power(+1), "t + 1"),
    wrong("eps inside the square root", eps_inside, "inside the square root"),
    wrong("v from g instead of g^2", v_from_g, "not of g^2"),
    wrong("no (1 - beta) factors", no_one_minus, "1 - beta1"),
    wrong("updates m, v and beta in place", in_place, "in place"),
    wrong("returns the old moments", old_moments, "beta is right", "the new m"),
    wrong("returns (beta, v, m)", swapped, "the new m"),
    wrong("returns the step, not the new beta", returns_step, "the new beta"),
    wrong("returns beta only", lambda *args: adam_step(*args)[0], "triple"),
    wrong("returns (beta, m)", lambda *args: adam_step(*args)[:2], "triple"),
]


@pytest.mark.parametrize("answer", params(adam_step, CASES))
def test_adam_step_checker(answer):
    assert_answer(ch01.check_adam_step, answer)
