"""Helpers for the chapter on convolutional networks (chapter 5), reused by chapter 6.

* :func:`make_cnn` builds the book's small digits CNN, whose second-to-last layer
  has only ``n_features`` units (2 by default), so that the learned representation
  can be drawn in the plane; :func:`split_cnn` and :func:`cnn_features` give access
  to that feature layer.
* :func:`load_photo`, :func:`to_grey`, :func:`downsample`, :func:`shift_image` and
  :func:`equivariance_gap` support the demonstrations on a real photograph.
* :func:`plot_filters`, :func:`plot_feature_maps`, :func:`plot_feature_space` and
  :func:`plot_mistakes` draw what a CNN learned.

Images use the layout of :mod:`nbcode.nn`: a batch is ``(n, channels, height, width)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.offsetbox import AnnotationBbox, OffsetImage

from ._validation import (
    as_array,
    check_callable,
    check_integer,
    check_positive,
    check_rate,
    check_same_length,
    check_seed,
)
from .i18n import _, ngettext
from .nn import Activation, Conv2D, Dense, Flatten, MaxPool2D, Sequential, conv2d_forward, conv_output_size
from .nn.layers import _rng
from .nn.losses import softmax
from .plots import CLASS_COLORS
from .widgets import dropdown, live_panel, slider

__all__ = ["make_cnn", "split_cnn", "cnn_features", "as_image_batch", "to_grey", "downsample",
           "load_photo", "shift_image", "equivariance_gap", "plot_filters", "plot_feature_maps",
           "plot_feature_space", "feature_limits", "plot_mistakes", "kernel_explorer",
           "FeatureSpace", "MistakeMosaic"]


# --------------------------------------------------------------------------- the model


def make_cnn(n_classes: int = 10, channels=(8, 16), n_hidden: int = 32, n_features: int = 2,
             image_size=(8, 8), in_channels: int = 1, kernel_size: int = 3, seed=0,
             conv_init: str = "he") -> Sequential:
    """Build the small CNN of chapter 5 (untrained), for 8×8 grey digit images.

    Layers (with the defaults; ``c1, c2 = channels``)::

        Conv2D(1, c1, 3, padding=1) -> ReLU -> MaxPool2D(2)      (n, 8, 8, 8)  -> (n, 8, 4, 4)
        Conv2D(c1, c2, 3, padding=1) -> ReLU -> MaxPool2D(2)     (n, 16, 4, 4) -> (n, 16, 2, 2)
        Flatten -> Dense(c2 * 4, n_hidden) -> ReLU               (n, 64) -> (n, 32)
        Dense(n_hidden, n_features)        <- the feature layer  (n, 2), no activation
        Dense(n_features, n_classes)       <- the classifier     (n, 10), logits

    The last layer is a linear (softmax) classifier of the ``n_features`` learned
    features, so with ``n_features=2`` its decision regions can be drawn in the
    plane of the features (:func:`plot_feature_space`). The feature layer has no
    activation: a bounded one (tanh) saturates and traps the classes in a square.

    Parameters
    ----------
    n_classes : int
        Number of output units (classes). ``n_classes=2`` still gives 2 units (softmax).
    channels : (int, int)
        Filters of the two convolution layers.
    n_hidden : int
        Units of the hidden dense layer (0: no hidden dense layer).
    n_features : int
        Units of the feature layer (the layer before the classifier).
    image_size : (int, int)
        Height and width of the input images (each pooled twice, so ≥ 4).
    in_channels : int
        Channels of the input images (1 for grey).
    kernel_size : int
        Odd kernel size of both convolutions (padding keeps the size before pooling).
    seed : int or numpy Generator
        Initial weights.
    conv_init : {"he", "glorot"}
        How the convolutions' initial weights are drawn (see :class:`nbcode.nn.Conv2D`).

    Returns
    -------
    Sequential
        Train it with ``model.fit(X, y, ...)`` where ``X`` has shape
        ``(n, in_channels, height, width)`` (see :func:`as_image_batch`).
        ``model.layers[:-1]`` map images to features, ``model.layers[-1]`` is the
        classifier (see :func:`split_cnn`).

    Examples
    --------
    >>> model = make_cnn(seed=0)
    >>> model.n_params
    3424
    """
    check_positive(n_classes, "n_classes", integer=True)
    check_positive(n_features, "n_features", integer=True)
    check_positive(n_hidden, "n_hidden", integer=True, allow_zero=True)
    check_positive(in_channels, "in_channels", integer=True)
    check_positive(kernel_size, "kernel_size", integer=True)
    if kernel_size % 2 == 0:
        raise ValueError(_("kernel_size must be odd (so that padding keeps the size); "
                           "received {kernel_size}.").format(kernel_size=kernel_size))
    channels = tuple(channels)
    if len(channels) != 2:
        raise ValueError(_("channels must hold two numbers of filters, e.g. (8, 16); "
                           "received {channels!r}.").format(channels=channels))
    for c in channels:
        check_positive(c, "channels (each number of filters)", integer=True)
    height, width = image_size
    check_positive(height, "image_size (height)", integer=True)
    check_positive(width, "image_size (width)", integer=True)
    if not isinstance(seed, np.random.Generator):
        check_seed(seed)
    if height < 4 or width < 4:
        size = tuple(image_size)
        raise ValueError(_("image_size must be at least (4, 4) (two 2×2 poolings); "
                           "received {size}.").format(size=size))
    rng = _rng(seed)
    pad = kernel_size // 2
    c1, c2 = channels
    layers = [Conv2D(in_channels, c1, kernel_size, padding=pad, init=conv_init, seed=rng),
              Activation("relu"), MaxPool2D(2),
              Conv2D(c1, c2, kernel_size, padding=pad, init=conv_init, seed=rng), Activation("relu"),
              MaxPool2D(2), Flatten()]
    width_flat = c2 * (height // 4) * (width // 4)
    if n_hidden:
        layers += [Dense(width_flat, n_hidden, seed=rng), Activation("relu")]
        width_flat = n_hidden
    layers += [Dense(width_flat, n_features, init="glorot", seed=rng),
               Dense(n_features, n_classes, init="glorot", seed=rng)]
    return Sequential(layers)


def split_cnn(model: Sequential) -> tuple[Sequential, Sequential]:
    """Split a model into ``(features, classifier)``: all layers but the last, and the last.

    Both share the layer objects of ``model`` (no copy): training ``model`` changes
    them, and setting ``layer.trainable = False`` on ``features``' layers freezes
    them in ``model`` too (what chapter 6 does to reuse learned features).
    """
    if not isinstance(model, Sequential):
        kind = type(model).__name__
        raise TypeError(_("model must be a Sequential with at least two layers, e.g. make_cnn(); "
                          "received {kind}.").format(kind=kind))
    if len(model.layers) < 2:
        n_layers = len(model.layers)
        raise ValueError(_("model must have at least two layers (features, then a classifier); "
                           "received a Sequential with {n_layers}.").format(n_layers=n_layers))
    return Sequential(model.layers[:-1]), Sequential(model.layers[-1:])


def cnn_features(model: Sequential, X) -> np.ndarray:
    """The learned features of images ``X``: the output of all layers but the last.

    ``X`` has shape (n, channels, height, width); the result (n, n_features).
    """
    if not isinstance(model, Sequential):
        kind = type(model).__name__
        raise TypeError(_("model must be a Sequential, e.g. make_cnn(); received "
                          "{kind}.").format(kind=kind))
    X = as_array(X, "X", ndim=4)
    out = X
    for layer in model.layers[:-1]:
        out = layer.forward(out, training=False)
    return out


def as_image_batch(images) -> np.ndarray:
    """Add the channel axis to grey images: (n, h, w) -> (n, 1, h, w)."""
    images = as_array(images, "images", ndim=3)
    return images[:, None, :, :]


# --------------------------------------------------------------------------- images


def to_grey(rgb) -> np.ndarray:
    """Grey levels in [0, 1] of an RGB image of shape (h, w, 3) with values 0..255.

    Uses the luma weights 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601).
    """
    rgb = as_array(rgb, "rgb", shape=("h", "w", 3))
    return rgb @ np.array([0.299, 0.587, 0.114]) / 255.0


def downsample(image, factor: int) -> np.ndarray:
    """Shrink a 2-D image by averaging ``factor × factor`` blocks (edges cropped)."""
    image = as_array(image, "image", ndim=2)
    check_positive(factor, "factor", integer=True)
    if factor > min(image.shape):
        shape = image.shape
        raise ValueError(_("factor must be at most the image's height and width, "
                           "{shape}; received {factor}.").format(shape=shape, factor=factor))
    h, w = (image.shape[0] // factor) * factor, (image.shape[1] // factor) * factor
    blocks = image[:h, :w].reshape(h // factor, factor, w // factor, factor)
    return blocks.mean(axis=(1, 3))


def load_photo(factor: int = 4, grey: bool = True) -> np.ndarray:
    """scikit-learn's sample photograph ``china.jpg`` (shipped with the package, no download).

    Returns the grey image in [0, 1] downsampled by ``factor`` (shape (427 // factor,
    640 // factor)), or with ``grey=False`` the RGB image in [0, 1], shape (427, 640, 3).
    """
    from sklearn.datasets import load_sample_image

    rgb = load_sample_image("china.jpg").astype(float)
    if not grey:
        return rgb / 255.0
    return downsample(to_grey(rgb), factor)


def shift_image(image, dy: int, dx: int) -> np.ndarray:
    """Translate an image (..., h, w) by ``dy`` rows down and ``dx`` columns right.

    Pixels shifted in from outside are 0; pixels shifted out are lost.
    """
    image = as_array(image, "image", ndim=(2, 3, 4))
    dy, dx = check_integer(dy, "dy"), check_integer(dx, "dx")
    out = np.zeros_like(image)
    h, w = image.shape[-2:]
    if abs(dy) >= h or abs(dx) >= w:
        return out
    src_rows = slice(max(0, -dy), h - max(0, dy))
    dst_rows = slice(max(0, dy), h - max(0, -dy))
    src_cols = slice(max(0, -dx), w - max(0, dx))
    dst_cols = slice(max(0, dx), w - max(0, -dx))
    out[..., dst_rows, dst_cols] = image[..., src_rows, src_cols]
    return out


def equivariance_gap(operation, image, dy: int, dx: int, margin: int) -> float:
    """Largest difference between "shift then operate" and "operate then shift".

    ``operation`` maps an image (h, w) to a feature map of the same size (e.g. a
    convolution with padding). Only pixels at least ``margin`` away from every
    border (plus the shift) are compared, since shifting loses or invents pixels
    at the borders. A translation-equivariant operation gives 0 (up to rounding).
    """
    check_callable(operation, "operation", "an image (h, w) -> a feature map (h, w)")
    image = as_array(image, "image", ndim=2)
    check_positive(margin, "margin", integer=True, allow_zero=True)
    dy, dx = check_integer(dy, "dy"), check_integer(dx, "dx")
    if 2 * margin + abs(dy) >= image.shape[0] or 2 * margin + abs(dx) >= image.shape[1]:
        shape = image.shape
        raise ValueError(_("margin leaves no pixel to compare: 2 * margin + |shift| must be below "
                           "the image's size {shape}; received margin = {margin}, "
                           "dy = {dy}, dx = {dx}.").format(shape=shape, margin=margin, dy=dy, dx=dx))
    a = operation(shift_image(image, dy, dx))
    b = shift_image(operation(image), dy, dx)
    if a.shape != image.shape:
        shape, out_shape = image.shape, np.shape(a)
        raise ValueError(_("operation must keep the image's size {shape} (use padding); "
                           "received an operation that maps it to {out_shape}.").format(
                               shape=shape, out_shape=out_shape))
    m_top, m_bottom = margin + max(dy, 0), margin + max(-dy, 0)
    m_left, m_right = margin + max(dx, 0), margin + max(-dx, 0)
    h, w = a.shape[-2:]
    inner = (..., slice(m_top, h - m_bottom), slice(m_left, w - m_right))
    return float(np.abs(a[inner] - b[inner]).max())


# --------------------------------------------------------------------------- plots


def _image_row(n: int, show, axes=None, titles=None, size: float = 0.9):
    """A row of ``n`` small images without axes: ``show(ax, k)`` draws the k-th one."""
    if axes is None:
        _, axes = plt.subplots(1, n, figsize=(size * n, size + 0.3), squeeze=False)
    axes = np.asarray(axes).ravel()
    for k, ax in enumerate(axes):
        ax.axis("off")
        if k < n:
            show(ax, k)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    return axes


def plot_filters(W, axes=None, titles=None, cmap: str = "RdBu_r", size: float = 0.9):
    """Show each filter of a conv layer, ``W`` of shape (f, c, kh, kw) (channel 0 only).

    A diverging colour map centred at 0 per filter: red positive, blue negative
    weights. Returns the axes.
    """
    W = as_array(W, "W", ndim=4)

    def show(ax, k):
        limit = np.abs(W[k, 0]).max() or 1.0
        ax.imshow(W[k, 0], cmap=cmap, vmin=-limit, vmax=limit, interpolation="nearest")

    return _image_row(W.shape[0], show, axes, titles, size)


def plot_feature_maps(maps, axes=None, titles=None, cmap: str = "magma", size: float = 0.9):
    """Show the channels of one example's feature maps, ``maps`` of shape (c, h, w)."""
    maps = as_array(maps, "maps", ndim=3)
    return _image_row(maps.shape[0],
                      lambda ax, k: ax.imshow(maps[k], cmap=cmap, interpolation="nearest"),
                      axes, titles, size)


def feature_limits(features, quantile: float = 0.005, margin: float = 0.15):
    """Axis limits ((x_min, x_max), (y_min, y_max)) that hold nearly all 2-D features."""
    features = as_array(features, "features", shape=(None, 2))
    check_rate(quantile, "quantile")
    check_positive(margin, "margin", allow_zero=True)
    low = np.quantile(features, quantile, axis=0)
    high = np.quantile(features, 1 - quantile, axis=0)
    pad = margin * np.maximum(high - low, 1e-3)
    return tuple((float(lo), float(hi)) for lo, hi in zip(low - pad, high + pad, strict=True))


class FeatureSpace:
    """A moving piece (:mod:`nbcode.frames`): a CNN's classifier in the plane of its 2 features.

    The head's decision regions over the plane (a :class:`~nbcode.frames.DecisionRegions`
    of the head's softmax), the images as points at their features (class colours and
    markers of the book) and, for each class, a thumbnail: the class's image closest to
    the class's median features, drawn there in a frame of the class colour. Built once
    on an axis; :meth:`update` shades another network's regions and moves the points and
    the thumbnails to its features.

    Parameters
    ----------
    ax : matplotlib Axes
    model : Sequential
        A classifier whose last layer is ``Dense(2, n_classes)`` (as :func:`make_cnn`).
    images : array, shape (n, 1, h, w)
        Images placed at their features.
    y : array, shape (n,)
        Their labels.
    limits : ((x_min, x_max), (y_min, y_max)), optional
        Fixed axes. Default: the axes follow the features, :func:`feature_limits` of
        each network's features (the ticks then move too), since a network's features
        spread out by orders of magnitude during training.
    thumbnails : bool
        Draw the thumbnails.
    resolution : int
        Grid points along each axis of the regions.
    size : float
        Marker size of the points.
    zoom : float
        Screen pixels per image pixel of the thumbnails.
    """

    def __init__(self, ax, model: Sequential, images, y, limits=None, thumbnails: bool = True,
                 resolution: int = 60, size: float = 8, zoom: float = 2.0):
        from .frames import DecisionRegions

        self.images = as_array(images, "images", ndim=4)
        self.y = as_array(y, "y", ndim=1, dtype=None)
        check_same_length(self.images, self.y, "images", "y")
        check_positive(zoom, "zoom")
        features = self._features(model)
        self.follow = limits is None
        self.regions = DecisionRegions(ax, limits or feature_limits(features), features, self.y,
                                       resolution=resolution, size=size,
                                       axis_labels=(_("feature 1"), _("feature 2")),
                                       rescale=self.follow)
        for scatter in self.regions.scatters:  # the book's feature-space points: thin edges
            scatter.set_linewidth(0.25)
        self.thumbnails = []  # (label, OffsetImage, AnnotationBbox), one per class
        for j, label in enumerate(np.unique(self.y) if thumbnails else []):
            box = OffsetImage(self.images[0, 0], cmap="gray_r", zoom=zoom,
                              interpolation="nearest")
            frame = AnnotationBbox(box, (0.0, 0.0), frameon=True, pad=0.05, zorder=4,
                                   bboxprops={"edgecolor": CLASS_COLORS[j % len(CLASS_COLORS)],
                                              "linewidth": 1.2})
            ax.add_artist(frame)
            self.thumbnails.append((label, box, frame))
        self._place_thumbnails(features)

    def _features(self, model) -> np.ndarray:
        features = cnn_features(model, self.images)
        if features.shape[1] != 2:
            n_units = features.shape[1]
            raise ValueError(_("model's feature layer must have 2 units to be drawn; received "
                               "{n_units}.").format(n_units=n_units))
        return features

    def central_images(self, features) -> list[int]:
        """Index of each class's image closest to the class's median features."""
        central = []
        for label, _box, _frame in self.thumbnails:
            members = np.flatnonzero(self.y == label)
            centre = np.median(features[members], axis=0)
            central.append(int(members[np.argmin(np.sum((features[members] - centre) ** 2,
                                                         axis=1))]))
        return central

    def _place_thumbnails(self, features) -> None:
        for (_label, box, frame), i in zip(self.thumbnails, self.central_images(features),
                                           strict=True):
            box.set_data(self.images[i, 0])
            frame.xy = frame.xybox = (float(features[i, 0]), float(features[i, 1]))

    @property
    def artists(self) -> list:
        """What :meth:`update` moves: the regions' artists (and ticks if the axes follow), the thumbnails."""
        return [*self.regions.artists, *(frame for _, _, frame in self.thumbnails)]

    def update(self, model: Sequential, title: str | None = None) -> None:
        """Show ``model``: its head's regions, the images at its features; a title (9 pt) if given."""
        head = model.layers[-1]
        features = self._features(model)
        self.regions.update(lambda points: softmax(head.forward(points)), X=features,
                            title=title,
                            limits=feature_limits(features) if self.follow else None)
        self._place_thumbnails(features)


def plot_feature_space(model: Sequential, images, y, ax=None, limits=None,
                       thumbnails: bool = True, resolution: int = 60, size: float = 8,
                       zoom: float = 2.0):
    """Decision regions of a CNN's classifier in the plane of its 2 learned features.

    A still picture of a :class:`FeatureSpace` (the piece chapter 5's player moves; see
    there for the parameters): ``model`` a classifier whose last layer is
    ``Dense(2, n_classes)``, ``images`` of shape (n, 1, h, w) placed at their features,
    ``y`` of shape (n,); ``limits`` default to :func:`feature_limits` of the features.
    Returns the axis.
    """
    ax = ax or plt.gca()
    FeatureSpace(ax, model, images, y, limits=limits, thumbnails=thumbnails,
                 resolution=resolution, size=size, zoom=zoom).update(model)
    return ax


def _check_predictions(images, y_true, y_pred):
    y_true = as_array(y_true, "y_true", ndim=1, dtype=None)
    y_pred = as_array(y_pred, "y_pred", ndim=1, dtype=None)
    check_same_length(images, y_true, "images", "y_true")
    check_same_length(images, y_pred, "images", "y_pred")
    return y_true, y_pred


class MistakeMosaic:
    """A moving piece (:mod:`nbcode.frames`): the misclassified images, each labelled "true→predicted".

    One image holds the mosaic of at most ``n_columns × n_rows`` mistakes, in the order of
    ``images``, each tile under a label (a fixed pool of ``n_columns × n_rows`` texts, the
    unused ones empty); the title counts all the mistakes. :meth:`update`
    fills them for another set of predictions.

    Parameters
    ----------
    ax : matplotlib Axes
    images : array, shape (n, h, w) or (n, 1, h, w)
    n_columns, n_rows : int
        Tiles per row and rows.
    gap : int
        Blank pixels between tiles.
    fontsize : float
        Of the labels, in points (9 at least: 9 px in a 72-dpi frame). Labels like
        "9→4" at 9 pt fit over 8-pixel digits up to about 6 columns in a 3.5-inch panel.
    """

    LABEL_ROWS = 3  #: blank image rows above each tile, where its label goes

    def __init__(self, ax, images, n_columns: int = 6, n_rows: int = 4, gap: int = 1,
                 fontsize: float = 9):
        images = as_array(images, "images", ndim=(3, 4))
        self.images = images[:, 0] if images.ndim == 4 else images
        check_positive(n_columns, "n_columns", integer=True)
        check_positive(n_rows, "n_rows", integer=True)
        check_positive(gap, "gap", integer=True, allow_zero=True)
        check_positive(fontsize, "fontsize")
        self.ax, self.n_columns, self.n_rows, self.gap = ax, n_columns, n_rows, gap
        h, w = self.images.shape[1:]
        self.shape = (n_rows * (h + gap + self.LABEL_ROWS), n_columns * (w + gap))
        cmap = plt.get_cmap("gray_r").with_extremes(bad="white")
        self.image = ax.imshow(np.full(self.shape, np.nan), cmap=cmap, vmin=0, vmax=1,
                               interpolation="nearest")
        self.labels = [ax.text(left + w / 2 - 0.5, top - 0.6, "", ha="center", va="bottom",
                               fontsize=fontsize, color="#333333")
                       for top, left in (self._corner(k) for k in range(n_columns * n_rows))]
        ax.axis("off")
        for spine in ax.spines.values():  # the pipeline redraws visible spines, even axis off
            spine.set_visible(False)

    def _corner(self, k: int) -> tuple[int, int]:
        """Top row and left column of tile ``k`` in the mosaic."""
        h, w = self.images.shape[1:]
        r, c = divmod(k, self.n_columns)
        return r * (h + self.gap + self.LABEL_ROWS) + self.LABEL_ROWS, c * (w + self.gap)

    @property
    def artists(self) -> list:
        """What :meth:`update` changes: the mosaic image, the labels, the title."""
        return [self.image, *self.labels, self.ax.title]

    def update(self, y_true, y_pred) -> np.ndarray:
        """Show the mistakes of ``y_pred`` (shape (n,)) against ``y_true``; returns the shown indices."""
        y_true, y_pred = _check_predictions(self.images, y_true, y_pred)
        wrong = np.flatnonzero(y_true != y_pred)
        shown = wrong[: len(self.labels)]
        h, w = self.images.shape[1:]
        mosaic = np.full(self.shape, np.nan)
        for k, label in enumerate(self.labels):
            if k < len(shown):
                i = shown[k]
                top, left = self._corner(k)
                mosaic[top:top + h, left:left + w] = self.images[i]
                label.set_text(f"{y_true[i]}→{y_pred[i]}")
            else:  # empty, not hidden: the pipeline redraws the artists visible at its start
                label.set_text("")
        self.image.set_data(mosaic)
        n, total, n_shown = len(wrong), len(y_true), len(shown)
        if n > n_shown:  # then n > 1: more mistakes than tiles
            title = _("{n} mistakes of {total} (first {shown})").format(n=n, total=total,
                                                                          shown=n_shown)
        else:
            title = ngettext("{n} mistake of {total}", "{n} mistakes of {total}", n).format(
                n=n, total=total)
        self.ax.set_title(title, fontsize=9)
        return shown


def plot_mistakes(images, y_true, y_pred, ax=None, n_columns: int = 6, n_rows: int = 4,
                  gap: int = 1):
    """The misclassified images as one mosaic, each labelled "true→predicted" (9 pt).

    ``images`` has shape (n, h, w) or (n, 1, h, w). At most ``n_columns × n_rows``
    mistakes are shown, in the order of ``images``; the title counts them all. A still
    picture of a :class:`MistakeMosaic` (the piece chapter 5's player moves). Returns
    the axis.
    """
    images = as_array(images, "images", ndim=(3, 4))
    _check_predictions(images, y_true, y_pred)  # before drawing anything
    ax = ax or plt.gca()
    MistakeMosaic(ax, images, n_columns=n_columns, n_rows=n_rows, gap=gap).update(y_true, y_pred)
    return ax


# --------------------------------------------------------------------------- live widget


def kernel_explorer(image, kernels: dict, figsize=(6.4, 2.3), dpi: int = 72):
    """A live-kernel control: pick a kernel, a padding and a stride; see the feature map.

    Parameters
    ----------
    image : array, shape (h, w)
        A grey image (e.g. :func:`load_photo`).
    kernels : dict of str -> array (k_h, k_w)
        The kernels offered (e.g. Sobel, blur).
    figsize, dpi :
        Size of the picture (a PNG with a 64-colour palette, to keep pages light).

    Returns
    -------
    nbcode.widgets.LivePanel
        A dropdown and two sliders above an ``ipywidgets.Image`` that shows the input
        and the feature map (computed with :func:`nbcode.nn.conv2d_forward`), titled
        with its size. The default setting is drawn at once, so a saved page shows
        it even without a kernel; changing a control needs a running kernel. The
        input is cropped by a few pixels when the stride does not tile it (nbcode's
        convolution refuses leftover pixels).
    """
    image = as_array(image, "image", ndim=2)
    if not kernels:
        raise ValueError(_("kernels must name at least one kernel, e.g. "
                           "{{'blur': np.ones((3, 3)) / 9}}; received {kernels!r}.").format(
                               kernels=kernels))
    for name, kernel in kernels.items():
        kernel = as_array(kernel, f"kernels[{name!r}]", ndim=2)
        if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
            shape, kernel_shape = image.shape, kernel.shape
            raise ValueError(_("kernels[{name!r}] must fit in the image {shape}; received "
                               "shape {kernel_shape}.").format(name=name, shape=shape,
                                                               kernel_shape=kernel_shape))

    def draw(kernel, padding, stride):
        W = np.asarray(kernels[kernel], dtype=float)
        P, s = padding, stride
        crop = [n - (n + 2 * P - k) % s for n, k in zip(image.shape, W.shape, strict=True)]
        x = image[:crop[0], :crop[1]][None, None]
        z = conv2d_forward(x, W[None, None], np.zeros(1), s, P)[0][0, 0]
        size = [conv_output_size(n, k, P, s) for n, k in zip(crop, W.shape, strict=True)]
        fig, axes = plt.subplots(1, 2, figsize=figsize, layout="constrained")
        axes[0].imshow(image, cmap="gray")
        axes[0].set_title(_("input {height} × {width}").format(height=image.shape[0],
                                                                width=image.shape[1]), fontsize=9)
        limit = np.abs(z).max() or 1.0
        signed = z.min() < 0
        axes[1].imshow(z, cmap="RdBu_r" if signed else "gray",
                       vmin=-limit if signed else None, vmax=limit if signed else None)
        axes[1].set_title(_("{kernel}, padding {padding}, stride {stride}: {height} × {width}").format(
            kernel=kernel, padding=P, stride=s, height=size[0], width=size[1]), fontsize=9)
        for ax in axes:
            ax.axis("off")
        return fig

    return live_panel({"kernel": dropdown(kernels, label=_("kernel")),
                       "padding": slider(1, 0, 3, label=_("padding")),
                       "stride": slider(1, 1, 4, label=_("stride"))},
                      draw, description=_("a filter, its padding and stride"), dpi=dpi, colors=64)
