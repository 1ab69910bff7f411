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
from matplotlib.colors import ListedColormap

from ._validation import as_array, check_callable, check_limits, check_positive, check_same_length
from .frames import (
    CLASS_COLORS,
    CLASS_MARKERS,
    DecisionRegions,
    DescentPath,
    check_png_settings,
    data_limits,
    png_from_rgb,
    probability_colormap,
    scatter_classes,
)
from .i18n import _

__all__ = [
    "CLASS_COLORS", "CLASS_MARKERS", "class_colormap", "probability_colormap", "decision_grid",
    "class_probabilities", "plot_data", "plot_decision_boundary", "plot_loss_curves",
    "plot_image_grid", "figure_to_png", "loss_grid", "LossGrid", "plot_loss_contours",
    "plot_descent_path",
]

def class_colormap(n_classes: int) -> ListedColormap:
    """A discrete colour map with the book's colour for each class."""
    check_positive(n_classes, "n_classes", integer=True)
    return ListedColormap(CLASS_COLORS[:n_classes])


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
    limits = data_limits(X, margin) if limits is None else check_limits(limits)
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
        kind = type(model).__name__
        raise TypeError(_("model must have a predict_proba method or be a function points -> "
                          "probabilities; received {kind}.").format(kind=kind))
    points = as_array(points, "points", shape=(None, 2))
    predict = model if callable(model) and not hasattr(model, "predict_proba") else model.predict_proba
    proba = np.asarray(predict(points), dtype=float)
    if proba.ndim == 1 or proba.shape[1] == 1:
        p1 = proba.reshape(-1)
        proba = np.column_stack([1 - p1, p1])
    return proba


def plot_data(X, y, ax=None, size: float = 18, alpha: float = 0.9, labels=None):
    """Scatter plot of 2-D data, one colour and marker per class (``labels``: their names)."""
    X = as_array(X, "X", shape=(None, 2))
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(X, y, "X", "y")
    classes = np.unique(y)
    if labels is not None and len(labels) != len(classes):
        raise ValueError(_("labels must have one entry per class ({n_classes}: {classes}); "
                           "received {n_labels}.").format(
            n_classes=len(classes), classes=classes.tolist(), n_labels=len(labels)))
    ax = ax or plt.gca()
    scatter_classes(ax, X, y, size=size, alpha=alpha, class_names=labels, zorder=None)
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
    xx, yy, _points = decision_grid(X, resolution, margin, limits)
    limits = ((xx.min(), xx.max()), (yy.min(), yy.max()))
    regions = DecisionRegions(ax, limits, X if show_data else None, y if show_data else None,
                              resolution=resolution, size=size)
    regions.update(model, title=title, fontsize=None)
    if legend:
        ax.legend(title=_("class"), loc="best", fontsize="small")
    return ax


def plot_loss_curves(curves: Mapping[str, Sequence[float]], ax=None, log: bool = True,
                     xlabel: str | None = None, ylabel: str | None = None, title: str | None = None):
    """Plot one loss curve per entry of ``curves`` (label -> values per epoch or step).

    ``xlabel`` and ``ylabel`` default to "epoch" and "training loss" (in the current language).
    """
    if not isinstance(curves, Mapping):
        kind = type(curves).__name__
        raise TypeError(_("curves must be a dict label -> loss values, e.g. {{'train': losses}}; "
                          "received {kind}.").format(kind=kind))
    curves = {label: as_array(values, f"curves[{label!r}]", ndim=1, finite=False)
              for label, values in curves.items()}
    ax = ax or plt.gca()
    for label, values in curves.items():
        ax.plot(np.arange(len(values)), values, label=label, lw=1.8)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(_("epoch") if xlabel is None else xlabel)
    ax.set_ylabel(_("training loss") if ylabel is None else ylabel)
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
            raise ValueError(_("{what} must have one entry per image ({n}); received {count}.")
                             .format(what=what, n=n, count=len(values)))
    n_rows = int(np.ceil(n / n_columns))
    if axes is None:
        _fig, axes = plt.subplots(n_rows, n_columns, figsize=(size * n_columns, size * n_rows + 0.3),
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


def figure_to_png(fig, dpi: int = 60, colors: int | None = 64) -> bytes:
    """Render a matplotlib figure to PNG bytes and close it (a live panel's one picture).

    ``colors`` quantises the image to a palette of that many colours, as the frames of
    :mod:`nbcode.frames` (which draw many frames on one figure instead).
    """
    from matplotlib.figure import Figure
    from PIL import Image

    if not isinstance(fig, Figure):
        kind = type(fig).__name__
        raise TypeError(_("fig must be a matplotlib Figure (e.g. from plt.subplots()); received "
                          "{kind}.").format(kind=kind))
    check_png_settings(dpi, colors)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    if colors is None:
        return buffer.getvalue()
    buffer.seek(0)
    return png_from_rgb(np.asarray(Image.open(buffer).convert("RGB")), colors)


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
    check_callable(loss, "loss", _("beta of shape (2,) -> float"))
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
    ax = ax or plt.gca()
    DescentPath(ax, color=color, label=label, minimum=minimum).update(path)
    return ax
