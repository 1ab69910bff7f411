"""Figures used across the book: decision boundaries, loss curves, image grids.

The same class always gets the same colour (Okabe & Ito's colour-blind-safe
palette): class 0 blue, class 1 orange, class 2 green, and so on.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb

from ._validation import as_array, check_callable, check_limits, check_positive, check_same_length

__all__ = [
    "CLASS_COLORS", "CLASS_MARKERS", "class_colormap", "probability_colormap", "decision_grid",
    "class_probabilities", "plot_data", "plot_decision_boundary", "plot_loss_curves",
    "plot_image_grid", "figure_to_png", "draw_frames", "loss_grid", "LossGrid", "plot_loss_contours",
    "plot_descent_path",
]

#: Okabe–Ito colours, one per class, used by every figure of the book.
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                "#D55E00", "#F0E442", "#000000", "#999999", "#882255")
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")


def class_colormap(n_classes: int) -> ListedColormap:
    """A discrete colour map with the book's colour for each class."""
    check_positive(n_classes, "n_classes", integer=True)
    return ListedColormap(CLASS_COLORS[:n_classes])


def probability_colormap() -> LinearSegmentedColormap:
    """Class-0 colour -> white -> class-1 colour, for P(class 1) from 0 to 1."""
    return LinearSegmentedColormap.from_list(
        "nbcode_proba", [CLASS_COLORS[0], "#FFFFFF", CLASS_COLORS[1]])


def decision_grid(X, resolution: int = 100, margin: float = 0.5, limits=None):
    """A regular grid covering the data, for evaluating a classifier everywhere.

    Parameters
    ----------
    X : ndarray, shape (n, 2)
    resolution : int
        Number of grid points along each axis.
    margin : float
        Extra room around the data, in data units.
    limits : ((x_min, x_max), (y_min, y_max)), optional
        Fixed limits (used so that every frame of an animation has the same axes).

    Returns
    -------
    xx, yy : ndarray, shape (resolution, resolution)
    points : ndarray, shape (resolution**2, 2)
    """
    X = as_array(X, "X", shape=(None, 2))
    check_positive(resolution, "resolution", integer=True)
    check_positive(margin, "margin", allow_zero=True)
    if limits is None:
        limits = [(X[:, j].min() - margin, X[:, j].max() + margin) for j in range(2)]
    else:
        limits = check_limits(limits)
    xs = np.linspace(*limits[0], resolution)
    ys = np.linspace(*limits[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def class_probabilities(model, points) -> np.ndarray:
    """Probabilities of each class at ``points``, shape (m, n_classes).

    ``model`` is an estimator with ``predict_proba`` (nbcode, scikit-learn or a
    Keras model wrapped by the caller) or a function ``points -> probabilities``.
    A 1-D output is read as P(class 1) of a binary classifier.
    """
    if not (hasattr(model, "predict_proba") or callable(model)):
        raise TypeError(f"model must have a predict_proba method or be a function points -> "
                        f"probabilities; received {type(model).__name__}.")
    points = as_array(points, "points", shape=(None, 2))
    predict = model if callable(model) and not hasattr(model, "predict_proba") else model.predict_proba
    proba = np.asarray(predict(points), dtype=float)
    if proba.ndim == 1 or proba.shape[1] == 1:
        p1 = proba.reshape(-1)
        proba = np.column_stack([1 - p1, p1])
    return proba


def plot_data(X, y, ax=None, size: float = 18, alpha: float = 0.9, labels=None):
    """Scatter plot of 2-D data, one colour and marker per class."""
    X = as_array(X, "X", shape=(None, 2))
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(X, y, "X", "y")
    ax = ax or plt.gca()
    classes = np.unique(y)
    if labels is not None and len(labels) != len(classes):
        raise ValueError(f"labels must have one entry per class ({len(classes)}: "
                         f"{classes.tolist()}); received {len(labels)}.")
    for index, label in enumerate(classes):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=size, c=CLASS_COLORS[index % 10],
                   marker=CLASS_MARKERS[index % 10], edgecolors="black", linewidths=0.35,
                   alpha=alpha, label=str(label) if labels is None else labels[index])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def plot_decision_boundary(model, X, y, ax=None, resolution: int = 100, margin: float = 0.5,
                           limits=None, title: str | None = None, show_data: bool = True,
                           size: float = 18, legend: bool = False):
    """Shade a classifier's probabilities over the plane and draw its decision boundary.

    Binary classifiers: the shade goes from the class-0 colour (P(class 1) = 0)
    through white to the class-1 colour, and the boundary is the 0.5 contour.
    Several classes: each point of the plane takes the colour of its most
    probable class, paler where the classifier is less sure.

    Parameters
    ----------
    model : estimator with predict_proba, or callable (m, 2) -> probabilities
    X : ndarray, shape (n, 2)
    y : ndarray, shape (n,)
    """
    X = as_array(X, "X", shape=(None, 2))
    if show_data:
        y = as_array(y, "y", ndim=1, dtype=None)
        check_same_length(X, y, "X", "y")
    ax = ax or plt.gca()
    xx, yy, points = decision_grid(X, resolution, margin, limits)
    proba = class_probabilities(model, points)
    extent = (xx.min(), xx.max(), yy.min(), yy.max())
    if proba.shape[1] == 2:
        p1 = proba[:, 1].reshape(xx.shape)
        ax.imshow(p1, origin="lower", extent=extent, cmap=probability_colormap(),
                  vmin=0, vmax=1, aspect="auto", interpolation="bilinear", alpha=0.7)
        if np.nanmin(p1) < 0.5 < np.nanmax(p1):
            ax.contour(xx, yy, p1, levels=[0.5], colors="k", linewidths=1.2)
    else:
        winner = proba.argmax(axis=1)
        confidence = proba.max(axis=1)
        colors = np.array([to_rgb(c) for c in CLASS_COLORS])[winner % 10]
        # Blend towards white where the network hesitates between classes.
        strength = ((confidence - 1 / proba.shape[1]) / (1 - 1 / proba.shape[1]))[:, None]
        rgb = 1 - 0.5 * strength * (1 - colors)
        ax.imshow(rgb.reshape(*xx.shape, 3), origin="lower", extent=extent, aspect="auto",
                  interpolation="nearest")
        ax.contour(xx, yy, winner.reshape(xx.shape), levels=np.arange(proba.shape[1]) + 0.5,
                   colors="k", linewidths=0.8)
    if show_data:
        plot_data(X, y, ax=ax, size=size)
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(title="class", loc="best", fontsize="small")
    return ax


def plot_loss_curves(curves: Mapping[str, Sequence[float]], ax=None, log: bool = True,
                     xlabel: str = "epoch", ylabel: str = "training loss", title: str | None = None):
    """Plot one loss curve per entry of ``curves`` (label -> values per epoch or step)."""
    if not isinstance(curves, Mapping):
        raise TypeError(f"curves must be a dict label -> loss values, e.g. {{'train': losses}}; "
                        f"received {type(curves).__name__}.")
    curves = {label: as_array(values, f"curves[{label!r}]", ndim=1, finite=False)
              for label, values in curves.items()}
    ax = ax or plt.gca()
    for label, values in curves.items():
        ax.plot(np.arange(len(values)), values, label=label, lw=1.8)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_image_grid(images, labels=None, n_columns: int = 10, cmap: str = "gray_r",
                    size: float = 1.0, titles: Sequence[str] | None = None, axes=None):
    """Show a grid of small grey images (shape (n, h, w)), with optional labels."""
    images = as_array(images, "images", ndim=3)
    check_positive(n_columns, "n_columns", integer=True)
    n = len(images)
    for what, values in (("labels", labels), ("titles", titles)):
        if values is not None and len(values) != n:
            raise ValueError(f"{what} must have one entry per image ({n}); received {len(values)}.")
    n_rows = int(np.ceil(n / n_columns))
    if axes is None:
        _, axes = plt.subplots(n_rows, n_columns, figsize=(size * n_columns, size * n_rows + 0.3),
                               squeeze=False)
    axes = np.asarray(axes).ravel()
    for index, ax in enumerate(axes):
        ax.axis("off")
        if index < n:
            ax.imshow(images[index], cmap=cmap, interpolation="nearest")
            text = titles[index] if titles is not None else (
                None if labels is None else str(labels[index]))
            if text is not None:
                ax.set_title(text, fontsize=8)
    return axes


def _check_png_settings(dpi, colors):
    check_positive(dpi, "dpi", integer=True)
    if colors is not None:
        check_positive(colors, "colors", integer=True)
        if colors > 256:
            raise ValueError(f"colors must be at most 256 (a PNG palette); received {colors}.")


def figure_to_png(fig, dpi: int = 60, colors: int | None = 64) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it.

    ``colors`` quantises the image to a palette of that many colours, which makes
    animation frames three to four times smaller with no visible change.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure (e.g. from plt.subplots()); received "
                        f"{type(fig).__name__}.")
    _check_png_settings(dpi, colors)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    if colors is None:
        return buffer.getvalue()
    from PIL import Image

    buffer.seek(0)
    image = Image.open(buffer).convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_frames(items: Sequence, draw: Callable, figsize=(3.2, 3.0), dpi: int = 72,
                colors: int | None = 64, ncols: int = 1) -> list[bytes]:
    """Render one PNG per item with ``draw(axes, item)``; used for animation frames."""
    check_callable(draw, "draw", "(axes, item) -> None, drawing one frame")
    if len(items) == 0:
        raise ValueError(f"items must hold at least one item (one per frame); received "
                         f"{items!r}.")
    _check_png_settings(dpi, colors)
    frames = []
    for item in items:
        fig, axes = plt.subplots(1, ncols, figsize=figsize, squeeze=False, layout="constrained")
        draw(axes[0] if ncols > 1 else axes[0, 0], item)
        frames.append(figure_to_png(fig, dpi=dpi, colors=colors))
    return frames


@dataclass(frozen=True)
class LossGrid:
    """A loss of two parameters evaluated once on a grid, to be drawn many times.

    ``B0`` and ``B1`` (shape (resolution, resolution)) are the grid's beta_0 and beta_1,
    ``Z`` the loss there; ``limits`` is ((b0_min, b0_max), (b1_min, b1_max)).
    """

    B0: np.ndarray
    B1: np.ndarray
    Z: np.ndarray
    limits: tuple


def loss_grid(loss: Callable, limits, resolution: int = 80) -> LossGrid:
    """Evaluate ``loss(beta) -> float`` (beta of shape (2,)) on a resolution x resolution grid.

    A player's frames all show the same loss surface: compute it once with this function and
    pass the grid to :func:`plot_loss_contours` in every frame.
    """
    check_callable(loss, "loss", "beta of shape (2,) -> float")
    limits = check_limits(limits)
    check_positive(resolution, "resolution", integer=True)
    B0, B1 = np.meshgrid(np.linspace(*limits[0], resolution), np.linspace(*limits[1], resolution))
    Z = np.array([loss(np.array([u, v])) for u, v in zip(B0.ravel(), B1.ravel(), strict=True)])
    return LossGrid(B0, B1, Z.reshape(B0.shape), limits)


def plot_loss_contours(loss, limits=None, ax=None, resolution: int = 80, levels: int = 20,
                       labels=("$\\beta_0$", "$\\beta_1$"), log: bool = True):
    """Contours of a loss of two parameters: ``loss(beta) -> float`` with beta of shape (2,),
    or a :class:`LossGrid` from :func:`loss_grid` (then ``limits`` and ``resolution`` are the grid's).

    ``limits`` is ((b0_min, b0_max), (b1_min, b1_max)); levels are spaced
    logarithmically by default, so that the valley floor shows.
    """
    grid = loss if isinstance(loss, LossGrid) else loss_grid(loss, limits, resolution)
    check_positive(levels, "levels", integer=True)
    ax = ax or plt.gca()
    Z = grid.Z
    if log:
        levels = np.geomspace(Z.min() * 1.01 + 1e-12, Z.max(), levels)
    ax.contour(grid.B0, grid.B1, Z, levels=levels, cmap="viridis", linewidths=0.8)
    ax.set_xlim(grid.limits[0])
    ax.set_ylim(grid.limits[1])
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    return ax


def plot_descent_path(path, ax=None, color: str = "#D55E00", label: str | None = None,
                      minimum=None):
    """Draw the iterates of gradient descent, shape (n_steps + 1, 2), as a polyline."""
    path = as_array(path, "path", shape=(None, 2), finite=False)
    ax = ax or plt.gca()
    finite = np.all(np.isfinite(path), axis=1)
    path = path[finite]
    ax.plot(path[:, 0], path[:, 1], "-o", color=color, ms=2.5, lw=1.2, label=label)
    ax.plot(*path[0], "o", color="black", ms=4)
    if minimum is not None:
        ax.plot(*minimum, "*", color="black", ms=9)
    return ax
