"""Widgets in which a model changes: players of recorded training, live panels that retrain.

:class:`TrainingPlayer` shows precomputed frames (sharp 2x layers, see
:mod:`nbcode.frames`) with a Play button and a slider. The three are joined by
``ipywidgets.jslink``, which runs in the browser: on the book's static HTML pages,
with no Python kernel behind them, the saved widget state still plays the animation.

:func:`live_panel` builds every live control of the book: from a compact spec of
controls (:func:`dropdown`, :func:`toggle`, :func:`slider`, :func:`log_slider`,
:func:`select_slider`, :func:`text`) and a function ``draw(**values) -> Figure`` it
makes a :class:`LivePanel` that redraws its picture when a control changes (or when
its Train button is pressed). Such controls need a live kernel; the saved page
shows the default setting.

Every widget here prints as a picture where no widget manager runs (a PDF): see
:class:`StaticPicture`.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np

from . import i18n
from ._validation import check_callable, check_positive
from .frames import LAYER_FORMAT, PIXEL_RATIO, Frames, check_text_sizes, render_frames
from .i18n import N_, _
from .plots import figure_to_png

__all__ = ["TrainingPlayer", "LivePanel", "live_panel", "StaticPicture", "Control", "make_controls",
           "make_train_button", "dropdown", "toggle", "slider", "log_slider", "select_slider", "text",
           "frame_strip", "frame_image", "LiveRunner", "LiveTraining", "live_regions", "live_status",
           "multi_select", "error_html"]


class StaticPicture:
    """Mixin for widgets: how they print where no widget manager runs (a PDF, a terminal).

    The output bundle keeps the widget view (the site and Jupyter show the widget) and
    adds ``image/png`` (what a PDF shows, from :meth:`static_png`) and ``text/plain``
    (from :meth:`static_text`). Put it before the ipywidgets class:
    ``class MyWidget(StaticPicture, widgets.VBox)``.
    """

    def static_png(self) -> bytes | None:
        """The picture a static output shows (None: none)."""
        return None

    def static_text(self) -> str:
        """The plain-text representation."""
        return repr(self)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        bundle = dict(bundle or {})
        picture = self.static_png()
        if picture:
            bundle["image/png"] = bytes(picture)
        bundle["text/plain"] = self.static_text()
        return bundle


def strip_picks(n_frames: int, n_shown: int = 3) -> list[int]:
    """The frames a strip shows: ``n_shown`` evenly spaced from the first to the last."""
    return [int(k) for k in np.unique(np.linspace(0, n_frames - 1, min(n_shown, n_frames)).round())]


def frame_strip(frames: Sequence[bytes], n_shown: int = 3, gap: int = 8) -> bytes:
    """A PNG with a few frames (start, middle, end) side by side, for print.

    Wide frames (several panels each) are stacked vertically instead.
    """
    from PIL import Image

    frames = list(frames)
    if not frames:
        raise ValueError(_("frames must hold at least one PNG image as bytes; received an empty "
                           "sequence."))
    for i, frame in enumerate(frames):
        if not isinstance(frame, bytes | bytearray):
            kind = type(frame).__name__
            raise TypeError(_("frames must hold PNG images as bytes (nbcode.frames.render_frames "
                              "makes them); received frames[{i}] of type {kind}.").format(i=i, kind=kind))
    check_positive(n_shown, "n_shown", integer=True)
    check_positive(gap, "gap", integer=True, allow_zero=True)
    picks = strip_picks(len(frames), n_shown)
    images = [Image.open(io.BytesIO(frames[i])).convert("RGB") for i in picks]
    width, height = images[0].size
    vertical = width > 1.6 * height
    size = ((width, len(images) * height + gap * (len(images) - 1)) if vertical
            else (len(images) * width + gap * (len(images) - 1), height))
    strip = Image.new("RGB", size, "white")
    for k, image in enumerate(images):
        strip.paste(image, (0, k * (height + gap)) if vertical else (k * (width + gap), 0))
    buffer = io.BytesIO()
    strip.quantize(colors=128).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def frame_image(image: bytes, css_width: int | None = None, format: str = "png",  # noqa: A002
                **settings) -> widgets.Image:
    """An ``Image`` widget of a PNG (or ``format``) shown ``css_width`` CSS pixels wide
    (None: its own size).

    The book's frames and pictures have :data:`nbcode.frames.PIXEL_RATIO` pixels per CSS
    pixel: shown at their CSS width, they are sharp on 2x screens.
    """
    if css_width is not None:
        settings["width"] = str(int(css_width))
    return widgets.Image(value=bytes(image), format=format, **settings)


def _panel_area(panel, css_width: int, margin: str = "0") -> tuple[widgets.GridBox, widgets.Stack]:
    """One panel of layered frames: its stack of overlays over its background, in one grid
    cell (class ``nb-frames``; the background has the class ``nb-frame-background``)."""
    cell = widgets.Layout(grid_area="frame", margin="0")
    stack = widgets.Stack([frame_image(o, css_width, LAYER_FORMAT, layout=cell)
                           for o in panel.overlays],
                          selected_index=0, layout=widgets.Layout(grid_area="frame", margin="0"))
    background = frame_image(panel.background, css_width, LAYER_FORMAT, layout=cell)
    background.add_class("nb-frame-background")
    area = widgets.GridBox([background, stack], layout=widgets.Layout(
        grid_template_areas='"frame"', grid_template_columns="minmax(0, max-content)",
        margin=margin))
    area.add_class("nb-frames")
    return area, stack


class TrainingPlayer(StaticPicture, widgets.VBox):
    """Play precomputed training frames: a Play button, a slider and the current frame.

    Parameters
    ----------
    frames : Frames or sequence of bytes
        The frames of :func:`nbcode.frames.render_frames` (layers: a background and an
        overlay per frame), or PNG images, one per frame, shown at their pixel size.
    labels : sequence of str, optional
        What each frame shows (e.g. ``"epoch 10"``); shown by the slider.
    interval : int
        Milliseconds between frames when playing.
    title : str, optional
        A line of text above the player.

    Notes
    -----
    The frames live in an ``ipywidgets.Stack``; ``jslink`` ties the Play value to
    the slider's index and the slider's index to the stack's selected child, so
    playing needs no kernel. Layered frames put the stack of overlays over the
    background in one grid cell (class ``nb-frames``; the background has the class
    ``nb-frame-background``), one such cell per panel (:attr:`stacks`, one per
    panel, all linked to the slider): several panels sit in a box of class
    ``nb-panels`` that wraps them one under the other on a narrow screen. In a PDF
    or other static output the player shows a strip of three frames (its
    ``image/png`` representation).
    """

    def __init__(self, frames: Frames | Sequence[bytes], labels: Sequence[str] | None = None,
                 interval: int = 250, title: str | None = None):
        layered = frames if isinstance(frames, Frames) else None
        frames = [] if layered else list(frames)
        if layered is None and (not frames or not all(isinstance(f, bytes | bytearray)
                                                      for f in frames)):
            raise TypeError(_(
                "frames must be a non-empty list of PNG images as bytes "
                "(nbcode.frames.render_frames makes them); received "
                "{kind} of length {n}.").format(kind=type(frames).__name__, n=len(frames)))
        n_frames = len(layered) if layered else len(frames)
        check_positive(interval, "interval", integer=True)
        if labels is None:
            labels = [_("frame {i}").format(i=i) for i in range(n_frames)]
        labels = [str(label) for label in labels]
        if len(labels) != n_frames:
            raise ValueError(_("labels must have one entry per frame ({n_frames} frames); "
                               "received {n_labels} labels.").format(n_frames=n_frames,
                                                                    n_labels=len(labels)))
        self.labels = labels
        self.render: Frames | None = layered  # with from_items: what the frames cost
        self._frames = frames
        if layered:
            margin = "var(--jp-widgets-margin, 2px)"
            panels = [_panel_area(panel, width, margin if len(layered.panels) == 1 else "0")
                      for panel, width in zip(layered.panels, layered.css_widths, strict=True)]
            self.stacks = [stack for _area, stack in panels]
            if len(panels) == 1:
                area = panels[0][0]
            else:  # side by side as the figure, one under the other on a narrow screen
                area = widgets.HBox([grid for grid, _stack in panels], layout=widgets.Layout(
                    flex_flow="row wrap", align_items="flex-start", margin=margin))
                area.add_class("nb-panels")
        else:
            self.stacks = [widgets.Stack([frame_image(f) for f in frames], selected_index=0)]
            area = self.stacks[0]
        self.stack = self.stacks[0]
        self.play = widgets.Play(value=0, min=0, max=n_frames - 1, step=1, interval=interval,
                                 description=_("Play"), repeat=False)
        # A selection slider shows the frame's label (e.g. "epoch 10") instead of its index.
        if len(set(labels)) < len(labels):  # options of a selection slider must be unique
            labels = [f"{i}: {label}" for i, label in enumerate(labels)]
        self.slider = widgets.SelectionSlider(options=labels, index=0, continuous_update=True,
                                              layout=widgets.Layout(width="60%"))
        self.links = (widgets.jslink((self.play, "value"), (self.slider, "index")),
                      *(widgets.jslink((self.slider, "index"), (stack, "selected_index"))
                        for stack in self.stacks))
        children = [widgets.HBox([self.play, self.slider])]
        if title:
            children.insert(0, widgets.HTML(f"<b>{title}</b>"))
        children.append(area)
        super().__init__(children)

    @property
    def frames(self) -> list[bytes]:
        """Every frame as one whole PNG."""
        return self.render.frames if self.render is not None else self._frames

    @classmethod
    def from_items(cls, items: Sequence, update: Callable, labels: Sequence[str] | None = None,
                   figsize=(3.2, 3.0), dpi: int = 72, ncols: int = 1, colors: int = 48,
                   setup: Callable | None = None, **kwargs):
        """Render one frame per item on one figure and make a player of them.

        ``items`` are typically training snapshots (:class:`nbcode.train.Recorder`).
        With ``setup(axes) -> scene``, the figure's shared parts are drawn once and
        ``update(scene, item)`` moves the pieces of the scene (for instance
        :class:`nbcode.frames.DecisionRegions`, :class:`nbcode.frames.DescentPath`):
        the frame pipeline then redraws only those (:mod:`nbcode.frames`). Without
        ``setup``, ``update(axes, item)`` draws each frame on cleared axes (simpler,
        slower). ``axes`` is one axis, or ``ncols`` of them. ``colors`` is the size of
        each frame's palette: fewer colours, smaller pages. The render's cost is kept
        in :attr:`render` (median milliseconds per frame, bytes).
        """
        name = kwargs.get("title") or (f"{labels[0]} … {labels[-1]}" if labels else "")
        render = render_frames(items, update, setup, figsize=figsize, dpi=dpi, ncols=ncols,
                               colors=colors, name=name)
        return cls(render, labels=labels, **kwargs)

    @property
    def n_bytes(self) -> int:
        """What the frames add to a page (before base64): with layers, the background and
        the overlays."""
        return self.render.n_bytes if self.render is not None else sum(map(len, self._frames))

    def static_png(self) -> bytes:
        """A strip of three frames (first, middle, last): the player on paper."""
        if self.render is not None:                  # compose only the three frames shown
            picks = strip_picks(len(self.render))
            return frame_strip([self.render.frame(k) for k in picks], n_shown=len(picks))
        return frame_strip(self._frames)

    def static_text(self) -> str:
        return _("TrainingPlayer({n} frames: {first} … {last})").format(
            n=len(self.labels), first=self.labels[0], last=self.labels[-1])

    def __repr__(self) -> str:
        return f"TrainingPlayer({len(self.labels)} frames, {self.n_bytes / 1024:.0f} KiB)"


# --------------------------------------------------------------------------- live panels


@dataclass(frozen=True)
class Control:
    """A control to build: an ipywidgets class and its settings.

    Made by :func:`dropdown`, :func:`toggle`, :func:`slider`, :func:`log_slider`,
    :func:`select_slider` and :func:`text`; :func:`make_controls` builds the widgets.
    The label (``description``) defaults to the control's name in the spec, with
    spaces for underscores (``"learning_rate"`` -> ``"learning rate"``), in the current
    language when nbcode's catalogue translates it (:data:`CONTROL_TEXTS`); so do the
    labels of its options (their values stay as they are).
    """

    kind: type
    settings: dict = field(default_factory=dict)

    def build(self, name: str, **common) -> widgets.ValueWidget:
        settings = {"description": _shown(name.replace("_", " ")), **common, **self.settings}
        if "options" in settings:
            settings["options"] = _option_labels(settings["options"])
        return self.kind(**settings)


#: Names and options of the book's controls whose text a control shows as it is (a
#: control named ``"learning_rate"`` in a spec, an option ``"moons"`` of a drop-down):
#: marked here for the catalogue, so that :meth:`Control.build` shows them translated.
#: The values a control gives ``draw`` never change.
CONTROL_TEXTS = (
    # names of controls, as their labels show them
    N_("learning rate"), N_("batch size"), N_("epochs"), N_("seed"), N_("penalty"),
    N_("strength"), N_("kernel"), N_("padding"), N_("stride"), N_("labels"), N_("dataset"),
    N_("noise"),
    # options of the chapters' panels (the 2-D data sets' names are in
    # nbcode.playground.DATASET_LABELS: one catalogue holds every module's messages)
    N_("separable"), N_("overlapping"), N_("full"),
)


def _shown(text: str) -> str:
    """``text`` in the current language if one of nbcode's catalogues translates it."""
    return i18n._(text)


def _option_labels(options):
    """``options`` (values or (label, value) pairs) with their labels in the current language.

    Unchanged if no label has a translation (always in English); otherwise (label, value)
    pairs, the labels as ipywidgets makes them, translated.
    """
    options = list(options)
    if all(isinstance(option, list | tuple) and len(option) == 2 for option in options):
        pairs = [(str(label), value) for label, value in options]
    else:
        pairs = [(str(option), option) for option in options]
    labels = [_shown(label) for label, _value in pairs]
    if labels == [label for label, _value in pairs]:
        return options
    return [(shown, value) for shown, (_label, value) in zip(labels, pairs, strict=True)]


def _control(kind, label, settings) -> Control:
    if label is not None:
        settings["description"] = label
    return Control(kind, settings)


def dropdown(options, *, label: str | None = None, **settings) -> Control:
    """A drop-down list; ``options`` are values or ``(label, value)`` pairs, the first is the
    default unless ``value=`` says otherwise."""
    return _control(widgets.Dropdown, label, {"options": list(options), **settings})


def toggle(options, *, label: str | None = None, **settings) -> Control:
    """A row of toggle buttons, one per option (the first is the default)."""
    return _control(widgets.ToggleButtons, label, {"options": list(options), **settings})


def select_slider(options, *, label: str | None = None, **settings) -> Control:
    """A slider over a list of values (e.g. numbers of labels 5, 10, 20, 50)."""
    return _control(widgets.SelectionSlider, label, {"options": list(options), **settings})


def slider(value, min, max, step=1, *, label: str | None = None, **settings) -> Control:  # noqa: A002
    """A slider from ``min`` to ``max``: of integers if all four numbers are integers."""
    whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (value, min, max, step))
    return _control(widgets.IntSlider if whole else widgets.FloatSlider, label,
                    {"value": value, "min": min, "max": max, "step": step, **settings})


def log_slider(value, min, max, step=0.25, *, label: str | None = None, **settings) -> Control:  # noqa: A002
    """A slider on a log scale from ``min`` to ``max`` (e.g. ``1e-3`` to ``10``), moving by
    ``step`` powers of ten (0.25: four positions per decade)."""
    for name, bound in (("min", min), ("max", max)):
        check_positive(bound, _("log_slider's {name}").format(name=name))
    return _control(widgets.FloatLogSlider, label,
                    {"value": value, "base": 10, "min": float(np.log10(min)),
                     "max": float(np.log10(max)), "step": step, **settings})


def multi_select(options, value=(), *, label: str | None = None, **settings) -> Control:
    """A list in which several options can be chosen (Ctrl or Shift + click); its value is
    the tuple of the chosen ones (e.g. a network's input features)."""
    return _control(widgets.SelectMultiple, label, {"options": list(options), "value": tuple(value),
                                                   **settings})


def text(value: str = "", *, label: str | None = None, **settings) -> Control:
    """A line of text (e.g. hidden-layer sizes, ``"16, 16"``)."""
    return _control(widgets.Text, label, {"value": value, **settings})


def make_controls(spec: dict, **common) -> dict[str, widgets.ValueWidget]:
    """Build the widgets of a spec ``{name: Control or widget}``.

    ``common`` settings (e.g. ``style``, ``layout``) go to every control built from a
    :class:`Control`; a ready-made widget is used as it is.
    """
    if not isinstance(spec, dict) or not spec:
        raise TypeError(_("controls must be a non-empty dict of name -> control, e.g. "
                          "{{'seed': slider(0, 0, 9)}}; received {spec!r:.80}.").format(spec=spec))
    built = {}
    for name, control in spec.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(_("controls' names are the keyword arguments of draw, so each must be "
                               "a Python name such as 'learning_rate'; received {name!r}.")
                             .format(name=name))
        if isinstance(control, Control):
            built[name] = control.build(name, **common)
        elif isinstance(control, widgets.ValueWidget):
            built[name] = control
        else:
            kind = type(control).__name__
            raise TypeError(_("controls[{name!r}] must be a control (dropdown(...), slider(...), "
                              "toggle(...)...) or an ipywidgets widget with a value; received "
                              "{kind}.").format(name=name, kind=kind))
    return built


def _rows(controls: dict, rows) -> list[list[widgets.Widget]]:
    """Resolve ``rows`` (controls per row, or lists of names) to rows of widgets."""
    names = list(controls)
    if isinstance(rows, int) and not isinstance(rows, bool):
        check_positive(rows, "rows", integer=True)
        rows = [names[i:i + rows] for i in range(0, len(names), rows)]
    if sorted(name for row in rows for name in row) != sorted(names):
        example = [names[:2], names[2:]]
        raise ValueError(_("rows must place each control once, e.g. {example}; "
                           "received {rows!r} for controls {names}.").format(example=example, rows=rows,
                                                                             names=names))
    return [[controls[name] for name in row] for row in rows]


class LivePanel(StaticPicture, widgets.VBox):
    """Controls that retrain in a live kernel, above the picture they redraw.

    Build one with :func:`live_panel`. The class itself is a ``VBox`` (same
    arguments) that knows how it looks on paper: in a PDF or any output without a
    widget manager it shows its picture (``picture``, or else the first ``Image``
    among its children, as last drawn) instead of a widget's raw text. On the static
    site its controls render but do nothing; the picture shows the default setting.

    Parameters
    ----------
    children : list of widgets
        Rows of controls and an ``ipywidgets.Image`` with the current picture.
    description : str, optional
        What the panel does, for the plain-text representation (default: "live controls",
        in the current language).
    picture : ipywidgets.Image, optional
        The image the panel redraws (default: the first Image among its children).

    Attributes
    ----------
    controls : dict of str -> widget
        The controls, by the name :meth:`redraw` passes their value under.
    train_button, status : ipywidgets.Button and HTML, or None
        With a Train button, the panel redraws when it is pressed (not at every
        change); the status line says what is happening and shows errors that teach
        (a ``ValueError`` of ``draw``) instead of raising them.
    """

    controls: dict = {}  # set by connect()
    train_button: widgets.Button | None = None
    status: widgets.HTML | None = None
    dpi, colors, _draw = 72, 48, None

    def __init__(self, children, description: str | None = None,
                 picture: widgets.Image | None = None, **kwargs):
        if isinstance(children, str | bytes) or not all(
                isinstance(child, widgets.Widget) for child in children):
            kind = type(children).__name__
            raise TypeError(_("children must be a list of ipywidgets widgets (sliders, an Image...); "
                              "received {kind}.").format(kind=kind))
        super().__init__(children, **kwargs)
        self.description = _("live controls") if description is None else description
        self._picture = picture

    def picture(self) -> widgets.Image | None:
        """The panel's picture: the Image it redraws, or the first among its descendants."""
        if self._picture is not None:
            return self._picture
        stack = list(self.children)
        while stack:
            child = stack.pop(0)
            if isinstance(child, widgets.Image):
                return child
            stack[:0] = list(getattr(child, "children", ()))
        return None

    def connect(self, controls: dict, draw: Callable | None = None, *,
                train_button: widgets.Button | None = None, status: widgets.HTML | None = None,
                dpi: int = 72, colors: int | None = 48) -> None:
        """Redraw with ``draw(**values)`` when a control changes, or when ``train_button``
        is pressed. ``draw=None``: a subclass overrides :meth:`redraw`."""
        if draw is not None and not callable(draw):
            kind = type(draw).__name__
            raise TypeError(_("draw must be a function of the controls' values that returns a "
                              "matplotlib Figure; received {kind}.").format(kind=kind))
        self.controls, self._draw = dict(controls), draw
        self.train_button, self.status, self.dpi, self.colors = train_button, status, dpi, colors
        if train_button is not None:
            train_button.on_click(self._on_train)
        else:
            for control in self.controls.values():
                control.observe(self._on_change, names="value")

    def values(self) -> dict:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self) -> None:
        """Draw the figure of the controls' values and show it."""
        self.show(self._draw(**self.values()))

    def show(self, fig) -> None:
        """Render a matplotlib figure into the panel's picture (and close it)."""
        from matplotlib.figure import Figure

        if not isinstance(fig, Figure):
            kind = type(fig).__name__
            raise TypeError(_("draw must return a matplotlib Figure (e.g. the fig of "
                              "plt.subplots()); it returned {kind}.").format(kind=kind))
        picture = self.picture()
        # Drawn at PIXEL_RATIO pixels per CSS pixel, shown at the figure's CSS width: sharp on 2x screens.
        css_width = round(fig.get_figwidth() * self.dpi)
        check_text_sizes(fig, self.dpi)
        picture.value = figure_to_png(fig, dpi=self.dpi * PIXEL_RATIO, colors=self.colors)
        picture.width = str(css_width)

    def _redraw_or_report(self) -> None:
        if self.status is None:
            self.redraw()
            return
        try:
            self.redraw()
        except ValueError as error:  # a bad entry in a control: say so, keep the last picture
            self.status.value = error_html(error)

    def _on_change(self, _change=None) -> None:
        self._redraw_or_report()

    def _on_train(self, _button=None) -> None:
        self.train_button.disabled = True
        training = _("training…")
        if self.status is not None:
            self.status.value = training
        try:
            self._redraw_or_report()
            if self.status is not None and self.status.value == training:
                self.status.value = ""
        finally:
            self.train_button.disabled = False

    def static_png(self) -> bytes | None:
        picture = self.picture()
        if picture is None or not picture.value:
            return None
        if picture.format == "png":
            return picture.value
        from PIL import Image  # a layer (WebP): print wants a PNG

        out = io.BytesIO()
        Image.open(io.BytesIO(picture.value)).convert("RGB").save(out, format="PNG")
        return out.getvalue()

    def static_text(self) -> str:
        return _("LivePanel({description}: run the notebook to use it)").format(
            description=self.description)


#: The colour of an error in a status line: the book's vermilion, darkened to a contrast of
#: 6.6:1 on white (WCAG AA asks 4.5:1; the plots' #D55E00 has 3.9:1).
ERROR_COLOR = "#A0430A"


def error_html(error) -> str:
    """An error's message as a status line shows it (HTML, in :data:`ERROR_COLOR`)."""
    import html

    return f"<span style='color:{ERROR_COLOR}'>{html.escape(str(error))}</span>"


def make_train_button(**layout) -> widgets.Button:
    """The Train button of panels whose redraw is too slow to follow every change."""
    return widgets.Button(description=_("Train"), button_style="primary", icon="play",
                          layout=widgets.Layout(**layout))


def live_panel(controls: dict, draw: Callable, *, description: str, rows=None, train: bool = False,
               title: str | None = None, dpi: int = 72, colors: int | None = 48) -> LivePanel:
    """A live control: widgets built from ``controls``, a picture that ``draw`` redraws.

    Parameters
    ----------
    controls : dict of str -> Control
        The controls, in display order, e.g.
        ``{"penalty": toggle(["L2", "L1"]), "strength": log_slider(0.01, 1e-5, 1)}``.
        Their names are ``draw``'s keyword arguments.
    draw : callable ``draw(**values) -> matplotlib.figure.Figure``
        Trains (if need be) and draws the figure of one setting of the controls.
    description : str
        What the panel does, for its plain-text representation.
    rows : int or list of lists of names, optional
        How the controls are laid out: one row (default), ``n`` per row, or rows of
        names such as ``[["dataset", "activation"], ["learning_rate"]]``.
    train : bool
        Add a Train button (and a status line): redraw when it is pressed, not at
        every change. For redraws that take more than a moment.
    title : str, optional
        A line of text above the controls.
    dpi, colors : int
        Resolution and palette of the picture (see :func:`nbcode.plots.figure_to_png`).

    Returns
    -------
    LivePanel
        With the default setting drawn at once, so that a saved page and the PDF
        show it; changing a control needs a running kernel.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def draw(slope):
    ...     fig, ax = plt.subplots(figsize=(2, 2))
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> panel = live_panel({"slope": slider(1.0, -2.0, 2.0, step=0.5)}, draw, description="a line")
    >>> panel.controls["slope"].value = 2.0   # redraws
    >>> panel.values()
    {'slope': 2.0}
    """
    if not callable(draw):
        kind = type(draw).__name__
        raise TypeError(_("draw must be a function of the controls' values that returns a "
                          "matplotlib Figure; received {kind}.").format(kind=kind))
    built = make_controls(controls)
    rows = _rows(built, len(built) if rows is None else rows)
    button = make_train_button() if train else None
    if button is not None:
        rows[-1].append(button)
    status = widgets.HTML(value="") if train else None
    picture = widgets.Image(format="png")
    children = [widgets.HBox(row) for row in rows] + ([status] if status else []) + [picture]
    if title:
        children.insert(0, widgets.HTML(f"<b>{title}</b>"))
    panel = LivePanel(children, description=description, picture=picture)
    panel.connect(built, draw, train_button=button, status=status, dpi=dpi, colors=colors)
    panel.redraw()  # the default setting: what the static page and the PDF show
    return panel


# --------------------------------------------------------------------------- live training


class LiveRunner:
    """Play, pause, step and reset a training run in a live kernel, redrawing as it trains.

    The run is any *session*: an object with ``step()`` (one unit of training, an epoch
    say), a ``done`` flag (the run has reached its end) and an ``epoch`` counter. Playing
    runs ``step()`` in a background thread, so that the kernel stays free to hear
    Pause, and calls ``draw(session)`` after a step whenever ``1 / max_fps`` seconds
    have passed since the last redraw (and after the last step): a fast run trains
    several epochs per picture, a slow one shows every epoch.

    Parameters
    ----------
    new_session : callable ``() -> session``
        Makes a fresh session (a new network at its initial weights), for instance from
        a panel's controls; a ``ValueError`` it raises is reported, not raised.
    draw : callable ``(session) -> None``
        Shows the session (updates the widgets' pictures).
    max_fps : float
        At most this many redraws a second while playing.
    max_steps_per_second : float, optional
        Pace of a play: at most this many steps a second, so that a run short enough to
        train in a blink can still be watched (None: as fast as the machine trains).
    on_change : callable ``(playing: bool) -> None``, optional
        Told when playing starts and stops (a button's label, a status line).
    on_error : callable ``(error: Exception) -> None``, optional
        Told of an error of ``new_session``, ``step`` or ``draw`` (default: raise it).

    Attributes
    ----------
    session : the current session (None before the first reset, play or step).
    redraw_seconds : list of float
        When each redraw of the last play ended, from its start (the redraw rate).
    """

    def __init__(self, new_session: Callable, draw: Callable, *, max_fps: float = 15.0,
                 max_steps_per_second: float | None = None, on_change: Callable | None = None,
                 on_error: Callable | None = None):
        check_callable(new_session, "new_session", N_("() -> a new session, as LiveRunner describes it"))
        check_callable(draw, "draw", N_("session -> None, showing it"))
        check_positive(max_fps, "max_fps")
        if max_steps_per_second is not None:
            check_positive(max_steps_per_second, "max_steps_per_second")
        self.new_session, self.draw, self.max_fps = new_session, draw, float(max_fps)
        self.max_steps_per_second = max_steps_per_second
        self.on_change, self.on_error = on_change, on_error
        self.session = None
        self.error: Exception | None = None  # an error of a play with no on_error to tell
        self.redraw_seconds: list[float] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _report(self, error: Exception) -> None:
        if self.on_error is None:
            raise error
        self.on_error(error)

    def _tell(self, playing: bool) -> None:
        if self.on_change is not None:
            self.on_change(playing)

    def reset(self) -> None:
        """Stop, and start a new session at its initial weights (drawn at once)."""
        self.pause()
        self.session = None  # refused settings leave no run to play
        try:
            self.session = self.new_session()
            self.draw(self.session)
        except ValueError as error:
            self._report(error)

    def step(self) -> None:
        """Pause if playing, then train one step and redraw."""
        self.pause()
        if self.session is None or self.session.done:
            self.reset()
            return
        try:
            self.session.step()
            self.draw(self.session)
        except ValueError as error:
            self._report(error)

    def play(self) -> None:
        """Train in the background until the end of the run or :meth:`pause` (from the
        start again when the run is over)."""
        if self.playing:
            return
        if self.session is None or self.session.done:
            self.reset()
            if self.session is None:  # the settings were refused (reported)
                return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="nbcode-live-training", daemon=True)
        self._tell(True)
        self._thread.start()

    def pause(self) -> None:
        """Stop playing (after the step under way, which is then drawn)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        if thread is not threading.current_thread():
            thread.join()
        self._thread = None

    def toggle(self) -> None:
        """Play if paused, pause if playing (one button for both)."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until playing stops (the end of the run, or a pause); False on timeout."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _loop(self) -> None:
        session, start = self.session, time.perf_counter()
        self.redraw_seconds = []
        last, steps, drawn = -np.inf, 0, session.epoch

        def redraw():
            nonlocal drawn
            self.draw(session)
            drawn = session.epoch
            self.redraw_seconds.append(time.perf_counter() - start)

        try:
            while not self._stop.is_set() and not session.done:
                session.step()
                steps += 1
                now = time.perf_counter()
                # A redraw is due 1 / max_fps after the last one began, and at the end.
                if now - last >= 1.0 / self.max_fps or session.done:
                    last = now
                    redraw()
                if self.max_steps_per_second is not None:  # wait for the next step's time (or Pause)
                    ahead = start + steps / self.max_steps_per_second - time.perf_counter()
                    if ahead > 0:
                        self._stop.wait(ahead)
            if drawn != session.epoch:  # paused between two redraws: show where it stopped
                redraw()
        except Exception as error:  # noqa: BLE001 - a thread's error would vanish: tell it
            self._report_from_thread(error)
        finally:
            self._tell(False)

    def _report_from_thread(self, error: Exception) -> None:
        if self.on_error is not None:
            self.on_error(error)
        else:  # no one to tell: keep it for the caller, who can look at it
            self.error = error

    @property
    def redraws_per_second(self) -> float:
        """Redraws a second during the last play (nan before any play of two redraws)."""
        times = self.redraw_seconds
        if len(times) < 2:
            return float("nan")
        return (len(times) - 1) / (times[-1] - times[0])


class LiveTraining(LivePanel):
    """A training run to watch: recorded, it plays without a kernel; live, it trains in one.

    The book's one builder of live training panels (chapter 3's Playground, chapter 7's
    Keras run, ...). On the static site and in a PDF the panel shows ``player``, a recorded
    run that animates in the browser. In a live kernel **Play** trains a new run in the
    background and redraws it as it learns (:class:`LiveRunner`), **Pause** stops it,
    **Step** trains one step, **Reset** starts again; the live widgets then take the
    player's place. Changing a control starts a new run.

    Parameters
    ----------
    player : TrainingPlayer
        The recorded run (the default settings), shown until a live run starts.
    new_session : callable ``() -> session``
        A new run from the controls' current values (read them with :meth:`values`), a
        session as :class:`LiveRunner` describes it; a ``ValueError`` (a refused
        setting) goes to the status line.
    draw : callable ``(session) -> None``
        Shows the session in ``live``'s widgets (and may write ``status.value``).
    live : list of widgets
        What a live run shows, in the player's place; the panel's picture (its printed
        form) is the first ``Image`` among them.
    controls : dict of str -> widget, optional
        The controls, by name; any change starts a new run.
    above : list of widgets, optional
        What goes above the Play, Step and Reset buttons (a title, the controls' layout;
        default: the controls in a row).
    description : str
        What the panel does, for its plain-text representation.
    max_fps, max_steps_per_second : float
        :class:`LiveRunner`'s: at most this many redraws, and steps, a second.
    step_tooltip : str, optional
        What one step trains (default: "train one epoch").

    Attributes
    ----------
    runner : LiveRunner
        ``runner.session`` is the live run (None before the first).
    player, display : the recorded run, and the Stack that shows it or the live widgets.
    play_button, step_button, reset_button, status : ipywidgets widgets
    """

    def __init__(self, player: TrainingPlayer, new_session: Callable, draw: Callable, live,
                 controls: dict | None = None, *, above=None, description: str,
                 max_fps: float = 15.0, max_steps_per_second: float | None = None,
                 step_tooltip: str | None = None, dpi: int = 72, colors: int | None = 48):
        if not isinstance(player, TrainingPlayer):
            kind = type(player).__name__
            raise TypeError(_("player must be a TrainingPlayer (the recorded run shown without a "
                              "kernel); received {kind}.").format(kind=kind))
        check_callable(new_session, "new_session", N_("() -> a new session, as LiveRunner describes it"))
        check_callable(draw, "draw", N_("session -> None, showing it"))
        controls = dict(controls or {})
        live = list(live)
        self.player = player
        self.play_button = widgets.Button(description=_("Play"), icon="play", button_style="primary",
                                          tooltip=_("train, redrawing as it learns"),
                                          layout=widgets.Layout(width="auto"))
        self.step_button = widgets.Button(description=_("Step"),
                                          tooltip=step_tooltip or _("train one epoch"),
                                          layout=widgets.Layout(width="auto"))
        self.reset_button = widgets.Button(description=_("Reset"), tooltip=_("new initial weights"),
                                           layout=widgets.Layout(width="auto"))
        status = widgets.HTML(value="")
        self.display = widgets.Stack([player, widgets.VBox(live)], selected_index=0)
        if above is None:
            above = ([widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))]
                     if controls else [])
        transport = widgets.HBox([self.play_button, self.step_button, self.reset_button])
        picture = next((w for w in live if isinstance(w, widgets.Image)), None)
        super().__init__([*above, transport, status, self.display], description=description,
                         picture=picture)
        self.connect(controls, status=status, dpi=dpi, colors=colors)
        self._draw_live = draw
        self.runner = LiveRunner(new_session, self._show, max_fps=max_fps,
                                 max_steps_per_second=max_steps_per_second,
                                 on_change=self._on_playing, on_error=self._on_error)
        self.play_button.on_click(lambda _button: self.runner.toggle())
        self.step_button.on_click(lambda _button: self.runner.step())
        self.reset_button.on_click(lambda _button: self.runner.reset())

    def _show(self, session) -> None:
        self._draw_live(session)
        self.display.selected_index = 1

    def _on_playing(self, playing: bool) -> None:
        self.play_button.description = _("Pause") if playing else _("Play")
        self.play_button.icon = "pause" if playing else "play"

    def _on_error(self, error: Exception) -> None:
        self.status.value = error_html(error)

    def redraw(self) -> None:  # a control changed: a new run, drawn at its start
        self.runner.reset()

    def static_png(self) -> bytes | None:
        """The live run's picture, or else the recorded run's last frame."""
        picture = self.picture()
        if picture is not None and picture.value:
            return picture.value
        player = self.player
        return player.render.frame(-1) if player.render is not None else player.frames[-1]

    @property
    def n_bytes(self) -> int:
        """What the recorded run adds to a page (bytes of its frames)."""
        return self.player.n_bytes


def _history_values(history) -> dict:
    """A run's history as a dict of lists: nbcode's History, or Keras' logs (a dict)."""
    return getattr(history, "values", history) if not isinstance(history, dict) else history


def live_status(session) -> str:
    """A live run's status line: its epoch and, once trained, the last epoch's training loss
    and the accuracies its history holds (training, validation)."""
    values = _history_values(session.history)
    shown = _("epoch {epoch} of {epochs}").format(epoch=session.epoch, epochs=session.epochs)
    if session.epoch and values.get("loss"):
        shown += _(": training loss {loss:.3g}").format(loss=values["loss"][-1])
        for key, text in (("accuracy", N_(", training accuracy <b>{accuracy:.3f}</b>")),
                          ("val_accuracy", N_(", validation accuracy <b>{accuracy:.3f}</b>"))):
            if values.get(key):
                shown += _(text).format(accuracy=values[key][-1])
    return shown


def live_regions(player: TrainingPlayer, new_session: Callable, controls: dict, X, y, *,
                 classifier: Callable | None = None, session_type: type | None = None,
                 limits=None, resolution: int = 40, figsize=(3.0, 2.8), size: float = 8,
                 class_names=None, legend_loc: str = "upper left", title: str | None = None,
                 description: str, max_fps: float = 15.0,
                 epochs_per_second: float | None = 40.0, dpi: int = 72,
                 colors: int = 40) -> LiveTraining:
    """A classifier of the plane trained live, its regions redrawn as it learns.

    A :class:`LiveTraining` panel: without a kernel it plays ``player``, a recorded run of
    the default settings; in a kernel **Play** trains ``new_session(**values)``, the run the
    controls describe, and redraws its decision regions over the points ``X`` (n, 2),
    ``y`` (n,) (:class:`nbcode.frames.DecisionRegions`, blitted on one canvas), with the
    epoch and the loss in the title and the status line (:func:`live_status`).

    Parameters
    ----------
    player : TrainingPlayer
        The recorded run of the default settings (draw its frames with the same
        ``limits``, ``resolution`` and ``size``, so that a live run looks like it).
    new_session : callable ``(**values) -> session``
        A new run from the controls' values: ``step()``, ``done``, ``epoch``, ``epochs``
        and ``history`` (the loss of each epoch), e.g. :meth:`nbcode.nn.Sequential.training`
        or :class:`nbcode.keras_bridge.KerasSession`; a ``ValueError`` (a refused
        setting) goes to the status line.
    controls : dict of str -> Control
        The controls (:func:`dropdown`, ...), by the name ``new_session`` takes them under.
    X, y : arrays
        The points drawn on every frame.
    classifier : callable ``(session) -> model``, optional
        What to draw (a model with ``predict_proba``); default: ``session.model``.
    session_type : type, optional
        The class ``new_session`` must return (checked, for a message that teaches).
    limits, resolution, size, class_names, legend_loc, figsize
        The frame (``limits`` None: the data with a margin).
    title : str, optional
        A line above the controls.
    max_fps, epochs_per_second : float
        At most this many redraws, and epochs, a second (``epochs_per_second`` None: as
        fast as the kernel trains; a small network trains 150 epochs in under a second,
        too fast to watch, so the default is the Playground's 40).
    """
    from . import frames

    if not isinstance(player, TrainingPlayer):
        kind = type(player).__name__
        raise TypeError(_("player must be a TrainingPlayer (e.g. recorder.player(X, y)); received "
                          "{kind}.").format(kind=kind))
    check_callable(new_session, "new_session", N_("(**values) -> a session"))
    classifier = classifier or (lambda session: session.model)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    limits = frames.data_limits(X) if limits is None else limits
    built = make_controls(controls, style={"description_width": "initial"})   # whole labels
    image = frame_image(b"", player.render.css_size[0] if player.render is not None else None)
    state = {}

    def start():
        session = new_session(**panel.values())
        if session_type is not None and not isinstance(session, session_type):
            raise TypeError(_("new_session must return a {expected}; it returned {kind}.").format(
                expected=session_type.__name__, kind=type(session).__name__))
        canvas = frames.FrameCanvas(figsize, dpi=dpi, colors=colors)
        state["canvas"] = canvas
        state["view"] = frames.DecisionRegions(canvas.axes, limits, X, y, resolution=resolution,
                                               size=size, class_names=class_names,
                                               legend_loc=legend_loc)
        return session

    def draw(session):
        losses = _history_values(session.history).get("loss")
        title_text = (_("epoch {epoch}, loss {loss:.3g}").format(epoch=session.epoch, loss=losses[-1])
                      if session.epoch and losses else _("epoch {epoch}").format(epoch=session.epoch))
        state["view"].update(classifier(session), title=title_text, fontsize=9)
        image.value = state["canvas"].png(frames.moving_artists(state["view"]), fast=True)
        panel.status.value = live_status(session)

    row = widgets.HBox(list(built.values()), layout=widgets.Layout(flex_flow="row wrap"))
    above = ([widgets.HTML(f"<b>{title}</b>")] if title else []) + [row]
    panel = LiveTraining(player, start, draw, [image], built, above=above, description=description,
                         max_fps=max_fps, max_steps_per_second=epochs_per_second, dpi=dpi,
                         colors=colors)
    return panel
