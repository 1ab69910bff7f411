"""Helpers for the chapter on transfer learning (chapter 6).

A CNN (:func:`nbcode.cnn.make_cnn`) is pretrained on a *source* task, the digits
0-4, and reused on a *target* task, the digits 5-9, for which only a few labels
are available. Three ways to learn the target task are compared:

* ``"frozen"``: keep the pretrained layers fixed, train a new head only;
* ``"fine-tune"``: new head, then train every layer;
* ``"scratch"``: a fresh network with random weights, trained on the target labels.

The chapter's measured grid (:func:`transfer_grid`) uses noisy digits
(:func:`split_digits` with ``noise``), a *similar* source of many augmented noisy
digits 0-4 and a *dissimilar* one, the same images with shuffled pixels
(:func:`source_task`); every regime is tuned on validation data with the same grid
of learning rates and numbers of updates (:func:`tune`), on a body topped by one
linear layer (:func:`linear_head`). :func:`plot_grid` and
:func:`plot_learning_curves` draw it. :func:`train_target`, :func:`learning_curve`
and :func:`plot_target_regions` serve the pictures (a 2-unit feature layer in the
head) and the live explorer. Images use the layout of :mod:`nbcode.nn`: ``(n, 1, 8, 8)``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from . import i18n
from ._validation import (
    as_array,
    check_callable,
    check_choice,
    check_class_indices,
    check_integer,
    check_positive,
    check_probability,
    check_same_length,
    check_seed,
)
from .cnn import as_image_batch, cnn_features, feature_limits, make_cnn
from .data import load_digits
from .i18n import N_, _
from .nn import Activation, Adam, Conv2D, Dense, Flatten, Sequential, softmax
from .parallel import map_cells
from .plots import CLASS_COLORS
from .widgets import live_panel, select_slider, slider

__all__ = ["TargetRegions", "TransferData", "split_digits",
           "pretrain", "body_size", "new_head", "freeze", "n_trainable",
           "augment_digits", "permute_pixels", "SOURCES", "source_task", "linear_head", "TuningResult",
           "tune", "GridResult", "split_labels", "transfer_grid", "plot_grid",
           "sample_labels", "train_target", "REGIMES", "learning_curve",
           "plot_learning_curves", "plot_target_regions", "transfer_explorer", "display_name"]

#: The three ways of learning the target task, in the order the chapter shows them.
REGIMES = ("frozen", "fine-tune", "scratch")

#: How a regime and a source are named where a reader sees them (the keys stay as they are).
_DISPLAY_NAMES = {"frozen": N_("frozen"), "fine-tune": N_("fine-tune"), "scratch": N_("scratch"),
                  "similar": N_("similar"), "dissimilar": N_("dissimilar"),
                  # the verdicts of a paired comparison (GridResult.verdict)
                  "ahead": N_("ahead"), "behind": N_("behind"), "tie": N_("tie")}


def display_name(key: str) -> str:
    """A regime's or a source's name as the reader sees it, in the current language.

    ``"scratch"`` reads ``"scratch"`` in English and ``"depuis zéro"`` in French (the
    verdicts ``"ahead"``, ``"behind"`` and ``"tie"`` too); a name the book does not know
    (a source of your own) is shown as it is.
    """
    return i18n._(_DISPLAY_NAMES[key]) if key in _DISPLAY_NAMES else str(key)

#: Settings shared by the chapter: small networks, short training.
CNN_KWARGS = {"channels": (8, 16), "n_hidden": 32}


@dataclass
class TransferData:
    """The two tasks, each split into a training pool and a test set.

    Attributes
    ----------
    X_source, y_source : (n_s, 1, 8, 8), (n_s,)
        Source training images and labels (digits 0-4).
    X_source_test, y_source_test : source test set.
    X_pool, y_pool : (n_p, 1, 8, 8), (n_p,)
        Target images (digits 5-9) from which the labelled examples are drawn;
        labels are the target classes 0-4, i.e. ``digit - 5``.
    X_target_test, y_target_test : target test set (classes 0-4).
    """

    X_source: np.ndarray
    y_source: np.ndarray
    X_source_test: np.ndarray
    y_source_test: np.ndarray
    X_pool: np.ndarray
    y_pool: np.ndarray
    X_target_test: np.ndarray
    y_target_test: np.ndarray

    def __repr__(self) -> str:
        return _("TransferData(source: {n_source} train + {n_source_test} test; "
                 "target: {n_pool} pool + {n_target_test} test)").format(
            n_source=len(self.y_source), n_source_test=len(self.y_source_test),
            n_pool=len(self.y_pool), n_target_test=len(self.y_target_test))


def split_digits(test_fraction: float = 0.3, seed: int = 0, noise: float = 0.0) -> TransferData:
    """Split scikit-learn's digits into a source task (0-4) and a target task (5-9).

    Each task is split at random into training and test images (``test_fraction``
    of each for testing). Target labels are shifted to 0-4 (``digit - 5``), so that
    a 5-class head can be trained on either task. ``noise`` > 0 adds Gaussian pixel
    noise of that standard deviation to every image (pixels are in [0, 1]), drawn
    once from ``seed``: the digits as a noisy scanner would deliver them.
    """
    check_probability(test_fraction, "test_fraction", open_interval=True)
    check_seed(seed)
    check_positive(noise, "noise", allow_zero=True)
    images, digits = load_digits()
    X = as_image_batch(images)
    if noise:
        X = X + noise * np.random.default_rng([seed, 1]).normal(size=X.shape)
    rng = np.random.default_rng(seed)
    parts = []
    for task in (digits < 5, digits >= 5):
        index = rng.permutation(np.flatnonzero(task))
        n_test = int(round(test_fraction * len(index)))
        test, train = index[:n_test], index[n_test:]
        parts += [X[train], digits[train] % 5, X[test], digits[test] % 5]
    return TransferData(*parts)


def _adam(learning_rate):
    return Adam(learning_rate=learning_rate)


def pretrain(X, y, n_features: int = 2, epochs: int = 10, learning_rate: float = 0.01,
             seed: int = 0, n_hidden: int | None = None, channels=None,
             conv_init: str = "he") -> Sequential:
    """Train chapter 5's CNN (5 classes, ``n_features`` feature units) on the source task.

    ``n_hidden`` units in its hidden dense layer and ``channels`` filters in its two
    convolutions (defaults: :data:`CNN_KWARGS`'s); Adam, mini-batches of 32.
    """
    X = as_array(X, "X", ndim=4)
    check_positive(epochs, "epochs", integer=True)
    check_positive(learning_rate, "learning_rate")
    kwargs = dict(CNN_KWARGS)
    if n_hidden is not None:
        kwargs["n_hidden"] = check_positive(n_hidden, "n_hidden", integer=True)
    if channels is not None:
        kwargs["channels"] = tuple(channels)
    model = make_cnn(n_classes=5, n_features=n_features, seed=seed, conv_init=conv_init, **kwargs)
    model.fit(X, y, epochs=epochs, batch_size=32, optimizer=_adam(learning_rate), seed=seed)
    return model


def body_size(model: Sequential) -> int:
    """Number of layers of the *body*: everything up to and including the Flatten layer."""
    _check_model(model)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Flatten):
            return i + 1
    raise TypeError(_("model has no Flatten layer: build it with nbcode.cnn.make_cnn()."))


def _check_model(model, name: str = "model") -> Sequential:
    if not isinstance(model, Sequential):
        kind = type(model).__name__
        raise TypeError(_("{name} must be an nbcode Sequential, e.g. make_cnn(); received "
                          "{kind}.").format(name=name, kind=kind))
    return model


def new_head(model: Sequential, n_classes: int, n_hidden: int = 32, n_features: int = 2,
             seed: int = 0) -> Sequential:
    """A copy of ``model``'s convolutional body topped by a fresh, randomly initialised head.

    The *body* is every layer up to the Flatten (the two convolution blocks of
    :func:`nbcode.cnn.make_cnn`); it is deep-copied, so training the new model
    leaves ``model`` untouched. The new head is the one of ``make_cnn``::

        Dense(n_flat, n_hidden) -> ReLU -> Dense(n_hidden, n_features) -> Dense(n_features, n_classes)
    """
    _check_model(model)
    check_positive(n_classes, "n_classes", integer=True)
    check_positive(n_hidden, "n_hidden", integer=True)
    check_positive(n_features, "n_features", integer=True)
    n_body = body_size(model)
    body = [copy.deepcopy(layer) for layer in model.layers[:n_body]]
    n_flat = next(layer.n_in for layer in model.layers[n_body:] if isinstance(layer, Dense))
    rng = np.random.default_rng(seed)
    head = [Dense(n_flat, n_hidden, seed=rng), Activation("relu"),
            Dense(n_hidden, n_features, init="glorot", seed=rng),
            Dense(n_features, n_classes, init="glorot", seed=rng)]
    return Sequential(body + head)


def freeze(model: Sequential, n_layers: int) -> Sequential:
    """Freeze the first ``n_layers`` layers, unfreeze the others (in place); return the model.

    A frozen layer (``trainable = False``) still passes gradients back to earlier
    layers, but the optimiser leaves its parameters alone.
    """
    _check_model(model)
    check_positive(n_layers, "n_layers", integer=True, allow_zero=True)
    for i, layer in enumerate(model.layers):
        layer.trainable = i >= n_layers
    return model


def n_trainable(model: Sequential) -> int:
    """Number of parameters the optimiser will update (those of trainable layers)."""
    _check_model(model)
    return sum(layer.n_params for layer in model.layers if layer.trainable)


def sample_labels(y, n_labels: int, seed: int = 0) -> np.ndarray:
    """Indices of ``n_labels`` examples drawn at random, as balanced over classes as possible.

    Each class gets ``n_labels // n_classes`` examples, and the remainder goes to
    randomly chosen classes, so that even 10 labels cover all 5 classes.
    """
    y = as_array(y, "y", ndim=1, dtype=None)
    check_positive(n_labels, "n_labels", integer=True)
    classes = np.unique(y)
    if n_labels > len(y):
        size = len(y)
        raise ValueError(_("n_labels must be at most the pool's size {size}; received "
                           "{n_labels}.").format(size=size, n_labels=n_labels))
    rng = np.random.default_rng(seed)
    per_class = np.full(len(classes), n_labels // len(classes))
    per_class[rng.choice(len(classes), n_labels % len(classes), replace=False)] += 1
    chosen = [rng.choice(np.flatnonzero(y == c), k, replace=False)
              for c, k in zip(classes, per_class, strict=True)]
    return rng.permutation(np.concatenate(chosen))


def _epochs_for(n: int, n_steps: int, batch_size: int) -> int:
    """Epochs that give about ``n_steps`` updates on ``n`` examples."""
    batches = -(-n // batch_size)
    return max(1, round(n_steps / batches))


def train_target(regime: str, pretrained: Sequential, X, y, n_steps: int = 120,
                 batch_size: int = 32, learning_rate: float = 0.01,
                 fine_tune_learning_rate: float = 0.003, seed: int = 0, callbacks=None,
                 n_classes: int = 5, n_features: int | None = None, hidden: bool = True,
                 conv_init: str = "he") -> Sequential:
    """Learn the target task from ``(X, y)`` in one of the three :data:`REGIMES`.

    * ``"frozen"``: :func:`new_head`, :func:`freeze` the body (only the head learns),
      ``learning_rate``;
    * ``"fine-tune"``: :func:`new_head`; half the updates on the head alone with
      ``learning_rate``, then every layer learns with ``fine_tune_learning_rate``;
    * ``"scratch"``: a fresh :func:`make_cnn` (weights drawn with ``seed``), ``learning_rate``.

    Every regime makes about ``n_steps`` Adam updates on mini-batches of
    ``batch_size`` (so 10 labels get as many updates as 300). The head's feature
    layer has ``n_features`` units (default: as many as ``pretrained``'s; 2 to draw
    decision regions in the plane). ``hidden=False`` drops the head's hidden ReLU
    layer: ``Dense(n_flat, n_features) -> Dense(n_features, n_classes)``, a linear
    head of rank ``n_features`` (the scratch network is then ``make_cnn(n_hidden=0)``).
    ``conv_init`` draws the scratch network's convolutions (:func:`nbcode.cnn.make_cnn`).
    Returns the trained model.
    """
    check_choice(regime, "regime", set(REGIMES))
    _check_model(pretrained, "pretrained")
    X = as_array(X, "X", ndim=4)
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(X, y, "X", "y")
    check_positive(n_steps, "n_steps", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    check_positive(learning_rate, "learning_rate")
    check_positive(fine_tune_learning_rate, "fine_tune_learning_rate")
    if n_features is None:
        n_features = pretrained.layers[-1].n_in
    check_positive(n_features, "n_features", integer=True)
    if regime == "scratch":
        convs = [layer for layer in pretrained.layers if isinstance(layer, Conv2D)]
        kwargs = dict(CNN_KWARGS, channels=tuple(layer.params["W"].shape[0] for layer in convs))
        if not hidden:
            kwargs["n_hidden"] = 0
        model = make_cnn(n_classes=n_classes, n_features=n_features, seed=1000 + seed,
                         conv_init=conv_init, **kwargs)
        rate = learning_rate
    else:
        if hidden:
            model = new_head(pretrained, n_classes, n_features=n_features, seed=1000 + seed)
        else:
            n_body = body_size(pretrained)
            rng = np.random.default_rng(1000 + seed)
            n_flat = next(layer.n_in for layer in pretrained.layers[n_body:] if isinstance(layer, Dense))
            model = Sequential([copy.deepcopy(layer) for layer in pretrained.layers[:n_body]]
                               + [Dense(n_flat, n_features, init="glorot", seed=rng),
                                  Dense(n_features, n_classes, init="glorot", seed=rng)])
        if regime == "frozen":
            freeze(model, body_size(model))
            rate = learning_rate
        else:
            rate = fine_tune_learning_rate
    if regime == "fine-tune":
        # The standard recipe: train the random head on the frozen body first (half
        # the updates), so that its large early gradients do not wreck the
        # pretrained weights; then unfreeze everything with a smaller learning rate.
        freeze(model, body_size(model))
        epochs = _epochs_for(len(X), n_steps // 2, batch_size)
        model.fit(X, y, epochs=epochs, batch_size=batch_size, optimizer=_adam(learning_rate),
                  seed=seed, callbacks=callbacks)
        freeze(model, 0)
        n_steps -= n_steps // 2
    epochs = _epochs_for(len(X), n_steps, batch_size)
    model.fit(X, y, epochs=epochs, batch_size=batch_size, optimizer=_adam(rate), seed=seed,
              callbacks=callbacks)
    return model


def learning_curve(pretrained: Sequential, data: TransferData, label_counts=(10, 20, 50, 100, 300),
                   seeds=(0, 1, 2), regimes=REGIMES, **train_kwargs) -> dict[str, np.ndarray]:
    """Target test accuracy for every regime, number of labels and seed.

    Returns ``{regime: array of shape (len(label_counts), len(seeds))}``. The seed
    picks the labelled examples (the same for every regime), the new head's and the
    fresh network's initial weights, and the order of the mini-batches.
    """
    _check_model(pretrained, "pretrained")
    if not isinstance(data, TransferData):
        kind = type(data).__name__
        raise TypeError(_("data must be a TransferData (from split_digits()); received "
                          "{kind}.").format(kind=kind))
    for regime in regimes:
        check_choice(regime, "regimes (each)", set(REGIMES))
    results = {regime: np.zeros((len(label_counts), len(seeds))) for regime in regimes}
    for i, n_labels in enumerate(label_counts):
        for j, seed in enumerate(seeds):
            index = sample_labels(data.y_pool, n_labels, seed=seed)
            for regime in regimes:
                model = train_target(regime, pretrained, data.X_pool[index], data.y_pool[index],
                                     seed=seed, **train_kwargs)
                results[regime][i, j] = model.score(data.X_target_test, data.y_target_test)
    return results


#: Colour, marker and legend (translated where it is shown) of each regime.
REGIME_STYLE = {"frozen": ("#0072B2", "o", N_("frozen features + new head")),
                "fine-tune": ("#D55E00", "s", N_("fine-tuning (all layers)")),
                "scratch": ("#555555", "^", N_("from scratch"))}


def _style(regime: str) -> tuple[str, str, str]:
    """Colour, marker and legend label of a regime, the label in the current language."""
    if regime not in REGIME_STYLE:
        return "black", "o", display_name(regime)
    color, marker, label = REGIME_STYLE[regime]
    return color, marker, i18n._(label)


def plot_learning_curves(label_counts, results: dict, ax=None, chance: float | None = 0.2):
    """Mean test accuracy against the number of labels, with ±1 standard deviation bars."""
    label_counts = as_array(label_counts, "label_counts", ndim=1, dtype=None)
    results = {regime: as_array(accuracy, f"results[{regime!r}]", ndim=2)
               for regime, accuracy in results.items()}
    for regime, accuracy in results.items():
        if accuracy.shape[0] != len(label_counts):
            n_counts, shape = len(label_counts), accuracy.shape
            raise ValueError(_("results[{regime!r}] must have shape ({n_counts}, n_seeds), "
                               "one row per label count; received shape {shape}.").format(
                                   regime=regime, n_counts=n_counts, shape=shape))
    if chance is not None:
        check_probability(chance, "chance")
    ax = ax or plt.gca()
    for regime, accuracy in results.items():
        color, marker, label = _style(regime)
        ax.errorbar(label_counts, accuracy.mean(axis=1), yerr=accuracy.std(axis=1), color=color,
                    marker=marker, capsize=3, lw=1.6, label=label)
    if chance is not None:
        ax.axhline(chance, color="grey", lw=0.8, ls=":", label=_("chance"))
    ax.set_xscale("log")
    ax.set_xticks(label_counts, [str(n) for n in label_counts])
    ax.set_xlabel(_("number of labelled target examples (log scale)"))
    ax.set_ylabel(_("target test accuracy"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


class TargetRegions:
    """A moving piece (:mod:`nbcode.frames`): a 2-feature CNN's head regions, images at their features.

    Like :class:`nbcode.cnn.FeatureSpace`, but class ``k`` is drawn in the book's colour
    and marker of digit ``k + offset`` (the target classes 0-4 are the digits 5-9), so
    that a digit looks the same across chapters. Built once on an axis; :meth:`update`
    shades the regions of another network (its head's softmax over the feature plane)
    and moves the images to its features (:func:`~nbcode.cnn.cnn_features`).

    Parameters
    ----------
    ax : matplotlib Axes
    model : Sequential
        A network whose feature layer has 2 units (its features fix the limits if
        ``limits`` is None).
    X : array, shape (n, 1, h, w)
    y : array, shape (n,)
        Target classes 0 .. k-1 (k the head's outputs).
    legend : bool
        A legend naming the digits of ``y``.
    legend_loc : str
        Where: a matplotlib location inside the axes, or ``"outside right"`` (beside the
        axes, hiding no point).
    rescale : bool
        Whether the axes follow the features in every :meth:`update` (their
        :func:`~nbcode.cnn.feature_limits`), as they spread out during training.
    """

    def __init__(self, ax, model: Sequential, X, y, limits=None, resolution: int = 50,
                 size: float = 8, offset: int = 5, legend: bool = False,
                 legend_loc: str = "upper right", rescale: bool = False):
        from matplotlib.markers import MarkerStyle

        from .frames import CLASS_MARKERS, DecisionRegions, class_legend

        self.X = as_array(X, "X", ndim=4)
        features = self._features(model)
        n_classes = int(model.layers[-1].params["W"].shape[1])
        y = check_class_indices(y, n_classes, "y", _(" (one per output of the head)"))
        check_same_length(self.X, y, "X", "y")
        offset = check_integer(offset, "offset")
        digit = [(c + offset) % 10 for c in range(n_classes)]
        self.regions = DecisionRegions(ax, limits or feature_limits(features), features, y,
                                       resolution=resolution,
                                       palette=[CLASS_COLORS[d] for d in digit], size=size,
                                       axis_labels=(_("feature 1"), _("feature 2")),
                                       rescale=rescale)
        # The j-th scatter holds the j-th smallest class of y: give it that digit's look.
        for scatter, label in zip(self.regions.scatters, np.unique(y), strict=True):
            marker = MarkerStyle(CLASS_MARKERS[digit[label]])
            scatter.set_paths([marker.get_path().transformed(marker.get_transform())])
            scatter.set_facecolor(CLASS_COLORS[digit[label]])
            scatter.set_linewidth(0.25)  # the book's feature-space points: thin edges
            scatter.set_label(str(digit[label]))
        if legend:
            class_legend(ax, self.regions.scatters, loc=legend_loc, markerscale=3,
                         handlelength=1.0, handletextpad=0.2)

    def _features(self, model) -> np.ndarray:
        features = cnn_features(model, self.X)
        if features.shape[1] != 2:
            n_units = features.shape[1]
            raise ValueError(_("the feature layer must have 2 units; it has {n_units}.").format(
                n_units=n_units))
        return features

    @property
    def artists(self) -> list:
        return self.regions.artists

    def update(self, model: Sequential, title: str | None = None) -> None:
        """Shade ``model``'s head regions and move the images to its features."""
        head = model.layers[-1]
        features = self._features(model)
        self.regions.update(lambda points: softmax(head.forward(points)), X=features,
                            title=title,
                            limits=feature_limits(features) if self.regions.rescale else None)


def plot_target_regions(model: Sequential, X, y, ax=None, limits=None, resolution: int = 50,
                        size: float = 8, offset: int = 5, title: str | None = None,
                        legend: bool = False):
    """Decision regions of a 2-feature CNN's head, with the images placed at their features.

    A still picture of a :class:`TargetRegions` (the piece the chapter's player moves):
    class ``k`` in the colour of digit ``k + offset``.
    """
    ax = ax or plt.gca()
    TargetRegions(ax, model, X, y, limits=limits, resolution=resolution, size=size,
                  offset=offset, legend=legend).update(model, title=title)
    return ax


def transfer_explorer(pretrained: Sequential, data: TransferData, label_options=(5, 10, 20, 50, 200),
                      n_steps: int = 120, figsize=(6.4, 3.0), dpi: int = 72, **train_kwargs):
    """A live-kernel control: fine-tuning vs from scratch for a chosen number of labels and seed.

    The new heads have a 2-unit feature layer (``n_features=2``), so that their
    decision regions can be drawn; ``train_kwargs`` go to :func:`train_target`.
    Each change retrains both regimes (:func:`train_target`, ``n_steps`` updates)
    and redraws their decision regions on the target test images
    (:func:`plot_target_regions`). The default setting is drawn at once, so a
    saved page shows it without a kernel; changing a control needs a running kernel.
    """
    label_options = list(label_options)

    def draw(labels, seed):
        index = sample_labels(data.y_pool, labels, seed=seed)
        fig, axes = plt.subplots(1, 2, figsize=figsize, layout="constrained")
        for ax, regime in zip(axes, ("fine-tune", "scratch"), strict=True):
            model = train_target(regime, pretrained, data.X_pool[index], data.y_pool[index],
                                 n_steps=n_steps, seed=seed, n_features=2, **train_kwargs)
            accuracy = model.score(data.X_target_test, data.y_target_test)
            plot_target_regions(model, data.X_target_test, data.y_target_test, ax=ax,
                                resolution=40, size=6,
                                title=_("{regime}, {labels} labels: accuracy {accuracy:.2f}").format(
                                    regime=display_name(regime), labels=labels, accuracy=accuracy))
        return fig

    return live_panel({"labels": select_slider(label_options,
                                               value=label_options[len(label_options) // 2],
                                               label=_("labels")),
                       "seed": slider(0, 0, 9, label=_("seed"))},
                      draw, description=_("number of labels and seed, retrained"), dpi=dpi,
                      colors=48)


# --------------------------------------------------------------------------- the measured grid
#
# The experiment of the chapter: a body pretrained on a *similar* source (many
# augmented, noisy digits 0-4, from the same "scanner" as the target) or on a
# *dissimilar* one (the same images with their pixels shuffled by one fixed
# permutation, which destroys the local structure convolutions learn), reused on
# the target (noisy digits 5-9) with few or many labels. Every regime gets the same
# tuning budget: a grid of learning rates times checkpoints (numbers of updates),
# picked on validation images that are neither training labels nor test images.


def augment_digits(X, n_copies: int = 6, seed: int = 0, max_shift: float = 1.0,
                   max_angle: float = 15.0, max_shear: float = 0.3, max_zoom: float = 0.1,
                   thicken: float = 0.3) -> np.ndarray:
    """Randomly deformed copies of digit images: ``n_copies`` of each, shape (n_copies * n, 1, h, w).

    Each copy is an affine map of the image about its centre (a rotation of up to
    ``max_angle`` degrees, a shear up to ``max_shear``, a zoom by up to ``±max_zoom``,
    a shift of up to ``max_shift`` pixels, linear interpolation), and with
    probability ``thicken`` a 2×2 grey dilation (a thicker pen). Copy ``k`` of image
    ``i`` is row ``k * n + i``. Values are clipped to [0, 1].
    """
    from scipy import ndimage

    X = as_array(X, "X", ndim=4)
    if X.shape[1] != 1:
        shape = X.shape
        raise ValueError(_("X must hold grey images, shape (n, 1, h, w); received shape "
                           "{shape}.").format(shape=shape))
    check_positive(n_copies, "n_copies", integer=True)
    check_seed(seed)
    for value, name in ((max_shift, "max_shift"), (max_angle, "max_angle"),
                        (max_shear, "max_shear"), (max_zoom, "max_zoom")):
        check_positive(value, name, allow_zero=True)
    check_probability(thicken, "thicken")
    if max_zoom >= 1:
        raise ValueError(_("max_zoom must be below 1 (a zoom factor 1 ± max_zoom); received "
                           "{max_zoom}.").format(max_zoom=max_zoom))
    rng = np.random.default_rng(seed)
    n, _channels, h, w = X.shape
    centre = np.array([(h - 1) / 2, (w - 1) / 2])
    out = np.empty((n_copies * n, 1, h, w))
    for k in range(n_copies):
        for i in range(n):
            angle = np.deg2rad(rng.uniform(-max_angle, max_angle))
            rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
            shear = np.array([[1.0, rng.uniform(-max_shear, max_shear)], [0.0, 1.0]])
            matrix = rotation @ shear / (1 + rng.uniform(-max_zoom, max_zoom))
            offset = centre - matrix @ centre - rng.uniform(-max_shift, max_shift, 2)
            image = ndimage.affine_transform(X[i, 0], matrix, offset=offset, order=1)
            if rng.random() < thicken:
                image = ndimage.grey_dilation(image, size=(2, 2))
            out[k * n + i, 0] = image
    return np.clip(out, 0.0, 1.0)


def permute_pixels(X, seed: int = 0) -> np.ndarray:
    """The images with their pixels shuffled by one permutation drawn from ``seed`` (the same for all).

    A linear model on the pixels cannot tell the difference (it is a relabelling of
    its inputs); a convolution can, since neighbouring pixels are no longer neighbours.
    """
    X = as_array(X, "X", ndim=4)
    check_seed(seed)
    n_pixels = int(np.prod(X.shape[1:]))
    order = np.random.default_rng(seed).permutation(n_pixels)
    return X.reshape(len(X), n_pixels)[:, order].reshape(X.shape)


#: The two sources of the grid: the similar one and the dissimilar one.
SOURCES = ("similar", "dissimilar")


def source_task(kind: str = "similar", n_copies: int = 6, noise: float = 0.3,
                test_fraction: float = 0.3, seed: int = 0):
    """The pretraining set: the source training digits 0-4 and ``n_copies`` augmented copies of them.

    The clean source images of :func:`split_digits` (same ``test_fraction`` and
    ``seed``, so no source test image is used) and their copies deformed by
    :func:`augment_digits` are given fresh Gaussian noise of standard deviation
    ``noise``, like the target. ``kind="dissimilar"`` shuffles their pixels with
    :func:`permute_pixels` (seed ``seed``). Returns ``(X, y)``, shapes
    ((n_copies + 1) * n_s, 1, 8, 8) and ((n_copies + 1) * n_s,).
    """
    check_choice(kind, "kind", set(SOURCES))
    check_positive(noise, "noise", allow_zero=True)
    clean = split_digits(test_fraction=test_fraction, seed=seed)
    X = np.concatenate([clean.X_source, augment_digits(clean.X_source, n_copies=n_copies, seed=seed)])
    X = X + noise * np.random.default_rng([seed, 2]).normal(size=X.shape)
    if kind == "dissimilar":
        X = permute_pixels(X, seed=seed)
    return X, np.tile(clean.y_source, n_copies + 1)


def linear_head(body_model: Sequential, n_classes: int = 5, seed: int = 0,
                pretrained: bool = True, conv_init: str = "he") -> Sequential:
    """The target network of the grid: a body and one new linear layer, ``Dense(n_flat, n_classes)``.

    With ``pretrained=True`` the body is a deep copy of ``body_model``'s layers up to
    the Flatten (:func:`body_size`), so training leaves ``body_model`` untouched; with
    ``pretrained=False`` it is the same architecture with fresh random weights (drawn
    with ``seed`` and ``conv_init``, see :func:`nbcode.cnn.make_cnn`), the from-scratch
    network. The head's weights are drawn with ``seed``.
    """
    _check_model(body_model, "body_model")
    check_positive(n_classes, "n_classes", integer=True)
    check_seed(seed)
    n_body = body_size(body_model)
    if pretrained:
        body = [copy.deepcopy(layer) for layer in body_model.layers[:n_body]]
    else:
        convs = [layer for layer in body_model.layers if isinstance(layer, Conv2D)]
        channels = tuple(layer.params["W"].shape[0] for layer in convs)
        body = make_cnn(n_classes=n_classes, channels=channels, seed=seed,
                        conv_init=conv_init).layers[:n_body]
    n_flat = next(layer.n_in for layer in body_model.layers[n_body:] if isinstance(layer, Dense))
    return Sequential(body + [Dense(n_flat, n_classes, init="glorot", seed=seed)])


class _Checkpoints:
    """Callback: at each checkpoint (number of updates), the validation accuracy and a copy
    of the parameters; stops training after the last one."""

    def __init__(self, checkpoints, X_val, y_val):
        self.checkpoints = list(checkpoints)
        self.X_val, self.y_val = X_val, y_val
        self.accuracy, self.steps, self.params = [], [], []

    def __call__(self, progress) -> bool:
        done = len(self.steps)
        if done < len(self.checkpoints) and progress.step >= self.checkpoints[done]:
            model = progress.model
            self.accuracy.append(model.score(self.X_val, self.y_val))
            self.steps.append(progress.step)
            self.params.append(model.get_params())
        return len(self.steps) == len(self.checkpoints)


@dataclass
class TuningResult:
    """What :func:`tune` found: the validation grid and the model it picked.

    Attributes
    ----------
    validation : (n_rates, n_checkpoints) array
        Validation accuracy after each number of updates, for each learning rate.
    steps : (n_rates, n_checkpoints) int array
        Updates actually made at each checkpoint (the first epoch end at or past it).
    learning_rate, n_steps : the chosen setting (the best validation accuracy; ties go
        to the smaller learning rate, then to fewer updates).
    model : Sequential, trained with the chosen setting.
    """

    validation: np.ndarray
    steps: np.ndarray
    learning_rate: float
    n_steps: int
    model: Sequential


def tune(make_model, X, y, X_val, y_val, learning_rates=(0.001, 0.003, 0.01),
         checkpoints=(25, 50, 100, 200), batch_size: int = 32, seed: int = 0) -> TuningResult:
    """Train ``make_model()`` with Adam at each learning rate; keep the setting best on validation.

    ``make_model`` returns a fresh (untrained) model each time it is called, e.g.
    ``lambda: linear_head(pretrained, seed=1)``; every learning rate starts from
    the same weights if it draws them from a fixed seed. Training stops at the last
    checkpoint; the validation accuracy at every checkpoint is recorded, so the
    number of updates is tuned at no extra cost. ``(X_val, y_val)`` is the only data
    the choice sees. Returns a :class:`TuningResult`.
    """
    check_callable(make_model, "make_model", "() -> a fresh nbcode Sequential")
    X = as_array(X, "X", ndim=(2, 4))
    y = as_array(y, "y", ndim=1, dtype=None)
    check_same_length(X, y, "X", "y")
    X_val = as_array(X_val, "X_val", ndim=(2, 4))
    y_val = as_array(y_val, "y_val", ndim=1, dtype=None)
    check_same_length(X_val, y_val, "X_val", "y_val")
    learning_rates = [check_positive(rate, "learning_rates (each)") for rate in learning_rates]
    checkpoints = sorted(check_positive(c, "checkpoints (each)", integer=True) for c in checkpoints)
    if not learning_rates or not checkpoints:
        raise ValueError(_("learning_rates and checkpoints must each hold at least one value; "
                           "received {learning_rates!r} and {checkpoints!r}.").format(
                               learning_rates=learning_rates, checkpoints=checkpoints))
    check_positive(batch_size, "batch_size", integer=True)
    check_seed(seed)
    batches = -(-len(X) // batch_size)
    epochs = -(-checkpoints[-1] // batches)
    runs = []
    for rate in learning_rates:
        model = make_model()
        _check_model(model, "make_model()")
        record = _Checkpoints(checkpoints, X_val, y_val)
        model.fit(X, y, epochs=epochs, batch_size=batch_size, optimizer=Adam(rate), seed=seed,
                  callbacks=[record])
        runs.append((model, record))
    validation = np.array([record.accuracy for _, record in runs])
    steps = np.array([record.steps for _, record in runs])
    i, j = np.unravel_index(np.argmax(validation), validation.shape)
    model, record = runs[i]
    model.set_params(record.params[j])
    return TuningResult(validation, steps, float(learning_rates[i]), int(steps[i, j]), model)


@dataclass
class GridResult:
    """The measured grid: test accuracy of every regime, source, number of labels and seed.

    Attributes
    ----------
    accuracy : dict (source, n_labels, regime) -> (n_seeds,) array
        Target test accuracy of the setting chosen on validation, one per seed.
        ``"scratch"`` ignores the source: both sources hold the same array.
    settings : dict (source, n_labels, regime) -> list of (learning_rate, n_steps), one per seed
    label_counts, seeds, sources, regimes : what was run.
    """

    accuracy: dict
    settings: dict
    label_counts: tuple
    seeds: tuple
    sources: tuple
    regimes: tuple = REGIMES

    def mean_sd(self, source: str, n_labels: int, regime: str) -> tuple[float, float]:
        """Mean and standard deviation over seeds of one cell's test accuracy."""
        values = self.accuracy[source, n_labels, regime]
        return float(values.mean()), float(values.std())

    def chosen(self, source: str, n_labels: int, regime: str) -> tuple[float, int]:
        """The most frequent (learning_rate, n_steps) over seeds (ties: the first seen)."""
        choices = self.settings[source, n_labels, regime]
        return max(choices, key=choices.count)

    def curves(self, source: str) -> dict:
        """``{regime: (n_label_counts, n_seeds) array}`` for one source, as
        :func:`plot_learning_curves` takes it."""
        check_choice(source, "source", set(self.sources))
        return {regime: np.array([self.accuracy[source, n, regime] for n in self.label_counts])
                for regime in self.regimes}

    def difference(self, source: str, n_labels: int, regime: str, baseline: str = "scratch"):
        """Paired comparison over seeds (same labels for both): ``(mean, standard error, verdict)``.

        ``mean`` is the mean of ``regime``'s accuracy minus ``baseline``'s, seed by seed;
        the standard error is the sample standard deviation of the differences over
        the square root of the number of seeds; the verdict is ``"ahead"`` or ``"behind"``
        when the mean is more than two standard errors from 0, ``"tie"`` otherwise.
        """
        d = self.accuracy[source, n_labels, regime] - self.accuracy[source, n_labels, baseline]
        if len(d) < 2:
            n_seeds = len(d)
            raise ValueError(_("a paired comparison needs at least 2 seeds; the grid has "
                               "{n_seeds}.").format(n_seeds=n_seeds))
        mean, se = float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))
        verdict = "ahead" if mean > 2 * se else "behind" if mean < -2 * se else "tie"
        return mean, se, verdict

    def table(self) -> str:
        """The grid as text: one row per (source, labels), mean ± sd of each regime.

        Headers, sources and regimes are named in the current language
        (:func:`display_name`); a column widens for a longer name.
        """
        source_head, labels_head = _("source"), _("labels")
        sources = [display_name(source) for source in self.sources]
        regimes = [display_name(regime) for regime in self.regimes]
        w_source = max(10, len(source_head), *(len(name) for name in sources))
        w_labels = max(6, len(labels_head))
        lines = [f"{source_head:>{w_source}s} {labels_head:>{w_labels}s}"
                 + "".join(f"{name:>{max(15, len(name) + 1)}s}" for name in regimes)]
        for source, source_name in zip(self.sources, sources, strict=True):
            for n in self.label_counts:
                cells = "".join("{:>9.2f} ± {:.2f}".format(*self.mean_sd(source, n, r))
                                for r in self.regimes)
                lines.append(f"{source_name:>{w_source}s} {n:>{w_labels}d}{cells}")
        return "\n".join(lines)


def split_labels(y, n_labels: int, n_validation: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint index arrays ``(train, validation)`` into ``y``, each balanced over classes
    (:func:`sample_labels`): ``n_labels`` training labels, ``n_validation`` for tuning."""
    y = as_array(y, "y", ndim=1, dtype=None)
    check_positive(n_validation, "n_validation", integer=True)
    if n_labels + n_validation > len(y):
        size = len(y)
        raise ValueError(_("n_labels + n_validation must be at most the pool's size {size}; "
                           "received {n_labels} + {n_validation}.").format(
                               size=size, n_labels=n_labels, n_validation=n_validation))
    train_index = sample_labels(y, n_labels, seed=seed)
    rest = np.setdiff1d(np.arange(len(y)), train_index)
    return train_index, rest[sample_labels(y[rest], n_validation, seed=seed)]


def transfer_grid(pretrained: dict, data: TransferData, label_counts=(10, 250), seeds=range(5),
                  learning_rates=(0.001, 0.003, 0.01), checkpoints=(25, 50, 100, 200),
                  n_validation: int = 50, batch_size: int = 32, conv_init: str = "he",
                  regimes=REGIMES, n_jobs: int | None = None) -> GridResult:
    """Frozen, fine-tuned and from-scratch target networks for each source, label count and seed.

    ``pretrained`` maps a source name to a network pretrained on it (:func:`pretrain`).
    For each number of labels and seed, :func:`split_labels` draws the training and
    validation images from ``data``'s pool (the same for every regime and source). Each
    regime is :func:`tune`-d on the same grid (``learning_rates`` × ``checkpoints``):

    * ``"frozen"``: the new linear layer alone, trained on the body's features computed once;
    * ``"fine-tune"``: every layer, starting from the body and the frozen regime's chosen
      layer (train the head first, then everything);
    * ``"scratch"``: :func:`linear_head` with a random body, its convolutions drawn with
      ``conv_init`` (once per seed: no source).

    ``regimes`` selects some of them (``"fine-tune"`` needs ``"frozen"``, its starting head).
    Mini-batches hold ``min(batch_size, n_labels)`` images. The trainings are independent
    (for a number of labels and a seed: the scratch network, and each source's frozen and
    fine-tuned ones): they run on ``n_jobs`` processes (scikit-learn's convention: None or 1 in
    this process, -1 on every usable core; see :func:`nbcode.parallel.map_cells`), with the
    same result for any ``n_jobs``.
    Returns a :class:`GridResult`.
    """
    if not isinstance(pretrained, dict) or not pretrained:
        kind = type(pretrained).__name__
        raise TypeError(_("pretrained must be a dict {{source name: pretrained network}}; "
                          "received {kind}.").format(kind=kind))
    for name, model in pretrained.items():
        _check_model(model, f"pretrained[{name!r}]")
    if not isinstance(data, TransferData):
        kind = type(data).__name__
        raise TypeError(_("data must be a TransferData (from split_digits()); received "
                          "{kind}.").format(kind=kind))
    regimes = tuple(check_choice(regime, "regimes (each)", set(REGIMES)) for regime in regimes)
    if not regimes:
        raise ValueError(_("regimes must name at least one of {regimes}; received ().").format(
            regimes=REGIMES))
    if "fine-tune" in regimes and "frozen" not in regimes:
        raise ValueError(_("regimes: 'fine-tune' starts from the head the 'frozen' regime chose, "
                           "so it needs 'frozen' too; received {regimes!r}.").format(regimes=regimes))
    regimes = tuple(regime for regime in REGIMES if regime in regimes)
    label_counts, seeds = tuple(int(n) for n in label_counts), tuple(int(s) for s in seeds)
    setting = (tuple(learning_rates), tuple(checkpoints), n_validation, batch_size, conv_init, regimes)
    # The tasks: per (labels, seed), the scratch network (shared by the sources) and, per
    # source, its frozen then fine-tuned networks. Each trains about as long as another,
    # so two processes share them evenly; the largest label counts go first (bigger
    # mini-batches), so that no process is left with a long task at the end.
    parts = (["scratch"] if "scratch" in regimes else []) + (
        list(pretrained) if "frozen" in regimes else [])
    tasks = sorted(((n, seed, part) for n in label_counts for seed in seeds for part in parts),
                   key=lambda task: -task[0])
    results = dict(zip(tasks, map_cells(_grid_task, tasks, n_jobs=n_jobs,
                                        initializer=_grid_state,
                                        initargs=(pretrained, data, setting)), strict=True))
    accuracy, settings = {}, {}
    for name in pretrained:
        for n in label_counts:
            for regime in regimes:
                part = "scratch" if regime == "scratch" else name
                found = [results[n, seed, part][regime] for seed in seeds]   # seeds in order
                accuracy[name, n, regime] = np.array([score for score, _ in found])
                settings[name, n, regime] = [chosen for _, chosen in found]
    return GridResult(accuracy, settings, label_counts, seeds, tuple(pretrained), regimes)


def _grid_state(pretrained, data, setting):
    """What every task of :func:`transfer_grid` shares: computed once per process."""
    bodies = {name: Sequential(model.layers[:body_size(model)]) for name, model in pretrained.items()}
    test_features = {name: body.forward(data.X_target_test) for name, body in bodies.items()}
    return pretrained, data, setting, bodies, test_features


def _grid_task(state, task) -> dict:
    """One task of :func:`transfer_grid`, ``(n_labels, seed, part)``: the scratch network
    (``part == "scratch"``) or a source's frozen and fine-tuned networks (``part``: the
    source's name). Returns ``{regime: (test accuracy, (learning_rate, n_steps))}``."""
    pretrained, data, setting, bodies, test_features = state
    learning_rates, checkpoints, n_validation, batch_size, conv_init, regimes = setting
    n, seed, part = task
    batch = min(batch_size, n)
    index, val = split_labels(data.y_pool, n, n_validation, seed=seed)
    X, y, X_val, y_val = data.X_pool[index], data.y_pool[index], data.X_pool[val], data.y_pool[val]
    if part == "scratch":
        any_model = next(iter(pretrained.values()))

        def fresh():
            return linear_head(any_model, seed=1000 + seed, pretrained=False, conv_init=conv_init)

        scratch = tune(fresh, X, y, X_val, y_val, learning_rates, checkpoints, batch, seed)
        return {"scratch": (scratch.model.score(data.X_target_test, data.y_target_test),
                            (scratch.learning_rate, scratch.n_steps))}
    model, body, features = pretrained[part], bodies[part], test_features[part]

    def new_layer():
        return Sequential([Dense(features.shape[1], 5, init="glorot", seed=1000 + seed)])

    frozen = tune(new_layer, body.forward(X), y, body.forward(X_val), y_val,
                  learning_rates, checkpoints, batch, seed)
    found = {"frozen": (frozen.model.score(features, data.y_target_test),
                        (frozen.learning_rate, frozen.n_steps))}
    if "fine-tune" in regimes:
        head = frozen.model.layers[0].params

        def start():
            network = linear_head(model, seed=seed)
            for key, value in head.items():
                np.copyto(network.layers[-1].params[key], value)
            return network

        fine = tune(start, X, y, X_val, y_val, learning_rates, checkpoints, batch, seed)
        found["fine-tune"] = (fine.model.score(data.X_target_test, data.y_target_test),
                              (fine.learning_rate, fine.n_steps))
    return found


def plot_grid(result: GridResult, n_few: int, n_many: int, axes=None):
    """cs231n's decision grid, measured: rows few / many labels, columns the sources.

    Each cell shows the three regimes' mean test accuracy (bars) with ±1 standard
    deviation over seeds (error bars), in the colours of :func:`plot_learning_curves`.
    """
    if not isinstance(result, GridResult):
        kind = type(result).__name__
        raise TypeError(_("result must be a GridResult (from transfer_grid()); received "
                          "{kind}.").format(kind=kind))
    for n, name in ((n_few, "n_few"), (n_many, "n_many")):
        if n not in result.label_counts:
            raise ValueError(_("{name} must be one of the grid's label counts "
                               "{label_counts}; received {n!r}.").format(
                                   name=name, label_counts=result.label_counts, n=n))
    if axes is None:
        _fig, axes = plt.subplots(2, len(result.sources), figsize=(6.4, 4.6), sharey=True,
                                  layout="constrained", squeeze=False)
    axes = np.asarray(axes).reshape(2, len(result.sources))
    for row, n in enumerate((n_few, n_many)):
        for col, source in enumerate(result.sources):
            ax = axes[row, col]
            for k, regime in enumerate(result.regimes):
                mean, sd = result.mean_sd(source, n, regime)
                color, _marker, label = _style(regime)
                ax.bar(k, mean, yerr=sd, color=color, alpha=0.85, capsize=3, label=label)
                ax.text(k, 0.03, f"{mean:.2f}", ha="center", va="bottom", fontsize=8,
                        color="white")
            ax.set_xticks(range(len(result.regimes)),
                          [display_name(regime) for regime in result.regimes], fontsize=8)
            ax.set_ylim(0, 1)
            ax.set_title(_("{source} source, {n} labels").format(source=display_name(source), n=n),
                         fontsize=9)
            ax.grid(axis="y", alpha=0.3)
            if col == 0:
                ax.set_ylabel(_("target test accuracy"))
    return axes
