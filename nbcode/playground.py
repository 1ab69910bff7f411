"""A playground for small networks on 2-D data, in the spirit of TensorFlow Playground.

:class:`Playground` trains an :func:`nbcode.nn.MLP` on one of the book's 2-D data
sets (:data:`nbcode.data.DATASETS_2D`) and shows its decision regions next to its
loss curve. It serves two kinds of reader:

* **static site** (no kernel): the layout holds a :class:`~nbcode.widgets.TrainingPlayer`
  of the default run, which animates in the browser;
* **live kernel** (Jupyter, Binder, Colab): the controls (data set and its noise, input
  features, hidden layers and units, activation, learning rate, batch size, epochs,
  L1 or L2 penalty, dropout) are live; **Play** trains in the background and redraws
  the regions, the training and test losses and one map per hidden unit as the network
  learns, **Pause**, **Step** and **Reset** do what they say.

A run is a :class:`PlaygroundSession` (an epoch at a time, the weights of
:meth:`nbcode.nn.Sequential.fit` bit for bit); :class:`RunView` draws it with the frame
pipeline of :mod:`nbcode.frames`, the same for the recorded and the live run.
"""

from __future__ import annotations

import numbers

import ipywidgets as widgets
import numpy as np

from . import data, frames, i18n, plots
from ._validation import as_array, check_choice, check_positive, check_rate, check_seed
from .i18n import N_, _
from .nn import MLP, Activation, Adam
from .widgets import (
    LiveTraining,
    TrainingPlayer,
    dropdown,
    frame_image,
    log_slider,
    make_controls,
    multi_select,
    slider,
    text,
)

__all__ = ["Playground", "PlaygroundConfig", "PlaygroundSession", "FeatureNetwork", "RunView",
           "run_view", "neuron_maps", "feature_map", "FEATURES", "parse_hidden", "train_config"]

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


#: The input features a network can be given, TensorFlow Playground's: the coordinates,
#: their squares and product, and their sines. Each maps points (n, 2) to a column (n,).
FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}
#: How a control shows each feature (the same in every language).
FEATURE_LABELS = {"x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
                  "sin(x1)": "sin x₁", "sin(x2)": "sin x₂"}


def check_features(features) -> tuple[str, ...]:
    """The feature names ``features`` (a name or a sequence of names of :data:`FEATURES`), as
    a tuple in :data:`FEATURES`' order, each once."""
    if isinstance(features, str):
        features = (features,)
    try:
        chosen = tuple(features)
    except TypeError:
        raise TypeError(_("features must be a sequence of feature names such as ('x1', 'x2'); "
                          "received {kind}.").format(kind=type(features).__name__)) from None
    for name in chosen:
        check_choice(name, "features", FEATURES)
    if not chosen:
        raise ValueError(_("the network needs at least one input feature (e.g. 'x1', 'x2'); "
                           "received none."))
    return tuple(name for name in FEATURES if name in chosen)


def feature_map(X, features) -> np.ndarray:
    """The chosen ``features`` of points ``X`` (n, 2): an array (n, len(features))."""
    X = as_array(X, "X", shape=(None, 2))
    return np.column_stack([FEATURES[name](X) for name in check_features(features)])


class PlaygroundConfig(dict):
    """The settings of one run (a dict with defaults).

    ``noise`` None is the data set's own; ``test_fraction`` of the points are held out
    (never trained on) to measure the test loss; ``l1`` and ``l2`` are the penalties of
    :meth:`nbcode.nn.Sequential.fit`; ``batch_size`` None is full-batch descent.
    """

    DEFAULTS = {"dataset": "moons", "n_samples": 200, "noise": None, "test_fraction": 0.5,
                "features": ("x1", "x2"), "hidden": (16, 16), "activation": "relu",
                "learning_rate": 0.01, "epochs": 100, "l1": 0.0, "l2": 0.0, "dropout": 0.0,
                "batch_size": 32, "seed": 0}

    def __init__(self, **settings):
        unknown = set(settings) - set(self.DEFAULTS)
        if unknown:
            raise TypeError(_("unknown playground settings {unknown}; known: {known}; "
                              "received {received}.").format(unknown=sorted(unknown),
                                                            known=sorted(self.DEFAULTS),
                                                            received=sorted(settings)))
        super().__init__({**self.DEFAULTS, **settings})
        self["hidden"] = parse_hidden(self["hidden"])
        self["features"] = check_features(self["features"])
        # Checked here, when the settings are made, not when training fails on them.
        check_choice(self["dataset"], "dataset", data.DATASETS_2D)
        check_choice(self["activation"], "activation", set(ACTIVATION_CHOICES))
        check_positive(self["n_samples"], "n_samples", integer=True)
        if self["noise"] is not None:
            check_positive(self["noise"], "noise", allow_zero=True)
        check_rate(self["test_fraction"], "test_fraction")
        n_test = round(self["test_fraction"] * self["n_samples"])
        if self["n_samples"] - n_test < 2:
            raise ValueError(_("test_fraction {fraction} of {n} points leaves fewer than 2 to "
                               "train on; hold out fewer.").format(
                fraction=self["test_fraction"], n=self["n_samples"]))
        check_positive(self["learning_rate"], "learning_rate")
        check_positive(self["epochs"], "epochs", integer=True, allow_zero=True)
        check_positive(self["l1"], "l1", allow_zero=True)
        check_positive(self["l2"], "l2", allow_zero=True)
        check_rate(self["dropout"], "dropout")
        if self["batch_size"] is not None:
            check_positive(self["batch_size"], "batch_size", integer=True)
        check_seed(self["seed"])


class FeatureNetwork:
    """A network on input features, seen as a classifier of points of the plane.

    ``predict_proba(X)`` and ``score(X, y)`` take points (n, 2) and give them to ``model``
    through :func:`feature_map`; :meth:`hidden_outputs` gives every hidden unit's output.
    """

    def __init__(self, model, features):
        self.model, self.features = model, check_features(features)

    def predict_proba(self, X) -> np.ndarray:
        return self.model.predict_proba(feature_map(X, self.features))

    def score(self, X, y) -> float:
        return self.model.score(feature_map(X, self.features), y)

    def hidden_outputs(self, X) -> list[np.ndarray]:
        """The output of each hidden layer's activation at points ``X`` (n, 2): one array
        (n, units) per hidden layer (dropout off)."""
        out, outputs = feature_map(X, self.features), []
        for layer in self.model.layers:
            out = layer.forward(out, False)
            if isinstance(layer, Activation):
                outputs.append(out)
        return outputs


class PlaygroundSession:
    """One training run of the Playground, an epoch at a time.

    The data set is drawn and split once (``test_fraction`` held out, by the seed); the
    network is built and trained exactly as :meth:`nbcode.nn.Sequential.fit` trains it
    on the training points (the same update rule, mini-batches and random numbers:
    :meth:`step` ``k`` times gives the weights of ``fit(..., epochs=k)``, bit for bit),
    but one epoch per :meth:`step`, so that a live view can redraw in between.

    Attributes
    ----------
    config : PlaygroundConfig
    X_train, y_train, X_test, y_test : ndarray
        Points (n, 2) and labels (n,).
    network : FeatureNetwork
        The model as a classifier of points; ``model`` is the network itself.
    epoch : int
        Epochs trained so far.
    history : dict of str -> list of float
        ``loss`` and ``test_loss`` (mean cross-entropy, without the penalty, so that the
        two compare), ``accuracy`` and ``test_accuracy``, at every epoch from 0.
    """

    def __init__(self, config: PlaygroundConfig | None = None, **settings):
        if config is None:
            config = PlaygroundConfig(**settings)
        elif not isinstance(config, PlaygroundConfig):
            kind = type(config).__name__
            raise TypeError(_("config must be a PlaygroundConfig (e.g. PlaygroundConfig(epochs=50)); "
                              "received {kind}.").format(kind=kind))
        elif settings:
            config = PlaygroundConfig(**{**config, **settings})
        self.config = c = config
        X, y = data.make_classification_2d(c["dataset"], n_samples=c["n_samples"],
                                           noise=c["noise"], seed=c["seed"])
        n_test = round(c["test_fraction"] * len(y))
        order = np.random.default_rng(c["seed"]).permutation(len(y))
        test, train = order[:n_test], order[n_test:]
        self.X, self.y = X, y
        self.X_train, self.y_train, self.X_test, self.y_test = X[train], y[train], X[test], y[test]
        self.n_classes = int(y.max()) + 1
        init = "he" if c["activation"] == "relu" else "glorot"
        self.model = MLP(len(c["features"]), c["hidden"], self.n_classes,
                         activation=c["activation"], init=init, dropout=c["dropout"], seed=c["seed"])
        self.network = FeatureNetwork(self.model, c["features"])
        self._features_train = feature_map(self.X_train, c["features"])
        self._features_test = feature_map(self.X_test, c["features"])
        self.optimizer = Adam(c["learning_rate"])
        # fit's own run (its updates, mini-batches and random numbers), an epoch per step
        self._training = self.model.training(self._features_train, self.y_train,
                                             epochs=c["epochs"], batch_size=c["batch_size"],
                                             optimizer=self.optimizer, l2=c["l2"], l1=c["l1"],
                                             seed=c["seed"])
        self.epoch = 0
        self.history = {"loss": [], "test_loss": [], "accuracy": [], "test_accuracy": []}
        self._record()

    def _record(self) -> None:
        for key, features, labels in (("", self._features_train, self.y_train),
                                      ("test_", self._features_test, self.y_test)):
            # the unpenalised loss, so that training and test compare; nan with no points
            loss, accuracy = (self.model.loss_and_accuracy(features, labels) if len(labels)
                              else (float("nan"), float("nan")))
            self.history[key + "loss"].append(loss)
            self.history[key + "accuracy"].append(accuracy)

    @property
    def done(self) -> bool:
        """Whether the run has trained its ``epochs``."""
        return self.epoch >= self.config["epochs"]

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs (mini-batches in a new random order each)."""
        check_positive(epochs, "epochs", integer=True)
        for _epoch in range(epochs):
            self._training.step()
            self.epoch = self._training.epoch
            self._record()

    def run(self, record_epochs=()) -> list[tuple[int, object, dict]]:
        """Train to the end of the run; return ``(epoch, network, history)`` snapshots (copies)
        at each of ``record_epochs`` that the run reaches."""
        wanted, snapshots = set(record_epochs), []

        def keep():
            if self.epoch in wanted:
                snapshots.append((self.epoch, FeatureNetwork(self.model.copy(), self.network.features),
                                  {k: list(v) for k, v in self.history.items()}))

        keep()
        while not self.done:
            self.step()
            keep()
        return snapshots

    def describe(self) -> str:
        """The run's settings, in a few words (for a status line)."""
        c = self.config
        hidden = ", ".join(map(str, c["hidden"])) or _("none")
        features = ", ".join(FEATURE_LABELS[name] for name in c["features"])
        return _("{dataset}, inputs {features}, hidden ({hidden}), {activation}").format(
            dataset=_dataset_label(c["dataset"]), features=features, hidden=hidden,
            activation=c["activation"])


def train_config(config: PlaygroundConfig | None, record_epochs=None):
    """Train the network a configuration describes (a :class:`PlaygroundSession` to its end;
    ``config`` None: the defaults).

    Returns ``(session, snapshots)``; ``snapshots`` as :meth:`PlaygroundSession.run`
    returns them, at ``record_epochs`` (None: none).
    """
    session = PlaygroundSession(config)
    snapshots = session.run(record_epochs or ())
    return session, snapshots


#: The Playground's data sets fill their frames: 0.4 around the points.
PLAYGROUND_MARGIN = 0.4


class RunView:
    """The picture of one run: decision regions (left axis) and loss curves (right axis).

    A piece of the frame pipeline (:mod:`nbcode.frames`): built once on two axes, it
    draws what every frame of a run shares (the points, the loss axis's limits, labels
    and grid); :meth:`update` then shades the regions of a model and draws the training
    and test losses up to an epoch. Its :attr:`artists` are what it moves.

    Parameters
    ----------
    axes : (Axes, Axes)
        The regions' axis and the loss curves' axis.
    X, y : ndarray
        The training points, shapes (n, 2) and (n,), drawn filled.
    epochs : int
        The run's length (the curves' x-limit).
    top_loss : float
        The loss axis's top (the curves are clipped above it).
    X_test, y_test : ndarray, optional
        Test points, drawn hollow.
    limits : ((x_min, x_max), (y_min, y_max)), optional
        The regions' extent (default: the training and test points with a margin).
    resolution : int
        Grid points along each axis of the regions.
    """

    def __init__(self, axes, X, y, epochs: int, top_loss: float, X_test=None, y_test=None,
                 limits=None, resolution: int = 60, size: float = 10):
        self.ax_boundary, self.ax_loss = axes
        self.X, self.y = X, y
        shown = X if X_test is None else np.vstack([X, X_test])
        limits = limits or frames.data_limits(shown, PLAYGROUND_MARGIN)
        self.regions = frames.DecisionRegions(self.ax_boundary, limits, X, y,
                                              resolution=resolution, size=size)
        if X_test is not None and len(X_test):
            for j, label in enumerate(np.unique(y)):
                mask = y_test == label
                self.ax_boundary.scatter(
                    X_test[mask, 0], X_test[mask, 1], s=size, facecolors="white",
                    edgecolors=plots.CLASS_COLORS[j % len(plots.CLASS_COLORS)], linewidths=1.0,
                    marker=frames.CLASS_MARKERS[j % len(frames.CLASS_MARKERS)], zorder=3)
        (self.curve,) = self.ax_loss.plot([], [], color=plots.CLASS_COLORS[5], lw=1.6,
                                          label=_("training"))
        (self.test_curve,) = self.ax_loss.plot([], [], color=plots.CLASS_COLORS[0], lw=1.4,
                                               ls="--", label=_("test"))
        self.ax_loss.set_xlim(0, max(epochs, 1))
        top = top_loss if np.isfinite(top_loss) and top_loss > 0 else 1.0
        self.ax_loss.set_ylim(0, min(top, 5.0) * 1.05)
        self.ax_loss.set_xlabel(_("epoch"))
        self.ax_loss.set_ylabel(_("loss (cross-entropy)"))
        self.ax_loss.grid(alpha=0.3)
        if X_test is not None:
            self.ax_loss.legend(loc="upper right", fontsize=9, framealpha=0.85, handlelength=1.6,
                                borderpad=0.3, labelspacing=0.2)

    @property
    def artists(self) -> list:
        """What :meth:`update` moves: the regions' artists, the loss curves and their title."""
        return [*self.regions.artists, self.curve, self.test_curve, self.ax_loss.title]

    def update(self, network, history: dict, epoch: int | None = None, title: str = "") -> None:
        """Show ``network``'s regions and the losses of ``history`` up to ``epoch`` (None: all)."""
        accuracy = network.score(self.X, self.y)
        self.regions.update(network, title=_("{title}training accuracy {accuracy:.2f}").format(
            title=title, accuracy=accuracy), fontsize=9)
        losses = np.asarray(history["loss"], dtype=float)
        stop = len(losses) if epoch is None else epoch + 1
        shown = losses[:stop]
        self.curve.set_data(np.arange(len(shown)), shown)
        test = np.asarray(history.get("test_loss", ()), dtype=float)[:stop]
        self.test_curve.set_data(np.arange(len(test)), test)
        if len(shown) and len(test) and np.isfinite(test[-1]):
            loss_title = _("epoch {epoch}: training {loss:.3f}, test {test:.3f}").format(
                epoch=len(shown) - 1, loss=shown[-1], test=test[-1])
        elif len(shown):
            loss_title = _("epoch {epoch}, loss {loss:.3f}").format(epoch=len(shown) - 1,
                                                                  loss=shown[-1])
        else:
            loss_title = _("no epoch yet")
        self.ax_loss.set_title(loss_title, fontsize=9)


def run_view(axes, session: PlaygroundSession, top_loss: float | None = None,
             limits=None, resolution: int = 60) -> RunView:
    """The :class:`RunView` of a session: its training and test points, its run's length."""
    if top_loss is None:
        top_loss = max(session.history["loss"][0], session.history["test_loss"][0]) * 1.25
    return RunView(axes, session.X_train, session.y_train, session.config["epochs"], top_loss,
                   X_test=session.X_test, y_test=session.y_test, limits=limits,
                   resolution=resolution)


#: Size of one hidden unit's map in the neuron view, in CSS pixels, and the gap between maps.
NEURON_MAP_PX, NEURON_MAP_GAP = 36, 4
#: Maps per row of the neuron view (a wider layer wraps onto more rows).
NEURON_MAPS_PER_ROW = 16


def neuron_maps(network: FeatureNetwork, limits, resolution: int = 24,
                pixel_ratio: int = frames.PIXEL_RATIO) -> tuple[bytes, list[int]]:
    """One small heat map per hidden unit, TensorFlow Playground's neuron view, as one PNG.

    Each map is the unit's output over the plane (``limits``, ``resolution`` points a
    side), from its most negative value (class-0 colour, blue) through 0 (white) to its
    most positive (class-1 colour, orange), scaled by the largest magnitude it takes
    there: a unit that is 0 everywhere (a dead ReLU) is white, in its grey frame. Hidden
    layers are rows (wrapped at :data:`NEURON_MAPS_PER_ROW` maps). Returns the PNG
    (``pixel_ratio`` pixels per CSS pixel) and the number of units of each layer.
    """
    xs = np.linspace(*limits[0], resolution)
    ys = np.linspace(*limits[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    outputs = network.hidden_outputs(np.column_stack([xx.ravel(), yy.ravel()]))
    if not outputs:
        return b"", []
    cmap = frames.probability_colormap()
    tile, gap = NEURON_MAP_PX * pixel_ratio, NEURON_MAP_GAP * pixel_ratio
    rows = []
    for values in outputs:
        scale = np.abs(values).max(axis=0)
        unit = np.divide(values, scale, out=np.zeros_like(values), where=scale > 0)
        rgb = cmap(0.5 + 0.5 * unit.T.reshape(-1, resolution, resolution))[..., :3]  # (units, r, r, 3)
        rgb = rgb[:, ::-1]                                       # y up, as in the regions
        repeat = -(-tile // resolution)
        rgb = np.repeat(np.repeat(rgb, repeat, axis=1), repeat, axis=2)[:, :tile, :tile]
        for start in range(0, len(rgb), NEURON_MAPS_PER_ROW):
            rows.append(rgb[start:start + NEURON_MAPS_PER_ROW])
    n_columns = max(len(row) for row in rows)
    width = n_columns * tile + (n_columns - 1) * gap
    height = len(rows) * tile + (len(rows) - 1) * gap
    edge = pixel_ratio  # a grey frame of 1 CSS pixel round each map (a white map shows)
    canvas = np.ones((height + 2 * edge, width + 2 * edge, 3))
    for r, row in enumerate(rows):
        for k, image in enumerate(row):
            top, left = edge + r * (tile + gap), edge + k * (tile + gap)
            canvas[top - edge:top + tile + edge, left - edge:left + tile + edge] = 0.75
            canvas[top:top + tile, left:left + tile] = image
    png = frames.png_from_rgb((canvas * 255).round().astype(np.uint8), colors=None)
    return png, [values.shape[1] for values in outputs]


#: The batch sizes the Playground offers (None: the whole training set at each step).
BATCH_SIZES = (1, 8, 16, 32, 64, None)
#: The strengths of its L1 or L2 penalty (TensorFlow Playground's "regularization rate").
PENALTY_STRENGTHS = (1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)


class Playground(LiveTraining):
    """Train a small network on 2-D data and watch it learn, TensorFlow Playground's way.

    In a live kernel, **Play** trains in the background and redraws the decision
    regions, the training and test losses and one small map per hidden unit while the
    network trains (:class:`~nbcode.widgets.LiveRunner`); **Pause** stops it, **Step**
    trains one epoch, **Reset** starts again from new initial weights. Changing a
    control resets the run. On the static site (no kernel) the panel shows a recorded
    run of the default settings as a player that animates in the browser.

    Parameters
    ----------
    n_frames : int
        Frames of the default run's animation.
    figsize : (float, float)
        Size in inches of the two-panel figure (regions, loss curves).
    dpi, colors : int
        Resolution and palette of the frames (page weight).
    max_fps : float
        At most this many redraws a second while playing.
    epochs_per_second : float, optional
        The pace of a play (None: as fast as the kernel trains; a small network trains
        100 epochs in a third of a second, too fast to watch).
    show_regularisation : bool
        Show the penalty and dropout controls.
    **settings
        Any key of :class:`PlaygroundConfig` for the default run, e.g.
        ``dataset="spirals", hidden=(32,)``.

    Attributes
    ----------
    runner : LiveRunner
        Plays the live run; ``runner.session`` is its :class:`PlaygroundSession`.
    model, last_accuracy
        The latest network (the live run's, else the default run's) and its test accuracy.
    player : TrainingPlayer
        The default run's animation.
    image, neurons : ipywidgets.Image
        The live run's picture and its neuron maps (empty until a live run).
    play_button, step_button, reset_button : ipywidgets.Button
    dataset, noise, features, hidden, activation, learning_rate, batch_size, epochs,
    penalty, strength, dropout : ipywidgets widgets
        The controls (also in ``controls``, by the same names).
    """

    def __init__(self, n_frames: int = 16, figsize=(6.4, 2.9), dpi: int = 72, colors: int = 40,
                 max_fps: float = 15.0, epochs_per_second: float | None = 40.0,
                 show_regularisation: bool = True, **settings):
        check_positive(n_frames, "n_frames", integer=True)
        if n_frames < 2:
            raise ValueError(_("n_frames must be at least 2 (the first and the last epoch); "
                               "received {n_frames}.").format(n_frames=n_frames))
        self.config = c = PlaygroundConfig(**settings)
        self.figsize, self.dpi, self.colors = figsize, dpi, colors
        controls = self._make_controls(c, show_regularisation)
        for name, control in controls.items():  # playground.epochs, playground.dataset...
            setattr(self, name, control)

        # The default run, as an animation that plays without a kernel.
        epochs = c["epochs"]
        record = sorted({int(round(e)) for e in np.geomspace(1, max(epochs, 1), n_frames - 1)}
                        | {0} if epochs else {0})
        session, snapshots = train_config(c, record_epochs=record)

        def update(view, snapshot):  # every frame: the regions, the curves, the titles
            epoch, network, history = snapshot
            view.update(network, history, epoch=epoch)

        player = TrainingPlayer.from_items(
            snapshots, update, setup=lambda axes: run_view(axes, session),
            labels=[_("epoch {epoch}").format(epoch=s[0]) for s in snapshots],
            figsize=figsize, dpi=dpi, ncols=2, colors=colors)
        self.model, self.last_accuracy = session.model, session.history["test_accuracy"][-1]
        # Empty until a live run: the page carries the default run once, in the player.
        css_width = player.render.css_size[0]
        self.image = frame_image(b"", css_width)
        self.neurons = frame_image(b"")
        self.neurons_caption = widgets.HTML("")
        header = widgets.HTML(_("<b>Playground</b>: choose the data and the network, then press "
                                "<i>Play</i> to watch it learn (needs a live kernel; this page "
                                "shows a recorded run of the default settings)."))
        left = [self.dataset, self.noise, self.features, self.hidden, self.activation]
        right = [self.learning_rate, self.batch_size, self.epochs,
                 *([self.penalty, self.strength, self.dropout] if show_regularisation else [])]
        self._view = None
        super().__init__(player, self._new_session, self._draw_session,
                         [self.image, self.neurons_caption, self.neurons], controls,
                         above=[header, widgets.HBox([widgets.VBox(left), widgets.VBox(right)])],
                         description="Playground", max_fps=max_fps,
                         max_steps_per_second=epochs_per_second, dpi=dpi, colors=colors)
        self.dataset.observe(self._on_dataset, names="value")
        self.status.value = _("default run (press Play on the animation): {run}, test accuracy "
                              "<b>{accuracy:.3f}</b>").format(run=session.describe(),
                                                              accuracy=self.last_accuracy)

    def _make_controls(self, c: PlaygroundConfig, show_regularisation: bool) -> dict:
        # The labels' column: 95 px holds the English ones, the French ones need more.
        label_width, width = ("95px", "260px") if i18n.language() == "en" else ("150px", "315px")
        noise = data.default_noise(c["dataset"]) if c["noise"] is None else c["noise"]
        penalty = "l1" if c["l1"] else ("l2" if c["l2"] else "none")
        strength = c["l1"] or c["l2"] or 1e-3
        strengths = sorted({*PENALTY_STRENGTHS, float(strength)})
        spec = {
            "dataset": dropdown([(_dataset_label(name), name) for name in data.DATASETS_2D],
                                value=c["dataset"], label=_("data set")),
            "noise": slider(noise, 0.0, 2.0, step=0.05),
            "features": multi_select([(FEATURE_LABELS[name], name) for name in FEATURES],
                                     value=c["features"], rows=4, label=_("inputs")),
            "hidden": text(", ".join(map(str, c["hidden"])), label=_("hidden units"),
                           placeholder=_("e.g. 16, 16 (empty: none)")),
            "activation": dropdown(ACTIVATION_CHOICES, value=c["activation"], label=_("activation")),
            "learning_rate": log_slider(c["learning_rate"], 1e-4, 1.0, step=0.25,
                                        readout_format=".4f", label=_("learning rate")),
            "batch_size": dropdown([(str(b) if b else _("full batch"), b) for b in BATCH_SIZES],
                                   value=c["batch_size"]),
            "epochs": slider(c["epochs"], 1, 500, label=_("epochs")),
        }
        if show_regularisation:
            spec.update({
                "penalty": dropdown([(_("none"), "none"), ("L1", "l1"), ("L2", "l2")],
                                    value=penalty),
                "strength": dropdown([(f"{s:g}", s) for s in strengths], value=strength),
                "dropout": slider(c["dropout"], 0.0, 0.8, step=0.1, label=_("dropout")),
            })
        return make_controls(spec, style={"description_width": label_width},
                             layout=widgets.Layout(width=width))

    # ------------------------------------------------------------------ live run

    def current_config(self) -> PlaygroundConfig:
        """The settings shown by the controls."""
        values = self.values()
        penalty, strength = values.pop("penalty", "none"), values.pop("strength", 0.0)
        values["l1"] = strength if penalty == "l1" else 0.0
        values["l2"] = strength if penalty == "l2" else 0.0
        values.setdefault("dropout", 0.0)
        fixed = {key: self.config[key] for key in ("n_samples", "test_fraction", "seed")}
        return PlaygroundConfig(**values, **fixed)

    def _new_session(self, config: PlaygroundConfig | None = None) -> PlaygroundSession:
        """A new run of ``config`` (default: the controls' settings), with its own canvas."""
        session = PlaygroundSession(self.current_config() if config is None else config)
        canvas = frames.FrameCanvas(self.figsize, ncols=2, dpi=self.dpi, colors=self.colors)
        self._canvas, self._view = canvas, run_view(canvas.axes, session)
        return session

    def _draw_session(self, session: PlaygroundSession) -> None:
        """Show ``session`` now: its regions and losses, its neuron maps, the status line."""
        self._view.update(session.network, session.history)
        self.image.value = self._canvas.png(frames.moving_artists(self._view), fast=True)
        png, units = neuron_maps(session.network, self._view.regions.limits)
        self.neurons.value = png
        if png:  # shown at its CSS size: PIXEL_RATIO pixels per CSS pixel (the PNG's width: bytes 16-20)
            self.neurons.width = str(int.from_bytes(png[16:20], "big") // frames.PIXEL_RATIO)
        self.neurons_caption.value = (_("<b>Hidden units</b> ({units}): each map is one unit's "
                                        "output over the plane, from negative (blue) through 0 "
                                        "(white) to positive (orange).").format(
            units=" + ".join(map(str, units))) if units else "")
        self.model, self.last_accuracy = session.model, session.history["test_accuracy"][-1]
        history = session.history
        self.status.value = _("epoch {epoch} of {epochs}: training loss {loss:.3f}, test loss "
                              "{test_loss:.3f}, test accuracy <b>{accuracy:.3f}</b>").format(
            epoch=session.epoch, epochs=session.config["epochs"], loss=history["loss"][-1],
            test_loss=history["test_loss"][-1], accuracy=history["test_accuracy"][-1])

    def _on_dataset(self, change) -> None:
        """A new data set comes with its own noise (which resets the run too)."""
        self.noise.value = data.default_noise(change["new"])

    def train(self, config: PlaygroundConfig | None = None) -> float:
        """Train a whole run with the controls' settings (or ``config``) at once, show its
        end; return its test accuracy."""
        self.runner.pause()
        session = self._new_session(config)
        session.run()
        self.runner.session = session
        self._show(session)
        return self.last_accuracy

    # ------------------------------------------------------------------ on paper

    def static_text(self) -> str:
        hidden = ", ".join(map(str, self.config["hidden"])) or _("none")
        return _("Playground({dataset}, hidden ({hidden}), {activation}, {epochs} epochs)").format(
            dataset=_dataset_label(self.config["dataset"]), hidden=hidden,
            activation=self.config["activation"], epochs=self.config["epochs"])

    def __repr__(self) -> str:
        hidden = ", ".join(map(str, self.config["hidden"])) or "none"
        return (f"Playground({self.config['dataset']}, hidden ({hidden}), "
                f"{self.config['activation']}, {self.config['epochs']} epochs)")
