"""The chapter 4 checkers: right answers pass, stubs are "not done yet", mistakes are named."""

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong
from sklearn.linear_model import Lasso

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


# ------------------------------------------------------------------ the lasso, orthonormal design


def lasso_right(X, y, lam):
    w_ls = X.T @ y / len(y)
    return np.sign(w_ls) * np.maximum(np.abs(w_ls) - lam, 0.0)


def soft(w, t):
    return np.sign(w) * np.maximum(np.abs(w) - t, 0.0)


def lasso_in_place(X, y, lam):
    X /= np.sqrt(len(y))          # "normalise" the design in place, then forget the n
    return soft(X.T @ y / np.sqrt(len(y)), lam)


def lasso_by_proximal_gradient(X, y, lam):
    w = np.zeros(X.shape[1])
    for _ in range(200):
        w = soft(w - X.T @ (X @ w - y) / len(y), lam)
    return w


LASSO = [
    right("soft-thresholding with np.clip", lambda X, y, lam: (X.T @ y / len(y))
          - np.clip(X.T @ y / len(y), -lam, lam)),
    right("proximal gradient to convergence", lasso_by_proximal_gradient),
    right("scikit-learn's Lasso", lambda X, y, lam: Lasso(alpha=lam, fit_intercept=False)
          .fit(X, y).coef_),
    right("least squares by lstsq, then thresholded",
          lambda X, y, lam: soft(np.linalg.lstsq(X, y, rcond=None)[0], lam)),
    wrong("no threshold (least squares)", lambda X, y, lam: X.T @ y / len(y), "least-squares"),
    wrong("threshold n lam", lambda X, y, lam: soft(X.T @ y / len(y), len(y) * lam), "n * lam"),
    wrong("threshold lam / 2", lambda X, y, lam: soft(X.T @ y / len(y), lam / 2), "lam / 2"),
    wrong("threshold 2 lam", lambda X, y, lam: soft(X.T @ y / len(y), 2 * lam), "2 lam"),
    wrong("X^T y without / n", lambda X, y, lam: soft(X.T @ y, lam), "X^T y / n"),
    wrong("ridge shrinkage", lambda X, y, lam: X.T @ y / len(y) / (1 + lam), "ridge"),
    wrong("hard thresholding", lambda X, y, lam: np.where(np.abs(X.T @ y / len(y)) > lam,
                                                           X.T @ y / len(y), 0.0), "hard"),
    wrong("sign lost", lambda X, y, lam: np.maximum(X.T @ y / len(y) - lam, 0.0), "sign"),
    wrong("subgradient step", lambda X, y, lam: X.T @ y / len(y) - lam * np.sign(X.T @ y),
          "exactly 0"),
    wrong("changes X in place", lasso_in_place, "in place", "X"),
    wrong("threshold on y", lambda X, y, lam: X.T @ soft(y, lam) / len(y)),
]


@pytest.mark.parametrize("answer", params(lasso_right, LASSO))
def test_lasso_orthonormal_battery(answer):
    assert_answer(ch04.check_lasso_orthonormal, answer)


def test_lasso_orthonormal_reference_is_the_closed_form():
    for X, y, lam in ch04._lasso_cases():
        np.testing.assert_allclose(X.T @ X / len(y), np.eye(X.shape[1]), atol=1e-12)
        coef = ch04._lasso_sklearn(X, y, lam)
        np.testing.assert_allclose(coef, lasso_right(X, y, lam), atol=1e-12)
        np.testing.assert_array_equal(coef == 0, lasso_right(X, y, lam) == 0)
    result = ch04.check_lasso_orthonormal(lasso_right)
    assert result and "lam" in result.message
    assert ch04.check_lasso_orthonormal(_stub).not_done
