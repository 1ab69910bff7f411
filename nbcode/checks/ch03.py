"""Checkers for chapter 3: the multi-layer perceptron."""

from __future__ import annotations

import math

import numpy as np

from .. import i18n
from ..autodiff import Value
from ..gradcheck import numerical_gradients
from ..i18n import N_, _
from ..nn import MLP, log_softmax, softmax
from ..nn.losses import one_hot
from .core import CheckResult, call_student, check_array_answer, check_function, check_tuple_answer

__all__ = ["check_softmax_ce_gradient", "check_hidden_layer_gradients", "check_fgsm_step",
           "reference_hidden_layer_gradients", "check_sigmoid_node"]


# ------------------------------------------------------------------ softmax cross-entropy
def _softmax_gradient(o, y):
    return (softmax(o) - one_hot(y, o.shape[1])) / o.shape[0]


def _softmax_cases():
    rng = np.random.default_rng(31)
    return [(rng.normal(size=(n, k)) * 2, rng.integers(0, k, size=n))
            for n, k in [(4, 3), (10, 5), (25, 2)]]


def check_softmax_ce_gradient(function) -> CheckResult:
    """Check ``function(o, y)`` returns dL/do of the mean softmax cross-entropy.

    ``o``: logits (n, k); ``y``: integer labels (n,); answer (n, k) = (softmax(o) - onehot(y)) / n.
    """
    hints = [
        (lambda o, y: softmax(o) - one_hot(y, o.shape[1]),
         _("this is the gradient of the *summed* loss: the loss is a mean over the n examples, "
           "so divide by n.")),
        (lambda o, y: -_softmax_gradient(o, y),
         _("the sign is reversed: it is softmax(o) minus the one-hot labels, not the other "
           "way.")),
        (lambda o, y: softmax(o) / o.shape[0],
         _("you forgot to subtract the one-hot labels (the -1 on the true class).")),
        (lambda o, y: (softmax(o) - one_hot(y, o.shape[1])) * softmax(o) / o.shape[0],
         _("there is an extra factor softmax(o): the derivative of log softmax cancels it.")),
        (lambda o, y: (softmax(o.T).T - one_hot(y, o.shape[1])) / o.shape[0],
         _("your softmax normalises over the examples (axis 0): each row of o holds one "
           "example's logits, so normalise over the classes, axis=1 (with keepdims=True).")),
        (lambda o, y: (softmax(o) - one_hot(y, o.shape[1])) / o.shape[1],
         _("you divided by the number of classes k; the mean is over the n examples (rows).")),
    ]
    return check_function(function, _softmax_gradient, _softmax_cases(),
                          exercise=_("gradient of softmax cross-entropy"), what="dL/do",
                          hints=hints, factors=(2.0, 0.5), names=("o", "y"),
                          success=_("correct: dL/do = (softmax(o) - onehot(y)) / n."))


# ------------------------------------------------------------------ one hidden layer
def _forward(X, W1, b1, W2, b2):
    o1 = X @ W1 + b1
    a1 = np.tanh(o1)
    o2 = a1 @ W2 + b2
    return o1, a1, o2


def _mean_ce(X, y, W1, b1, W2, b2):
    log_p = log_softmax(_forward(X, W1, b1, W2, b2)[2])
    return -log_p[np.arange(len(y)), y].mean()


def reference_hidden_layer_gradients(X, y, W1, b1, W2, b2, tanh_derivative=True, mean=True,
                                     derivative_of_o1=False):
    """Gradients (dW1, db1, dW2, db2) of the mean cross-entropy of a tanh network.

    ``tanh_derivative=False``, ``mean=False`` and ``derivative_of_o1=True`` reproduce three
    usual mistakes (no tanh', the summed loss, 1 - o1**2 instead of 1 - a1**2).
    """
    o1, a1, o2 = _forward(X, W1, b1, W2, b2)
    d_o2 = softmax(o2) - one_hot(y, o2.shape[1])
    if mean:
        d_o2 = d_o2 / len(X)
    dW2, db2 = a1.T @ d_o2, d_o2.sum(axis=0)
    d_a1 = d_o2 @ W2.T
    d_o1 = d_a1 * (1 - (o1 if derivative_of_o1 else a1) ** 2) if tanh_derivative else d_a1
    return X.T @ d_o1, d_o1.sum(axis=0), dW2, db2


def _hidden_cases():
    rng = np.random.default_rng(32)
    cases = []
    for n, p, h, k in [(5, 2, 3, 3), (12, 4, 6, 2), (30, 3, 8, 4)]:
        cases.append((rng.normal(size=(n, p)), rng.integers(0, k, size=n),
                      rng.normal(size=(p, h)), rng.normal(size=h) * 0.1,
                      rng.normal(size=(h, k)), rng.normal(size=k) * 0.1))
    return cases


def _numeric(X, y, params, index):
    params = [p.copy() for p in params]  # the test case stays as it was
    return numerical_gradients(lambda: _mean_ce(X, y, *params), [params[index]])[0]


def check_hidden_layer_gradients(function) -> CheckResult:
    """Check ``function(X, y, W1, b1, W2, b2)`` returns ``(dW1, db1, dW2, db2)``.

    The network is ``o1 = X W1 + b1``, ``a1 = tanh(o1)``, ``o2 = a1 W2 + b2`` with the
    mean softmax cross-entropy of ``o2`` for labels ``y``; each gradient has the shape
    of its parameter.
    """
    exercise = _("gradients of a one-hidden-layer network")
    names = ("dW1", "db1", "dW2", "db2")
    cases = _hidden_cases()
    for number, case in enumerate(cases, start=1):
        expected = reference_hidden_layer_gradients(*case)
        answer, failure = call_student(function, case, exercise,
                                       names=("X", "y", "W1", "b1", "W2", "b2"))
        if failure is not None:
            return failure
        problem = check_tuple_answer(answer, 4, _("a tuple of four arrays (dW1, db1, dW2, db2)"))
        if problem is not None:
            return CheckResult(exercise, False, problem)
        X, y = case[:2]
        params = list(case[2:])
        no_derivative = reference_hidden_layer_gradients(*case, tanh_derivative=False)
        of_o1 = reference_hidden_layer_gradients(*case, derivative_of_o1=True)
        summed = reference_hidden_layer_gradients(*case, mean=False)
        for i, name in enumerate(names):
            problem = check_array_answer(answer[i], expected[i], what=name, factors=())
            if problem is None:
                continue
            if i < 2 and check_array_answer(answer[i], no_derivative[i], factors=()) is None:
                message = _("{name} misses the derivative of tanh: backpropagating through the "
                            "activation multiplies dL/da1 by tanh'(o1) = 1 - a1**2.").format(
                                name=name)
            elif i < 2 and check_array_answer(answer[i], of_o1[i], factors=()) is None:
                message = _("{name} uses 1 - o1**2: tanh'(o1) = 1 - tanh(o1)**2 = 1 - a1**2, "
                            "the square of the activation, not of the pre-activation.").format(
                                name=name)
            elif check_array_answer(answer[i], summed[i], factors=()) is None:
                message = _("{name} is the gradient of the summed loss: the loss is a mean over "
                            "the n examples, so divide by n.").format(name=name)
            else:
                numeric = _numeric(X, y, params, i)
                agree = check_array_answer(numeric, expected[i], rtol=1e-4, atol=1e-7) is None
                message = problem + (" " + _("Finite differences agree with the expected "
                                             "values.") if agree else "")
            return CheckResult(exercise, False,
                               _("{message} (test case {number} of {count})").format(
                                   message=message, number=number, count=len(cases)))
    return CheckResult(exercise, True, _("correct: all four gradients match backpropagation "
                                         "and finite differences."))


# ------------------------------------------------------------------ FGSM
def _fgsm_model():
    rng = np.random.default_rng(33)
    X = rng.uniform(0, 1, size=(60, 6))
    y = (X[:, :3].sum(axis=1) > X[:, 3:].sum(axis=1)).astype(int) + (X[:, 0] > 0.8)
    model = MLP(6, (8,), 3, activation="tanh", init="glorot", seed=3)
    model.fit(X, y, epochs=20, batch_size=16, optimizer="adam", learning_rate=0.01)
    return model, X[:10], y[:10]


def check_fgsm_step(function) -> CheckResult:
    """Check ``function(model, X, y, epsilon)`` returns the FGSM images, clipped to [0, 1]."""
    from ..analysis import fgsm, input_gradient

    exercise = _("one FGSM step")
    model, X, y = _fgsm_model()
    cases = [(model, X, y, eps) for eps in (0.05, 0.2, 0.5)]
    hints = [
        (lambda m, X, y, e: np.clip(X - e * np.sign(input_gradient(m, X, y)), 0, 1),
         _("your step goes *down* the loss (x - epsilon sign(gradient)): the attack moves the "
           "image so that the loss of the true class grows.")),
        (lambda m, X, y, e: X + e * np.sign(input_gradient(m, X, y)),
         _("the pixels leave [0, 1]: clip the result with np.clip(..., 0, 1).")),
        (lambda m, X, y, e: np.clip(X + e * input_gradient(m, X, y), 0, 1),
         _("you used the gradient itself: FGSM takes only its sign, so every pixel moves by "
           "exactly epsilon.")),
        (lambda m, X, y, e: e * np.sign(input_gradient(m, X, y)),
         _("you returned the perturbation epsilon sign(gradient) alone: add it to X (and clip "
           "to [0, 1]) to get the adversarial images.")),
    ]
    # protect=True: the model is copied too, so that a function that trains or changes it is
    # told so and cannot change the reference.
    result = check_function(function, lambda m, X, y, e: fgsm(m, X, y, e), cases,
                            exercise=exercise, what=_("the adversarial batch"), hints=hints,
                            factors=(), names=("model", "X", "y", "epsilon"), protect=True,
                            compare={0: lambda model: model.parameters()},
                            success=_("correct: every pixel moved by epsilon in the direction "
                                      "that increases the loss, and stays in [0, 1]."))
    return result


# ------------------------------------------------------------------ a new autodiff node
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _sigmoid_graphs():
    """(name, build, value, gradient, mistake) for four graphs; build(f) -> (output, leaf).

    Each graph separates one mistake, whose gradient is ``mistake``: the node alone (a wrong
    local derivative), the node scaled by 3 (a rule that forgets the factor out.grad), x used
    twice (a rule that assigns x.grad instead of adding to it) and x an intermediate node (a
    node that does not list x among its parents, so that the sweep may pass x on before the
    rule has added to x.grad). The expected numbers are closed forms.
    """
    def alone(f):
        x = Value(0.4, label="x")
        return f(x), x

    def scaled(f):
        x = Value(-1.3, label="x")
        return f(x) * 3.0 + 0.5, x

    def used_twice(f):
        x = Value(0.9, label="x")
        return f(x) * x, x

    def intermediate(f):
        a = Value(0.6, label="a")
        x = a * 2.0 - 0.7
        return (f(x) + x.tanh()) * a, a

    s = _sigmoid
    d = {v: s(v) * (1 - s(v)) for v in (0.4, -1.3, 0.9, 0.5)}
    inner = s(0.5) + math.tanh(0.5)            # x = 2a - 0.7 = 0.5 at a = 0.6
    through_tanh = inner + 0.6 * 2.0 * (1 - math.tanh(0.5) ** 2)
    return [(_("sigmoid(x) alone, x = 0.4"), alone, s(0.4), d[0.4], None),
            ("3 sigmoid(x) + 0.5, x = -1.3", scaled, 3 * s(-1.3) + 0.5, 3 * d[-1.3], d[-1.3]),
            (_("sigmoid(x) * x, x = 0.9: x used twice"), used_twice, s(0.9) * 0.9,
             d[0.9] * 0.9 + s(0.9), d[0.9] * 0.9),
            (_("(sigmoid(x) + tanh(x)) * a with x = 2a - 0.7, a = 0.6"), intermediate,
             inner * 0.6, through_tanh + 0.6 * 2.0 * d[0.5], through_tanh)]


# Marked with N_() and translated where they are shown (i18n._: the catalogue's extractor
# reads _() with a literal only).
_SIGMOID_MISTAKES = {
    2: N_("the chain factor is missing: the rule must multiply the local derivative by "
          "out.grad, the gradient that reached the node (3 here, from 3 sigmoid(x)): "
          "x.grad += s * (1 - s) * out.grad."),
    3: N_("x.grad is assigned instead of accumulated: x is used twice (by the sigmoid and by "
          "the product), and each use adds its share; write x.grad += ..., not x.grad = ...."),
    4: N_("x is missing from the node's parents: when x is itself computed (x = 2a - 0.7), the "
          "sweep passed x's gradient on to a before your rule added to it. Give parents=(x,)."),
}


def _close(a: float, b: float) -> bool:
    # 1e-6: a right rule computed in float32 passes, the mistakes are far outside.
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


class _Failure(Exception):
    """Carries a CheckResult out of a graph built with the student's node."""

    def __init__(self, result: CheckResult):
        super().__init__(result.message)
        self.result = result


def _student_node(function, exercise: str, made: list):
    """The node maker handed to a graph: the student's function, its failures as _Failure."""
    def node(x):
        before = x.data
        answer, failure = call_student(function, (x,), exercise, names=("x",))
        if failure is not None:
            raise _Failure(failure)
        if x.data != before:
            raise _Failure(CheckResult(exercise, False, _(
                "your function changed x.data in place ({before:g} -> {after:g}); a node reads "
                "its input and makes a new Value.").format(before=before, after=x.data),
                kind="in place"))
        if not isinstance(answer, Value):
            if answer is None:
                message = _("your function returned None; it must return the new node, a "
                            "Value: Value(s, parents=(x,), op='sigmoid', backward=backward).")
            else:
                message = _("your function returned a {kind}; it must return the new node, a "
                            "Value: Value(s, parents=(x,), op='sigmoid', "
                            "backward=backward).").format(kind=type(answer).__name__)
            raise _Failure(CheckResult(exercise, False, message))
        made.append(answer)
        return answer
    return node


def _wrong_local(got: float, x: float, s: float) -> str:
    if got == 0:
        return _("x.grad stayed 0: the gradient never reached x. Give the node its rule "
                 "(backward=...), which adds to x.grad, and list x among its parents.")
    usual = {"s": s, "1 - s": 1 - s, "s ** 2": s * s, "-s (1 - s)": -s * (1 - s),
             "exp(-x)": math.exp(-x), "s (1 - s) x": s * (1 - s) * x}
    for formula, value in usual.items():
        if _close(got, value):
            return _("wrong local derivative: your rule adds {formula} to x.grad; the derivative "
                     "of sigmoid is s (1 - s), with s = sigmoid(x).").format(formula=formula)
    return _("wrong local derivative: at x = {x:g}, x.grad = {got:.6g}, but d sigmoid/dx = "
             "s (1 - s) = {right:.6g}.").format(x=x, got=got, right=s * (1 - s))


def check_sigmoid_node(function) -> CheckResult:
    """Check ``function(x)``: a new autodiff node for sigmoid, with its local backward rule.

    ``x`` is an :class:`nbcode.autodiff.Value`; the answer is a Value whose data is
    sigmoid(x.data) and whose rule adds s (1 - s) out.grad to x.grad. It is judged by what it
    computes: the forward value and the gradient of four graphs after ``backward()``.
    """
    exercise = _("a sigmoid node for the autodiff")
    graphs = _sigmoid_graphs()
    single = False
    for number, (name, build, value, gradient, mistake) in enumerate(graphs, start=1):
        made = []
        try:
            output, leaf = build(_student_node(function, exercise, made))
            output.backward()
        except _Failure as failure:
            return failure.result
        except Exception as error:  # noqa: BLE001 - the student's rule raised in the sweep
            return CheckResult(exercise, False,
                               _("the backward sweep raised {error}: {text} (graph {name}). The "
                                 "rule is called as backward(out), out being the node "
                                 "itself.").format(error=type(error).__name__, text=error,
                                                   name=name), kind="raised")
        graph = dict(number=number, count=len(graphs), name=name)
        if number == 1:
            single = made[0].parents == (leaf,)
            if not _close(made[0].data, value):
                return CheckResult(exercise, False,
                                   _("the node's data is {data:.6g}; sigmoid(0.4) = "
                                     "1 / (1 + exp(-0.4)) = {value:.6g}.").format(
                                       data=made[0].data, value=value))
        if not _close(output.data, value):
            return CheckResult(exercise, False,
                               _("the forward value is wrong (graph {number} of {count}: "
                                 "{name}).").format(**graph))
        if _close(leaf.grad, gradient):
            continue
        if number == 1:
            message = _wrong_local(leaf.grad, leaf.data, made[0].data)
        elif _close(leaf.grad, mistake):
            message = i18n._(_SIGMOID_MISTAKES[number])
        else:
            message = _("the gradient is {got:.6g}, expected {expected:.6g}.").format(
                got=leaf.grad, expected=gradient)
        return CheckResult(exercise, False,
                           _("{message} (graph {number} of {count}: {name})").format(
                               message=message, **graph))
    count = len(graphs)
    if single:
        message = _("correct: the gradients agree with the closed forms in all {count} graphs, "
                    "x used twice included; your sigmoid is one node with its own local rule.")
    else:
        message = _("correct: the gradients agree with the closed forms in all {count} graphs, "
                    "x used twice included; your sigmoid is built from the autodiff's own "
                    "operations (right too; one node with the rule s (1 - s) out.grad is "
                    "shorter).")
    return CheckResult(exercise, True, message.format(count=count))
