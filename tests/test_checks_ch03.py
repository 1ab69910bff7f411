"""The chapter 3 checkers: right answers pass, stubs are "not done yet", mistakes are named."""

import math
import sys

import numpy as np
import pytest
from battery import Answer, assert_answer, params, right, wrong

from nbcode.analysis import input_gradient
from nbcode.autodiff import Value
from nbcode.checks import ch03
from nbcode.nn import softmax
from nbcode.nn.losses import one_hot


def _stub(*args):
    raise NotImplementedError


def test_softmax_gradient_right_stub_and_mistakes():
    right = ch03.check_softmax_ce_gradient(
        lambda o, y: (softmax(o) - one_hot(y, o.shape[1])) / len(o))
    assert right.passed
    stub = ch03.check_softmax_ce_gradient(_stub)
    assert not stub.passed and stub.not_done and "not done yet" in stub.message
    summed = ch03.check_softmax_ce_gradient(lambda o, y: softmax(o) - one_hot(y, o.shape[1]))
    assert not summed.passed and "divide by n" in summed.message
    no_onehot = ch03.check_softmax_ce_gradient(lambda o, y: softmax(o) / len(o))
    assert not no_onehot.passed and "one-hot" in no_onehot.message


def test_hidden_layer_gradients():
    assert ch03.check_hidden_layer_gradients(ch03.reference_hidden_layer_gradients).passed
    stub = ch03.check_hidden_layer_gradients(_stub)
    assert stub.not_done

    def no_tanh(*args):
        return ch03.reference_hidden_layer_gradients(*args, tanh_derivative=False)

    result = ch03.check_hidden_layer_gradients(no_tanh)
    assert not result.passed and "tanh" in result.message

    def summed(*args):
        return ch03.reference_hidden_layer_gradients(*args, mean=False)

    result = ch03.check_hidden_layer_gradients(summed)
    assert not result.passed and "divide by n" in result.message
    result = ch03.check_hidden_layer_gradients(lambda *args: np.zeros(3))
    assert not result.passed and "four arrays" in result.message

    def transposed(*args):
        dW1, db1, dW2, db2 = ch03.reference_hidden_layer_gradients(*args)
        return dW1.T, db1, dW2, db2

    result = ch03.check_hidden_layer_gradients(transposed)
    assert not result.passed and "shape" in result.message


def test_fgsm_step():
    def right(model, X, y, epsilon):
        return np.clip(X + epsilon * np.sign(input_gradient(model, X, y)), 0, 1)

    assert ch03.check_fgsm_step(right).passed
    assert ch03.check_fgsm_step(_stub).not_done

    def downhill(model, X, y, epsilon):
        return np.clip(X - epsilon * np.sign(input_gradient(model, X, y)), 0, 1)

    result = ch03.check_fgsm_step(downhill)
    assert not result.passed and "down" in result.message

    def unclipped(model, X, y, epsilon):
        return X + epsilon * np.sign(input_gradient(model, X, y))

    result = ch03.check_fgsm_step(unclipped)
    assert not result.passed and "clip" in result.message


# -- the sigmoid node for the autodiff: a generic battery for node makers, and named mistakes --
def _node(rule, data=lambda s: s, parents=lambda x: (x,)):
    """A node maker whose rule is ``rule(x, s, out)``: the ways a student writes the node."""
    def make(x):
        s = 1 / (1 + math.exp(-x.data))

        def backward(out):
            rule(x, s, out)
        return Value(data(s), parents(x), "sigmoid", backward)
    return make


def _accumulate(x, s, out):
    x.grad += s * (1 - s) * out.grad


RIGHT_NODE = _node(_accumulate)


def node_answers(right_function):
    """The generic battery for a checker of autodiff node makers (functions of one Value)."""
    f = right_function

    def float32(x):
        s = float(np.float32(1) / (1 + np.exp(-np.float32(x.data))))

        def backward(out):
            x.grad += float(np.float32(s * (1 - s))) * out.grad
        return Value(s, (x,), "sigmoid", backward)

    def debug_print(x):
        node = f(x)
        print("debug:", node)
        return node

    def prints(x):
        print(f(x))

    def mutates(x):
        x.data += 1
        return f(x)

    def raises(error):
        def raising(x):
            raise error
        return raising

    return [
        right("one node with its rule", f),
        right("computed in float32", float32),
        right("composed of the autodiff's operations", lambda x: 1 / (1 + (-x).exp())),
        right("a debugging print", debug_print),
        wrong("returns None", lambda x: None, "None"),
        wrong("returns the float s", lambda x: 1 / (1 + math.exp(-x.data)), "float", "Value"),
        wrong("returns a string", lambda x: "sigmoid", "str"),
        wrong("returns x itself", lambda x: x, "node's data"),
        wrong("returns tanh", lambda x: x.tanh(), "sigmoid(0.4)"),
        wrong("data NaN", lambda x: Value(float("nan")), "finite"),
        wrong("raises ValueError", raises(ValueError("bad")), "raised ValueError"),
        wrong("a stub", raises(NotImplementedError()), "not done yet", not_done=True),
        wrong("calls exit()", lambda x: sys.exit(1), "SystemExit"),
        Answer("KeyboardInterrupt", raises(KeyboardInterrupt()), propagates=KeyboardInterrupt),
        wrong("changes x.data in place", mutates, "in place"),
        wrong("prints instead of returning", prints, "print"),
        wrong("not a function", 0.5, "expected a function"),
        wrong("0.1 % off", _node(lambda x, s, out: setattr(x, "grad", x.grad + 1.001 * s * (1 - s)
                                                           * out.grad))),
    ]


NODE_MISTAKES = [
    wrong("assigned instead of accumulated",
          _node(lambda x, s, out: setattr(x, "grad", s * (1 - s) * out.grad)),
          "assigned instead of accumulated", "+="),
    wrong("missing chain factor out.grad",
          _node(lambda x, s, out: setattr(x, "grad", x.grad + s * (1 - s))),
          "chain factor", "out.grad"),
    wrong("local derivative s", _node(lambda x, s, out: setattr(x, "grad", x.grad + s * out.grad)),
          "wrong local derivative", "s (1 - s)"),
    wrong("local derivative 1 - s",
          _node(lambda x, s, out: setattr(x, "grad", x.grad + (1 - s) * out.grad)),
          "wrong local derivative", "1 - s"),
    wrong("local derivative with the wrong sign",
          _node(lambda x, s, out: setattr(x, "grad", x.grad - s * (1 - s) * out.grad)),
          "wrong local derivative"),
    wrong("no rule at all", lambda x: Value(1 / (1 + math.exp(-x.data)), (x,), "sigmoid"),
          "stayed 0"),
    wrong("x not among the parents", _node(_accumulate, parents=lambda x: ()), "parents"),
    wrong("rule without the out argument",
          lambda x: Value(0.5, (x,), "sigmoid", lambda: None), "backward(out)"),
    wrong("data 1 - s", _node(_accumulate, data=lambda s: 1 - s), "node's data"),
]


@pytest.mark.parametrize("answer", params(RIGHT_NODE, NODE_MISTAKES, generic=node_answers))
def test_sigmoid_node_battery(answer):
    assert_answer(ch03.check_sigmoid_node, answer)


def test_sigmoid_node_leaves_no_trace():
    # The checker's closed forms do not depend on the student: a wrong answer first, then the
    # right one, still passes.
    ch03.check_sigmoid_node(NODE_MISTAKES[0].answer)
    assert ch03.check_sigmoid_node(RIGHT_NODE).passed
