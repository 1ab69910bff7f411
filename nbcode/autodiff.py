"""A scalar reverse-mode automatic differentiation: backpropagation on a computational graph.

Every :class:`Value` is one node of a graph: a number (``data``), the derivative of the final
output with respect to it (``grad``, filled by :meth:`Value.backward`), the nodes it was computed
from (``parents``) and its *local* backward rule, which applies the chain rule for that one
operation: it adds ``(d node / d parent) * node.grad`` to each parent's ``grad``. One sweep over
the nodes in reverse topological order then gives the derivative of the output with respect to
every node, for a cost of the same order as the forward computation.

The idea is reverse-mode automatic differentiation (Baydin et al., 2018; Griewank and Walther,
2008); the size and the spirit (a scalar engine that fits on a page) follow Karpathy's
micrograd. The code is written for the book: a numpy ``dtype=object`` array of Values goes
through ``@``, ``np.tanh``, ``np.exp`` and ``np.log``, so a network written with numpy is
differentiated node by node.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

import numpy as np

from ._validation import _received, check_callable
from .i18n import _

__all__ = ["Value", "as_values", "draw_graph", "gradients", "mean_cross_entropy",
           "topological_order"]


def _number(value, name: str) -> float:
    """``value`` as a finite float, or an error that says what was received."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        received = _received(value)
        raise TypeError(_("{name} must be a real number (int or float); received {received}. "
                          "A Value holds one number: build an array of Values with as_values.")
                        .format(name=name, received=received))
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(_("{name} must be a finite number; received {value!r}. A NaN or an inf "
                           "in the forward pass would make every gradient behind it NaN.")
                         .format(name=name, value=value))
    return value


class Value:
    """One node of a computational graph: a number, its gradient and how to pass it back.

    Parameters
    ----------
    data : real number
        The node's value in the forward pass (a finite float; bools and strings are refused).
    parents : iterable of Value
        The nodes this one was computed from (empty for an input or a parameter).
    op : str
        The operation that made it ("+", "*", "tanh", ...), or "" for a leaf.
    backward : callable ``backward(node)``, optional
        The local rule: adds ``(d node / d parent) * node.grad`` to each ``parent.grad``
        (``+=``: a parent used twice receives both contributions). None for a leaf.
    label : str
        A name for the figures (``"w"``, ``"W1[0, 2]"``).

    Attributes
    ----------
    grad : float
        d(output)/d(this node) after ``output.backward()``; 0 before.
    """

    __slots__ = ("data", "grad", "parents", "op", "label", "_backward")

    def __init__(self, data, parents: Iterable[Value] = (), op: str = "",
                 backward: Callable[[Value], None] | None = None, label: str = ""):
        self.data = _number(data, "data")
        self.parents = tuple(parents)
        for i, parent in enumerate(self.parents):
            if not isinstance(parent, Value):
                received = _received(parent)
                raise TypeError(_("parents must be Values; parents[{i}] is {received}. "
                                  "Wrap a number first: Value(number).").format(i=i, received=received))
        if backward is not None:
            check_callable(backward, "backward", _("the local rule backward(node)"))
        self.op, self.label, self.grad, self._backward = str(op), str(label), 0.0, backward

    def __repr__(self) -> str:
        name = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}, op={self.op!r}{name})"

    # ---------------------------------------------------------------- operations
    @staticmethod
    def _wrap(other) -> Value:
        # A constant joins the graph as a leaf: its gradient is computed, and not used.
        return other if isinstance(other, Value) else Value(_number(other, _("the other operand")),
                                                            label=f"{float(other):g}")

    def __add__(self, other) -> Value:
        other = self._wrap(other)

        def backward(out):
            self.grad += out.grad
            other.grad += out.grad
        return Value(self.data + other.data, (self, other), "+", backward)

    def __mul__(self, other) -> Value:
        other = self._wrap(other)

        def backward(out):
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        return Value(self.data * other.data, (self, other), "*", backward)

    def __pow__(self, exponent) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(_("the exponent of ** must be a constant number, not a Value; "
                              "for x ** y with y in the graph, write (y * x.log()).exp()."))
        k = _number(exponent, _("the exponent"))
        if self.data < 0 and not k.is_integer():
            raise ValueError(_("{base:g} ** {k:g} is not a real number (a negative base "
                               "needs an integer exponent).").format(base=self.data, k=k))
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(_("0 ** {k:g} divides by zero.").format(k=k))

        def backward(out):
            self.grad += k * self.data ** (k - 1) * out.grad
        return Value(self.data ** k, (self,), f"**{k:g}", backward)

    def __neg__(self) -> Value:
        def backward(out):
            self.grad -= out.grad
        return Value(-self.data, (self,), "neg", backward)

    def __sub__(self, other) -> Value:
        other = self._wrap(other)

        def backward(out):
            self.grad += out.grad
            other.grad -= out.grad
        return Value(self.data - other.data, (self, other), "−", backward)

    def __truediv__(self, other) -> Value:
        other = self._wrap(other)
        if other.data == 0:
            raise ZeroDivisionError(_("division of {value:g} by a node whose value is 0.")
                                    .format(value=self.data))

        def backward(out):
            self.grad += out.grad / other.data
            other.grad -= self.data / other.data ** 2 * out.grad
        return Value(self.data / other.data, (self, other), "/", backward)

    def __radd__(self, other) -> Value:
        return self + other

    def __rmul__(self, other) -> Value:
        return self * other

    def __rsub__(self, other) -> Value:
        return self._wrap(other) - self

    def __rtruediv__(self, other) -> Value:
        return self._wrap(other) / self

    def exp(self) -> Value:
        """e ** self; its local derivative is the output itself."""
        if self.data > 709.78:   # log of the largest float64
            raise ValueError(_("exp({value:g}) overflows float64; in a softmax, subtract the "
                               "largest logit first.").format(value=self.data))
        e = math.exp(self.data)

        def backward(out):
            self.grad += e * out.grad
        return Value(e, (self,), "exp", backward)

    def log(self) -> Value:
        """Natural logarithm (of a positive node); local derivative 1 / self."""
        if self.data <= 0:
            raise ValueError(_("log needs a positive number; this node holds {value:g}.")
                             .format(value=self.data))

        def backward(out):
            self.grad += out.grad / self.data
        return Value(math.log(self.data), (self,), "log", backward)

    def tanh(self) -> Value:
        """tanh(self); local derivative 1 - tanh**2."""
        t = math.tanh(self.data)

        def backward(out):
            self.grad += (1 - t * t) * out.grad
        return Value(t, (self,), "tanh", backward)

    def relu(self) -> Value:
        """max(0, self); local derivative 1 above 0 and, by the book's convention, 0 at 0."""
        def backward(out):
            self.grad += (self.data > 0) * out.grad
        return Value(max(self.data, 0.0), (self,), "relu", backward)

    # ---------------------------------------------------------------- the backward sweep
    def backward(self) -> None:
        """Fill ``grad`` of every node of the graph with d(self)/d(node).

        Every grad is first reset to 0 (so that two calls give the same result; PyTorch
        accumulates instead), this node's is set to 1, and each node's local rule runs in
        reverse topological order: a node passes its gradient back only once all the nodes
        that use it have added theirs.
        """
        order = topological_order(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            if node._backward is not None:
                node._backward(node)


def topological_order(output: Value) -> list[Value]:
    """Every node ``output`` depends on, each after all of its parents (``output`` last).

    Iterative depth-first search, so that a chain of thousands of nodes does not reach
    Python's recursion limit.
    """
    if not isinstance(output, Value):
        received = _received(output)
        raise TypeError(_("output must be a Value (the node to differentiate); received "
                          "{received}.").format(received=received))
    order, seen, stack = [], {id(output)}, [(output, iter(output.parents))]
    while stack:
        node, parents = stack[-1]
        parent = next(parents, None)
        if parent is None:
            stack.pop()
            order.append(node)
        elif id(parent) not in seen:
            seen.add(id(parent))
            stack.append((parent, iter(parent.parents)))
    return order


# -------------------------------------------------------------------- arrays of Values
def as_values(array, name: str = "x") -> np.ndarray:
    """Leaf Values, one per entry of ``array``, in an object array of the same shape.

    Each leaf is labelled ``name[i, j]``. numpy's ``@``, ``+``, ``np.tanh``, ``np.exp`` and
    ``np.log`` then work entry by entry on the result, building the graph.
    """
    array = np.asarray(array)
    if array.dtype.kind not in "iuf":
        raise TypeError(_("{name} must hold real numbers; received an array of dtype {dtype}.")
                        .format(name=name, dtype=array.dtype))
    out = np.empty(array.shape, dtype=object)
    for index in np.ndindex(array.shape):
        where = ", ".join(map(str, index))
        out[index] = Value(array[index], label=f"{name}[{where}]" if index else name)
    return out


def gradients(values) -> np.ndarray:
    """The ``grad`` of every Value of an object array, as a float array of the same shape."""
    values = np.asarray(values, dtype=object)
    grads = np.empty(values.shape)
    for index in np.ndindex(values.shape):
        if not isinstance(values[index], Value):
            received = _received(values[index])
            raise TypeError(_("values must hold Values; entry {index} is {received}.")
                            .format(index=index, received=received))
        grads[index] = values[index].grad
    return grads


def mean_cross_entropy(logits, y) -> Value:
    """The mean softmax cross-entropy of an object array of logits (n, k), labels y (n,).

    Per example, ``log sum_c exp(o_c - m) - (o_y - m)`` with ``m`` the largest logit's value,
    a constant (it cancels, and keeps ``exp`` from overflowing).
    """
    logits = np.asarray(logits, dtype=object)
    y = np.asarray(y)
    if logits.ndim != 2 or y.shape != (len(logits),):
        raise ValueError(_("logits must have shape (n, k) and y shape (n,); received logits "
                           "{logits} and y {y}.").format(logits=logits.shape, y=y.shape))
    losses = []
    for row, label in zip(logits, y, strict=True):
        m = max(o.data for o in row)
        shifted = [o - m for o in row]
        losses.append(sum(s.exp() for s in shifted).log() - shifted[int(label)])
    return sum(losses) / len(losses)


# -------------------------------------------------------------------- the figure
def _depths(order: list[Value]) -> dict[int, int]:
    """Column of each node: one right of its deepest parent; a leaf just left of its first user."""
    depth = {}
    for node in order:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    first_use: dict[int, int] = {}
    for node in order:
        for parent in node.parents:
            if not parent.parents:
                first_use[id(parent)] = min(first_use.get(id(parent), depth[id(node)]),
                                            depth[id(node)])
    depth.update({key: column - 1 for key, column in first_use.items()})
    return depth


def draw_graph(output: Value, ax=None, max_nodes: int = 40):
    """Draw the graph of ``output``: one box per node with its operation, value and gradient.

    A layered layout: leaves in the left column, each node one column to the right of its
    deepest parent; an arrow from each parent to the node it feeds. Call
    ``output.backward()`` first for the gradients to be shown. matplotlib only.

    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    order = topological_order(output)
    if len(order) > max_nodes:
        raise ValueError(_("the graph has {n} nodes, more than max_nodes={max_nodes}: "
                           "a figure of it would be unreadable; draw a smaller expression.")
                         .format(n=len(order), max_nodes=max_nodes))
    depth = _depths(order)
    columns: dict[int, list[Value]] = {}
    for node in order:
        columns.setdefault(depth[id(node)], []).append(node)
    height = max(len(c) for c in columns.values())
    position = {}
    for d, nodes in columns.items():
        for i, node in enumerate(nodes):
            position[id(node)] = (d, (len(nodes) - 1) / 2 - i)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(1.6 * len(columns), 0.9 * height + 0.6))
    for node in order:
        x, y = position[id(node)]
        for parent in node.parents:
            ax.annotate("", xy=(x - 0.33, y), xytext=(position[id(parent)][0] + 0.33,
                                                      position[id(parent)][1]),
                        arrowprops=dict(arrowstyle="->", color="0.45", lw=0.9))
        name = node.label if not node.op else node.op
        leaf = not node.op
        box = _("{name}\n{value:.3g}\ngrad {grad:.3g}").format(name=name, value=node.data,
                                                                grad=node.grad)
        ax.text(x, y, box, ha="center", va="center",
                fontsize=8, bbox=dict(boxstyle="round,pad=0.3", lw=0.8,
                                      fc="#deebf7" if leaf else "#fee6ce", ec="0.3"))
    ax.set_xlim(-0.5, len(columns) - 0.5)
    ax.set_ylim(-(height - 1) / 2 - 0.6, (height - 1) / 2 + 0.6)
    ax.axis("off")
    return ax
