"""The training loop of nbcode, and the callbacks that watch it.

:func:`fit` is the one training loop: epochs of (mini-)batch updates. Every model
of the book trains through it: ``Sequential.fit`` (chapters 3-7), the chapter-1
estimators (``LinearRegressionGD``, ``LogisticRegressionGD``), chapter 2's
``Neuron`` and ``Perceptron``, and :func:`nbcode.linear.gradient_descent`. A model
brings only its update rule, ``update(batch)``; the loop owns the epochs, the
mini-batches, the shuffling and the stopping.

After each epoch (and once before the first, epoch 0) the loop calls its callbacks
with a :class:`Progress`. A callback is any callable ``callback(progress)``;
returning ``True`` stops training (this is how :class:`EarlyStopping` works).
:class:`Recorder` keeps snapshots that :class:`nbcode.widgets.TrainingPlayer` turns
into animation frames.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_callable, check_integer, check_positive
from .i18n import N_, _


@dataclass
class Progress:
    """What a training loop reports after each epoch.

    Attributes
    ----------
    epoch : int
        Number of epochs finished (1 after the first epoch; 0 before training).
    step : int
        Number of parameter updates made so far.
    loss : float
        Training loss at the end of the epoch.
    model : object
        The model being trained (live object: copy it to keep a snapshot).
    metrics : dict
        Any other numbers the loop computed (validation loss, accuracy, ...).
    """

    epoch: int
    step: int
    loss: float
    model: object
    metrics: dict = field(default_factory=dict)


Callback = Callable[[Progress], "bool | None"]


def notify(callbacks: Iterable[Callback] | None, progress: Progress) -> bool:
    """Call every callback with ``progress``; return True if one asks to stop."""
    stop = False
    for i, callback in enumerate(callbacks or ()):
        if not callable(callback):
            raise TypeError(_("callbacks[{i}] must be callable (a function of a Progress); "
                              "received {callback!r:.60} ({kind}).").format(
                                  i=i, callback=callback, kind=type(callback).__name__))
        if callback(progress):
            stop = True
    return stop


class History:
    """Callback that records the loss and the metrics of every epoch.

    After training, ``history.epoch`` is a list of epoch numbers and
    ``history["loss"]`` (or any metric name) the matching list of values.
    """

    def __init__(self):
        self.epoch: list[int] = []
        self.values: dict[str, list[float]] = {"loss": []}

    def __call__(self, progress: Progress) -> None:
        self.epoch.append(progress.epoch)
        self.values["loss"].append(float(progress.loss))
        for name, value in progress.metrics.items():
            self.values.setdefault(name, []).append(float(value))

    def __getitem__(self, name: str) -> list[float]:
        return self.values[name]

    def __repr__(self) -> str:
        last = {k: round(v[-1], 4) for k, v in self.values.items() if v}
        return f"History({len(self.epoch)} epochs, last={last})"


class Recorder:
    """Callback that keeps snapshots of the model at chosen epochs, or at chosen numbers of updates.

    Parameters
    ----------
    epochs : iterable of int, optional
        Epoch numbers at which to keep a snapshot (0 means "before training",
        which the caller records with :meth:`record`). Default: every epoch.
    snapshot : callable, optional
        ``snapshot(model) -> object``, what to keep. Default: a deep copy.
    steps : iterable of int, optional
        Instead of ``epochs``: numbers of parameter updates. A snapshot is kept the
        first time the count of updates reaches each of them, and the count goes on
        across successive calls to ``fit`` with the same recorder (fine-tuning in two
        stages is one run of updates).

    Attributes
    ----------
    snapshots : list of (epoch or step, object, loss)
    """

    def __init__(self, epochs: Iterable[int] | None = None, snapshot: Callable | None = None, *,
                 steps: Iterable[int] | None = None):
        if epochs is not None and steps is not None:
            raise ValueError(_("give a Recorder epochs or steps, not both; received both."))
        self.epochs = None if epochs is None else {check_integer(e, _("epochs (each entry)"))
                                                   for e in epochs}
        self.steps = None if steps is None else sorted(
            {check_positive(s, _("steps (each number of updates)"), integer=True,
                            allow_zero=True)
             for s in steps})
        if snapshot is not None:
            check_callable(snapshot, "snapshot", N_("model -> the object to keep"))
        self.snapshot = snapshot or copy.deepcopy
        self.snapshots: list[tuple[int, object, float]] = []
        self._updates_before = 0  # updates made by earlier fits (steps mode)
        self._last_step = 0

    def record(self, model, epoch: int = 0, loss: float = float("nan")) -> None:
        """Keep a snapshot of ``model`` now (e.g. before training starts)."""
        self.snapshots.append((epoch, self.snapshot(model), float(loss)))

    def __call__(self, progress: Progress) -> None:
        if self.steps is None:
            if self.epochs is None or progress.epoch in self.epochs:
                self.record(progress.model, progress.epoch, progress.loss)
            return
        if progress.epoch == 0:  # a new fit: its updates follow those already made
            self._updates_before += self._last_step
        self._last_step = progress.step
        step = self._updates_before + progress.step
        taken = len(self.snapshots)
        if taken < len(self.steps) and step >= self.steps[taken]:
            self.record(progress.model, step, progress.loss)

    def __len__(self) -> int:
        return len(self.snapshots)

    def __repr__(self) -> str:
        if self.steps is not None:
            return f"Recorder({len(self.snapshots)} of {len(self.steps)} snapshots, by updates)"
        return f"Recorder({len(self.snapshots)} snapshots)"


class EarlyStopping:
    """Callback that stops training when a validation metric stops improving.

    Parameters
    ----------
    monitor : str
        Name of the metric in ``progress.metrics`` to watch (e.g. ``"val_loss"``).
    patience : int
        Number of epochs without improvement to tolerate before stopping.
    mode : {"min", "max"}
        Whether smaller or larger values are better.
    restore_best : bool
        If True, copy the best parameters back into the model when training stops
        (the model must offer ``get_params()`` and ``set_params(params)``).

    Attributes
    ----------
    best_epoch : int
        Epoch with the best value.
    best_value : float
    stopped_epoch : int or None
        Epoch at which training was stopped (None if it ran to the end).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 10, mode: str = "min",
                 restore_best: bool = True):
        if mode not in ("min", "max"):
            raise ValueError(_("mode must be 'min' or 'max'; received {mode!r}.").format(mode=mode))
        if not isinstance(monitor, str):
            raise TypeError(_("monitor must be the name of a metric, e.g. 'val_loss'; received "
                              "{monitor!r} ({kind}).").format(monitor=monitor,
                                                              kind=type(monitor).__name__))
        check_positive(patience, "patience", integer=True, allow_zero=True)
        self.monitor, self.patience, self.mode = monitor, patience, mode
        self.restore_best = restore_best
        self.best_value = np.inf if mode == "min" else -np.inf
        self.best_epoch = 0
        self.best_params = None
        self.stopped_epoch = None

    def _improved(self, value: float) -> bool:
        return value < self.best_value if self.mode == "min" else value > self.best_value

    def __call__(self, progress: Progress) -> bool:
        if self.monitor not in progress.metrics:
            raise KeyError(
                _("EarlyStopping watches {monitor!r}, but the training loop reports only "
                  "{metrics}; pass validation data to fit().").format(
                    monitor=self.monitor, metrics=sorted(progress.metrics))
            )
        value = float(progress.metrics[self.monitor])
        if self._improved(value):
            self.best_value, self.best_epoch = value, progress.epoch
            if self.restore_best:
                self.best_params = copy.deepcopy(progress.model.get_params())
            return False
        if progress.epoch - self.best_epoch >= self.patience:
            self.stopped_epoch = progress.epoch
            if self.restore_best and self.best_params is not None:
                progress.model.set_params(self.best_params)
            return True
        return False

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"best_epoch={self.best_epoch}, stopped_epoch={self.stopped_epoch})")


def minibatches(n_samples: int, batch_size: int | None, rng: np.random.Generator,
                shuffle: bool = True) -> Iterator[np.ndarray]:
    """Yield index arrays that split ``range(n_samples)`` into mini-batches (one epoch).

    ``batch_size=None`` gives one batch with every example (full-batch gradient
    descent); ``batch_size=1`` gives per-example (stochastic) updates.
    """
    check_positive(n_samples, "n_samples", integer=True)
    if batch_size is not None:
        check_positive(batch_size, "batch_size", integer=True)
    if shuffle and not isinstance(rng, np.random.Generator):
        raise TypeError(_("rng must be a numpy Generator, e.g. np.random.default_rng(0); "
                          "received {kind}.").format(kind=type(rng).__name__))
    if batch_size is None or batch_size >= n_samples:
        yield np.arange(n_samples)
        return
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start:start + batch_size]


Update = Callable[[np.ndarray], "float | None"]
Report = Callable[[int, int, float], "tuple[float, dict]"]


def _mean_batch_loss(epoch: int, step: int, batch_loss: float) -> tuple[float, dict]:
    return batch_loss, {}


def fit(model, update: Update, n_samples: int, *, epochs: int, batch_size: int | None = None,
        shuffle: bool = True, rng: np.random.Generator | None = None, report: Report | None = None,
        callbacks: Iterable[Callback] | None = None) -> History:
    """The training loop: ``epochs`` passes of ``update`` over mini-batches of the examples.

    Parameters
    ----------
    model : object
        What the callbacks receive as ``Progress.model`` (the loop never touches it).
    update : callable, ``update(batch) -> float or None``
        The model's update rule: one parameter update from the examples ``batch``
        (an index array into ``range(n_samples)``); returns the batch's loss, or None.
    n_samples : int
        Number of training examples.
    epochs : int
        Number of passes over the examples (0: only the report of epoch 0).
    batch_size : int or None
        Examples per update (see :func:`minibatches`): None for full-batch gradient
        descent, 1 for per-example updates.
    shuffle : bool
        A new random order of the examples every epoch (from ``rng``).
    rng : numpy Generator
        Randomness of the shuffling (needed when ``shuffle`` and ``batch_size`` < n).
    report : callable, ``report(epoch, step, batch_loss) -> (loss, metrics)``, optional
        What the callbacks are told after each epoch: ``batch_loss`` is the mean of the
        losses ``update`` returned during the epoch (nan at epoch 0, or if it returned
        None); ``step`` the number of updates so far. Default: ``(batch_loss, {})``.
    callbacks : iterable of callables, optional
        Each is called with a :class:`Progress` once before training (epoch 0) and after
        every epoch; training stops as soon as one returns True.

    Returns
    -------
    History
        The loss and the metrics of every epoch, epoch 0 first.
    """
    training = Training(model, update, n_samples, epochs=epochs, batch_size=batch_size,
                        shuffle=shuffle, rng=rng, report=report, callbacks=callbacks)
    while not training.done:
        training.step()
    return training.history


class Training:
    """The training loop of :func:`fit`, an epoch at a time: one run that can be watched.

    ``fit(...)`` is ``Training(...)`` stepped until :attr:`done`: the same updates, in
    the same order, with the same random numbers. A live view steps it itself and
    redraws in between (a session of :class:`nbcode.widgets.LiveRunner`). The
    parameters are :func:`fit`'s; the callbacks hear epoch 0 when the run is made.

    Attributes
    ----------
    epoch : int
        Epochs trained so far.
    steps : int
        Updates so far.
    history : History
        The loss and metrics of every epoch so far, epoch 0 first.
    stopped : bool
        A callback asked to stop (early stopping): the run is :attr:`done`.
    """

    def __init__(self, model, update: Update, n_samples: int, *, epochs: int,
                 batch_size: int | None = None, shuffle: bool = True,
                 rng: np.random.Generator | None = None, report: Report | None = None,
                 callbacks: Iterable[Callback] | None = None):
        check_callable(update, "update", N_("a batch of indices -> the batch loss (or None)"))
        check_positive(epochs, "epochs", integer=True, allow_zero=True)
        self.model, self.update, self.n_samples = model, update, n_samples
        self.epochs, self.batch_size, self.shuffle, self.rng = int(epochs), batch_size, shuffle, rng
        self.report = report or _mean_batch_loss
        self.history = History()
        self.callbacks = [self.history, *(callbacks or ())]
        self.epoch = self.steps = 0
        self.stopped = self._tell(float("nan"))

    def _tell(self, batch_loss: float) -> bool:
        loss, metrics = self.report(self.epoch, self.steps, batch_loss)
        return notify(self.callbacks, Progress(self.epoch, self.steps, loss, self.model, metrics))

    @property
    def done(self) -> bool:
        """Whether the run is over: its ``epochs`` trained, or stopped by a callback."""
        return self.stopped or self.epoch >= self.epochs

    def step(self) -> None:
        """Train one more epoch: an update per mini-batch, then the callbacks."""
        loss_sum, n_losses = 0.0, 0
        for batch in minibatches(self.n_samples, self.batch_size, self.rng, self.shuffle):
            loss = self.update(batch)
            self.steps += 1
            if loss is not None:
                loss_sum += loss
                n_losses += 1
        self.epoch += 1
        self.stopped = self._tell(loss_sum / n_losses if n_losses else float("nan"))

    def __repr__(self) -> str:
        return f"Training(epoch {self.epoch} of {self.epochs}{', stopped' if self.stopped else ''})"

