"""Analyses of a network's insides: what its layers compute, its input gradients, its scale at initialisation.

* :func:`hidden_representation`: what a network's hidden layers compute for a batch;
* :func:`input_gradient` and :func:`fgsm`: the gradient of the loss with respect to
  the *input*, and the fast gradient sign method built on it;
* :func:`activations_across_depth`: the activations of a deep stack of random
  layers, to compare weight initialisations.

Every function works on an :class:`nbcode.nn.Sequential` (as built by
:func:`nbcode.nn.MLP`) and leaves its weights unchanged.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_choice, check_interval, check_positive
from .i18n import _
from .nn import Activation, Dense, Sequential
from .nn.layers import init_weights
from .nn.losses import binary_cross_entropy_with_logits, softmax_cross_entropy

__all__ = ["hidden_representation", "input_gradient", "fgsm", "activations_across_depth",
           "output_logits_from_hidden", "train_from_initialisations"]


def _check_model(model) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(_("model must be an nbcode.nn.Sequential (e.g. from nbcode.nn.MLP); "
                          "received {kind}.").format(kind=type(model).__name__))
    return model


def _last_hidden_index(model: Sequential) -> int:
    """Index (exclusive) of the layers that make the last hidden representation."""
    dense = [i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)]
    if len(dense) < 2:
        raise ValueError(_("model has no hidden layer (a single Dense layer): there is no hidden "
                           "representation to extract; received a model with {n} Dense "
                           "layer(s).").format(n=len(dense)))
    return dense[-1]


def hidden_representation(model, X, layer: int | None = None) -> np.ndarray:
    """The activations that feed a network's output layer (or any layer).

    Parameters
    ----------
    model : nbcode.nn.Sequential
    X : array, shape (n, n_features)
    layer : int, optional
        Apply ``model.layers[:layer]``. Default: every layer before the last Dense
        layer, i.e. the last hidden representation, on which the output layer is a
        linear (softmax or logistic) classifier.

    Returns
    -------
    array, shape (n, n_units)
    """
    model = _check_model(model)
    X = as_array(X, "X", ndim=2)
    if layer is not None and (isinstance(layer, bool) or not isinstance(layer, int)):
        raise TypeError(_("layer must be an integer or None; received {layer!r}.").format(
            layer=layer))
    stop = _last_hidden_index(model) if layer is None else int(layer)
    if not 0 <= stop <= len(model.layers):
        raise ValueError(_("layer must be between 0 and {n_layers}; received {layer}.").format(
            n_layers=len(model.layers), layer=layer))
    out = X
    for item in model.layers[:stop]:
        out = item.forward(out, False)
    return out


def output_logits_from_hidden(model, H) -> np.ndarray:
    """Logits of the output layer applied to a last hidden representation ``H`` (m, n_units)."""
    model = _check_model(model)
    out = as_array(H, "H", ndim=2)
    head = model.layers[_last_hidden_index(model)]
    if out.shape[1] != head.n_in:
        raise ValueError(_("H must have shape (n, {n_in}), one column per unit of the last "
                           "hidden layer; received shape {shape}.").format(n_in=head.n_in,
                                                                            shape=out.shape))
    for item in model.layers[_last_hidden_index(model):]:
        out = item.forward(out, False)
    return out


def _loss_and_gradient(o, y):
    if o.shape[1] == 1:
        return binary_cross_entropy_with_logits(o, np.asarray(y, dtype=float)[:, None])
    return softmax_cross_entropy(o, y)


def input_gradient(model, X, y) -> np.ndarray:
    """Gradient of the **summed** cross-entropy with respect to each input.

    Row ``i`` is ``d loss_i / d x_i``: how the loss of example ``i`` changes when its
    own input changes (examples do not interact, so the summed loss gives every
    example's gradient at once).

    Parameters
    ----------
    model : nbcode.nn.Sequential, a fitted classifier (logits as outputs)
    X : array, shape (n, n_features) (or images (n, c, h, w) for a CNN)
    y : array, shape (n,)
        Labels in ``0, ..., k - 1`` (or 0/1 for a one-unit binary output).

    Returns
    -------
    array, same shape as X
    """
    model = _check_model(model)
    X = as_array(X, "X", ndim=(2, 3, 4))
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        hint = " " + _("Did you mean y.ravel()?") if y.shape == (X.shape[0], 1) else ""
        raise ValueError(_("y must have shape ({n},), one label per row of X; "
                           "received shape {shape}.{hint}").format(n=X.shape[0], shape=y.shape,
                                                                   hint=hint))
    o = model.forward(X, training=False)
    d_mean = _loss_and_gradient(o, y)[1]
    return model.backward(d_mean * X.shape[0])


def fgsm(model, X, y, epsilon: float, clip=(0.0, 1.0)) -> np.ndarray:
    """Fast gradient sign method: ``x + epsilon * sign(d loss / d x)``, then clipped.

    Parameters
    ----------
    model : nbcode.nn.Sequential
    X : array, shape (n, n_features), e.g. flattened images with pixels in [0, 1]
    y : array, shape (n,), the true labels (the attack increases their loss)
    epsilon : float >= 0
        Largest change of any one pixel (the max-norm of the perturbation).
    clip : (low, high) or None
        Keep the result a valid image.

    Returns
    -------
    array, same shape as X
    """
    check_positive(epsilon, "epsilon", allow_zero=True)
    if clip is not None:
        clip = check_interval(clip, "clip")
    X = as_array(X, "X", ndim=(2, 3, 4))
    adversarial = X + epsilon * np.sign(input_gradient(model, X, y))
    if clip is not None:
        adversarial = np.clip(adversarial, *clip)
    return adversarial


def activations_across_depth(n_layers: int = 10, width: int = 256, activation: str = "tanh",
                             init: str = "glorot", scale: float | None = None,
                             n_samples: int = 500, seed=0) -> list[np.ndarray]:
    """Push standard-normal inputs through ``n_layers`` random Dense + activation layers.

    Parameters
    ----------
    n_layers, width : int
        Depth and units per layer (the input has ``width`` features too).
    activation : str
        E.g. ``"tanh"`` or ``"relu"``.
    init : {"he", "glorot", "normal", "zeros"}
        As in :func:`nbcode.nn.init_weights`; ``scale`` overrides the standard deviation.
    n_samples : int
    seed : int

    Returns
    -------
    list of arrays, each of shape (n_samples, width)
        The activations after each layer (first layer first).
    """
    check_positive(n_layers, "n_layers", integer=True)
    check_positive(width, "width", integer=True)
    check_positive(n_samples, "n_samples", integer=True)
    check_choice(init, "init", {"he", "glorot", "normal", "zeros"})
    if scale is not None:
        check_positive(scale, "scale", allow_zero=True)
    Activation(activation)  # an unknown name fails here, before any work
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((n_samples, width))
    outputs = []
    for _layer in range(n_layers):
        W = init_weights((width, width), width, width, init, scale, rng)
        a = Activation(activation).forward(a @ W)
        outputs.append(a)
    return outputs


def train_from_initialisations(X, y, schemes: dict, seeds=(0, 1, 2, 3, 4), hidden=(64,) * 8,
                               activation: str = "tanh", epochs: int = 100, batch_size: int = 32,
                               learning_rate: float = 0.1, n_jobs: int | None = None) -> dict:
    """Train one architecture from several weight-initialisation rules, each over several seeds.

    A deep network trained by plain SGD is chaotic: two runs that differ in the last
    bit of one product (another seed, or the same seed on a CPU whose BLAS kernels
    round differently) end in visibly different places after thousands of steps. One
    run is an anecdote; what an initialisation rule does is what it does in every seed.

    Parameters
    ----------
    X : array of shape (n, p)
    y : int array of shape (n,)
        Class labels 0, ..., k - 1 (k >= 3: a softmax output of k units).
    schemes : dict of str -> (init, scale)
        A name for each rule, and the arguments of :func:`nbcode.nn.init_weights`
        (e.g. ``{"Glorot": ("glorot", None), "too large": ("normal", 1.0)}``).
    seeds : sequence of int
        Seed ``s`` builds ``nn.MLP(..., seed=s)`` (biases and a first draw of the
        weights), redraws every Dense layer's ``W`` with the rule from one generator
        ``np.random.default_rng(s)``, and orders the mini-batches with ``fit(seed=s)``.
    hidden, activation, epochs, batch_size, learning_rate
        The network (``nn.MLP(p, hidden, k, activation)``) and its training (``fit``
        with ``nn.SGD(learning_rate)``), the same for every rule and seed.
    n_jobs : int, optional
        Processes sharing the (rule, seed) runs (None or 1: this process; -1: every usable
        core; see :func:`nbcode.parallel.map_cells`): the same result for any ``n_jobs``.

    Returns
    -------
    dict of str -> dict of arrays
        For each rule: ``"loss_curves"`` of shape (n_seeds, epochs + 1) (the training
        loss before training, then after each epoch), ``"start_loss"`` and
        ``"final_loss"`` (its first and last columns) and ``"train_accuracy"``, each
        of shape (n_seeds,).
    """
    from ._validation import check_labels

    X = as_array(X, "X", ndim=2)
    y = check_labels(y, "y")
    if len(X) != len(y):
        raise ValueError(_("X and y must have the same number of rows; received {n_X} and "
                           "{n_y}.").format(n_X=len(X), n_y=len(y)))
    if not isinstance(schemes, dict) or not schemes:
        raise ValueError(_("schemes must be a non-empty dict name -> (init, scale); received "
                           "{schemes!r}.").format(schemes=schemes))
    for name, rule in schemes.items():
        if not (isinstance(rule, tuple | list) and len(rule) == 2):
            raise TypeError(_("schemes[{name!r}] must be a pair (init, scale); received "
                              "{rule!r}.").format(name=name, rule=rule))
        check_choice(rule[0], _("schemes[{name!r}]'s init").format(name=name),
                     {"he", "glorot", "normal", "zeros"})
    seeds = list(seeds)
    if not seeds:
        raise ValueError(_("seeds must hold at least one seed; received an empty sequence."))
    check_positive(epochs, "epochs", integer=True)
    n_classes = int(y.max()) + 1
    if n_classes < 3:
        raise ValueError(_("y must have at least 3 classes (a softmax output); received "
                           "{n_classes}.").format(n_classes=n_classes))
    from .parallel import map_cells

    setting = (X, y, hidden, n_classes, activation, epochs, batch_size, learning_rate)
    cells = [(rule, seed) for rule in schemes.values() for seed in seeds]
    runs = iter(map_cells(_initialisation_run, cells, n_jobs=n_jobs, initargs=setting))
    results = {}
    for name in schemes:
        curves, accuracies = zip(*[next(runs) for _seed in seeds], strict=True)
        curves = np.asarray(curves, dtype=float)
        results[name] = {"loss_curves": curves, "start_loss": curves[:, 0],
                         "final_loss": curves[:, -1], "train_accuracy": np.asarray(accuracies)}
    return results


def _initialisation_run(setting, cell):
    """One run of :func:`train_from_initialisations`: (loss curve, training accuracy)."""
    from .nn import MLP, SGD

    X, y, hidden, n_classes, activation, epochs, batch_size, learning_rate = setting
    (init, scale), seed = cell
    model = MLP(X.shape[1], hidden=hidden, n_outputs=n_classes, activation=activation, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, Dense):
            W = layer.params["W"]
            W[...] = init_weights(W.shape, W.shape[0], W.shape[1], init, scale, rng)
    model.fit(X, y, epochs=epochs, batch_size=batch_size, optimizer=SGD(learning_rate), seed=seed)
    return model.history_["loss"], model.score(X, y)
