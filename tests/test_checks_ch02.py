"""Checkers of chapter 2: right answers pass, stubs are "not done yet", typical mistakes are named."""

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong
from scipy.stats import norm

from nbcode.checks import ch02
from nbcode.nn import get_activation


def stub(*args):
    raise NotImplementedError("Exercise: replace this line with your code")


def sigmoid(o):
    return 1 / (1 + np.exp(-np.asarray(o, dtype=float)))


def test_sigmoid_derivative():
    assert ch02.check_sigmoid_derivative(lambda o: sigmoid(o) * (1 - sigmoid(o)))
    result = ch02.check_sigmoid_derivative(stub)
    assert not result and result.not_done and "not done yet" in result.text()
    result = ch02.check_sigmoid_derivative(lambda o: np.asarray(o) * (1 - np.asarray(o)))
    assert not result and "value" in result.message
    result = ch02.check_sigmoid_derivative(sigmoid)
    assert not result and "(1 - sigma(o))" in result.message


def right_gradient(beta, X, y, activation):
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    delta = -(y - f.value(o)) * f.derivative(o)
    return np.concatenate([[delta.sum()], X.T @ delta])


def test_neuron_gradient():
    assert ch02.check_neuron_gradient(right_gradient)
    assert ch02.check_neuron_gradient(stub).not_done
    result = ch02.check_neuron_gradient(lambda *args: -right_gradient(*args))
    assert not result and "sign" in result.message

    def no_derivative(beta, X, y, activation):
        error = y - get_activation(activation).value(beta[0] + X @ beta[1:])
        return -np.concatenate([[error.sum()], X.T @ error])

    result = ch02.check_neuron_gradient(no_derivative)
    assert not result and "f'(o_i)" in result.message

    def forgot_intercept(beta, X, y, activation):
        g = right_gradient(beta, X, y, activation)
        g[0] = 0.0
        return g

    result = ch02.check_neuron_gradient(forgot_intercept)
    assert not result and "dL/dbeta_0" in result.message
    result = ch02.check_neuron_gradient(lambda *args: right_gradient(*args)[1:])
    assert not result and "shape" in result.message


def test_perceptron_epoch():
    assert ch02.check_perceptron_epoch(ch02.reference_perceptron_epoch)
    assert ch02.check_perceptron_epoch(stub).not_done
    result = ch02.check_perceptron_epoch(lambda beta, X, y: ch02.reference_perceptron_epoch(beta, X, y)[0])
    assert not result and "pair" in result.message

    def strict(beta, X, y):
        beta = np.array(beta, dtype=float)
        mistakes = 0
        for x_i, y_i in zip(X, y, strict=True):
            if y_i * (beta[0] + x_i @ beta[1:]) < 0:
                beta[0] += y_i
                beta[1:] += y_i * x_i
                mistakes += 1
        return beta, mistakes

    result = ch02.check_perceptron_epoch(strict)
    assert not result and "<= 0" in result.message

    def wrong_count(beta, X, y):
        new_beta, mistakes = ch02.reference_perceptron_epoch(beta, X, y)
        return new_beta, len(X)

    result = ch02.check_perceptron_epoch(wrong_count)
    assert not result and "number of mistakes" in result.message


# -- the probit neuron's cross-entropy gradient: the battery and its named mistakes -------
def right_probit_gradient(beta, X, y):
    o = beta[0] + X @ beta[1:]
    a = norm.cdf(o)
    delta = (a - y) / (a * (1 - a)) * norm.pdf(o)
    return np.concatenate([[delta.mean()], X.T @ delta / len(y)])


def two_branches(beta, X, y):
    """Right, written per class: -phi/Phi for y = 1, phi/(1 - Phi) for y = 0."""
    o = beta[0] + X @ beta[1:]
    delta = np.where(y == 1, -norm.pdf(o) / norm.cdf(o), norm.pdf(o) / norm.sf(o))
    return np.r_[np.mean(delta), np.mean(delta[:, None] * X, axis=0)]


def with_delta(make_delta, mean=True):
    def gradient(beta, X, y):
        o = beta[0] + X @ beta[1:]
        delta = make_delta(o, y)
        total = np.concatenate([[delta.sum()], X.T @ delta])
        return total / len(y) if mean else total
    return gradient


def sigmoid_of(o):
    return 1 / (1 + np.exp(-o))


PROBIT_MISTAKES = [
    right("two branches per class", two_branches),
    right("the engine's sigmoid-free closed form",
          lambda beta, X, y: ch02.reference_probit_gradient(beta, X, y)),
    wrong("the sigmoid's shortcut a - y", with_delta(lambda o, y: norm.cdf(o) - y),
          "sigmoid only", "phi(o)"),
    wrong("the factor phi(o) left out",
          with_delta(lambda o, y: (norm.cdf(o) - y) / (norm.cdf(o) * norm.sf(o))), "da/do = phi(o)"),
    wrong("the squared loss's delta", with_delta(lambda o, y: (norm.cdf(o) - y) * norm.pdf(o)),
          "squared loss"),
    wrong("the sigmoid as output",
          with_delta(lambda o, y: (sigmoid_of(o) - y) / (sigmoid_of(o) * (1 - sigmoid_of(o)))
                     * sigmoid_of(o) * (1 - sigmoid_of(o))), "norm.cdf"),
    wrong("a sum instead of the mean",
          with_delta(lambda o, y: (norm.cdf(o) - y) / (norm.cdf(o) * norm.sf(o)) * norm.pdf(o),
                     mean=False), "divide by n"),
    wrong("the wrong sign", lambda *case: -right_probit_gradient(*case), "sign"),
    wrong("no intercept component", lambda *case: right_probit_gradient(*case)[1:], "shape"),
    wrong("the intercept's gradient set to 0",
          lambda *case: np.r_[0.0, right_probit_gradient(*case)[1:]], "dL/dbeta_0"),
    wrong("the pdf where the cdf belongs",
          with_delta(lambda o, y: (norm.pdf(o) - y) / (norm.pdf(o) * (1 - norm.pdf(o)))
                     * norm.pdf(o)), "does not match"),
    wrong("the features' part transposed", lambda *case: right_probit_gradient(*case)[::-1],
          "does not match"),
]


@pytest.mark.parametrize("answer", params(right_probit_gradient, PROBIT_MISTAKES))
def test_probit_gradient_battery(answer):
    assert_answer(ch02.check_probit_gradient, answer)


def test_probit_reference_matches_finite_differences_and_is_stable():
    from nbcode.gradcheck import numerical_gradient

    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(40, 2)), rng.choice([0.0, 1.0], size=40)
    beta = np.array([0.3, -1.2, 0.8])

    def mean_cross_entropy(b):
        a = norm.cdf(b[0] + X @ b[1:])
        return -np.mean(y * np.log(a) + (1 - y) * np.log1p(-a))

    np.testing.assert_allclose(ch02.reference_probit_gradient(beta, X, y),
                               numerical_gradient(mean_cross_entropy, beta.copy()), rtol=1e-6)
    # confidently wrong (y = 1, o = -30): the probit's delta grows like |o| (Mills ratio)
    far = ch02.reference_probit_gradient(np.array([-30.0, 0.0]), np.zeros((1, 1)), np.ones(1))
    assert np.isfinite(far).all() and 30 < -far[0] < 30.1


def test_probit_checker_cases_separate_the_mistakes():
    for beta, X, y in ch02._probit_cases():
        values = [ch02.reference_probit_gradient(beta, X, y)]
        values += [wrong_function(beta, X, y) for wrong_function, _ in ch02._PROBIT_HINTS]
        for i in range(len(values)):
            for j in range(i):
                assert not np.allclose(values[i], values[j], rtol=1e-4), (i, j)
