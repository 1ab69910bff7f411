"""Layers with an explicit forward and backward pass.

Two forms of the same computations:

* **functions** in the style of Stanford's cs231n, ``*_forward(...) -> (out, cache)``
  and ``*_backward(dout, cache) -> gradients``, for the chapters to show and derive;
* **classes** (:class:`Dense`, :class:`Activation`, :class:`Dropout`,
  :class:`Conv2D`, :class:`MaxPool2D`, :class:`Flatten`) that keep their
  parameters and cache, for :class:`nbcode.nn.Sequential` to stack.

Every layer maps a batch ``x`` to a batch ``out``; its ``backward(dout)`` receives
``dL/dout`` (same shape as ``out``), stores ``dL/dparam`` in ``self.grads`` and
returns ``dL/dx`` (same shape as ``x``). Images use the layout
``(n, channels, height, width)``.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .._validation import (
    as_array,
    check_cache,
    check_choice,
    check_positive,
    check_rate,
    check_seed,
    check_shape,
)
from ..i18n import N_, _
from .activations import get_activation

__all__ = [
    "Layer",
    "Dense",
    "Activation",
    "Dropout",
    "Conv2D",
    "MaxPool2D",
    "Flatten",
    "dense_forward",
    "dense_backward",
    "conv_output_size",
    "im2col",
    "col2im",
    "conv2d_forward",
    "conv2d_backward",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "init_weights",
]


def _rng(seed) -> np.random.Generator:
    # Accept a seed, a Generator, or None, like scikit-learn's random_state.
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(
        check_seed(seed))


# --------------------------------------------------------------------------- functions


def dense_forward(x, W, b):
    """Forward pass of a fully connected layer: ``o = x W + b``.

    Parameters
    ----------
    x : array, shape (n, n_in)
        A batch of ``n`` inputs.
    W : array, shape (n_in, n_out)
        Weights ``beta_j`` (one column per unit).
    b : array, shape (n_out,)
        Biases ``beta_0`` (one per unit).

    Returns
    -------
    out : array, shape (n, n_out)
        Pre-activations ``o``.
    cache : tuple
        ``(x, W)``, what :func:`dense_backward` needs.
    """
    x = as_array(x, "x", ndim=2)
    W = as_array(W, "W", ndim=2)
    b = as_array(b, "b", ndim=1)
    if W.shape[0] != x.shape[1]:
        raise ValueError(
            _("W must have shape (n_in, n_out) = ({n_in}, n_out) to match x of shape "
              "{x_shape} (one row per input feature); received shape {shape}.").format(
                n_in=x.shape[1], x_shape=x.shape, shape=W.shape)
        )
    check_shape(b, (W.shape[1],), "b", N_(" (one bias per unit, i.e. per column of W)"))
    return x @ W + b, (x, W)


def dense_backward(dout, cache):
    """Backward pass of :func:`dense_forward`.

    Parameters
    ----------
    dout : array, shape (n, n_out)
        ``dL/do``.
    cache : tuple
        From :func:`dense_forward`.

    Returns
    -------
    dx : array, shape (n, n_in)
        ``dL/dx = dout W^T``.
    dW : array, shape (n_in, n_out)
        ``dL/dW = x^T dout`` (sums over the batch).
    db : array, shape (n_out,)
        ``dL/db = sum of dout over the batch``.
    """
    x, W = check_cache(cache, 2, "cache", "dense_forward (x, W)")
    dout = as_array(dout, "dout", ndim=2)
    check_shape(dout, (x.shape[0], W.shape[1]), "dout",
                N_(" (the shape of dense_forward's output)"))
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def conv_output_size(n: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """Length of a convolution's output along one axis: ``(n + 2 padding - kernel) // stride + 1``.

    Raises a ValueError naming the sizes if the kernel does not fit, and if the
    stride does not tile the padded input exactly (so no input column is silently
    dropped).
    """
    check_positive(n, "n", integer=True)
    check_positive(kernel, "kernel", integer=True)
    check_positive(padding, "padding", integer=True, allow_zero=True)
    check_positive(stride, "stride", integer=True)
    padded = n + 2 * padding
    if kernel > padded:
        raise ValueError(
            _("kernel ({kernel}) is larger than the padded input (n + 2 * padding = "
              "{n} + 2 * {padding} = {padded}); received kernel = {kernel}.").format(
                kernel=kernel, n=n, padding=padding, padded=padded)
        )
    if (padded - kernel) % stride:
        span = padded - kernel
        raise ValueError(
            _("stride {stride} does not tile the input: (n + 2 * padding - kernel) = "
              "({n} + 2 * {padding} - {kernel}) = {span} is not a multiple of "
              "stride (received stride = {stride}). Change padding or stride.").format(
                stride=stride, n=n, padding=padding, kernel=kernel, span=span)
        )
    return (padded - kernel) // stride + 1


def _windows(x: np.ndarray, kernel_h: int, kernel_w: int, stride: int) -> np.ndarray:
    """View of all kernel-sized windows of ``x`` (no copy).

    ``x`` has shape (n, c, h, w); the view has shape
    (n, c, out_h, out_w, kernel_h, kernel_w).
    """
    n, c, h, w = x.shape
    out_h = (h - kernel_h) // stride + 1
    out_w = (w - kernel_w) // stride + 1
    sn, sc, sh, sw = x.strides
    return as_strided(
        x,
        shape=(n, c, out_h, out_w, kernel_h, kernel_w),
        strides=(sn, sc, sh * stride, sw * stride, sh, sw),
        writeable=False,
    )


def _check_images(x, name: str = "x") -> np.ndarray:
    return as_array(x, name, ndim=4)


def im2col(x, kernel_h: int, kernel_w: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Unfold image patches into rows, so that a convolution becomes one matrix product.

    Parameters
    ----------
    x : array, shape (n, c, h, w)
    kernel_h, kernel_w, stride, padding : int

    Returns
    -------
    cols : array, shape (n * out_h * out_w, c * kernel_h * kernel_w)
        Row ``(i, p, q)`` holds the patch of example ``i`` under output pixel
        ``(p, q)``, flattened in the order (channel, row, column), the same order
        as a weight tensor ``W[f]`` of shape (c, kernel_h, kernel_w) flattened.
    """
    x = _check_images(x)
    check_positive(kernel_h, "kernel_h", integer=True)
    check_positive(kernel_w, "kernel_w", integer=True)
    conv_output_size(x.shape[2], kernel_h, padding, stride)
    conv_output_size(x.shape[3], kernel_w, padding, stride)
    return _im2col(x, kernel_h, kernel_w, stride, padding)


def _pad(x, padding):
    # Zero padding of the two image axes: np.pad's result, at a tenth of its cost for the
    # small batches of the training loop (np.pad's generality costs ~50 µs a call).
    n, c, h, w = x.shape
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=x.dtype)
    padded[:, :, padding:padding + h, padding:padding + w] = x
    return padded


def _im2col(x, kernel_h, kernel_w, stride, padding):
    # Unvalidated version for Conv2D's per-batch path.
    if padding:
        x = _pad(x, padding)
    win = _windows(x, kernel_h, kernel_w, stride)
    n, c, out_h, out_w = win.shape[:4]
    # The transpose + reshape is where the copy happens: each input pixel appears
    # in up to kernel_h * kernel_w rows.
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * out_h * out_w, c * kernel_h * kernel_w)


def col2im(cols, x_shape, kernel_h: int, kernel_w: int, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each row's patch back where it came from.

    Parameters
    ----------
    cols : array, shape (n * out_h * out_w, c * kernel_h * kernel_w)
    x_shape : tuple (n, c, h, w)
        Shape of the (unpadded) input.

    Returns
    -------
    dx : array, shape (n, c, h, w)
        Pixels covered by several patches receive the sum of their gradients.
    """
    if (not isinstance(x_shape, tuple | list) or len(x_shape) != 4
            or not all(isinstance(s, numbers.Integral) and s > 0 for s in x_shape)):
        raise ValueError(_("x_shape must be the input's shape (n, c, h, w), four integers > 0; "
                           "received {x_shape!r}.").format(x_shape=x_shape))
    n, c, h, w = (int(s) for s in x_shape)
    check_positive(kernel_h, "kernel_h", integer=True)
    check_positive(kernel_w, "kernel_w", integer=True)
    out_h = conv_output_size(h, kernel_h, padding, stride)
    out_w = conv_output_size(w, kernel_w, padding, stride)
    cols = as_array(cols, "cols", ndim=2)
    check_shape(cols, (n * out_h * out_w, c * kernel_h * kernel_w), "cols",
                N_(" = (n * out_h * out_w, c * kernel_h * kernel_w), what im2col returns"))
    return _col2im(cols, (n, c, h, w), kernel_h, kernel_w, stride, padding)


def _col2im(cols, x_shape, kernel_h, kernel_w, stride, padding):
    # Unvalidated version for Conv2D's per-batch path.
    n, c, h, w = x_shape
    hp, wp = h + 2 * padding, w + 2 * padding
    out_h = (hp - kernel_h) // stride + 1
    out_w = (wp - kernel_w) // stride + 1
    # (kernel_h, kernel_w, n, c, out_h, out_w), copied so that each patches[i, j]
    # below is a contiguous block (strided reads made this 10x slower).
    patches = np.ascontiguousarray(
        cols.reshape(n, out_h, out_w, c, kernel_h, kernel_w).transpose(4, 5, 0, 3, 1, 2))
    dxp = np.zeros((n, c, hp, wp))
    # Loop over the kernel_h * kernel_w positions inside the kernel (9 for 3x3),
    # not over examples or pixels: each iteration is one vectorised strided add.
    for i in range(kernel_h):
        for j in range(kernel_w):
            rows = slice(i, i + stride * out_h, stride)
            columns = slice(j, j + stride * out_w, stride)
            dxp[:, :, rows, columns] += patches[i, j]
    if padding:
        return dxp[:, :, padding:-padding, padding:-padding]
    return dxp


def conv2d_forward(x, W, b, stride: int = 1, padding: int = 0):
    """Forward pass of a 2-D convolution layer (cross-correlation, as in every library).

    Parameters
    ----------
    x : array, shape (n, c, h, w)
        Batch of ``n`` images with ``c`` channels.
    W : array, shape (f, c, kernel_h, kernel_w)
        ``f`` filters.
    b : array, shape (f,)
        One bias per filter.
    stride, padding : int
        Zero padding is added on all four sides.

    Returns
    -------
    out : array, shape (n, f, out_h, out_w)
        ``out[i, k, p, q] = b[k] + sum_{c, u, v} W[k, c, u, v] x_pad[i, c, p s + u, q s + v]``
        with ``out_h = conv_output_size(h, kernel_h, padding, stride)``.
    cache : tuple
        What :func:`conv2d_backward` needs (including the im2col matrix).
    """
    x = _check_images(x)
    W = as_array(W, "W", ndim=4)
    b = as_array(b, "b", ndim=1)
    if x.shape[1] != W.shape[1]:
        raise ValueError(
            _("x must have {channels} channels, as W of shape {W_shape} (f, c, kernel_h, "
              "kernel_w) expects; received x of shape {x_shape} ({received} channels).").format(
                channels=W.shape[1], W_shape=W.shape, x_shape=x.shape, received=x.shape[1])
        )
    check_shape(b, (W.shape[0],), "b", N_(" (one bias per filter, W.shape[0])"))
    return _conv2d_forward(x, W, b, stride, padding)


def _conv2d_forward(x, W, b, stride, padding):
    # Checks only what a layer object cannot guarantee: the kernel fits the images.
    n, c, h, w = x.shape
    f, c_w, kernel_h, kernel_w = W.shape
    valid = type(stride) is int and stride > 0 and type(padding) is int and padding >= 0
    out_h, rest_h = divmod(h + 2 * padding - kernel_h, stride) if valid else (-1, 0)
    out_w, rest_w = divmod(w + 2 * padding - kernel_w, stride) if valid else (-1, 0)
    if out_h < 0 or out_w < 0 or rest_h or rest_w:   # the checks, with their messages
        out_h = conv_output_size(h, kernel_h, padding, stride) - 1
        out_w = conv_output_size(w, kernel_w, padding, stride) - 1
    out_h, out_w = out_h + 1, out_w + 1
    cols = _im2col(x, kernel_h, kernel_w, stride, padding)       # (n*out_h*out_w, c*kh*kw)
    out = cols @ W.reshape(f, -1).T + b                            # (n*out_h*out_w, f)
    out = out.reshape(n, out_h, out_w, f).transpose(0, 3, 1, 2)  # (n, f, out_h, out_w)
    return out, (x.shape, cols, W, stride, padding)


def conv2d_backward(dout, cache):
    """Backward pass of :func:`conv2d_forward`.

    Parameters
    ----------
    dout : array, shape (n, f, out_h, out_w)
    cache : tuple from :func:`conv2d_forward`

    Returns
    -------
    dx : array, shape (n, c, h, w)
    dW : array, shape (f, c, kernel_h, kernel_w)
    db : array, shape (f,)
    """
    x_shape, cols, W, stride, padding = check_cache(
        cache, 5, "cache", "conv2d_forward (x.shape, cols, W, stride, padding)")
    n, _channels, h, w = x_shape
    expected = (n, W.shape[0], (h + 2 * padding - W.shape[2]) // stride + 1,
                (w + 2 * padding - W.shape[3]) // stride + 1)
    dout = as_array(dout, "dout")
    check_shape(dout, expected, "dout", N_(" (the shape of conv2d_forward's output)"))
    return _conv2d_backward(dout, cache)


def _conv2d_param_grads(dout, cache):
    x_shape, cols, W, stride, padding = cache
    f = W.shape[0]
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, f)        # (n*out_h*out_w, f)
    dW = (dout_rows.T @ cols).reshape(W.shape)
    db = dout_rows.sum(axis=0)
    return dout_rows, dW, db


def _conv2d_backward(dout, cache):
    x_shape, cols, W, stride, padding = cache
    f = W.shape[0]
    dout_rows, dW, db = _conv2d_param_grads(dout, cache)
    dcols = dout_rows @ W.reshape(f, -1)                           # (n*out_h*out_w, c*kh*kw)
    dx = _col2im(dcols, x_shape, W.shape[2], W.shape[3], stride, padding)
    return dx, dW, db


def maxpool2d_forward(x, size: int = 2, stride: int | None = None):
    """Forward pass of max pooling over ``size x size`` windows.

    Parameters
    ----------
    x : array, shape (n, c, h, w)
    size : int
        Window height and width.
    stride : int, optional
        Step between windows (default: ``size``, non-overlapping windows).

    Returns
    -------
    out : array, shape (n, c, out_h, out_w)
        ``out_h = (h - size) // stride + 1``; leftover rows/columns are ignored.
    cache : tuple
        ``(x.shape, argmax, size, stride)``; ``argmax`` (n, c, out_h, out_w)
        is the position of the maximum inside each window (row-major).
    """
    x = _check_images(x)
    check_positive(size, "size", integer=True)
    stride = size if stride is None else check_positive(stride, "stride", integer=True)
    if size > min(x.shape[2:]):
        raise ValueError(_("size (the pooling window, {size}) must be at most the images' "
                           "height and width; received size = {size} for x of shape "
                           "{shape}.").format(size=size, shape=x.shape))
    return _maxpool2d_forward(x, size, stride)


def _maxpool2d_forward(x, size, stride):
    n, c, h, w = x.shape
    out_h, out_w = (h - size) // stride + 1, (w - size) // stride + 1
    # One strided view per position (i, j) inside the window, in row-major order:
    # view k holds every window's k-th pixel, shape (n, c, out_h, out_w).
    views = [x[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
             for i in range(size) for j in range(size)]
    out = views[0].copy()
    argmax = np.zeros(out.shape, dtype=np.intp)
    for k, view in enumerate(views[1:], start=1):
        larger = view > out          # strictly: the first maximum of a window wins a tie
        np.copyto(out, view, where=larger)
        np.copyto(argmax, k, where=larger)
    return out, (x.shape, argmax, size, stride)


def maxpool2d_backward(dout, cache):
    """Backward pass of :func:`maxpool2d_forward`: route each gradient to its window's max.

    ``dout`` has shape (n, c, out_h, out_w); returns ``dx`` of shape (n, c, h, w).
    Where windows overlap (stride < size) a pixel that is the maximum of several
    windows receives the sum of their gradients.
    """
    argmax = check_cache(cache, 4, "cache", "maxpool2d_forward (x.shape, argmax, size, stride)")[1]
    dout = as_array(dout, "dout")
    check_shape(dout, argmax.shape, "dout", N_(" (the shape of maxpool2d_forward's output)"))
    return _maxpool2d_backward(dout, cache)


def _maxpool2d_backward(dout, cache):
    x_shape, argmax, size, stride = cache
    out_h, out_w = argmax.shape[2:]
    dx = np.zeros(x_shape)
    for i in range(size):
        for j in range(size):
            # dout where this kernel position held the window's maximum, else 0.
            routed = np.where(argmax == i * size + j, dout, 0.0)
            dx[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride] += routed
    return dx


def init_weights(shape, fan_in: int, fan_out: int, init: str = "he", scale: float | None = None,
                 rng=None) -> np.ndarray:
    """Random initial weights of a given shape.

    ``init``: ``"he"`` (normal, std ``sqrt(2 / fan_in)``, for ReLU), ``"glorot"``
    (uniform on ``±sqrt(6 / (fan_in + fan_out))``, for tanh/sigmoid and Keras'
    default), ``"normal"`` (std ``scale``, default 0.01) or ``"zeros"`` (every unit
    identical: shows why symmetry must be broken). ``scale``, if given, replaces
    the standard deviation (normal laws) or the bound (uniform law).
    """
    check_choice(init, "init", {"he", "glorot", "normal", "zeros"})
    check_positive(fan_in, "fan_in", integer=True)
    check_positive(fan_out, "fan_out", integer=True)
    if scale is not None:
        check_positive(scale, "scale", allow_zero=True)
    rng = _rng(rng)
    if init == "zeros":
        return np.zeros(shape)
    if init == "glorot":
        limit = np.sqrt(6.0 / (fan_in + fan_out)) if scale is None else scale
        return rng.uniform(-limit, limit, size=shape)
    if init == "he":
        std = np.sqrt(2.0 / fan_in) if scale is None else scale
    else:
        std = 0.01 if scale is None else scale
    return rng.normal(0.0, std, size=shape)


# --------------------------------------------------------------------------- classes


def _dout_shape_error(expected: tuple, shape: tuple) -> ValueError:
    """The error of a layer's backward given a ``dout`` of the wrong shape."""
    return ValueError(_("dout must have shape {expected} (that of the last forward's output); "
                        "received shape {shape}.").format(expected=expected, shape=shape))


class Layer:
    """Base class of every layer.

    Attributes
    ----------
    params : dict of str -> array
        Trainable arrays (``{"W": ..., "b": ...}``; empty for layers without any).
    grads : dict of str -> array
        ``dL/dparam`` from the last :meth:`backward`, same keys and shapes.
    trainable : bool
        If False the optimiser leaves ``params`` alone (a "frozen" layer), but
        :meth:`backward` still returns ``dL/dx`` so earlier layers keep learning.
    """

    #: Names of the params that L1/L2 penalties apply to (weights, never biases).
    penalized: tuple[str, ...] = ()
    #: Attributes holding the last forward pass's cache: not worth copying.
    _transient: tuple[str, ...] = ()

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.trainable = True

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Return the layer's output for a batch ``x`` and cache what backward needs."""
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given ``dL/dout``, store ``dL/dparams`` in ``self.grads`` and return ``dL/dx``."""
        raise NotImplementedError

    def param_backward(self, dout: np.ndarray) -> None:
        """Store ``dL/dparams`` in ``self.grads`` only: what the first layer of a network
        needs, whose ``dL/dx`` (the gradient with respect to the data) nobody uses.
        A layer whose ``dL/dx`` costs much overrides this to skip it."""
        self.backward(dout)

    def output_shape(self, input_shape: tuple) -> tuple:
        """Shape of one example's output given one example's input shape (no batch axis)."""
        return tuple(input_shape)

    def __call__(self, x, training: bool = False):
        return self.forward(x, training)

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays, in a fixed order (the keys' order of ``params``)."""
        return list(self.params.values())

    @property
    def n_params(self) -> int:
        """Number of scalar parameters (as Keras counts them)."""
        return int(sum(p.size for p in self.params.values()))

    def _describe(self) -> str:
        return ""

    def __getstate__(self):
        # Snapshots (copy.deepcopy, pickle) keep parameters, not the cache of the
        # last batch, which for a convolution can be much larger than the weights.
        state = self.__dict__.copy()
        for name in self._transient:
            state[name] = None
        return state

    def __repr__(self) -> str:
        frozen = "" if self.trainable or not self.params else ", trainable=False"
        return f"{type(self).__name__}({self._describe()}{frozen})"


class Dense(Layer):
    """Fully connected layer: ``o = x W + b``, i.e. ``n_out`` neurons without activation.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs and of units.
    init : {"he", "glorot", "normal", "zeros"}
        Weight initialisation (see :func:`init_weights`); biases start at 0.
    scale : float, optional
        Standard deviation (or uniform bound) overriding the rule's default.
    seed : int or numpy Generator, optional
        Randomness of the initial weights.

    Shapes: ``x`` (n, n_in) -> ``o`` (n, n_out); ``W`` (n_in, n_out); ``b`` (n_out,).
    """

    penalized = ("W",)

    _transient = ("_x",)

    def __init__(self, n_in: int, n_out: int, init: str = "he", scale: float | None = None,
                 seed=None):
        super().__init__()
        self.n_in = check_positive(n_in, "n_in", integer=True)
        self.n_out = check_positive(n_out, "n_out", integer=True)
        self.init = init
        self.params["W"] = init_weights((n_in, n_out), n_in, n_out, init, scale, seed)
        self.params["b"] = np.zeros(n_out)
        self._x = None

    def forward(self, x, training=False):
        # Two integer comparisons per batch: cheap next to the product, and they turn
        # numpy's "matmul: mismatch in core dimension" into a message that teaches.
        if x.ndim != 2 or x.shape[1] != self.n_in:
            raise ValueError(_("x must have shape (n, {n_in}) for Dense(n_in={n_in}); "
                               "received shape {shape}.").format(n_in=self.n_in, shape=x.shape))
        self._x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, dout):
        x = self._x
        if x is None:
            raise RuntimeError(_("Dense.backward called before forward."))
        if dout.shape != (x.shape[0], self.n_out):
            raise _dout_shape_error((x.shape[0], self.n_out), dout.shape)
        self.grads["W"] = x.T @ dout
        self.grads["b"] = np.add.reduce(dout, axis=0)  # = dout.sum(axis=0), minus overhead
        return dout @ self.params["W"].T

    def output_shape(self, input_shape):
        if tuple(input_shape) != (self.n_in,):
            raise ValueError(
                _("Dense(n_in={n_in}) expects inputs of shape (n, {n_in}); "
                  "received examples of shape {shape}.").format(n_in=self.n_in,
                                                                shape=tuple(input_shape))
            )
        return (self.n_out,)

    def _describe(self):
        return f"n_in={self.n_in}, n_out={self.n_out}, init={self.init!r}"


class Activation(Layer):
    """Applies an activation ``a = f(o)`` elementwise; backward multiplies by ``f'(o)``.

    Parameters
    ----------
    activation : str or activation object
        Anything :func:`nbcode.nn.get_activation` accepts (``"relu"``, ``"tanh"``...).

    Shapes: ``o`` (any) -> ``a`` (same).
    """

    _transient = ("_o", "_a")

    def __init__(self, activation="relu"):
        super().__init__()
        self.activation = get_activation(activation)
        self._o = self._a = None

    @property
    def name(self) -> str:
        return self.activation.name

    def forward(self, x, training=False):
        self._o = x
        a = self.activation.value(x)
        # Kept when the derivative is cheaper from the output (tanh, sigmoid: no second
        # pass of the function in backward); None otherwise, to hold no extra memory.
        self._a = a if hasattr(self.activation, "backward_from_value") else None
        return a

    def backward(self, dout):
        if self._o is None:
            raise RuntimeError(_("Activation.backward called before forward."))
        if dout.shape != self._o.shape:
            raise _dout_shape_error(self._o.shape, dout.shape)
        if self._a is not None:
            return self.activation.backward_from_value(self._a, dout)
        backward = getattr(self.activation, "backward", None)
        if backward is not None:
            return backward(self._o, dout)
        return dout * self.activation.derivative(self._o)

    def _describe(self):
        return repr(self.activation.name)


class Dropout(Layer):
    """Inverted dropout: in training, zero each unit with probability ``rate``.

    Kept units are multiplied by ``1 / (1 - rate)`` so that the expected output
    equals the input; at evaluation (``training=False``) the layer is the identity,
    so nothing needs rescaling at prediction time. The random mask drawn in
    ``forward`` is reused in ``backward``: a dropped unit passes no gradient.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping a unit.
    seed : int or numpy Generator, optional

    Shapes: ``x`` (any) -> same.
    """

    _transient = ("mask",)

    def __init__(self, rate: float = 0.5, seed=None):
        super().__init__()
        self.rate = check_rate(rate, "rate", N_(" (the probability of dropping a unit)"))
        self.rng = _rng(seed)
        self.mask = None

    def forward(self, x, training=False):
        if not training or self.rate == 0.0:
            self.mask = None
            return x
        # mask holds 0 for dropped units and 1 / (1 - rate) for kept ones.
        self.mask = (self.rng.random(x.shape) >= self.rate) / (1.0 - self.rate)
        return x * self.mask

    def backward(self, dout):
        return dout if self.mask is None else dout * self.mask

    def _describe(self):
        return f"rate={self.rate}"


class Conv2D(Layer):
    """2-D convolution layer (cross-correlation), vectorised with :func:`im2col`.

    Parameters
    ----------
    in_channels, out_channels : int
        ``c`` input channels and ``f`` filters.
    kernel_size : int or (int, int)
    stride, padding : int
    init : {"he", "glorot", "normal", "zeros"}
        Fans are ``c * kh * kw`` (in) and ``f * kh * kw`` (out), as in Keras.
    scale, seed : see :class:`Dense`.

    Shapes: ``x`` (n, c, h, w) -> ``out`` (n, f, out_h, out_w);
    ``W`` (f, c, kh, kw); ``b`` (f,).
    """

    penalized = ("W",)

    _transient = ("_cache",)
    _out_shape = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size=3, stride: int = 1,
                 padding: int = 0, init: str = "he", scale: float | None = None, seed=None):
        super().__init__()
        check_positive(in_channels, "in_channels", integer=True)
        check_positive(out_channels, "out_channels", integer=True)
        if isinstance(kernel_size, tuple | list):
            kernel_h, kernel_w = kernel_size
        else:
            kernel_h = kernel_w = kernel_size
        check_positive(kernel_h, "kernel_size", integer=True)
        check_positive(kernel_w, "kernel_size", integer=True)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = (kernel_h, kernel_w)
        self.stride = check_positive(stride, "stride", integer=True)
        self.padding = check_positive(padding, "padding", integer=True, allow_zero=True)
        self.init = init
        fan_in = in_channels * kernel_h * kernel_w
        fan_out = out_channels * kernel_h * kernel_w
        shape = (out_channels, in_channels, kernel_h, kernel_w)
        self.params["W"] = init_weights(shape, fan_in, fan_out, init, scale, seed)
        self.params["b"] = np.zeros(out_channels)
        self._cache = None

    def forward(self, x, training=False):
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                _("Conv2D(in_channels={channels}) expects x of shape "
                  "(n, {channels}, height, width); received shape {shape}.").format(
                    channels=self.in_channels, shape=x.shape)
            )
        out, self._cache = _conv2d_forward(x, self.params["W"], self.params["b"],
                                           self.stride, self.padding)
        self._out_shape = out.shape
        return out

    def _check_dout(self, dout):
        if self._cache is None:
            raise RuntimeError(_("Conv2D.backward called before forward."))
        if dout.shape != self._out_shape:
            raise _dout_shape_error(self._out_shape, dout.shape)

    def backward(self, dout):
        self._check_dout(dout)
        dx, self.grads["W"], self.grads["b"] = _conv2d_backward(dout, self._cache)
        return dx

    def param_backward(self, dout):
        # dW and db without dx: skips the dx product and col2im (about 60 % of the backward).
        self._check_dout(dout)
        self.grads["W"], self.grads["b"] = _conv2d_param_grads(dout, self._cache)[1:]

    def output_shape(self, input_shape):
        c, h, w = input_shape
        if c != self.in_channels:
            raise ValueError(
                _("Conv2D(in_channels={channels}) received examples of shape {shape}.").format(
                    channels=self.in_channels, shape=tuple(input_shape))
            )
        return (self.out_channels,
                conv_output_size(h, self.kernel_size[0], self.padding, self.stride),
                conv_output_size(w, self.kernel_size[1], self.padding, self.stride))

    def _describe(self):
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, padding={self.padding}")


class MaxPool2D(Layer):
    """Max pooling over ``size x size`` windows (see :func:`maxpool2d_forward`).

    Shapes: ``x`` (n, c, h, w) -> (n, c, (h - size) // stride + 1, (w - size) // stride + 1).
    """

    _transient = ("_cache",)

    def __init__(self, size: int = 2, stride: int | None = None):
        super().__init__()
        self.size = check_positive(size, "size", integer=True)
        self.stride = size if stride is None else check_positive(stride, "stride", integer=True)
        self._cache = None

    def forward(self, x, training=False):
        if x.ndim != 4 or x.shape[2] < self.size or x.shape[3] < self.size:
            raise ValueError(
                _("MaxPool2D(size={size}) expects x of shape (n, channels, height, width) "
                  "with height and width ≥ {size}; received shape {shape}.").format(
                    size=self.size, shape=x.shape)
            )
        out, self._cache = _maxpool2d_forward(x, self.size, self.stride)
        return out

    def backward(self, dout):
        if self._cache is None:
            raise RuntimeError(_("MaxPool2D.backward called before forward."))
        if dout.shape != self._cache[1].shape:
            raise _dout_shape_error(self._cache[1].shape, dout.shape)
        return _maxpool2d_backward(dout, self._cache)

    def output_shape(self, input_shape):
        c, h, w = input_shape
        return (c, (h - self.size) // self.stride + 1, (w - self.size) // self.stride + 1)

    def _describe(self):
        return f"size={self.size}, stride={self.stride}"


class Flatten(Layer):
    """Reshape each example to a vector: (n, d1, d2, ...) -> (n, d1 * d2 * ...).

    Flattening order is numpy's (row-major), i.e. (channel, row, column) for images.
    """

    _transient = ("_shape",)

    def __init__(self):
        super().__init__()
        self._shape = None

    def forward(self, x, training=False):
        if x.ndim < 2:
            raise ValueError(_("x must have a batch axis, shape (n, d1, ...); received shape "
                               "{shape}.").format(shape=x.shape))
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        expected = (self._shape[0], int(np.prod(self._shape[1:])))
        if dout.shape != expected:
            raise _dout_shape_error(expected, dout.shape)
        return dout.reshape(self._shape)

    def output_shape(self, input_shape):
        return (int(np.prod(input_shape)),)

