"""Helpers for chapter 4 (regularisation): penalised losses, weight statistics, paths.

The training itself is :meth:`nbcode.nn.Sequential.fit` (``l2=``, ``l1=``, Dropout
layers, ``validation_data=``, :class:`nbcode.train.EarlyStopping`). This module holds
what the chapter computes *around* training: the penalised loss and its gradient for a
gradient check, the soft-thresholding step, a subgradient-L1 callback to compare with
nbcode's proximal L1, a regularisation path, weight histograms and the comparison table.

Conventions (those of ``Sequential.fit``): binary classifiers with one output unit and
labels in {0, 1}; the penalty is ``l2/2 sum w^2 + l1 sum |w|`` over the weights ``W`` of
Dense/Conv2D layers, never over biases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import matplotlib.pyplot as plt
import numpy as np

from . import i18n
from ._validation import as_array, check_callable, check_labels, check_positive, check_same_length
from .gradcheck import numerical_gradients
from .i18n import N_, _
from .nn import Sequential
from .nn.losses import binary_cross_entropy_with_logits
from .plots import CLASS_COLORS

__all__ = ["penalized_weights", "flat_weights", "penalty", "penalized_loss",
           "penalized_gradient", "numerical_gradient_entries", "soft_threshold",
           "SubgradientL1", "regularization_path", "plot_weight_histograms",
           "accuracy_table", "rbf_features", "ridge_path", "bias_variance",
           "plot_bias_variance"]


def _check_model(model) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(_("model must be an nbcode.nn.Sequential (e.g. MLP(...)); "
                          "received {kind}.").format(kind=type(model).__name__))
    return model


def penalized_weights(model) -> list[np.ndarray]:
    """The arrays the penalties act on (``W`` of each Dense layer), live, not copies."""
    return _check_model(model).penalized_weights()


def flat_weights(model) -> np.ndarray:
    """All penalised weights of ``model`` in one vector, shape (n_weights,)."""
    return np.concatenate([w.ravel() for w in penalized_weights(model)])


def penalty(model, l2: float = 0.0, l1: float = 0.0) -> float:
    """``l2/2 sum w^2 + l1 sum |w|`` over the penalised weights (biases excluded).

    The one home of the formula is ``Sequential.penalty``, what ``fit`` adds to the loss.
    """
    _check_model(model)
    check_positive(l2, "l2", allow_zero=True)
    check_positive(l1, "l1", allow_zero=True)
    return model.penalty(l2, l1)


def _binary_targets(model, X, y):
    X = as_array(X, "X", ndim=2)
    y = check_labels(y, "y", values={0, 1}).astype(float).reshape(-1, 1)
    check_same_length(X, y, "X", "y")
    n_outputs = model.forward(X[:1], training=False).shape[-1]
    if n_outputs != 1:
        raise ValueError(_("model must have 1 output unit (a logit, binary classification); "
                           "received a model with {n_outputs} outputs.").format(
                               n_outputs=n_outputs))
    return X, y


def penalized_loss(model, X, y, l2: float = 0.0, l1: float = 0.0) -> float:
    """Mean binary cross-entropy of ``model`` on (X, y) plus the penalty (dropout off).

    ``X`` has shape (n, n_features), ``y`` shape (n,) with labels 0/1; the model has
    one output unit (a logit).
    """
    X, y = _binary_targets(_check_model(model), X, y)
    loss = binary_cross_entropy_with_logits(model.forward(X, training=False), y)[0]
    return float(loss) + penalty(model, l2, l1)


def penalized_gradient(model, X, y, l2: float = 0.0, l1: float = 0.0) -> list[dict]:
    """Gradient of :func:`penalized_loss` by backpropagation plus the penalty's gradient.

    Returns one dict per layer, ``{name: array of the parameter's shape}``, in the
    order of ``model.layers``. The penalty contributes ``l2 * W + l1 * sign(W)`` to
    each weight matrix (the L1 part is a subgradient: ``sign(0) = 0``) and nothing
    to the biases.
    """
    X, y = _binary_targets(_check_model(model), X, y)
    check_positive(l2, "l2", allow_zero=True)
    check_positive(l1, "l1", allow_zero=True)
    # training=True only to fill the caches backward needs; the model must have no
    # active Dropout for the gradient to be that of penalized_loss.
    for layer in model.layers:
        if getattr(layer, "rate", 0.0):
            raise ValueError(_("model must have no active Dropout for penalized_gradient "
                               "(dropout makes the loss random); received a model with "
                               "{layer!r}.").format(layer=layer))
    out = model.forward(X, training=True)
    d = binary_cross_entropy_with_logits(out, y)[1]
    model.backward(d)
    grads = []
    for layer in model.layers:
        g = {key: value.copy() for key, value in layer.grads.items()}
        for key in layer.penalized:
            if key in g:
                w = layer.params[key]
                g[key] += l2 * w + l1 * np.sign(w)
        grads.append(g)
    return grads


def numerical_gradient_entries(model, X, y, entries: Iterable[tuple[int, str, tuple]],
                               l2: float = 0.0, l1: float = 0.0, eps: float = 1e-6):
    """Central finite differences of :func:`penalized_loss` at chosen parameter entries.

    ``entries`` lists ``(layer index, parameter name, index in the array)``; returns an
    array with one derivative per entry. The model is restored exactly afterwards.
    """
    _check_model(model)
    check_positive(eps, "eps")
    entries = list(entries)
    params = []
    for layer_index, key, _index in entries:
        if not (isinstance(layer_index, int) and -len(model.layers) <= layer_index < len(model.layers)):
            raise ValueError(_("entries must hold (layer index, parameter name, index); the layer "
                               "index must be below {n_layers}; received {layer_index!r}.").format(
                                   n_layers=len(model.layers), layer_index=layer_index))
        if key not in model.layers[layer_index].params:
            raise ValueError(_("entries must name a parameter of layer {layer_index}, one of "
                               "{names}; received {key!r}.").format(
                                   layer_index=layer_index,
                                   names=sorted(model.layers[layer_index].params), key=key))
        params.append(model.layers[layer_index].params[key])
    return numerical_gradients(lambda: penalized_loss(model, X, y, l2, l1), params, eps,
                               entries=[(i, entry[2]) for i, entry in enumerate(entries)])


def soft_threshold(w, threshold: float) -> np.ndarray:
    """The L1 proximal step ``sign(w) max(|w| - threshold, 0)`` (elementwise).

    It solves ``argmin_v (v - w)^2 / 2 + threshold |v|``: shrink every entry by
    ``threshold`` and stop exactly at 0.
    """
    check_positive(threshold, "threshold", allow_zero=True)
    w = as_array(w, "w", allow_empty=True)
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0) + 0.0  # + 0.0: no "-0."


class SubgradientL1:
    """Callback: plain subgradient L1 steps, ``W <- W - learning_rate * l1 * sign(W)``.

    With full-batch training (``batch_size=None``), ``fit`` makes one update per epoch
    and calls its callbacks after it, so this callback turns an unpenalised ``fit``
    into subgradient descent on ``data loss + l1 sum |w|`` (the penalty's step is
    taken just after the data step). Weights cross 0 back and forth instead of
    stopping there, which is what the chapter compares with nbcode's proximal step.
    """

    def __init__(self, l1: float, learning_rate: float):
        check_positive(l1, "l1", allow_zero=True)
        check_positive(learning_rate, "learning_rate")
        self.l1, self.learning_rate = float(l1), float(learning_rate)

    def __call__(self, progress) -> None:
        if progress.epoch == 0:  # the report made before training: no update yet
            return
        for w in penalized_weights(progress.model):
            w -= self.learning_rate * self.l1 * np.sign(w)


def regularization_path(make_model: Callable[[float], Sequential], values: Sequence[float],
                        fit: Callable[[Sequential, float], object], X_val=None, y_val=None,
                        X=None, y=None) -> dict:
    """Train one model per regularisation strength and collect their accuracies.

    Parameters
    ----------
    make_model : callable ``value -> untrained model`` (same seed for every value, so
        only the regularisation changes).
    values : the strengths (e.g. lambdas or dropout rates).
    fit : callable ``(model, value) -> anything``, trains the model in place.
    X, y, X_val, y_val : optional data sets to score every model on.

    Returns
    -------
    dict with ``values`` (array), ``models`` (list), and ``train_accuracy`` /
    ``val_accuracy`` (arrays) when the matching data are given.
    """
    check_callable(make_model, "make_model", N_("value -> an untrained model"))
    check_callable(fit, "fit", N_("(model, value) -> anything, training the model in place"))
    values = as_array(values, "values", ndim=1)
    models = []
    for value in values:
        model = make_model(float(value))
        fit(model, float(value))
        models.append(model)
    path = {"values": values, "models": models}
    if X is not None:
        path["train_accuracy"] = np.array([m.score(X, y) for m in models])
    if X_val is not None:
        path["val_accuracy"] = np.array([m.score(X_val, y_val) for m in models])
    return path


def plot_weight_histograms(weight_sets: dict, axes=None, bins=None, zero_tol: float = 1e-3):
    """One histogram of weights per entry of ``weight_sets`` (label -> model or array).

    The y axis is logarithmic so that a spike near zero and the spread of the rest are
    both visible; each title gives the share of weights that are exactly 0 and of those
    with ``|w| < zero_tol``.
    """
    if not weight_sets:
        raise ValueError(_("weight_sets must hold at least one entry (label -> model or array); "
                           "received {weight_sets!r}.").format(weight_sets=weight_sets))
    check_positive(zero_tol, "zero_tol")
    if axes is None:
        axes = plt.subplots(1, len(weight_sets), figsize=(3.1 * len(weight_sets), 2.9),
                            sharex=True, sharey=True)[1]
    axes = np.atleast_1d(axes)
    arrays = {k: flat_weights(v) if isinstance(v, Sequential) else np.ravel(v)
              for k, v in weight_sets.items()}
    if bins is None:
        edge = max(np.abs(a).max() for a in arrays.values())
        bins = np.linspace(-edge, edge, 61)
    for index, (ax, (label, w)) in enumerate(zip(axes, arrays.items(), strict=True)):
        ax.hist(w, bins=bins, color=CLASS_COLORS[[7, 0, 1, 2][index % 4]], alpha=0.85)
        ax.set_yscale("log")
        exact, near_zero = np.mean(w == 0), np.mean(np.abs(w) < zero_tol)
        ax.set_title(_("{label}\nexactly 0: {exact:.0%}, |w| < {zero_tol:g}: "
                       "{near_zero:.0%}").format(label=label, exact=exact, zero_tol=zero_tol,
                                                 near_zero=near_zero),
                     fontsize=9)
        ax.set_xlabel(_("weight value w"))
    axes[0].set_ylabel(_("number of weights (log)"))
    return axes


#: The columns of :func:`accuracy_table` (shown in the reader's language).
ACCURACY_COLUMNS = (N_("train"), N_("validation"), N_("test"))


def accuracy_table(rows: dict, columns: Sequence[str] = ACCURACY_COLUMNS) -> str:
    """A plain-text table of accuracies: ``rows`` maps a method to its accuracies (0..1).

    The headers are in the reader's language (a column name with a translation in
    nbcode's catalogues, such as the default ones, is shown translated)."""
    if not rows:
        raise ValueError(_("rows must hold at least one method (name -> accuracies); received "
                           "{rows!r}.").format(rows=rows))
    for name, values in rows.items():
        if len(values) != len(columns):
            raise ValueError(_("rows[{name!r}] must have {n_columns} values, one per column "
                               "{columns}; received {n_values}.").format(
                                   name=name, n_columns=len(columns), columns=tuple(columns),
                                   n_values=len(values)))
        as_array(values, f"rows[{name!r}]")
    width = max(len(str(name)) for name in rows) + 2
    headers = [i18n._(c) for c in columns]
    # 12 characters a column ("  validation"), more for a longer header ("entraînement").
    column = max([12] + [len(h) + 1 for h in headers])
    head = _("method").ljust(width) + "".join(f"{h:>{column}s}" for h in headers)
    lines = [head, "-" * len(head)]
    for name, values in rows.items():
        if len(values) != len(columns):
            raise ValueError(_("row {name!r} has {n_values} values; expected {n_columns}.").format(
                name=name, n_values=len(values), n_columns=len(columns)))
        lines.append(str(name).ljust(width)
                     + "".join(f"{100 * v:{column - 1}.1f}%" for v in values))
    return "\n".join(lines)


# ------------------------------------------------------------------ bias and variance
def rbf_features(X, centres, width: float) -> np.ndarray:
    """Gaussian bumps ``exp(-(x - c_k)^2 / (2 width^2))`` of a 1-D input, one per centre.

    ``X`` has shape (n, 1) (or (n,)), ``centres`` shape (k,); returns shape (n, k).
    """
    X = as_array(X, "X", ndim=(1, 2), allow_empty=True)
    if X.ndim == 2 and X.shape[1] != 1:
        raise ValueError(_("X must have one feature (shape (n, 1)); received shape {shape}.").format(
            shape=X.shape))
    centres = as_array(centres, "centres", ndim=1)
    check_positive(width, "width")
    return np.exp(-0.5 * ((X.reshape(-1, 1) - centres) / width) ** 2)


def ridge_path(Phi, y, lambdas) -> tuple[np.ndarray, np.ndarray]:
    """Closed-form ridge fits for several strengths, with an unpenalised intercept.

    Each fit minimises ``1/(2n) ||y - b - Phi w||^2 + lambda/2 ||w||^2``, the chapter's
    mean loss and penalty; scikit-learn's ``Ridge(alpha=n * lambda)`` minimises the same
    objective multiplied by ``2n``. Centring ``Phi`` and ``y`` removes the intercept; one
    eigendecomposition of the centred ``Phi^T Phi`` then serves every ``lambda``.

    Parameters
    ----------
    Phi : array, shape (n, k), the features
    y : array, shape (n,)
    lambdas : array, shape (m,), strengths >= 0 (0 needs a full-rank centred Phi)

    Returns
    -------
    W : ndarray, shape (m, k), one weight vector per strength
    b : ndarray, shape (m,), the intercepts
    """
    Phi = as_array(Phi, "Phi", ndim=2)
    y = as_array(y, "y", ndim=1)
    check_same_length(Phi, y, "Phi", "y")
    lambdas = as_array(lambdas, "lambdas", ndim=1)
    if np.any(lambdas < 0):
        smallest = lambdas.min()
        raise ValueError(_("lambdas must be >= 0; received {smallest:g}.").format(smallest=smallest))
    n, mean = len(y), Phi.mean(axis=0)
    centred = Phi - mean
    d, V = np.linalg.eigh(centred.T @ centred)
    projection = V.T @ (centred.T @ (y - y.mean()))                 # (k,)
    W = (projection / (d + n * lambdas[:, None])) @ V.T              # (m, k)
    return W, y.mean() - W @ mean


def bias_variance(draw: Callable[[int], tuple], truth: Callable, features: Callable, lambdas,
                  X_test, noise: float, n_draws: int = 300, seed: int = 0) -> dict:
    """Monte-Carlo bias-variance decomposition of ridge's test error at fixed test inputs.

    For ``r = 0 .. n_draws - 1``, ``draw(seed + r)`` gives a training set ``(X, y)``;
    ridge (:func:`ridge_path` on ``features(X)``) is fitted for every strength and
    predicts ``f_hat_r(x)`` at the test inputs. With ``f = truth(X_test)`` and fresh test
    responses ``y0 = f + noise * N(0, 1)``, averaged over the test inputs:

    * ``bias2``: ``(mean_r f_hat_r - f)^2``;
    * ``variance``: ``mean_r (f_hat_r - mean_r f_hat_r)^2`` (divided by ``n_draws``);
    * ``noise2``: ``noise^2``, the irreducible error;
    * ``error``: the measured ``mean_r (y0_r - f_hat_r)^2``, and ``error_se`` its
      Monte-Carlo standard error relative to it (the squared errors treated as independent);
    * ``error_about_truth``: ``mean_r (f - f_hat_r)^2``, equal to ``bias2 + variance``
      to rounding (an identity of the averages).

    Returns a dict of those arrays, shape (m,) (``noise2`` a float), and ``lambdas``.
    """
    check_callable(draw, "draw", N_("seed -> a training set (X, y)"))
    check_callable(truth, "truth", N_("X -> the noiseless regression function at X"))
    check_callable(features, "features", N_("X -> the feature matrix, shape (n, k)"))
    lambdas = as_array(lambdas, "lambdas", ndim=1)
    check_positive(noise, "noise", allow_zero=True)
    check_positive(n_draws, "n_draws", integer=True)
    f = np.ravel(truth(X_test))
    Phi_test = features(X_test)
    predictions = np.empty((len(lambdas), n_draws, len(f)))
    for r in range(n_draws):
        X, y = draw(seed + r)
        W, b = ridge_path(features(X), y, lambdas)
        predictions[:, r] = W @ Phi_test.T + b[:, None]
    y0 = f + noise * np.random.default_rng([seed, n_draws]).standard_normal((n_draws, len(f)))
    mean_prediction = predictions.mean(axis=1)
    squared = ((y0 - predictions) ** 2).reshape(len(lambdas), -1)
    return {"lambdas": lambdas,
            "bias2": ((mean_prediction - f) ** 2).mean(axis=1),
            "variance": predictions.var(axis=1).mean(axis=1),
            "noise2": float(noise) ** 2,
            "error": squared.mean(axis=1),
            "error_se": squared.std(axis=1) / np.sqrt(squared.shape[1]) / squared.mean(axis=1),
            "error_about_truth": ((f - predictions) ** 2).mean(axis=(1, 2))}


def plot_bias_variance(result: dict, ax=None):
    """Bias², variance, noise and their sum against lambda (flexibility grows to the right).

    ``result`` is what :func:`bias_variance` returns; the measured test error is drawn as
    points on the sum's curve, and the strength with the smallest sum is marked.
    """
    if ax is None:
        ax = plt.subplots(figsize=(6.4, 3.4))[1]
    lam = result["lambdas"]
    total = result["bias2"] + result["variance"] + result["noise2"]
    ax.semilogx(lam, result["bias2"], "o-", color=CLASS_COLORS[0], label=_("bias²"))
    ax.semilogx(lam, result["variance"], "s-", color=CLASS_COLORS[1], label=_("variance"))
    ax.semilogx(lam, np.full_like(lam, result["noise2"]), ":", color="grey", label=_("noise σ²"))
    ax.semilogx(lam, total, "-", color="black", lw=2, label=_("bias² + variance + σ²"))
    ax.semilogx(lam, result["error"], "x", color=CLASS_COLORS[2], ms=8,
                label=_("measured test error"))
    ax.axvline(lam[np.argmin(total)], color="black", ls="--", lw=0.8)
    ax.invert_xaxis()
    ax.set_xlabel(_("ridge strength lambda (log scale; more flexible to the right)"))
    ax.set_ylabel(_("squared error"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax
