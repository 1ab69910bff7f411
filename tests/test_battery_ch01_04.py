"""The battery of wrong answers against every checker of chapters 1-4.

Each checker meets the generic battery of :mod:`battery` (built from a right answer) and
a list of specific mistakes students make in that exercise, written as a student would
write them; disguised right answers (another formula, float32, no max-subtraction) must
pass. Every wrong answer must fail with a sentence naming its mistake.
"""

import numpy as np
import pytest
from battery import assert_answer, params, right, wrong, wrong_values

from nbcode import linear
from nbcode.analysis import input_gradient
from nbcode.checks import ch01, ch02, ch03, ch04
from nbcode.nn import get_activation


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def ones_and(X):
    return np.column_stack([np.ones(len(X)), X])


# ------------------------------------------------------------------ chapter 1
def ols_right(beta, X, y):
    residual = y - beta[0] - X @ beta[1:]
    return -np.concatenate([[residual.sum()], X.T @ residual])


def ols_centring_in_place(beta, X, y):
    X -= X.mean(axis=0)
    return ols_right(beta, X, y)


def ols_column_y(beta, X, y):
    y = y.reshape(-1, 1)
    X1 = ones_and(X)
    return -X1.T @ (y - X1 @ beta.reshape(-1, 1))


OLS = [
    right("with the column of ones", lambda b, X, y: -ones_and(X).T @ (y - ones_and(X) @ b)),
    right("with add_intercept", lambda b, X, y: linear.add_intercept(X).T
          @ (linear.add_intercept(X) @ b - y)),
    wrong("wrong sign", lambda b, X, y: -ols_right(b, X, y), "wrong sign"),
    wrong("forgot the 1/2", lambda b, X, y: 2 * ols_right(b, X, y), "factor of 2", "1/2"),
    wrong("mean instead of sum", lambda b, X, y: ols_right(b, X, y) / len(X), "mean loss"),
    wrong("dL/dbeta_0 left at 0", lambda b, X, y: np.concatenate([[0.0], ols_right(b, X, y)[1:]]),
          "dL/dbeta_0", "finite differences"),
    wrong("beta_0 left out of the prediction",
          lambda b, X, y: -ones_and(X).T @ (y - X @ b[1:]), "intercept"),
    wrong("only the slopes", lambda b, X, y: ols_right(b, X, y)[1:], "shape"),
    wrong("X @ beta without the intercept column", lambda b, X, y: -X.T @ (y - X @ b), "raised"),
    wrong("centres X in place", ols_centring_in_place, "in place", "X = X.copy()"),
    wrong("y as a column", ols_column_y, "shape"),
    wrong("residual squared", lambda b, X, y: -ones_and(X).T @ (y - ones_and(X) @ b) ** 2,
          "finite differences"),
]

def step_in_place(beta, gradient, learning_rate):
    beta -= learning_rate * gradient
    return beta


STEP = [
    right("written out", lambda b, g, lr: b + (-lr) * g),
    wrong("goes up", lambda b, g, lr: b + lr * g, "up"),
    wrong("forgot the learning rate", lambda b, g, lr: b - g, "learning rate"),
    wrong("returns the step alone", lambda b, g, lr: -lr * g, "step"),
    wrong("divides by the learning rate", lambda b, g, lr: b - g / lr, "divided"),
    wrong("updates beta in place", step_in_place, "in place", "beta"),
]


def logistic_right(beta, X, y):
    o = beta[0] + X @ beta[1:]
    return -ones_and(X).T @ (y * sigmoid(-y * o))


def logistic_remap_in_place(beta, X, y):
    y[y == -1] = 0  # the {0, 1} formula is right for these labels, but the caller's y changed
    return -ones_and(X).T @ (y - sigmoid(beta[0] + X @ beta[1:]))


LOGISTIC = [
    right("labels mapped to {0, 1} on a copy",
          lambda b, X, y: -ones_and(X).T @ ((y + 1) / 2 - sigmoid(b[0] + X @ b[1:]))),
    right("1 / (1 + exp(y o))", lambda b, X, y: -ones_and(X).T
          @ (y / (1 + np.exp(y * (b[0] + X @ b[1:]))))),
    wrong("sigma(+y o)", lambda b, X, y: -ones_and(X).T @ (y * sigmoid(y * (b[0] + X @ b[1:])))),
    wrong("the {0, 1} formula with labels in {-1, 1}",
          lambda b, X, y: -ones_and(X).T @ (y - sigmoid(b[0] + X @ b[1:])), "{0, 1}"),
    wrong("labels remapped in place", logistic_remap_in_place, "in place", "y"),
    wrong("wrong sign", lambda *a: -logistic_right(*a), "wrong sign"),
    wrong("mean instead of sum", lambda b, X, y: logistic_right(b, X, y) / len(X), "mean loss"),
    wrong("dL/dbeta_0 left at 0",
          lambda b, X, y: np.concatenate([[0.0], logistic_right(b, X, y)[1:]]), "dL/dbeta_0"),
    wrong("beta_0 left out of o",
          lambda b, X, y: -ones_and(X).T @ (y * sigmoid(-y * (X @ b[1:]))), "intercept"),
    wrong("sigma(-o) without the labels inside",
          lambda b, X, y: -ones_and(X).T @ (y * sigmoid(-(b[0] + X @ b[1:])))),
]

X3 = np.random.default_rng(0).normal(size=(40, 3)) * [1.0, 5.0, 0.2] + [2.0, -1.0, 0.5]
H3 = ones_and(X3).T @ ones_and(X3) / 40
ETA = 2 / np.linalg.eigvalsh(H3).max()
ETA_MISTAKES = [
    wrong("1 / lambda_max", ETA / 2, "factor of 0.5"),
    wrong("no intercept column", 2 / np.linalg.eigvalsh(X3.T @ X3 / 40).max(), "column of ones"),
    wrong("summed loss", 2 / np.linalg.eigvalsh(ones_and(X3).T @ ones_and(X3)).max(),
          "summed loss"),
    wrong("smallest eigenvalue", 2 / np.linalg.eigvalsh(H3).min(), "smallest"),
    wrong("covariance matrix", 2 / np.linalg.eigvalsh(np.cov(X3.T, bias=True)).max(), "centred"),
    wrong("singular value", 2 / np.linalg.svd(ones_and(X3) / np.sqrt(40), compute_uv=False).max(),
          "singular"),
    right("from eigvals (complex dtype, real values) of the Hessian, as a float",
          float(2 / np.max(np.linalg.eigvals(H3).real))),
    right("from the singular values squared",
          2 / np.linalg.svd(ones_and(X3), compute_uv=False).max() ** 2 * 40),
]


# ------------------------------------------------------------------ chapter 2
def sigmoid_derivative(o):
    s = sigmoid(o)
    return s * (1 - s)


def sigmoid_derivative_in_place(o):
    o *= -1
    return sigmoid(o) * (1 - sigmoid(o))


SIGMOID = [
    right("exp(-o) / (1 + exp(-o))^2", lambda o: np.exp(-o) / (1 + np.exp(-o)) ** 2),
    right("through tanh", lambda o: 0.25 * (1 - np.tanh(o / 2) ** 2)),
    right("sigma(o) sigma(-o)", lambda o: sigmoid(o) * sigmoid(-o)),
    wrong("o (1 - o)", lambda o: o * (1 - o), "value"),
    wrong("sigma itself", sigmoid, "(1 - sigma(o))"),
    wrong("1 - sigma", lambda o: 1 - sigmoid(o), "missing"),
    wrong("tanh's derivative", lambda o: 1 - np.tanh(o) ** 2, "tanh"),
    wrong("sigma (1 + sigma)", lambda o: sigmoid(o) * (1 + sigmoid(o)), "1 + sigma"),
    wrong("flips o in place", sigmoid_derivative_in_place, "in place"),
    wrong("a Python loop over a flat list",
          lambda o: [sigmoid_derivative(v) for v in np.ravel(o)], "shape"),
    wrong("the scalar at the first entry", lambda o: float(sigmoid_derivative(np.ravel(o)[0])),
          "shape"),
]


def neuron_right(beta, X, y, activation):
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    delta = -(y - f.value(o)) * f.derivative(o)
    return np.concatenate([[delta.sum()], X.T @ delta])


def neuron_relu_at_zero(beta, X, y, activation):
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    slope = (o >= 0).astype(float) if activation == "relu" else f.derivative(o)
    delta = -(y - f.value(o)) * slope
    return np.concatenate([[delta.sum()], X.T @ delta])


def neuron_hand_written(beta, X, y, activation):
    o = beta[0] + X @ beta[1:]
    if activation == "sigmoid":
        a = sigmoid(o)
        slope = a * (1 - a)
    elif activation == "tanh":
        a = np.tanh(o)
        slope = 1 - a ** 2
    else:
        a = np.maximum(o, 0)
        slope = (o > 0) * 1.0
    delta = (a - y) * slope
    return ones_and(X).T @ delta


def neuron_no_derivative(beta, X, y, activation):
    error = y - get_activation(activation).value(beta[0] + X @ beta[1:])
    return -np.concatenate([[error.sum()], X.T @ error])


NEURON = [
    right("activations written by hand", neuron_hand_written),
    wrong("ReLU'(0) = 1", neuron_relu_at_zero, "ReLU'(0)"),
    wrong("no f'(o)", neuron_no_derivative, "f'(o_i)"),
    wrong("wrong sign", lambda *a: -neuron_right(*a), "sign"),
    wrong("mean instead of sum", lambda *a: neuron_right(*a) / len(a[1]), "mean loss"),
    wrong("forgot the 1/2", lambda *a: 2 * neuron_right(*a), "factor of 2", "1/2"),
    wrong("dL/dbeta_0 left at 0",
          lambda *a: np.concatenate([[0.0], neuron_right(*a)[1:]]), "dL/dbeta_0"),
    wrong("only the slopes", lambda *a: neuron_right(*a)[1:], "shape"),
    wrong("always the sigmoid", lambda b, X, y, act: neuron_right(b, X, y, "sigmoid")),
    wrong("f'(a) instead of f'(o)", lambda b, X, y, act: ones_and(X).T @ (
        (get_activation(act).value(b[0] + X @ b[1:]) - y)
        * get_activation(act).derivative(get_activation(act).value(b[0] + X @ b[1:])))),
]


def perceptron_right(beta, X, y):
    beta = beta.astype(float)  # a copy
    mistakes = 0
    for i in range(len(X)):
        if y[i] * (beta[0] + X[i] @ beta[1:]) <= 0:
            beta = beta + y[i] * np.concatenate([[1.0], X[i]])
            mistakes += 1
    return beta, mistakes


def perceptron_in_place(beta, X, y):
    mistakes = 0
    for x_i, y_i in zip(X, y, strict=True):
        if y_i * (beta[0] + x_i @ beta[1:]) <= 0:
            beta[0] += y_i
            beta[1:] += y_i * x_i
            mistakes += 1
    return beta, mistakes


def perceptron_variant(strict=False, intercept=True, count="updates", order=None):
    def epoch(beta, X, y):
        beta = np.array(beta, dtype=float)
        mistakes = 0
        for i in (range(len(X)) if order is None else order(len(X))):
            margin = y[i] * (beta[0] + X[i] @ beta[1:])
            if margin < 0 or (margin == 0 and not strict):
                beta[0] += y[i] if intercept else 0.0
                beta[1:] += y[i] * X[i]
                mistakes += 1
        if count == "after":
            mistakes = int(np.sum(y * (beta[0] + X @ beta[1:]) <= 0))
        return beta, mistakes
    return epoch


def perceptron_batch(beta, X, y):
    beta = np.array(beta, dtype=float)
    wrong = y * (beta[0] + X @ beta[1:]) <= 0
    return beta + ones_and(X[wrong]).T @ y[wrong], int(wrong.sum())


PERCEPTRON = [
    right("indices, a new beta per update", perceptron_right),
    right("returns a list [beta, mistakes]", lambda *a: list(perceptron_right(*a))),
    right("mistakes as a float", lambda *a: (perceptron_right(*a)[0], float(perceptron_right(*a)[1]))),
    wrong("strict inequality", perceptron_variant(strict=True), "<= 0"),
    wrong("intercept never updated", perceptron_variant(intercept=False), "beta_0"),
    wrong("updates the caller's beta in place", perceptron_in_place, "in place", "beta"),
    wrong("counts the mistakes after the epoch", perceptron_variant(count="after"),
          "number of mistakes"),
    wrong("visits the examples backwards",
          perceptron_variant(order=lambda n: range(n - 1, -1, -1)), "does not match"),
    wrong("one batch update", perceptron_batch, "one at a time"),
    wrong("beta only", lambda *a: perceptron_right(*a)[0], "pair"),
    wrong("the pair swapped", lambda *a: perceptron_right(*a)[::-1], "wrong order"),
    wrong("mistakes as a list of indices",
          lambda *a: (perceptron_right(*a)[0], list(range(perceptron_right(*a)[1]))),
          "number of mistakes"),
    wrong("mistakes as a string", lambda *a: (perceptron_right(*a)[0], str(perceptron_right(*a)[1])),
          "number of mistakes", "string"),
]


# ------------------------------------------------------------------ chapter 3
def softmax_rows(o):
    e = np.exp(o - o.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_right(o, y):
    p = softmax_rows(o)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def softmax_shift_in_place(o, y):
    o -= o.max(axis=1, keepdims=True)
    p = np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)
    return (p - np.eye(o.shape[1])[y]) / len(y)


def softmax_subtract_in_place(o, y):
    p = np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)
    o[np.arange(len(y)), y] -= 1
    return (p - np.eye(o.shape[1])[y]) / len(y)


SOFTMAX = [
    right("without max-subtraction", lambda o, y: (np.exp(o) / np.exp(o).sum(axis=1, keepdims=True)
                                                   - np.eye(o.shape[1])[y]) / len(o)),
    right("np.eye for the one-hot", lambda o, y: (softmax_rows(o) - np.eye(o.shape[1])[y]) / len(o)),
    wrong("summed", lambda o, y: softmax_right(o, y) * len(o), "divide by n"),
    wrong("wrong sign", lambda o, y: -softmax_right(o, y), "sign"),
    wrong("no one-hot", lambda o, y: softmax_rows(o) / len(o), "one-hot"),
    wrong("extra softmax factor", lambda o, y: softmax_right(o, y) * softmax_rows(o), "extra factor"),
    wrong("softmax over axis 0",
          lambda o, y: (np.exp(o) / np.exp(o).sum(axis=0) - np.eye(o.shape[1])[y]) / len(o),
          "axis"),
    wrong("divided by k", lambda o, y: softmax_right(o, y) * len(o) / o.shape[1], "classes"),
    wrong("max-subtraction in place", softmax_shift_in_place, "in place", "o"),
    wrong("the one-hot subtracted from o in place", softmax_subtract_in_place, "in place"),
    wrong("sum without keepdims", lambda o, y: (np.exp(o) / np.exp(o).sum(axis=1)
                                                - np.eye(o.shape[1])[y]) / len(o)),
]


def hidden_right(X, y, W1, b1, W2, b2):
    a1 = np.tanh(X @ W1 + b1)
    o2 = a1 @ W2 + b2
    d_o2 = softmax_rows(o2)
    d_o2[np.arange(len(y)), y] -= 1
    d_o2 /= len(y)
    d_o1 = d_o2 @ W2.T * (1 - a1 ** 2)
    return X.T @ d_o1, d_o1.sum(axis=0), a1.T @ d_o2, d_o2.sum(axis=0)


def hidden_variant(**kwargs):
    return lambda *case: ch03.reference_hidden_layer_gradients(*case, **kwargs)


def hidden_changed(index, change):
    def gradients(*case):
        result = list(hidden_right(*case))
        result[index] = change(result[index], case)
        return tuple(result)
    return gradients


def hidden_centres_X(X, y, W1, b1, W2, b2):
    X -= X.mean(axis=0)
    return hidden_right(X, y, W1, b1, W2, b2)


HIDDEN = [
    right("a list of four arrays", lambda *case: list(hidden_right(*case))),
    right("float32 weights only for the output layer",
          hidden_changed(2, lambda g, case: g.astype(np.float32))),
    wrong("no tanh'", hidden_variant(tanh_derivative=False), "tanh"),
    wrong("summed loss", hidden_variant(mean=False), "divide by n"),
    wrong("1 - o1**2", hidden_variant(derivative_of_o1=True), "o1**2"),
    wrong("dW1 transposed", hidden_changed(0, lambda g, case: g.T), "shape"),
    wrong("db1 not summed over examples", hidden_changed(
        1, lambda g, case: np.tile(g / len(case[0]), (len(case[0]), 1))), "shape"),
    wrong("db2 averaged once more", hidden_changed(3, lambda g, case: g / len(case[0])), "db2"),
    wrong("dW2 with the wrong sign", hidden_changed(2, lambda g, case: -g), "dW2", "sign"),
    wrong("three arrays", lambda *case: hidden_right(*case)[:3], "four arrays"),
    wrong("a dict of gradients",
          lambda *case: dict(zip(("dW1", "db1", "dW2", "db2"), hidden_right(*case), strict=True)),
          "four arrays"),
    wrong("centres X in place", hidden_centres_X, "in place"),
]


def fgsm_right(model, X, y, epsilon):
    return np.clip(X + epsilon * np.sign(input_gradient(model, X, y)), 0, 1)


def fgsm_in_place(model, X, y, epsilon):
    X += epsilon * np.sign(input_gradient(model, X, y))
    return np.clip(X, 0, 1)


def fgsm_trains_the_model(model, X, y, epsilon):
    model.fit(X, y, epochs=1, batch_size=5, optimizer="sgd", learning_rate=0.1)
    return fgsm_right(model, X, y, epsilon)


FGSM = [
    right("np.minimum and np.maximum",
          lambda m, X, y, e: np.minimum(np.maximum(X + e * np.sign(input_gradient(m, X, y)), 0), 1)),
    wrong("downhill", lambda m, X, y, e: np.clip(X - e * np.sign(input_gradient(m, X, y)), 0, 1),
          "down"),
    wrong("not clipped", lambda m, X, y, e: X + e * np.sign(input_gradient(m, X, y)), "clip"),
    wrong("the gradient, not its sign",
          lambda m, X, y, e: np.clip(X + e * input_gradient(m, X, y), 0, 1), "sign"),
    wrong("the perturbation alone", lambda m, X, y, e: e * np.sign(input_gradient(m, X, y)),
          "perturbation"),
    wrong("changes X in place", fgsm_in_place, "in place", "X"),
    wrong("trains the model first", fgsm_trains_the_model, "in place", "model"),
    wrong("clipped to [-1, 1]",
          lambda m, X, y, e: np.clip(X + e * np.sign(input_gradient(m, X, y)), -1, 1)),
    wrong("a fixed epsilon of 0.1",
          lambda m, X, y, e: np.clip(X + 0.1 * np.sign(input_gradient(m, X, y)), 0, 1)),
]


# ------------------------------------------------------------------ chapter 4
def decay_in_place(W, grad, learning_rate, l2):
    W -= learning_rate * (grad + l2 * W)
    return W


DECAY = [
    right("gradient plus penalty", lambda W, g, lr, l2: W - lr * (g + l2 * W)),
    wrong("no penalty", lambda W, g, lr, l2: W - lr * g, "ignores the penalty"),
    wrong("2 l2 W", lambda W, g, lr, l2: W - lr * (g + 2 * l2 * W), "1/2"),
    wrong("penalty with the wrong sign", lambda W, g, lr, l2: W - lr * (g - l2 * W), "sign"),
    wrong("decay without the learning rate", lambda W, g, lr, l2: (1 - l2) * W - lr * g,
          "(1 - learning_rate * l2)"),
    wrong("L1's sign(W)", lambda W, g, lr, l2: W - lr * (g + l2 * np.sign(W)), "L1"),
    wrong("updates W in place", decay_in_place, "in place", "W"),
    wrong("decays after the step", lambda W, g, lr, l2: (1 - lr * l2) * (W - lr * g)),
    wrong("penalty on the gradient", lambda W, g, lr, l2: W - lr * (g + l2 * g)),
]


def threshold_in_place(w, threshold):
    w[np.abs(w) <= threshold] = 0.0
    w -= threshold * np.sign(w)
    return w


THRESHOLD = [
    right("with np.clip", lambda w, t: w - np.clip(w, -t, t)),
    right("strict inequality", lambda w, t: np.where(np.abs(w) > t, w - t * np.sign(w), 0.0)),
    right("non-strict inequality", lambda w, t: np.where(np.abs(w) >= t, w - t * np.sign(w), 0.0)),
    right("two cases with np.where",
          lambda w, t: np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))),
    wrong("subgradient step", lambda w, t: w - t * np.sign(w), "subgradient"),
    wrong("max(w - t, 0)", lambda w, t: np.maximum(w - t, 0.0), "negative weights"),
    wrong("hard thresholding", lambda w, t: np.where(np.abs(w) > t, w, 0.0), "hard thresholding"),
    wrong("w - t for every large weight", lambda w, t: np.where(np.abs(w) > t, w - t, 0.0),
          "keep the sign"),
    wrong("np.clip alone", lambda w, t: np.clip(w, -t, t), "np.clip"),
    wrong("changes w in place", threshold_in_place, "in place", "w"),
    wrong("threshold doubled", lambda w, t: np.sign(w) * np.maximum(np.abs(w) - 2 * t, 0)),
]


def dropout_in_place(x, keep, rate):
    x[~keep] = 0.0
    x /= 1 - rate
    return x


def dropout_new_mask(x, keep, rate):
    mask = np.random.default_rng(0).random(x.shape) >= rate
    return x * mask / (1 - rate)


DROPOUT = [
    right("np.where", lambda x, keep, rate: np.where(keep, x / (1 - rate), 0.0)),
    right("a float mask", lambda x, keep, rate: x * keep.astype(float) / (1 - rate)),
    wrong("no rescaling", lambda x, keep, rate: x * keep, "rescaling"),
    wrong("times 1 - rate", lambda x, keep, rate: x * keep * (1 - rate), "multiplied"),
    wrong("divided by rate", lambda x, keep, rate: x * keep / rate, "1 - rate"),
    wrong("rescaled by p instead of 1/(1 - p)", lambda x, keep, rate: x * keep * rate,
          "multiplied the kept units by rate"),
    wrong("mask inverted", lambda x, keep, rate: x * ~keep / (1 - rate), "kept"),
    wrong("changes x in place", dropout_in_place, "in place", "x"),
    wrong("draws its own mask", dropout_new_mask),
    wrong("matrix product", lambda x, keep, rate: x @ keep, "raised"),
]


CHECKERS = {
    "ols_gradient": (ch01.check_ols_gradient, ols_right, OLS),
    "gradient_step": (ch01.check_gradient_step, lambda b, g, lr: b - lr * g, STEP),
    "logistic_gradient": (ch01.check_logistic_gradient, logistic_right, LOGISTIC),
    "sigmoid_derivative": (ch02.check_sigmoid_derivative, sigmoid_derivative, SIGMOID),
    "neuron_gradient": (ch02.check_neuron_gradient, neuron_right, NEURON),
    "perceptron_epoch": (ch02.check_perceptron_epoch, perceptron_right, PERCEPTRON),
    "softmax_ce_gradient": (ch03.check_softmax_ce_gradient, softmax_right, SOFTMAX),
    "hidden_layer_gradients": (ch03.check_hidden_layer_gradients, hidden_right, HIDDEN),
    "fgsm_step": (ch03.check_fgsm_step, fgsm_right, FGSM),
    "weight_decay_step": (ch04.check_weight_decay_step,
                          lambda W, g, lr, l2: (1 - lr * l2) * W - lr * g, DECAY),
    "soft_threshold": (ch04.check_soft_threshold,
                       lambda w, t: np.sign(w) * np.maximum(np.abs(w) - t, 0), THRESHOLD),
    "dropout_forward": (ch04.check_dropout_forward, lambda x, keep, rate: x * keep / (1 - rate),
                        DROPOUT),
}

BATTERY = [pytest.param(name, *param.values, id=f"{name}-{param.id}")
           for name, (_, answer, specific) in CHECKERS.items()
           for param in params(answer, specific)]


@pytest.mark.parametrize(("name", "answer"), BATTERY)
def test_function_checker(name, answer):
    assert_answer(CHECKERS[name][0], answer)


@pytest.mark.parametrize("answer", params(ETA, ETA_MISTAKES, generic=wrong_values))
def test_learning_rate_limit(answer):
    assert_answer(lambda value: ch01.check_learning_rate_limit(value, X3), answer)


def test_battery_size():
    """The battery's size, so that a shrinking battery is noticed."""
    assert len(BATTERY) + len(params(ETA, ETA_MISTAKES, generic=wrong_values)) >= 500
