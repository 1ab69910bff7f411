"""A stack of layers trained by mini-batch gradient descent: :class:`Sequential` and :func:`MLP`.

Conventions
-----------
* **Outputs are logits.** A classifier's last layer is a :class:`~nbcode.nn.Dense`
  layer without activation. The model applies the sigmoid or softmax itself, in
  ``predict_proba`` and fused into the loss (which is then numerically stable).
* **Binary classification: one output unit.** With one output unit ``o``, the model
  reads ``P(y = classes_[1] | x) = sigmoid(o)`` and trains with binary cross-entropy
  (like scikit-learn's ``MLPClassifier`` and a Keras ``Dense(1, "sigmoid")``).
  With ``k >= 2`` output units it uses softmax cross-entropy (integer labels), so a
  2-unit softmax output also works; :func:`MLP` builds the 1-unit form.
* **loss="squared"** makes the model a regressor: ``L = mean over examples of
  1/2 sum_k (y_k - a_k)^2``, where ``a`` is the network's output as it is (end the
  network with ``Activation("sigmoid")`` for outputs in (0, 1), as in the notes).
"""

from __future__ import annotations

import copy

import numpy as np

from .. import train
from .._validation import (
    as_array,
    check_choice,
    check_labels,
    check_positive,
    check_rate,
    check_same_length,
    check_seed,
)
from ..i18n import N_, _
from .activations import ACTIVATIONS
from .layers import Activation, Dense, Dropout, Layer, _rng
from .losses import _bce_logits, _softmax, _softmax_ce, _squared_mean
from .optim import check_learning_rate, get_optimizer

__all__ = ["Sequential", "MLP", "ModelSummary"]


class ModelSummary:
    """Keras-style table of a model's layers: what :meth:`Sequential.summary` returns.

    Attributes
    ----------
    rows : list of (layer name, output shape, number of parameters)
        Output shapes exclude the batch axis (Keras prints it as ``None``).
    total_params, trainable_params, non_trainable_params : int
    """

    def __init__(self, rows, total_params, trainable_params):
        self.rows = rows
        self.total_params = total_params
        self.trainable_params = trainable_params
        self.non_trainable_params = total_params - trainable_params

    def __str__(self) -> str:
        header = (_("Layer (type)"), _("Output shape"), _("Param #"))
        body = [(name, str((None, *shape)), f"{count:,}") for name, shape, count in self.rows]
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(3)]

        def line(r):
            return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}"

        rule = "-" * (sum(widths) + 4)
        return "\n".join([
            line(header), rule, *map(line, body), rule,
            _("Total params: {n:,}").format(n=self.total_params),
            _("Trainable params: {n:,}").format(n=self.trainable_params),
            _("Non-trainable params: {n:,}").format(n=self.non_trainable_params),
        ])

    __repr__ = __str__


class Sequential:
    """A neural network as a list of layers applied one after the other.

    Parameters
    ----------
    layers : list of Layer
        E.g. ``[Dense(2, 64), Activation("relu"), Dense(64, 1)]``.

    Attributes (set by :meth:`fit`)
    -------------------------------
    classes_ : array, shape (n_classes,)
        The class labels (classifiers only), in the order of ``predict_proba``'s columns.
    history_ : nbcode.train.History
        Loss and metrics per epoch; ``history_.epoch[0] == 0`` is the state before training.
    optimizer_ : the optimiser used (keeps its state between calls to ``fit``).
    """

    def __init__(self, layers: list[Layer] | None = None):
        layers = list(layers or [])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    _("layers[{i}] must be a Layer (Dense, Activation, ...); "
                      "received {kind}.").format(i=i, kind=type(layer).__name__)
                )
        self.layers = layers
        self.loss = "cross_entropy"
        self.classes_ = None
        self.input_shape_ = None
        self.history_ = None
        self.optimizer_ = None

    # ------------------------------------------------------------------ building
    def add(self, layer: Layer) -> Sequential:
        """Append a layer; returns the model so calls can be chained."""
        if not isinstance(layer, Layer):
            raise TypeError(_("layer must be a Layer; received {kind}.").format(
                kind=type(layer).__name__))
        self.layers.append(layer)
        return self

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        return self.layers[index]

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner}\n])  # {self.n_params:,} parameters"

    # ------------------------------------------------------------------ passes
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Output of the network for a batch ``X`` (logits for a classifier).

        ``X`` has shape (n, n_features) or (n, channels, height, width); the output
        (n, n_outputs). ``training=True`` switches dropout on and caches what
        :meth:`backward` needs.
        """
        out = X if isinstance(X, np.ndarray) else as_array(X, "X")
        for layer in self.layers:
            out = layer.forward(out, training)
        return out

    __call__ = forward

    def backward(self, dloss: np.ndarray) -> np.ndarray:
        """Backpropagate ``dL/d(output)`` through every layer (last to first).

        Each layer stores its ``grads``; returns ``dL/dX`` (shape of the input).
        """
        d = dloss
        for layer in reversed(self.layers):
            d = layer.backward(d)
        return d

    def _param_backward(self, dloss: np.ndarray) -> None:
        """:meth:`backward` for training: the parameters' gradients only. Stops at the first
        trainable layer, which skips its ``dL/dx`` (:meth:`Layer.param_backward`); the
        layers before it have nothing to learn."""
        first = next((k for k, layer in enumerate(self.layers) if layer.trainable and layer.params),
                     None)
        if first is None:
            return
        d = dloss
        for layer in self.layers[:first:-1]:
            d = layer.backward(d)
        self.layers[first].param_backward(d)

    # ------------------------------------------------------------------ parameters
    def parameters(self) -> list[np.ndarray]:
        """Every parameter array, layer by layer (frozen layers included)."""
        return [p for layer in self.layers for p in layer.parameters()]

    @property
    def n_params(self) -> int:
        return sum(layer.n_params for layer in self.layers)

    def get_params(self) -> list[dict[str, np.ndarray]]:
        """Deep copy of the parameters: one dict per layer (used by EarlyStopping)."""
        return [{k: v.copy() for k, v in layer.params.items()} for layer in self.layers]

    def set_params(self, params: list[dict[str, np.ndarray]]) -> Sequential:
        """Copy parameters from :meth:`get_params`'s output into the model (in place)."""
        if len(params) != len(self.layers):
            raise ValueError(
                _("params must hold one dict per layer ({n_layers}); "
                  "received {n_received}.").format(n_layers=len(self.layers),
                                                   n_received=len(params))
            )
        for i, (layer, values) in enumerate(zip(self.layers, params, strict=True)):
            if set(values) != set(layer.params):
                raise ValueError(
                    _("params[{i}] must have keys {keys}; received {received}.").format(
                        i=i, keys=sorted(layer.params), received=sorted(values))
                )
            for key, value in values.items():
                if np.shape(value) != layer.params[key].shape:
                    raise ValueError(
                        _("params[{i}][{key!r}] must have shape {expected}; "
                          "received {shape}.").format(i=i, key=key,
                                                      expected=layer.params[key].shape,
                                                      shape=np.shape(value))
                    )
                # In place, so that optimiser state and references stay attached.
                np.copyto(layer.params[key], value)
        return self

    def copy(self) -> Sequential:
        """An independent deep copy of the model (e.g. a snapshot during training)."""
        return copy.deepcopy(self)

    def summary(self, input_shape: tuple | None = None) -> ModelSummary:
        """Table of layers, output shapes and parameter counts (counted as Keras does).

        ``input_shape`` is one example's shape, e.g. ``(2,)`` or ``(1, 8, 8)``; by
        default the shape seen by :meth:`fit`, or ``(n_in,)`` of a first Dense layer.
        """
        if input_shape is None:
            input_shape = self.input_shape_
        if input_shape is None and self.layers and isinstance(self.layers[0], Dense):
            input_shape = (self.layers[0].n_in,)
        if input_shape is None:
            first = type(self.layers[0]).__name__ if self.layers else None
            raise ValueError(
                _("input_shape is needed to compute output shapes: pass one example's shape, "
                  "e.g. summary(input_shape=(1, 8, 8)) for 8x8 grey images; received "
                  "input_shape=None and a first layer {first} that does not tell it.").format(
                    first=first)
            )
        shape, rows, counts = tuple(input_shape), [], {}
        for layer in self.layers:
            shape = layer.output_shape(shape)
            kind = type(layer).__name__
            counts[kind] = counts.get(kind, 0) + 1
            name = f"{kind.lower()}_{counts[kind]} ({kind})"
            rows.append((name, shape, layer.n_params))
        trainable = sum(layer.n_params for layer in self.layers if layer.trainable)
        return ModelSummary(rows, self.n_params, trainable)

    # ------------------------------------------------------------------ predictions
    def _check_X(self, X, name="X"):
        X = as_array(X, name, ndim=(2, 3, 4))
        first = self.layers[0] if self.layers else None
        if isinstance(first, Dense) and X.shape[1:] != (first.n_in,):
            raise ValueError(
                _("{name} must have shape (n, {n_in}) for this model (its first layer is "
                  "Dense(n_in={n_in})); received shape {shape}.").format(
                    name=name, n_in=first.n_in, shape=X.shape)
            )
        return X

    def decision_function(self, X) -> np.ndarray:
        """Network output: logits, shape (n,) for one output unit, else (n, n_outputs)."""
        out = self.forward(self._check_X(X))
        return out[:, 0] if out.ndim == 2 and out.shape[1] == 1 else out

    def _require_classifier(self, method):
        if self.loss != "cross_entropy":
            raise ValueError(
                _("{method} is for classifiers; this model was fitted with loss={loss!r} "
                  "(a regressor): use predict(X). It received a regressor where a classifier "
                  "(loss='cross_entropy') is expected.").format(method=method, loss=self.loss)
            )

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n, n_classes), columns in the order of ``classes_``.

        One output unit: columns ``[1 - sigmoid(o), sigmoid(o)]``; several: ``softmax(o)``.
        """
        self._require_classifier("predict_proba")
        o = self.forward(self._check_X(X))
        if o.shape[1] == 1:
            p = ACTIVATIONS["sigmoid"].value(o[:, 0])
            return np.column_stack([1.0 - p, p])
        return _softmax(o)

    def predict(self, X) -> np.ndarray:
        """Predicted class labels, shape (n,) (regressors: the outputs, (n,) or (n, k))."""
        if self.loss == "squared":
            out = self.forward(self._check_X(X))
            return out[:, 0] if out.shape[1] == 1 else out
        o = self.forward(self._check_X(X))
        index = (o[:, 0] > 0).astype(int) if o.shape[1] == 1 else o.argmax(axis=1)
        classes = self.classes_ if self.classes_ is not None else np.arange(max(2, o.shape[1]))
        return classes[index]

    def score(self, X, y) -> float:
        """Accuracy for a classifier; coefficient of determination R^2 for a regressor."""
        prediction = self.predict(X)
        if self.loss == "squared":
            y = as_array(y, "y", ndim=(1, 2)).reshape(prediction.shape)
            residual = np.sum((y - prediction) ** 2)
            return float(1.0 - residual / np.sum((y - y.mean(axis=0)) ** 2))
        y = check_labels(y, "y")
        check_same_length(prediction, y, "X", "y")
        if self.classes_ is not None:
            unknown = ~np.isin(y, self.classes_)
            if unknown.any():
                hint = " " + _("Convert ±1 labels with (y + 1) // 2.") if -1 in y[unknown] else ""
                raise ValueError(
                    _("y must hold labels the model was fitted on (classes_ = "
                      "{classes}); received labels {labels}.{hint}").format(
                        classes=self.classes_.tolist(),
                        labels=np.unique(y[unknown])[:5].tolist(), hint=hint))
        return float(np.mean(prediction == y))

    # ------------------------------------------------------------------ training
    def _targets(self, y, n_outputs: int, fitting: bool):
        """Encode labels/targets as the loss functions want them (fitting: learn ``classes_``)."""
        if self.loss == "squared":
            y = as_array(y, "y", ndim=(1, 2))
            if y.ndim == 1:
                y = y[:, None]
            if y.shape[1] != n_outputs:
                raise ValueError(
                    _("y must have {n_outputs} column(s), one per output unit of the network; "
                      "received shape {shape}.").format(n_outputs=n_outputs, shape=y.shape)
                )
            return y
        y = check_labels(y, "y")
        if fitting:
            self.classes_ = _classes(np.unique(y), n_outputs)
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(
                _("y contains labels {labels} unknown to the model "
                  "(classes_ = {classes}).").format(labels=np.unique(y[unknown])[:5].tolist(),
                                                    classes=self.classes_.tolist())
            )
        index = np.searchsorted(self.classes_, y)
        return index.astype(float)[:, None] if n_outputs == 1 else index

    def _loss_function(self, n_outputs):
        if self.loss == "squared":
            return _squared_mean
        return _bce_logits if n_outputs == 1 else _softmax_ce

    def penalized_weights(self) -> list[np.ndarray]:
        """The arrays a weight penalty applies to (every layer's weights, not its biases)."""
        return [layer.params[k] for layer in self.layers for k in layer.penalized
                if k in layer.params]

    def penalty(self, l2, l1) -> float:
        """The penalty ``fit`` adds to the loss: l2/2 sum w^2 + l1 sum |w| over the weights."""
        weights = self.penalized_weights()
        value = 0.0
        if l2:
            value += 0.5 * l2 * sum(float(np.vdot(w, w)) for w in weights)
        if l1:
            value += l1 * sum(float(np.abs(w).sum()) for w in weights)
        return value

    def loss_and_accuracy(self, X, y) -> tuple[float, float | None]:
        """The loss the model trains on (without a penalty) and its accuracy (None for a
        regression) on examples ``X`` with labels or targets ``y``, as :meth:`fit`
        reports them for its validation data. A classifier must know its classes
        (:meth:`fit` or :meth:`update_rule` sets them)."""
        if self.loss != "squared" and self.classes_ is None:
            raise RuntimeError(_("loss_and_accuracy needs a fitted model: call fit (or "
                                 "update_rule) first."))
        X = self._check_X(X)
        n_outputs = self.forward(X[:1]).shape[1]
        target = self._targets(y, n_outputs, fitting=False)
        check_same_length(X, target, "X", "y")
        return self._evaluate(X, target, self._loss_function(n_outputs))

    def _evaluate(self, X, target, loss_fn) -> tuple[float, float | None]:
        out = self.forward(X, training=False)
        loss = loss_fn(out, target)[0]
        if self.loss == "squared":
            return loss, None
        index = (out[:, 0] > 0) if out.shape[1] == 1 else out.argmax(axis=1)
        truth = target[:, 0] if target.ndim == 2 else target
        return loss, float(np.mean(index == truth))

    def fit(self, X, y, epochs: int = 100, batch_size: int | None = 32, optimizer=None,
            loss: str = "cross_entropy", l2: float = 0.0, l1: float = 0.0,
            validation_data=None, callbacks=None, seed=0, shuffle: bool = True,
            learning_rate: float | None = None) -> Sequential:
        """Train the network by mini-batch gradient descent; returns ``self``.

        The loop is :func:`nbcode.train.fit`; each mini-batch gets one update of
        :meth:`update_rule` (the layers' forward and backward passes, then the step).

        Parameters
        ----------
        X : array, shape (n, n_features) or (n, channels, height, width)
        y : array, shape (n,)
            Class labels (``loss="cross_entropy"``) or targets, shape (n,) or
            (n, n_outputs) (``loss="squared"``).
        epochs : int
            Passes over the training data.
        batch_size : int or None
            Examples per update; None for full-batch gradient descent.
        optimizer : None, "sgd", "adam" or an optimiser object
            None means ``SGD(learning_rate=0.1)``. An object keeps its state across calls.
        loss : {"cross_entropy", "squared"}
            See the module docstring. Cross-entropy is a mean over the batch.
        l2, l1 : float >= 0
            Penalties on the weights ``W`` of Dense and Conv2D layers (never on
            biases): ``L = data loss + l2/2 sum w^2 + l1 sum |w|``. The L2 term adds
            ``l2 * w`` to each weight's gradient. The L1 term is applied as a proximal
            ("soft-thresholding") step after each update,
            ``w <- sign(w) max(|w| - learning_rate * l1, 0)``: for SGD this is exact
            proximal gradient descent, and unlike the subgradient ``l1 * sign(w)``
            (which makes weights jitter around 0) it sets weights exactly to 0.
        validation_data : (X_val, y_val), optional
            Adds the metrics ``val_loss`` (data loss, no penalty) and, for
            classifiers, ``val_accuracy``.
        callbacks : list of callables, optional
            nbcode.train protocol: each is called with a
            :class:`nbcode.train.Progress` **once before training (epoch=0)**, so that
            recorders capture the initial state, and then after every epoch; training
            stops when one returns True (e.g. :class:`nbcode.train.EarlyStopping`).
            ``Progress.loss`` is the mean of the epoch's mini-batch losses plus the
            penalty (at epoch 0: the loss on all of X).
        seed : int or numpy Generator
            Randomness of the shuffling (dropout masks use each layer's own seed).
        shuffle : bool
            Shuffle the examples before each epoch.
        learning_rate : float or schedule (callable step -> rate), optional
            Learning rate when ``optimizer`` is given by name.

        Training continues from the current weights (call it again to train more).
        :meth:`training` makes the same run without training it yet, to train an epoch
        at a time.
        """
        run = self.training(X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                            loss=loss, l2=l2, l1=l1, validation_data=validation_data,
                            callbacks=callbacks, seed=seed, shuffle=shuffle,
                            learning_rate=learning_rate)
        while not run.done:
            run.step()
        self.history_ = run.history
        return self

    def training(self, X, y, epochs: int = 100, batch_size: int | None = 32, optimizer=None,
                 loss: str = "cross_entropy", l2: float = 0.0, l1: float = 0.0,
                 validation_data=None, callbacks=None, seed=0, shuffle: bool = True,
                 learning_rate: float | None = None) -> train.Training:
        """The run :meth:`fit` trains, ready to train an epoch at a time (a live view).

        Takes :meth:`fit`'s arguments and returns a :class:`nbcode.train.Training`:
        ``run.step()`` trains one epoch, ``run.done`` says when the run is over, and
        stepping it to the end gives ``fit``'s weights and history, bit for bit (``fit``
        is exactly that). The callbacks hear epoch 0 at once.
        """
        self._check_update_options(loss, l2, l1)
        check_positive(epochs, "epochs", integer=True, allow_zero=True)
        if batch_size is not None:
            check_positive(batch_size, "batch_size", integer=True)
        if learning_rate is not None:
            check_learning_rate(learning_rate)
        check_seed(seed)
        X, target, loss_fn, validation = self._prepare_data(X, y, loss, validation_data)
        self.optimizer_ = get_optimizer(optimizer, learning_rate)
        update = self._update_rule(X, target, loss_fn, self.optimizer_, l2, l1)
        report = self._reporter(X, target, loss_fn, validation, l2, l1)
        return train.Training(self, update, X.shape[0], epochs=epochs, batch_size=batch_size,
                              shuffle=shuffle, rng=_rng(seed), report=report, callbacks=callbacks)

    def update_rule(self, X, y, loss: str = "cross_entropy", optimizer=None, l2: float = 0.0,
                    l1: float = 0.0):
        """The update of one mini-batch of (X, y), ``update(batch) -> batch loss``, as
        :func:`nbcode.train.fit` applies it.

        It is what :meth:`fit` trains with, for models that run the loop with reports of
        their own (``linear.LinearRegressionGD`` is a one-layer network trained this way).
        Arguments as in :meth:`fit`; an optimiser object carries its state across updates.
        """
        self._check_update_options(loss, l2, l1)
        X, target, loss_fn = self._prepare_data(X, y, loss, None)[:3]
        return self._update_rule(X, target, loss_fn, get_optimizer(optimizer), l2, l1)

    def _check_update_options(self, loss, l2, l1) -> None:
        """Refuse bad options of an update before any work, naming the argument."""
        check_choice(loss, "loss", {"cross_entropy", "squared"})
        check_positive(l2, "l2", allow_zero=True)
        check_positive(l1, "l1", allow_zero=True)
        if not self.layers:
            raise ValueError(_("the model has no layers (received Sequential([])); add some with "
                               "add(layer) first."))

    def _prepare_data(self, X, y, loss, validation_data):
        """Check the data of :meth:`fit` and encode the targets for ``loss``.

        Returns ``X``, the encoded targets, the loss function ``loss_fn(output, target) ->
        (loss, dL/doutput)`` and ``(X_val, target_val)`` (or None).
        """
        X = self._check_X(X)
        check_same_length(X, np.asarray(y) if np.ndim(y) else [y], "X", "y")
        self.loss = loss
        self.input_shape_ = X.shape[1:]
        output = self.forward(X[:1])
        if output.ndim != 2:
            raise ValueError(
                _("the network's output must have shape (n, n_outputs); it has shape "
                  "{shape} for one example. Add Flatten() and a Dense layer at the end.").format(
                    shape=output.shape)
            )
        n_outputs = output.shape[1]
        target = self._targets(y, n_outputs, fitting=True)
        if validation_data is None:
            return X, target, self._loss_function(n_outputs), None
        if not (isinstance(validation_data, tuple | list) and len(validation_data) == 2):
            raise TypeError(_("validation_data must be a tuple (X_val, y_val); received "
                              "{kind}.").format(kind=type(validation_data).__name__))
        X_val = self._check_X(validation_data[0], "X_val")
        target_val = self._targets(validation_data[1], n_outputs, fitting=False)
        check_same_length(X_val, target_val, "X_val", "y_val")
        return X, target, self._loss_function(n_outputs), (X_val, target_val)

    def _update_rule(self, X, target, loss_fn, opt, l2, l1):
        """One mini-batch update, for :func:`nbcode.train.fit`: the layers' forward and
        backward passes, the L2 gradient, the optimiser's step, the L1 proximal step."""
        # Fixed lists for the hot loop: which arrays the optimiser updates, which
        # get the L2 gradient, which the L1 proximal step.
        slots = [(layer, key) for layer in self.layers if layer.trainable for key in layer.params]
        params = [layer.params[key] for layer, key in slots]
        penalized = [key in layer.penalized for layer, key in slots]
        l1_weights = [p for p, pen in zip(params, penalized, strict=True) if pen]
        if l1 and not hasattr(opt, "learning_rate"):
            raise TypeError(_("l1 needs an optimizer with a learning_rate attribute (for the "
                              "proximal step); use SGD or Adam."))
        # The proximal step shrinks by (rate of this step) * l1: read the rate before each
        # step, so that a learning-rate schedule moves the threshold with it.
        current_rate = getattr(opt, "current_learning_rate", lambda: opt.learning_rate)

        def update(index):
            batch_loss, d = loss_fn(self.forward(X[index], training=True), target[index])
            self._param_backward(d)
            grads = [layer.grads[key] for layer, key in slots]
            if l2:
                for param, grad, pen in zip(params, grads, penalized, strict=True):
                    if pen:
                        grad += l2 * param  # grads are fresh arrays: safe to modify
            if l1:
                l1_threshold = l1 * current_rate()
            opt.step(params, grads)
            if l1:
                for w in l1_weights:
                    # soft-thresholding: shrink towards 0, stop exactly at 0
                    np.copyto(w, np.sign(w) * np.maximum(np.abs(w) - l1_threshold, 0.0))
            return batch_loss

        return update

    def _reporter(self, X, target, loss_fn, validation, l2, l1):
        """What :meth:`fit` reports after each epoch: the training loss plus the penalty
        (before training: on all of X; then the mean of the epoch's mini-batch losses)
        and, with validation data, ``val_loss`` and ``val_accuracy``."""
        def report(epoch, step, batch_loss):
            data_loss = self._evaluate(X, target, loss_fn)[0] if epoch == 0 else batch_loss
            metrics = {}
            if validation is not None:
                val_loss, val_accuracy = self._evaluate(*validation, loss_fn)
                metrics["val_loss"] = val_loss
                if val_accuracy is not None:
                    metrics["val_accuracy"] = val_accuracy
            return data_loss + self.penalty(l2, l1), metrics

        return report


def _classes(labels: np.ndarray, n_outputs: int) -> np.ndarray:
    """The classes a classifier with ``n_outputs`` output units learns from the sorted ``labels``.

    One unit: two classes (0/1 when the labels are 0 and/or 1). Several: the indices
    0..n_outputs-1 when the labels are such integers, else exactly n_outputs labels.
    """
    if n_outputs == 1:
        if len(labels) != 2:
            n = len(labels)
            hint = " " + _("Use one output unit per class, e.g. Dense(..., {n}).").format(
                n=n) if n > 2 else ""
            raise ValueError(
                _("y has {n} classes but the network has 1 output unit (binary "
                  "classification): y must contain two classes; received "
                  "{labels}.{hint}").format(n=n, labels=labels[:10].tolist(), hint=hint)
            )
        return np.array([0, 1]) if np.isin(labels, [0, 1]).all() else labels
    numeric = labels.dtype.kind in "iufb"
    integer = labels.dtype.kind in "iub" or (numeric and np.all(np.mod(labels, 1) == 0))
    if integer and labels.min() >= 0 and labels.max() < n_outputs:
        return np.arange(n_outputs)
    if len(labels) == n_outputs and not (numeric and not integer):
        return labels
    fraction = labels[np.mod(labels, 1) != 0] if numeric and not integer else []
    fields = {"last": n_outputs - 1, "n_outputs": n_outputs, "n": len(labels),
              "labels": labels[:10].tolist()}
    if len(fraction):
        raise ValueError(
            _("y must hold integer class indices 0, ..., {last} (one per "
              "output unit of the network) or exactly {n_outputs} distinct labels; "
              "received {n} labels {labels} ({example:g} is not an integer).").format(
                example=fraction[0], **fields))
    raise ValueError(
        _("y must hold integer class indices 0, ..., {last} (one per "
          "output unit of the network) or exactly {n_outputs} distinct labels; "
          "received {n} labels {labels}.").format(**fields))


def MLP(n_inputs: int, hidden=(64, 64), n_outputs: int = 2, activation="relu",
        init: str = "he", dropout: float = 0.0, seed=0) -> Sequential:
    """Build a multi-layer perceptron: ``Dense -> activation [-> Dropout]`` per hidden layer.

    Parameters
    ----------
    n_inputs : int
        Number of input features.
    hidden : tuple of int
        Units per hidden layer (``n_hidden`` for each); ``()`` gives logistic/softmax regression.
    n_outputs : int
        Number of classes. **Two classes give one output unit** (a logit read through a
        sigmoid); ``k > 2`` classes give ``k`` units (softmax). For a regression with
        ``loss="squared"``, pass ``n_outputs=1`` (one target) or build a Sequential.
    activation : str
        Hidden-layer activation (``"relu"``, ``"tanh"``, ``"sigmoid"``...).
    init : {"he", "glorot", "normal", "zeros"}
    dropout : float in [0, 1)
        Dropout rate after each hidden layer (0: no Dropout layers).
    seed : int or numpy Generator
        Initial weights and dropout masks.

    Returns
    -------
    Sequential
        E.g. ``MLP(2, (64, 64))``: Dense(2, 64), Activation, Dense(64, 64), Activation,
        Dense(64, 1).
    """
    check_positive(n_inputs, "n_inputs", integer=True)
    check_positive(n_outputs, "n_outputs", integer=True)
    if isinstance(hidden, int):
        hidden = (hidden,)
    if not isinstance(hidden, tuple | list):
        raise TypeError(_("hidden must be a tuple of layer sizes, e.g. (64, 64); received "
                          "{hidden!r} ({kind}).").format(hidden=hidden, kind=type(hidden).__name__))
    for n_hidden in hidden:
        check_positive(n_hidden, _("n_hidden (each entry of hidden)"), integer=True)
    check_rate(dropout, "dropout", N_(" (the dropout rate after each hidden layer)"))
    check_seed(seed)
    rng = _rng(seed)
    layers: list[Layer] = []
    width = n_inputs
    for n_hidden in hidden:
        layers += [Dense(width, n_hidden, init=init, seed=rng), Activation(activation)]
        if dropout:
            layers.append(Dropout(dropout, seed=rng))
        width = n_hidden
    layers.append(Dense(width, 1 if n_outputs <= 2 else n_outputs, init=init, seed=rng))
    return Sequential(layers)

