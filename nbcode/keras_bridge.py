"""Keras helpers for chapter 7: callbacks that feed the book's widgets, and the book's models.

* :class:`BoundaryRecorder` (alias :data:`PlayerCallback`): a Keras callback that keeps
  snapshots ``(epoch, snapshot, loss)`` during ``model.fit``, in the format of
  :class:`nbcode.train.Recorder`; each snapshot has a ``predict_proba`` computed with
  the weights of that epoch, so :func:`nbcode.plots.plot_decision_boundary` and
  :class:`nbcode.widgets.TrainingPlayer` can show the boundary moving.
* :class:`ProgressLog`: a progress report that reads the same live and on the static
  site: one line every few epochs, rounded numbers, no timings (so nbval can compare it).
* :func:`mlp`, :func:`cnn`, :func:`from_nbcode`: the book's architectures in Keras,
  :func:`classifier_loss` the matching loss and accuracy for logit outputs.
* :func:`keras_counts` and :func:`numpy_initialisers`: parameter counts of a Keras model,
  and placeholder weights drawn at once, to look at a large architecture (chapter 6).
* :func:`share_initialiser_compilations`: Keras' initial weights drawn with the same
  values, but with one compiled JAX program per distribution instead of one per shape.
* :func:`reuse_compiled_programs`: an identical program (the same network and settings
  compiled again) is compiled once per session.

Importing this module selects the JAX backend unless ``KERAS_BACKEND`` is already set
(the backend is fixed when Keras is first imported), and, with the JAX backend, calls
:func:`share_initialiser_compilations` (no value changes, only fewer compilations).
"""

from __future__ import annotations

import math
import os
import tempfile
import weakref
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from functools import partial  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

from . import i18n  # noqa: E402
from ._validation import check_callable, check_positive, check_rate, check_seed  # noqa: E402
from .i18n import N_, _  # noqa: E402
from .nn.activations import sigmoid  # noqa: E402
from .nn.losses import softmax  # noqa: E402
from .train import Progress, Recorder  # noqa: E402

__all__ = ["KerasSnapshot", "BoundaryRecorder", "PlayerCallback", "ProgressLog", "build_mlp", "build_cnn",
           "KerasSession", "live_training", "from_nbcode", "classifier_loss", "output_is_logits",
           "keras_counts", "numpy_initialisers", "share_initialiser_compilations", "reuse_compiled_programs"]


def output_is_logits(model) -> bool:
    """True if the model's last layer has no sigmoid/softmax (its outputs are logits)."""
    last = model.layers[-1] if model.layers else None
    activation = getattr(last, "activation", None)
    if isinstance(last, keras.layers.Activation) or activation is not None:
        name = getattr(activation, "__name__", str(activation))
        return name not in ("sigmoid", "softmax")
    return True


def _probabilities(out: np.ndarray, from_logits: bool) -> np.ndarray:
    """(n, k) network outputs -> (n, n_classes) probabilities, nbcode's convention."""
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[1] == 1:
        o = out[:, 0]
        p = sigmoid(o) if from_logits else o
        return np.column_stack([1.0 - p, p])
    return softmax(out) if from_logits else out


#: model -> its forward pass compiled by ``jax.jit`` (see :func:`_inference`).
_INFERENCE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _inference(model) -> Callable:
    """``f(trainable, non_trainable, X) -> outputs``: the model's forward pass, ``training=False``.

    One function per model, compiled by ``jax.jit`` once per input shape: every snapshot
    of the model (same variable shapes, other values) reuses the compiled program, where
    an eager ``stateless_call`` dispatches (and first compiles) each operation in turn.
    Other backends get the eager call.
    """
    try:
        return _INFERENCE[model]
    except KeyError:
        pass
    if keras.backend.backend() != "jax":
        return partial(_eager_forward, model)
    import jax

    owner = weakref.ref(model)  # the cache must not keep the model alive

    def forward(trainable, non_trainable, X):
        return owner().stateless_call(trainable, non_trainable, X, training=False)[0]

    _INFERENCE[model] = compiled = jax.jit(forward)
    return compiled


def _eager_forward(model, trainable, non_trainable, X):
    return model.stateless_call(trainable, non_trainable, X, training=False)[0]


class KerasSnapshot:
    """The state of a Keras model at one moment, usable as a classifier.

    It stores copies of the model's variables (numpy arrays) and computes outputs
    with ``model.stateless_call``, so the live model is never modified. With the JAX
    backend the forward pass is compiled once per model and input shape and shared by
    all the model's snapshots (a player evaluates one snapshot per frame on one grid).

    Parameters
    ----------
    model : keras.Model
    from_logits : bool or None
        Whether the outputs are logits; None guesses from the last layer.
    """

    def __init__(self, model, from_logits: bool | None = None):
        if not hasattr(model, "trainable_variables"):
            kind = type(model).__name__
            raise TypeError(_("model must be a Keras model; received {kind}.").format(kind=kind))
        self.model = model
        self.from_logits = output_is_logits(model) if from_logits is None else from_logits
        self.trainable = [np.array(v.value) for v in model.trainable_variables]
        self.non_trainable = [np.array(v.value) for v in model.non_trainable_variables]

    def get_weights(self) -> list[np.ndarray]:
        """The trainable variables, in the order of ``model.trainable_variables``."""
        return [w.copy() for w in self.trainable]

    def output(self, X) -> np.ndarray:
        """The network's output for ``X`` (shape (n, ...) as the model expects)."""
        X = np.asarray(X, dtype="float32")
        return np.asarray(_inference(self.model)(self.trainable, self.non_trainable, X))

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n, n_classes) (two columns for one output unit)."""
        return _probabilities(self.output(X), self.from_logits)

    def predict(self, X) -> np.ndarray:
        """Most probable class index, shape (n,)."""
        return self.predict_proba(X).argmax(axis=1)

    def __repr__(self) -> str:
        n = sum(int(w.size) for w in self.trainable)
        return f"KerasSnapshot({self.model.name}, {n:,} trainable parameters)"


class BoundaryRecorder(Recorder, keras.callbacks.Callback):
    """Keras callback that keeps snapshots of the model for :class:`~nbcode.widgets.TrainingPlayer`.

    It is :class:`nbcode.train.Recorder` (which chooses the epochs and keeps the
    snapshots) told by Keras' ``on_train_begin`` and ``on_epoch_end`` what the
    training loops of nbcode tell it with a :class:`~nbcode.train.Progress`.

    Parameters
    ----------
    epochs : iterable of int, optional
        Epochs after which to keep a snapshot; 0 is the state before training.
        Default: every epoch (and 0).
    from_logits : bool or None
        Whether the model outputs logits (None: guessed from the last layer).
    snapshot : callable, optional
        ``snapshot(model) -> object`` to keep instead of a :class:`KerasSnapshot`
        (e.g. ``lambda m: m.get_weights()``).

    Attributes
    ----------
    snapshots : list of (epoch, snapshot, loss)
        Like :class:`nbcode.train.Recorder`. The loss is Keras' training loss of that
        epoch (the mean over its mini-batches); NaN for epoch 0.
    """

    def __init__(self, epochs: Iterable[int] | None = None, from_logits: bool | None = None,
                 snapshot: Callable | None = None):
        keras.callbacks.Callback.__init__(self)
        Recorder.__init__(self, epochs, snapshot or partial(KerasSnapshot, from_logits=from_logits))
        self.from_logits = from_logits
        self._offset = 0

    def on_train_begin(self, logs=None):
        # A second fit() continues the epoch count instead of restarting at 0.
        self._offset = self.snapshots[-1][0] if self.snapshots else 0
        if not self.snapshots:
            self(Progress(epoch=0, step=0, loss=float("nan"), model=self.model))

    def on_epoch_end(self, epoch, logs=None):
        # Keras counts epochs from 0; nbcode's epoch 1 is the state after the first.
        done = self._offset + epoch + 1
        loss = (logs or {}).get("loss", float("nan"))
        self(Progress(epoch=done, step=int(self.model.optimizer.iterations), loss=loss,
                      model=self.model))

    def player(self, X, y, limits=None, resolution: int = 50, title: str | None = None,
               figsize=(3.0, 2.8), class_names=None, legend_loc: str = "upper left", **kwargs):
        """A :class:`~nbcode.widgets.TrainingPlayer` of the decision boundary, one frame per snapshot.

        ``X`` (n, 2) and ``y`` (n,) are drawn on every frame; ``limits`` fixes the axes
        (default: the data and 0.5 around it, :func:`nbcode.frames.data_limits`).
        ``class_names`` (one per label of ``y``) draws a class legend at ``legend_loc``.

        The frames are rendered by :mod:`nbcode.frames`: the axes, the data and the labels
        are drawn once, then each frame shades one snapshot's probabilities (one batched
        evaluation of the snapshot on the whole grid) and draws its boundary and title.
        """
        from .frames import data_limits
        from .widgets import TrainingPlayer

        if not self.snapshots:
            raise ValueError(_("no snapshots yet: pass the recorder to model.fit(callbacks=[...])."))
        if limits is None:  # once, from the data: every frame shows the same square
            limits = data_limits(X)

        setup = partial(_regions_view, limits=limits, X=X, y=y, resolution=resolution,
                        class_names=class_names, legend_loc=legend_loc)

        def update(regions, item):
            regions.update(item[1], title=snapshot_title(item), fontsize=9)

        labels = [_("epoch {epoch}").format(epoch=e) for e, *_rest in self.snapshots]
        return TrainingPlayer.from_items(self.snapshots, update, setup=setup, labels=labels,
                                         figsize=figsize, title=title, **kwargs)

    def __repr__(self) -> str:
        return f"BoundaryRecorder({len(self.snapshots)} snapshots)"


def _regions_view(ax, limits, X, y, resolution, class_names=None, legend_loc="upper left"):
    """The picture of a Keras classifier of the plane: its regions, with the data (a frame
    of :meth:`BoundaryRecorder.player`, or of :func:`live_training`)."""
    from .frames import DecisionRegions

    return DecisionRegions(ax, limits, X, y, resolution=resolution, size=8,
                           class_names=class_names, legend_loc=legend_loc)


def snapshot_title(item) -> str:
    """The title of a snapshot's frame: ``"epoch 5, loss 0.691"`` (no loss before training)."""
    epoch, _snapshot, loss = item
    if np.isnan(loss):
        return _("epoch {epoch}").format(epoch=epoch)
    return _("epoch {epoch}, loss {loss:.3g}").format(epoch=epoch, loss=loss)


#: Another name for :class:`BoundaryRecorder`: the callback that feeds a TrainingPlayer.
PlayerCallback = BoundaryRecorder


#: How the logs Keras names most often read in a progress line (other names are shown as they are).
_LOG_NAMES = {"loss": N_("loss"), "accuracy": N_("accuracy")}


def _log_name(name: str) -> str:
    """A log's name in the current language: ``"val_loss"`` reads "perte (validation)" in French."""
    if name.startswith("val_"):
        return _("val_{metric}").format(metric=_log_name(name[len("val_"):]))
    return i18n._(_LOG_NAMES[name]) if name in _LOG_NAMES else name


def _format_number(value) -> str:
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    return f"{value:.3g}"


class ProgressLog(keras.callbacks.Callback):
    """A progress report that reads well live and on a static page: one line every few epochs.

    Use it with ``verbose=0``. Lines look like
    ``epoch  50/200  loss 0.231  accuracy 0.917  val_loss 0.262``: numbers have three
    significant digits and there are no timings, so re-executing a notebook reproduces
    them (nbval compares them).

    Parameters
    ----------
    every : int
        Print after every ``every``-th epoch, and after the last one.
    metrics : sequence of str, optional
        Which logs to print (default: all, in Keras' order).
    print_fn : callable
        Where lines go (default ``print``); every line is also kept in ``lines``.
    """

    def __init__(self, every: int = 10, metrics: Sequence[str] | None = None,
                 print_fn: Callable[[str], None] = print):
        super().__init__()
        self.every = check_positive(every, "every", integer=True)
        check_callable(print_fn, "print_fn", "a function of one line of text")
        self.metrics = None if metrics is None else list(metrics)
        self.print_fn = print_fn
        self.lines: list[str] = []
        self._last_printed = None
        self._last_line = None

    def _line(self, epoch: int, logs: dict) -> str:
        total = (self.params or {}).get("epochs")
        width = len(str(total)) if total else 4
        head = _("epoch {epoch}").format(epoch=f"{epoch:>{width}}") + (f"/{total}" if total else "")
        if self.metrics is not None:
            names = self.metrics
        else:  # the loss first, then training metrics, then validation ones
            names = sorted(logs, key=lambda k: (k.startswith("val_"), k not in ("loss", "val_loss")))
        parts = [f"{_log_name(name)} {_format_number(logs[name])}" for name in names if name in logs]
        return "  ".join([head, *parts])

    def _emit(self, line: str) -> None:
        self.lines.append(line)
        self.print_fn(line)

    def on_train_begin(self, logs=None):
        self._last_printed, self._last_line = None, None

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        line = self._line(done, logs or {})
        self._last_line = (done, line)
        total = (self.params or {}).get("epochs")
        if done % self.every == 0 or done == total:
            self._emit(line)
            self._last_printed = done

    def on_train_end(self, logs=None):
        stopped = self.model is not None and getattr(self.model, "stop_training", False)
        if self._last_line is not None and self._last_line[0] != self._last_printed:
            self._emit(self._last_line[1])
        if stopped and self._last_line is not None:
            self._emit(_("stopped after epoch {epoch}").format(epoch=self._last_line[0]))


# --------------------------------------------------------------------------- models


def classifier_loss(n_outputs: int):
    """Loss and accuracy metric for a classifier whose outputs are logits.

    One output unit: binary cross-entropy on the logit, accuracy with threshold 0
    (the logit is 0 where the probability is 1/2). ``k >= 2`` units: softmax
    cross-entropy with integer labels.

    Returns
    -------
    (loss, metric) : a keras loss and a keras metric
    """
    check_positive(n_outputs, "n_outputs", integer=True)
    if n_outputs == 1:
        return (keras.losses.BinaryCrossentropy(from_logits=True),
                keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0))
    return (keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"))


def build_mlp(n_inputs: int, hidden=(64, 64), n_outputs: int = 2, activation: str = "relu",
        dropout: float = 0.0, l2: float = 0.0, seed: int = 0, name: str = "mlp"):
    """The Keras twin of :func:`nbcode.nn.MLP`: ``Dense -> activation [-> Dropout]`` per layer.

    Two classes give one output unit (a logit), ``k > 2`` classes ``k`` logits, as in
    :func:`nbcode.nn.MLP`. ``l2`` is nbcode's penalty ``l2/2 * sum w^2``: Keras'
    ``L2(factor)`` adds ``factor * sum w^2``, so the layers get ``factor = l2 / 2``.

    Returns
    -------
    keras.Sequential, input shape (n_inputs,), output shape (n_outputs or 1,)
    """
    check_positive(n_inputs, "n_inputs", integer=True)
    check_positive(n_outputs, "n_outputs", integer=True)
    hidden = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    for n_hidden in hidden:
        check_positive(n_hidden, "n_hidden (each entry of hidden)", integer=True)
    check_rate(dropout, "dropout")
    check_positive(l2, "l2", allow_zero=True)
    check_seed(seed)
    regularizer = keras.regularizers.L2(l2 / 2) if l2 else None
    layers = [keras.Input((n_inputs,))]
    for k, n_hidden in enumerate(hidden):
        layers.append(keras.layers.Dense(
            n_hidden, activation=activation, kernel_regularizer=regularizer,
            kernel_initializer=keras.initializers.HeNormal(seed=seed + k), name=f"hidden_{k + 1}"))
        if dropout:
            layers.append(keras.layers.Dropout(dropout, seed=seed + 100 + k,
                                               name=f"dropout_{k + 1}"))
    layers.append(keras.layers.Dense(
        1 if n_outputs <= 2 else n_outputs, kernel_regularizer=regularizer,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 50), name="logits"))
    return keras.Sequential(layers, name=name)


def build_cnn(input_shape=(8, 8, 1), filters: int = 8, n_hidden: int = 32, n_classes: int = 10,
        dropout: float = 0.0, seed: int = 0, name: str = "cnn"):
    """The book's small CNN for 8x8 digits, with the functional API.

    ``Conv2D(filters, 3, padding="same") -> ReLU -> MaxPooling2D(2) -> Flatten`` form the
    block named ``"features"`` (a :class:`keras.Model` reused for transfer learning),
    then ``Dense(n_hidden, relu) [-> Dropout] -> Dense(n_classes)`` (logits).
    Inputs are channels-last, shape (n, 8, 8, 1), Keras' default (nbcode uses (n, 1, 8, 8)).
    """
    if len(tuple(input_shape)) != 3:
        raise ValueError(_("input_shape must be (height, width, channels), channels last; "
                           "received {input_shape!r}.").format(input_shape=input_shape))
    for size in input_shape:
        check_positive(size, "input_shape (each size)", integer=True)
    check_positive(filters, "filters", integer=True)
    check_positive(n_hidden, "n_hidden", integer=True)
    check_positive(n_classes, "n_classes", integer=True)
    check_rate(dropout, "dropout")
    check_seed(seed)
    inputs = keras.Input(input_shape, name="image")
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu",
                            kernel_initializer=keras.initializers.HeNormal(seed=seed))(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Flatten()(x)
    features = keras.Model(inputs, x, name="features")
    h = keras.layers.Dense(n_hidden, activation="relu", name="hidden",
                           kernel_initializer=keras.initializers.HeNormal(seed=seed + 1))(x)
    if dropout:
        h = keras.layers.Dropout(dropout, seed=seed + 2)(h)
    outputs = keras.layers.Dense(n_classes, name="logits",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 3))(h)
    model = keras.Model(inputs, outputs, name=name)
    model.features = features
    return model


def from_nbcode(model, name: str = "from_nbcode"):
    """A Keras copy of an nbcode :class:`~nbcode.nn.Sequential` of Dense/Activation/Dropout layers.

    The Keras layers get the same weights (``W`` (n_in, n_out) is Keras' ``kernel``, ``b``
    its ``bias``), so both networks start from the same point and can be compared step
    by step. Keras computes in float32, nbcode in float64.
    """
    from .nn import Activation, Dense, Dropout

    layers = list(getattr(model, "layers", []))
    if not layers or not isinstance(layers[0], Dense):
        kind = type(model).__name__
        if not layers:
            raise ValueError(_("model must be an nbcode Sequential whose first layer is Dense "
                               "(e.g. nbcode.nn.MLP(2, (64, 64))); received {kind}.").format(
                                   kind=kind))
        first = type(layers[0]).__name__
        raise ValueError(_("model must be an nbcode Sequential whose first layer is Dense "
                           "(e.g. nbcode.nn.MLP(2, (64, 64))); received {kind} starting with "
                           "{first}.").format(kind=kind, first=first))
    out = [keras.Input((layers[0].n_in,))]
    weights = []
    for index, layer in enumerate(layers):
        if isinstance(layer, Dense):
            out.append(keras.layers.Dense(layer.params["W"].shape[1], name=f"dense_{index}"))
            weights.append((len(out) - 1, [layer.params["W"], layer.params["b"]]))
        elif isinstance(layer, Activation):
            out.append(keras.layers.Activation(layer.name, name=f"activation_{index}"))
        elif isinstance(layer, Dropout):
            out.append(keras.layers.Dropout(layer.rate, name=f"dropout_{index}"))
        else:
            kind = type(layer).__name__
            raise ValueError(_("model's layers must be Dense, Activation or Dropout (what from_nbcode "
                               "copies); received layer {index}, a {kind}.").format(index=index,
                                                                                  kind=kind))
    twin = keras.Sequential(out, name=name)
    for position, values in weights:
        # out[0] is the Input, so the layer at out[position] is twin.layers[position - 1]
        twin.layers[position - 1].set_weights([np.asarray(v, dtype="float32") for v in values])
    return twin


# --------------------------------------------------------------------------- counting parameters


@contextmanager
def numpy_initialisers(seed: int = 0):
    """Within this block, Keras (JAX backend) draws random initial weights with numpy.

    JAX compiles its random-number generator once per array shape, which costs
    seconds per shape on a busy CPU; a large architecture has dozens of shapes.
    When the weights are only placeholders (``weights=None``, to look at an
    architecture and count its parameters), numpy's generator gives the same kind
    of draws at once. The Keras functions are restored on exit.
    """
    import jax
    from keras.src import backend

    rng = np.random.default_rng(seed)
    module = backend.random
    names = ("uniform", "normal", "truncated_normal")
    saved = {name: getattr(module, name) for name in names}

    def array(values, dtype):
        # Converted by numpy and copied to the device: jnp.asarray would compile a
        # program (a conversion, or a copy) for every new shape.
        return jax.device_put(np.asarray(values, dtype=np.dtype(dtype or "float32")))

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        return array(rng.uniform(minval, maxval, shape), dtype)

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        return array(rng.normal(mean, stddev, shape), dtype)

    def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        z = rng.normal(size=shape)
        outside = np.abs(z) > 2
        while outside.any():  # redraw beyond two standard deviations, as Keras does
            z[outside] = rng.normal(size=int(outside.sum()))
            outside = np.abs(z) > 2
        return array(mean + stddev * z, dtype)

    module.uniform, module.normal, module.truncated_normal = uniform, normal, truncated_normal
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(module, name, function)


# --------------------------------------------------------------------------- fewer compilations

#: Draws are made this long at least (2**16 values), so one compiled program serves them all.
SHARED_DRAW_LENGTH = 2 ** 16

#: Keras' own functions, kept while :func:`share_initialiser_compilations` replaces them.
_KERAS_ORIGINALS: dict = {}


def _draw_length(n: int) -> int:
    """How many values to draw for ``n``: :data:`SHARED_DRAW_LENGTH`, or the next power of two."""
    return max(SHARED_DRAW_LENGTH, 1 << max(int(n) - 1, 0).bit_length())


def _plain_shape(shape) -> tuple | None:
    """``shape`` as a tuple of Python ints, or None if it is not a concrete shape."""
    try:
        plain = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return None
    if any(d < 0 or d != size for d, size in zip(plain, shape, strict=True)):
        return None
    return plain


def _concrete_scalars(*values) -> bool:
    """True if every value is a number known now (not traced by jax, not an array)."""
    import jax

    return all(not isinstance(v, jax.core.Tracer) and np.ndim(v) == 0 for v in values)


def _shared_draw(sample, key, shape):
    """The first ``prod(shape)`` values of one longer draw ``sample(key, (length,))``, reshaped.

    JAX's counter-based generator (threefry, "partitionable" since JAX 0.5) gives value
    ``i`` of a draw from the key and ``i`` alone, so these are the values of
    ``sample(key, shape)``; the draw's length comes from a few powers of two, and the
    program that makes it is compiled once for all the shapes it covers.
    """
    n = math.prod(shape)
    return np.asarray(sample(key, (_draw_length(n),)))[:n].reshape(shape)


def _shift_scale(sample: np.ndarray, stddev, mean):
    """``sample * stddev + mean`` in float32, as JAX computes it (two rounded float32 operations)."""
    return sample * np.float32(stddev) + np.float32(mean)


def _shared_random_functions():
    """Replacements for Keras' JAX ``uniform``, ``normal`` and ``truncated_normal``.

    Each does what Keras' own does (keras/src/backend/jax/random.py): draw the seed, then
    sample; only the sampling goes through :func:`_shared_draw`, for float32 draws with a
    concrete shape, seed and parameters. Anything else (other dtypes, values traced inside
    a compiled function) is left to Keras' own function.
    """
    import jax
    from keras.src.backend import floatx, standardize_dtype
    from keras.src.backend.jax.random import jax_draw_seed

    originals = _KERAS_ORIGINALS

    def shareable(shape, dtype, *parameters):
        plain = _plain_shape(shape)
        ok = plain is not None and standardize_dtype(dtype) == "float32"
        return plain if ok and _concrete_scalars(*parameters) else None

    def draw(name, shape, dtype, seed, parameters, sample):
        # Keras' own function for what cannot be shared; else the seed's key, then the draw:
        # normal laws are drawn standard, then scaled and shifted, as Keras does.
        dtype = dtype or floatx()
        plain = shareable(shape, dtype, *parameters.values())
        if plain is None:
            return originals[name](shape, dtype=dtype, seed=seed, **parameters)
        key = jax_draw_seed(seed)
        standard = "stddev" in parameters
        if isinstance(key, jax.core.Tracer):
            values = sample(key, shape, dtype)
            return values * parameters["stddev"] + parameters["mean"] if standard else values
        values = _shared_draw(lambda k, s: sample(k, s, dtype), key, plain)
        if standard:
            values = _shift_scale(values, parameters["stddev"], parameters["mean"])
        return jax.device_put(values)

    def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
        def sample(k, s, d):
            return jax.random.uniform(k, shape=s, dtype=d, minval=minval, maxval=maxval)

        return draw("uniform", shape, dtype, seed, {"minval": minval, "maxval": maxval}, sample)

    def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        def sample(k, s, d):
            return jax.random.normal(k, shape=s, dtype=d)

        return draw("normal", shape, dtype, seed, {"mean": mean, "stddev": stddev}, sample)

    def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
        def sample(k, s, d):
            return jax.random.truncated_normal(k, shape=s, lower=-2.0, upper=2.0, dtype=d)

        return draw("truncated_normal", shape, dtype, seed, {"mean": mean, "stddev": stddev},
                    sample)

    return {"uniform": uniform, "normal": normal, "truncated_normal": truncated_normal}


def _constant_call(fill: int):
    """``Zeros.__call__`` / ``Ones.__call__`` that fill with numpy (jnp.zeros compiles per shape)."""
    import jax
    from keras.src.backend import standardize_dtype

    name = "Zeros" if fill == 0 else "Ones"

    def __call__(self, shape, dtype=None):
        dtype = standardize_dtype(dtype)
        plain = _plain_shape(shape)
        try:
            numpy_dtype = np.dtype(dtype)
        except TypeError:
            numpy_dtype = None
        if plain is None or numpy_dtype is None or jax.dtypes.canonicalize_dtype(numpy_dtype) != numpy_dtype:
            return _KERAS_ORIGINALS[name](self, shape, dtype)
        return jax.device_put(np.full(plain, fill, dtype=numpy_dtype))

    return __call__


def share_initialiser_compilations(enable: bool = True) -> None:
    """Let Keras (JAX backend) draw initial weights with one compiled program per distribution.

    JAX compiles its random-number generator for every shape it draws, and Keras fills
    zeros and ones with a program compiled per shape too: building a model compiles a few
    small programs per layer (0.1-1 s each on a busy CPU). With this, ``uniform``,
    ``normal`` and ``truncated_normal`` draw :data:`SHARED_DRAW_LENGTH` values (or the next
    power of two) and keep the first ones, which are the very values Keras would have
    drawn (see :func:`_shared_draw`); ``Zeros`` and ``Ones`` are filled by numpy. Same
    weights, bit for bit; only the number of compilations changes. Importing this module
    calls it; ``enable=False`` puts Keras' own functions back. Other backends: no effect.
    """
    if keras.backend.backend() != "jax":
        return
    from keras.src.backend.jax import random as jax_random
    from keras.src.initializers import constant_initializers

    classes = {"Zeros": constant_initializers.Zeros, "Ones": constant_initializers.Ones}
    names = ("uniform", "normal", "truncated_normal")
    if enable and not _KERAS_ORIGINALS:
        _KERAS_ORIGINALS.update({name: getattr(jax_random, name) for name in names})
        _KERAS_ORIGINALS.update({name: cls.__call__ for name, cls in classes.items()})
        for name, function in _shared_random_functions().items():
            setattr(jax_random, name, function)
        for fill, cls in enumerate(classes.values()):
            cls.__call__ = _constant_call(fill)
    elif not enable and _KERAS_ORIGINALS:
        for name in names:
            setattr(jax_random, name, _KERAS_ORIGINALS[name])
        for name, cls in classes.items():
            cls.__call__ = _KERAS_ORIGINALS[name]
        _KERAS_ORIGINALS.clear()


share_initialiser_compilations()


#: (folder, JAX's previous minimum compile time) while :func:`reuse_compiled_programs` is on.
_PROGRAM_FOLDERS: list = []


_PROGRAM_PREFIX = "nbcode-jax-programs-"


def _remove_orphan_program_folders(root: str | None = None) -> list[str]:
    """Delete the program folders of sessions that are gone (their process has ended).

    A kernel stopped without its exit handlers (nbval and nbclient kill it) leaves its
    folder behind: the folder's name holds its process id, so the next session can tell."""
    import shutil

    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{_PROGRAM_PREFIX}*-*"):
        pid = folder.name[len(_PROGRAM_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)            # signal 0: only asks whether the process exists
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
        except (PermissionError, OverflowError):   # another user's process, or no such pid
            continue
    return removed


def reuse_compiled_programs(enable: bool = True) -> str | None:
    """Compile each distinct program once per session, even for another model.

    JAX keeps a compiled program with the function it compiled: a second model of the
    same architecture, compiled with the same loss, optimiser and metrics, has a training
    step of its own, and XLA compiles it again, although the program is the same. JAX's
    compilation cache finds programs by their content instead. Pointed at a temporary
    folder, deleted when Python exits, it reads back every program compiled earlier in
    the session; a new session (a fresh kernel) starts empty and compiles everything
    once. Values do not change: the program read back is the one compiled before.

    Returns the cache folder. A folder configured before (``jax_compilation_cache_dir``)
    is kept as it is. ``enable=False`` turns the temporary folder off again. Only the
    JAX backend compiles with XLA: with another one nothing is done (None).
    """
    if keras.backend.backend() != "jax":
        return None
    import jax
    from jax.experimental.compilation_cache import compilation_cache

    current = jax.config.jax_compilation_cache_dir
    if not enable:
        if _PROGRAM_FOLDERS and current == _PROGRAM_FOLDERS[-1][0].name:
            folder, min_time = _PROGRAM_FOLDERS.pop()
            jax.config.update("jax_compilation_cache_dir", None)
            jax.config.update("jax_persistent_cache_min_compile_time_secs", min_time)
            compilation_cache.reset_cache()
            folder.cleanup()
        return None
    if current:
        return current
    _remove_orphan_program_folders()
    folder = tempfile.TemporaryDirectory(prefix=f"{_PROGRAM_PREFIX}{os.getpid()}-")
    _PROGRAM_FOLDERS.append((folder, jax.config.jax_persistent_cache_min_compile_time_secs))
    compilation_cache.reset_cache()  # JAX reads the folder when the cache is first used
    jax.config.update("jax_compilation_cache_dir", folder.name)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)  # small programs too
    return folder.name


def keras_counts(model) -> tuple[int, int]:
    """(trainable, non-trainable) parameter counts of a Keras model, as its summary gives them."""
    if not hasattr(model, "trainable_weights"):
        kind = type(model).__name__
        raise TypeError(_("model must be a Keras model (with trainable_weights); received "
                          "{kind}.").format(kind=kind))
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return trainable, frozen


# --------------------------------------------------------------------------- live training


class KerasSession:
    """One Keras training run, an epoch at a time: a session of :class:`nbcode.widgets.LiveRunner`.

    :meth:`step` trains one more epoch, ``model.fit(X, y, initial_epoch=epoch,
    epochs=epoch + 1, **fit_options)``, so that a live panel can redraw between two
    epochs; Keras counts the epochs on (its callbacks and its learning-rate schedules
    see epochs 0, 1, 2, ...).

    Parameters
    ----------
    model : keras.Model
        A compiled model (``model.compile(...)`` done).
    X, y : arrays
        The training data, as ``fit`` takes it.
    epochs : int
        The run's length (:attr:`done` after that many epochs).
    **fit_options
        Passed to every ``fit`` (``batch_size``, ``callbacks``, ...); not ``epochs``,
        ``initial_epoch`` or ``verbose``, which the session sets.

    Attributes
    ----------
    epoch : int
        Epochs trained so far.
    history : dict of str -> list of float
        Keras' logs of each epoch trained (``loss`` and the compiled metrics).
    """

    def __init__(self, model, X, y, *, epochs: int, **fit_options):
        if not hasattr(model, "fit") or not hasattr(model, "trainable_variables"):
            kind = type(model).__name__
            raise TypeError(_("model must be a Keras model; received {kind}.").format(kind=kind))
        if not getattr(model, "compiled", False):
            raise ValueError(_("model must be compiled first: call model.compile(optimizer=..., "
                               "loss=...) before training it in a session."))
        check_positive(epochs, "epochs", integer=True, allow_zero=True)
        taken = sorted({"epochs", "initial_epoch", "verbose"} & set(fit_options))
        if taken:
            raise TypeError(_("{names}: the session sets these itself (one epoch per step); "
                              "give the run's length as epochs=.").format(names=", ".join(taken)))
        self.model, self.X, self.y = model, X, y
        self.epochs, self.fit_options = int(epochs), fit_options
        self.epoch = 0
        self.history: dict[str, list[float]] = {}

    @property
    def done(self) -> bool:
        """Whether the run has trained its ``epochs``."""
        return self.epoch >= self.epochs

    def step(self) -> None:
        """Train one more epoch."""
        logs = self.model.fit(self.X, self.y, initial_epoch=self.epoch, epochs=self.epoch + 1,
                              verbose=0, **self.fit_options).history
        for name, values in logs.items():
            self.history.setdefault(name, []).extend(float(v) for v in values)
        self.epoch += 1

    def snapshot(self, from_logits: bool | None = None) -> KerasSnapshot:
        """The model now, as a classifier that later training leaves alone."""
        return KerasSnapshot(self.model, from_logits=from_logits)

    def __repr__(self) -> str:
        return f"KerasSession(epoch {self.epoch} of {self.epochs})"


def live_training(player, new_session: Callable, controls: dict, X, y, *, limits=None,
                  resolution: int = 40, figsize=(3.0, 2.8), class_names=None,
                  legend_loc: str = "upper left", title: str | None = None,
                  description: str | None = None, max_fps: float = 15.0,
                  epochs_per_second: float | None = 40.0, dpi: int = 72, colors: int = 40):
    """A Keras classifier of the plane, trained live: :class:`nbcode.widgets.LiveTraining`.

    Without a kernel the panel plays ``player``, a recorded run
    (:meth:`BoundaryRecorder.player`); in a kernel **Play** trains the run
    ``new_session(**values)`` makes from the controls' values, and redraws its regions
    and the points ``X`` (n, 2), ``y`` (n,) as it trains, in a frame like the player's.

    Parameters
    ----------
    player : TrainingPlayer
        The recorded run of the default settings.
    new_session : callable ``(**values) -> KerasSession``
        A new run (a new model, compiled) from the controls' values; a ``ValueError``
        (a refused setting) is shown in the status line.
    controls : dict of str -> Control
        The controls (:func:`nbcode.widgets.dropdown`, ...), by the name ``new_session``
        takes their value under.
    X, y, limits, resolution, figsize, class_names, legend_loc
        The frame, as :meth:`BoundaryRecorder.player` draws it (``limits`` None: the data
        with a margin).
    title : str, optional
        A line above the controls.
    max_fps, epochs_per_second : float
        At most this many redraws, and epochs, a second (``epochs_per_second`` None: as
        fast as the kernel trains; a small network trains 150 epochs in under a second,
        too fast to watch, so the default is the Playground's 40).
    """
    from .widgets import live_regions

    return live_regions(player, new_session, controls, X, y, classifier=KerasSession.snapshot,
                        session_type=KerasSession, limits=limits, resolution=resolution,
                        figsize=figsize, size=8, class_names=class_names, legend_loc=legend_loc,
                        title=title, description=description or _("a Keras run, trained live"),
                        max_fps=max_fps, epochs_per_second=epochs_per_second, dpi=dpi,
                        colors=colors)
