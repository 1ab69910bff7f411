"""Helpers for the chapter on transfer learning (chapter 6).

A CNN (:func:`nbcode.cnn.make_cnn`) is pretrained on a *source* task, the digits
0-4, and reused on a *target* task, the digits 5-9, for which only a few labels
are available. Three ways to learn the target task are compared:

* ``"frozen"``: keep the pretrained layers fixed, train a new head only;
* ``"fine-tune"``: new head, then train every layer with a smaller learning rate;
* ``"scratch"``: a fresh network with random weights, trained on the target labels.

:func:`learning_curve` runs the three for several numbers of labels and seeds;
:func:`plot_learning_curves` and :func:`plot_target_regions` draw the results.
Images use the layout of :mod:`nbcode.nn`: ``(n, 1, 8, 8)``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb

from ._validation import (
    as_array,
    check_choice,
    check_positive,
    check_probability,
    check_same_length,
    check_seed,
)
from .cnn import as_image_batch, cnn_features, feature_limits, make_cnn
from .data import load_digits
from .nn import Activation, Adam, Dense, Flatten, Sequential, softmax
from .plots import CLASS_COLORS
from .widgets import live_panel, select_slider, slider

__all__ = ["TransferData", "split_digits", "pretrain", "body_size", "new_head", "freeze", "n_trainable",
           "sample_labels", "train_target", "REGIMES", "learning_curve",
           "plot_learning_curves", "plot_target_regions", "transfer_explorer"]

#: The three ways of learning the target task, in the order the chapter shows them.
REGIMES = ("frozen", "fine-tune", "scratch")

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
        return (f"TransferData(source: {len(self.y_source)} train + {len(self.y_source_test)} "
                f"test; target: {len(self.y_pool)} pool + {len(self.y_target_test)} test)")


def split_digits(test_fraction: float = 0.3, seed: int = 0) -> TransferData:
    """Split scikit-learn's digits into a source task (0-4) and a target task (5-9).

    Each task is split at random into training and test images (``test_fraction``
    of each for testing). Target labels are shifted to 0-4 (``digit - 5``), so that
    a 5-class head can be trained on either task.
    """
    check_probability(test_fraction, "test_fraction", open_interval=True)
    check_seed(seed)
    images, digits = load_digits()
    X = as_image_batch(images)
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
             seed: int = 0) -> Sequential:
    """Train chapter 5's CNN (5 classes, ``n_features`` feature units) on the source task."""
    X = as_array(X, "X", ndim=4)
    check_positive(epochs, "epochs", integer=True)
    check_positive(learning_rate, "learning_rate")
    model = make_cnn(n_classes=5, n_features=n_features, seed=seed, **CNN_KWARGS)
    model.fit(X, y, epochs=epochs, batch_size=32, optimizer=_adam(learning_rate), seed=seed)
    return model


def body_size(model: Sequential) -> int:
    """Number of layers of the *body*: everything up to and including the Flatten layer."""
    _check_model(model)
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Flatten):
            return i + 1
    raise TypeError("model has no Flatten layer: build it with nbcode.cnn.make_cnn().")


def _check_model(model, name: str = "model") -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(f"{name} must be an nbcode Sequential, e.g. make_cnn(); received "
                        f"{type(model).__name__}.")
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
        raise ValueError(f"n_labels must be at most the pool's size {len(y)}; received {n_labels}.")
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
                 n_classes: int = 5) -> Sequential:
    """Learn the target task from ``(X, y)`` in one of the three :data:`REGIMES`.

    * ``"frozen"``: :func:`new_head`, :func:`freeze` the body (only the head learns),
      ``learning_rate``;
    * ``"fine-tune"``: :func:`new_head`; half the updates on the head alone with
      ``learning_rate``, then every layer learns with ``fine_tune_learning_rate``;
    * ``"scratch"``: a fresh :func:`make_cnn` (weights drawn with ``seed``), ``learning_rate``.

    Every regime makes about ``n_steps`` Adam updates on mini-batches of
    ``batch_size`` (so 10 labels get as many updates as 300). Returns the trained model.
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
    if regime == "scratch":
        n_features = pretrained.layers[-1].n_in
        model = make_cnn(n_classes=n_classes, n_features=n_features, seed=1000 + seed,
                         **CNN_KWARGS)
        rate = learning_rate
    else:
        n_features = pretrained.layers[-1].n_in
        model = new_head(pretrained, n_classes, n_features=n_features, seed=1000 + seed)
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
        raise TypeError(f"data must be a TransferData (from split_digits()); received "
                        f"{type(data).__name__}.")
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


REGIME_STYLE = {"frozen": ("#0072B2", "o", "frozen features + new head"),
                "fine-tune": ("#D55E00", "s", "fine-tuning (all layers)"),
                "scratch": ("#555555", "^", "from scratch")}


def plot_learning_curves(label_counts, results: dict, ax=None, chance: float | None = 0.2):
    """Mean test accuracy against the number of labels, with ±1 standard deviation bars."""
    label_counts = as_array(label_counts, "label_counts", ndim=1, dtype=None)
    results = {regime: as_array(accuracy, f"results[{regime!r}]", ndim=2)
               for regime, accuracy in results.items()}
    for regime, accuracy in results.items():
        if accuracy.shape[0] != len(label_counts):
            raise ValueError(f"results[{regime!r}] must have shape ({len(label_counts)}, n_seeds), "
                             f"one row per label count; received shape {accuracy.shape}.")
    if chance is not None:
        check_probability(chance, "chance")
    ax = ax or plt.gca()
    for regime, accuracy in results.items():
        color, marker, label = REGIME_STYLE.get(regime, ("black", "o", regime))
        ax.errorbar(label_counts, accuracy.mean(axis=1), yerr=accuracy.std(axis=1), color=color,
                    marker=marker, capsize=3, lw=1.6, label=label)
    if chance is not None:
        ax.axhline(chance, color="grey", lw=0.8, ls=":", label="chance")
    ax.set_xscale("log")
    ax.set_xticks(label_counts, [str(n) for n in label_counts])
    ax.set_xlabel("number of labelled target examples (log scale)")
    ax.set_ylabel("target test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_target_regions(model: Sequential, X, y, ax=None, limits=None, resolution: int = 50,
                        size: float = 8, offset: int = 5, title: str | None = None):
    """Decision regions of a 2-feature CNN's head, with the images placed at their features.

    Like :func:`nbcode.cnn.plot_feature_space`, but class ``k`` is drawn in the
    book's colour of digit ``k + offset`` (the target classes 0-4 are the digits
    5-9), so that a digit keeps its colour across chapters.
    """
    X = as_array(X, "X", ndim=4)
    features = cnn_features(model, X)
    if features.shape[1] != 2:
        raise ValueError(f"the feature layer must have 2 units; it has {features.shape[1]}.")
    ax = ax or plt.gca()
    (x0, x1), (y0, y1) = limits or feature_limits(features)
    xx, yy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    proba = softmax(model.layers[-1].forward(np.column_stack([xx.ravel(), yy.ravel()])))
    k = proba.shape[1]
    palette = np.array([to_rgb(CLASS_COLORS[(c + offset) % 10]) for c in range(k)])
    winner = proba.argmax(axis=1)
    strength = ((proba.max(axis=1) - 1 / k) / (1 - 1 / k))[:, None]
    rgb = 1 - 0.5 * strength * (1 - palette[winner])
    ax.imshow(rgb.reshape(resolution, resolution, 3), origin="lower", extent=(x0, x1, y0, y1),
              aspect="auto", interpolation="nearest")
    ax.contour(xx, yy, winner.reshape(xx.shape), levels=np.arange(k) + 0.5, colors="k",
               linewidths=0.7)
    y = np.asarray(y)
    ax.scatter(features[:, 0], features[:, 1], s=size, c=palette[y % k], edgecolors="black",
               linewidths=0.25)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    if title:
        ax.set_title(title, fontsize=9)
    return ax



def transfer_explorer(pretrained: Sequential, data: TransferData, label_options=(5, 10, 20, 50, 200),
                      n_steps: int = 120, figsize=(6.4, 3.0), dpi: int = 72):
    """A live-kernel control: fine-tuning vs from scratch for a chosen number of labels and seed.

    ``pretrained`` must have a 2-unit feature layer (``pretrain(..., n_features=2)``).
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
                                 n_steps=n_steps, seed=seed)
            accuracy = model.score(data.X_target_test, data.y_target_test)
            plot_target_regions(model, data.X_target_test, data.y_target_test, ax=ax,
                                resolution=40, size=6,
                                title=f"{regime}, {labels} labels: accuracy {accuracy:.2f}")
        return fig

    return live_panel({"labels": select_slider(label_options,
                                               value=label_options[len(label_options) // 2]),
                       "seed": slider(0, 0, 9)},
                      draw, description="number of labels and seed, retrained", dpi=dpi, colors=48)
