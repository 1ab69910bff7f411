"""A playground for small networks on 2-D data, in the spirit of TensorFlow Playground.

:class:`Playground` trains an :func:`nbcode.nn.MLP` on one of the book's 2-D data
sets (:data:`nbcode.data.DATASETS_2D`) and shows its decision regions next to its
loss curve. It serves two kinds of reader:

* **static site** (no kernel): the layout holds a :class:`~nbcode.widgets.TrainingPlayer`
  of the default run, which animates in the browser;
* **live kernel** (Jupyter, Binder, Colab): the controls (data set, hidden layers and
  units, activation, learning rate, epochs, L2 penalty, dropout) are live, and
  pressing **Train** retrains and redraws in about a second.
"""

from __future__ import annotations

import numbers
import time

import ipywidgets as widgets
import numpy as np

from . import data, frames, i18n, plots
from ._validation import check_choice, check_positive, check_rate, check_seed
from .i18n import N_, _
from .nn import MLP, Adam
from .train import Recorder
from .widgets import (
    LivePanel,
    TrainingPlayer,
    dropdown,
    frame_image,
    log_slider,
    make_controls,
    make_train_button,
    slider,
    text,
)

__all__ = ["Playground", "PlaygroundConfig", "RunView", "parse_hidden", "train_config"]

ACTIVATION_CHOICES = ("relu", "tanh", "sigmoid")
#: How the Playground names its data sets (the keys of nbcode.data.DATASETS_2D), for display.
DATASET_LABELS = {"moons": N_("moons"), "circles": N_("circles"), "xor": N_("xor"),
                  "spirals": N_("spirals"), "blobs": N_("blobs")}


def _dataset_label(name: str) -> str:
    """The data set ``name`` as the reader sees it (in the current language)."""
    return i18n._(DATASET_LABELS.get(name, name))


def parse_hidden(text) -> tuple[int, ...]:
    """Read hidden-layer sizes from text such as ``"16, 16"`` (empty: no hidden layer)."""
    if isinstance(text, int):
        text = str(text)
    if not isinstance(text, str):
        sizes = tuple(text)
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, numbers.Integral):
                raise TypeError(_("hidden layers must be whole numbers, e.g. (16, 16); received "
                                  "{sizes!r}.").format(sizes=sizes))
        if any(s <= 0 or s > 512 for s in sizes):
            raise ValueError(_("each hidden layer needs between 1 and 512 units; received {sizes!r}.")
                             .format(sizes=sizes))
        return tuple(int(n) for n in sizes)
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise ValueError(_("hidden layers must be whole numbers separated by commas, e.g. "
                           "'16, 16'; received {text!r}.").format(text=text)) from None
    if any(s <= 0 or s > 512 for s in sizes):
        raise ValueError(_("each hidden layer needs between 1 and 512 units; received {sizes!r}.")
                         .format(sizes=text))
    return sizes


class PlaygroundConfig(dict):
    """The settings of one run (a dict with defaults)."""

    DEFAULTS = {"dataset": "moons", "n_samples": 200, "noise": None, "hidden": (16, 16),
                "activation": "relu", "learning_rate": 0.01, "epochs": 100, "l2": 0.0,
                "dropout": 0.0, "batch_size": 32, "seed": 0}

    def __init__(self, **settings):
        unknown = set(settings) - set(self.DEFAULTS)
        if unknown:
            raise TypeError(_("unknown playground settings {unknown}; known: {known}; "
                              "received {received}.").format(unknown=sorted(unknown),
                                                            known=sorted(self.DEFAULTS),
                                                            received=sorted(settings)))
        super().__init__({**self.DEFAULTS, **settings})
        self["hidden"] = parse_hidden(self["hidden"])
        # Checked here, when the settings are made, not when training fails on them.
        check_choice(self["dataset"], "dataset", data.DATASETS_2D)
        check_choice(self["activation"], "activation", set(ACTIVATION_CHOICES))
        check_positive(self["n_samples"], "n_samples", integer=True)
        if self["noise"] is not None:
            check_positive(self["noise"], "noise", allow_zero=True)
        check_positive(self["learning_rate"], "learning_rate")
        check_positive(self["epochs"], "epochs", integer=True, allow_zero=True)
        check_positive(self["l2"], "l2", allow_zero=True)
        check_rate(self["dropout"], "dropout")
        if self["batch_size"] is not None:
            check_positive(self["batch_size"], "batch_size", integer=True)
        check_seed(self["seed"])


def train_config(config: PlaygroundConfig, record_epochs=None):
    """Train the network a configuration describes.

    Returns ``(model, X, y, recorder)``; ``recorder`` holds snapshots at
    ``record_epochs`` (None: no snapshots).
    """
    if not isinstance(config, PlaygroundConfig):
        kind = type(config).__name__
        raise TypeError(_("config must be a PlaygroundConfig (e.g. PlaygroundConfig(epochs=50)); "
                          "received {kind}.").format(kind=kind))
    X, y = data.make_classification_2d(config["dataset"], n_samples=config["n_samples"],
                                       noise=config["noise"], seed=config["seed"])
    n_classes = int(y.max()) + 1
    init = "he" if config["activation"] == "relu" else "glorot"
    model = MLP(2, config["hidden"], n_classes, activation=config["activation"], init=init,
                dropout=config["dropout"], seed=config["seed"])
    recorder = Recorder(epochs=record_epochs) if record_epochs is not None else None
    model.fit(X, y, epochs=config["epochs"], batch_size=config["batch_size"],
              optimizer=Adam(config["learning_rate"]), l2=config["l2"], seed=config["seed"],
              callbacks=[recorder] if recorder is not None else None)
    return model, X, y, recorder


#: The Playground's data sets fill their frames: 0.4 around the points.
PLAYGROUND_MARGIN = 0.4


class RunView:
    """The picture of one run: decision regions (left axis) and loss curve (right axis).

    A piece of the frame pipeline (:mod:`nbcode.frames`): built once on two axes, it
    draws what every frame of a run shares (the data, the loss axis's limits, labels
    and grid); :meth:`update` then shades the regions of a model and draws the loss
    curve up to an epoch. Its :attr:`artists` are what it moves.

    Parameters
    ----------
    axes : (Axes, Axes)
        The regions' axis and the loss curve's axis.
    X, y : ndarray
        The training data, shapes (n, 2) and (n,).
    losses : sequence of float
        The training loss of every epoch of the run (the curve's y-limits come from it).
    epochs : int
        The run's length (the curve's x-limit).
    limits : ((x_min, x_max), (y_min, y_max)), optional
        The regions' extent (default: the data with a margin).
    resolution : int
        Grid points along each axis of the regions.
    """

    def __init__(self, axes, X, y, losses, epochs: int, limits=None, resolution: int = 60,
                 size: float = 10):
        self.ax_boundary, self.ax_loss = axes
        self.X, self.y = X, y
        self.losses = np.asarray(losses, dtype=float)
        limits = limits or frames.data_limits(X, PLAYGROUND_MARGIN)
        self.regions = frames.DecisionRegions(self.ax_boundary, limits, X, y,
                                              resolution=resolution, size=size)
        (self.curve,) = self.ax_loss.plot([], [], color=plots.CLASS_COLORS[5], lw=1.6)
        self.ax_loss.set_xlim(0, max(epochs, 1))
        finite = self.losses[np.isfinite(self.losses)]
        if finite.size:
            self.ax_loss.set_ylim(0, min(finite.max(), 5.0) * 1.05)
        self.ax_loss.set_xlabel(_("epoch"))
        self.ax_loss.set_ylabel(_("training loss (cross-entropy)"))
        self.ax_loss.grid(alpha=0.3)

    @property
    def artists(self) -> list:
        """What :meth:`update` moves: the regions' artists, the loss curve and its title."""
        return [*self.regions.artists, self.curve, self.ax_loss.title]

    def update(self, model, epoch: int | None = None, title: str = "") -> None:
        """Show ``model``'s regions and the loss curve up to ``epoch`` (None: the whole run)."""
        accuracy = model.score(self.X, self.y)
        self.regions.update(model, title=_("{title}training accuracy {accuracy:.2f}").format(
            title=title, accuracy=accuracy), fontsize=9)
        shown = self.losses[: (len(self.losses) if epoch is None else epoch + 1)]
        self.curve.set_data(np.arange(len(shown)), shown)
        if len(shown):
            last_epoch, last_loss = len(shown) - 1, shown[-1]
            loss_title = _("epoch {epoch}, loss {loss:.3f}").format(epoch=last_epoch, loss=last_loss)
        else:
            loss_title = _("no epoch yet")
        self.ax_loss.set_title(loss_title, fontsize=9)


def draw_run(axes, model, X, y, losses, epochs: int, epoch: int | None = None,
             limits=None, resolution: int = 60, title: str = "") -> RunView:
    """Decision regions (left axis) and loss curve up to ``epoch`` (right axis), drawn once."""
    view = RunView(axes, X, y, losses, epochs, limits=limits, resolution=resolution)
    view.update(model, epoch=epoch, title=title)
    return view


class Playground(LivePanel):
    """Train a small network on 2-D data and watch its decision regions.

    Parameters
    ----------
    n_frames : int
        Frames of the default run's animation (shown before the first live run).
    figsize : (float, float)
        Size in inches of the two-panel figure (regions, loss curve).
    dpi, colors : int
        Resolution and palette of the frames (page weight).
    **settings
        Any key of :class:`PlaygroundConfig` for the default run, e.g.
        ``dataset="spirals", hidden=(32,)``.

    Attributes
    ----------
    model, last_accuracy, last_seconds
        Of the most recent run (``last_seconds``: training and drawing time).
    player : TrainingPlayer
        The default run's animation.
    image : ipywidgets.Image
        The latest live run, drawn as one PNG.
    dataset, hidden, activation, learning_rate, epochs, l2, dropout : ipywidgets widgets
        The controls (also in ``controls``, by the same names).

    A :class:`~nbcode.widgets.LivePanel` with a Train button: the panel's status line and
    button handling, its picture (``image``) and its print representation.
    """

    def __init__(self, n_frames: int = 16, figsize=(6.4, 2.9), dpi: int = 72, colors: int = 40,
                 show_regularisation: bool = True, **settings):
        check_positive(n_frames, "n_frames", integer=True)
        if n_frames < 2:
            raise ValueError(_("n_frames must be at least 2 (the first and the last epoch); "
                               "received {n_frames}.").format(n_frames=n_frames))
        self.config = PlaygroundConfig(**settings)
        self.figsize, self.dpi, self.colors = figsize, dpi, colors
        c = self.config
        # The labels' column: 95 px holds the English ones, the French ones need more.
        label_width, width = ("95px", "260px") if i18n.language() == "en" else ("150px", "315px")
        datasets = [(_dataset_label(name), name) for name in data.DATASETS_2D]
        controls = make_controls({
            "dataset": dropdown(datasets, value=c["dataset"], label=_("data set")),
            "hidden": text(", ".join(map(str, c["hidden"])), label=_("hidden units"),
                           placeholder=_("e.g. 16, 16 (empty: none)")),
            "activation": dropdown(ACTIVATION_CHOICES, value=c["activation"], label=_("activation")),
            "learning_rate": log_slider(c["learning_rate"], 1e-4, 1.0, step=0.25,
                                        readout_format=".4f", label=_("learning rate")),
            "epochs": slider(c["epochs"], 1, 500, label=_("epochs")),
            "l2": dropdown([0.0, 1e-4, 1e-3, 1e-2, 1e-1], value=c["l2"], label=_("L2 penalty")),
            "dropout": slider(c["dropout"], 0.0, 0.8, step=0.1, label=_("dropout")),
        }, style={"description_width": label_width}, layout=widgets.Layout(width=width))
        for name, control in controls.items():  # playground.epochs, playground.dataset...
            setattr(self, name, control)
        button = make_train_button(width=width)
        status = widgets.HTML(value="")
        # Two columns of controls above the figure, so that the figure keeps its full
        # width in the book's narrow text column.
        left = [self.dataset, self.hidden, self.activation, self.learning_rate]
        right = [self.epochs, *([self.l2, self.dropout] if show_regularisation else []), button]

        # The default run, as an animation that plays without a kernel.
        epochs = c["epochs"]
        record = sorted({int(round(e)) for e in np.geomspace(1, epochs, n_frames - 1)} | {0})
        model, X, y, recorder = train_config(c, record_epochs=record)
        losses = model.history_["loss"]
        limits = frames.data_limits(X, PLAYGROUND_MARGIN)

        def setup(axes):  # drawn once: the data, the loss axis
            return RunView(axes, X, y, losses, epochs, limits=limits)

        def update(view, snapshot):  # every frame: the regions, the curve, the titles
            epoch, snap = snapshot[0], snapshot[1]
            view.update(snap, epoch=epoch)

        self.player = TrainingPlayer.from_items(
            recorder.snapshots, update, setup=setup,
            labels=[_("epoch {epoch}").format(epoch=s[0]) for s in recorder.snapshots],
            figsize=figsize, dpi=dpi, ncols=2, colors=colors)
        self.model, self.last_accuracy, self.last_seconds = model, model.score(X, y), None
        # Empty and hidden until a live run: the page carries the default run once, in the player.
        self.image = frame_image(b"", self.player.render.css_size[0])
        self.display = widgets.Stack([self.player, self.image], selected_index=0)
        header = widgets.HTML(_("<b>Playground</b>: choose a network, press <i>Train</i> "
                                "(needs a live kernel; this page shows a recorded default run)."))
        super().__init__([header, widgets.HBox([widgets.VBox(left), widgets.VBox(right)]),
                          status, self.display], description="Playground", picture=self.image)
        self.connect(controls, train_button=button, status=status, dpi=dpi, colors=colors)
        self._describe_run(_("default run (press Play)"), c, self.last_accuracy)

    def _describe_run(self, what, config, accuracy, seconds=None):
        timing = "" if seconds is None else _(", {seconds:.2f} s").format(seconds=seconds)
        hidden = ", ".join(map(str, config["hidden"])) or _("none")
        self.status.value = _("{what}: {dataset}, hidden ({hidden}), {activation}, training accuracy "
                              "<b>{accuracy:.3f}</b>{timing}").format(
            what=what, dataset=_dataset_label(config["dataset"]), hidden=hidden,
            activation=config["activation"], accuracy=accuracy, timing=timing)

    def current_config(self) -> PlaygroundConfig:
        """The settings shown by the controls."""
        fixed = {key: self.config[key] for key in ("n_samples", "noise", "batch_size", "seed")}
        return PlaygroundConfig(**self.values(), **fixed)

    def train(self, config: PlaygroundConfig | None = None) -> float:
        """Train with the controls' settings (or ``config``), redraw; return the accuracy."""
        start = time.perf_counter()
        config = self.current_config() if config is None else config
        model, X, y, _recorder = train_config(config)
        # One picture, drawn with the default run's piece on a fresh canvas.
        canvas = frames.FrameCanvas(self.figsize, ncols=2, dpi=self.dpi, colors=self.colors)
        RunView(canvas.axes, X, y, model.history_["loss"], config["epochs"]).update(model)
        self.image.format, self.image.value = "png", canvas.png()
        self.display.selected_index = 1
        self.model, self.last_accuracy = model, model.score(X, y)
        self.last_seconds = time.perf_counter() - start
        self._describe_run(_("last run"), config, self.last_accuracy, self.last_seconds)
        return self.last_accuracy

    def redraw(self) -> None:  # what the panel's Train button does
        self.train()

    def static_png(self) -> bytes:
        """The last live run's picture, or else the default run's last frame."""
        return self.image.value or self.player.render.frame(-1)

    def static_text(self) -> str:
        hidden = ", ".join(map(str, self.config["hidden"])) or _("none")
        return _("Playground({dataset}, hidden ({hidden}), {activation}, {epochs} epochs)").format(
            dataset=_dataset_label(self.config["dataset"]), hidden=hidden,
            activation=self.config["activation"], epochs=self.config["epochs"])

    def __repr__(self) -> str:
        hidden = ", ".join(map(str, self.config["hidden"])) or "none"
        return (f"Playground({self.config['dataset']}, hidden ({hidden}), "
                f"{self.config['activation']}, {self.config['epochs']} epochs)")

    @property
    def n_bytes(self) -> int:
        """What the recorded default run adds to a page (bytes of its frames)."""
        return self.player.n_bytes
