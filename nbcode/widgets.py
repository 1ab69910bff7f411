"""Widgets in which a model changes during training.

:class:`TrainingPlayer` shows precomputed frames (PNG images) with a Play button
and a slider. The three are joined by ``ipywidgets.jslink``, which runs in the
browser: on the book's static HTML pages, with no Python kernel behind them,
the saved widget state still plays the animation.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np

from ._validation import check_positive
from .plots import draw_frames

__all__ = ["TrainingPlayer", "LivePanel", "frame_strip"]


def frame_strip(frames: Sequence[bytes], n_shown: int = 3, gap: int = 8) -> bytes:
    """A PNG with a few frames (start, middle, end) side by side, for print.

    Wide frames (several panels each) are stacked vertically instead.
    """
    from PIL import Image

    frames = list(frames)
    if not frames:
        raise ValueError("frames must hold at least one PNG image as bytes; received an empty "
                         "sequence.")
    for i, frame in enumerate(frames):
        if not isinstance(frame, bytes | bytearray):
            raise TypeError(f"frames must hold PNG images as bytes (nbcode.plots.draw_frames makes "
                            f"them); received frames[{i}] of type {type(frame).__name__}.")
    check_positive(n_shown, "n_shown", integer=True)
    check_positive(gap, "gap", integer=True, allow_zero=True)
    picks = np.unique(np.linspace(0, len(frames) - 1, min(n_shown, len(frames))).round().astype(int))
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


class TrainingPlayer(widgets.VBox):
    """Play precomputed training frames: a Play button, a slider and the current frame.

    Parameters
    ----------
    frames : sequence of bytes
        PNG images, one per frame (see :func:`nbcode.plots.draw_frames`).
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
    playing needs no kernel. In a PDF or other static output the player shows a
    strip of three frames (its ``image/png`` representation).
    """

    def __init__(self, frames: Sequence[bytes], labels: Sequence[str] | None = None,
                 interval: int = 250, title: str | None = None):
        frames = list(frames)
        if not frames or not all(isinstance(f, bytes | bytearray) for f in frames):
            raise TypeError(
                "frames must be a non-empty list of PNG images as bytes "
                "(nbcode.plots.draw_frames makes them); received "
                f"{type(frames).__name__} of length {len(frames)}.")
        check_positive(interval, "interval", integer=True)
        if labels is None:
            labels = [f"frame {i}" for i in range(len(frames))]
        labels = [str(label) for label in labels]
        if len(labels) != len(frames):
            raise ValueError(f"labels must have one entry per frame ({len(frames)} frames); "
                             f"received {len(labels)} labels.")
        self.frames, self.labels = frames, labels
        self.stack = widgets.Stack(
            [widgets.Image(value=bytes(f), format="png") for f in frames], selected_index=0)
        self.play = widgets.Play(value=0, min=0, max=len(frames) - 1, step=1, interval=interval,
                                 description="Play", repeat=False)
        # A selection slider shows the frame's label (e.g. "epoch 10") instead of its index.
        if len(set(labels)) < len(labels):  # options of a selection slider must be unique
            labels = [f"{i}: {label}" for i, label in enumerate(labels)]
        self.slider = widgets.SelectionSlider(options=labels, index=0, continuous_update=True,
                                              layout=widgets.Layout(width="60%"))
        self.links = (widgets.jslink((self.play, "value"), (self.slider, "index")),
                      widgets.jslink((self.slider, "index"), (self.stack, "selected_index")))
        children = [widgets.HBox([self.play, self.slider])]
        if title:
            children.insert(0, widgets.HTML(f"<b>{title}</b>"))
        children.append(self.stack)
        super().__init__(children)

    @classmethod
    def from_items(cls, items: Sequence, draw: Callable, labels: Sequence[str] | None = None,
                   figsize=(3.2, 3.0), dpi: int = 72, ncols: int = 1, colors: int = 48,
                   **kwargs):
        """Render one frame per item with ``draw(ax, item)`` and make a player of them.

        ``items`` are typically training snapshots (:class:`nbcode.train.Recorder`),
        ``draw`` a function that draws one of them on a matplotlib axis (or on a
        row of ``ncols`` axes). ``colors`` is the size of each frame's palette: fewer
        colours, smaller pages.
        """
        frames = draw_frames(items, draw, figsize=figsize, dpi=dpi, ncols=ncols, colors=colors)
        return cls(frames, labels=labels, **kwargs)

    @property
    def n_bytes(self) -> int:
        """Total size of the frames: what the player adds to a page (before base64)."""
        return sum(len(f) for f in self.frames)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        bundle["image/png"] = frame_strip(self.frames)
        bundle["text/plain"] = (f"TrainingPlayer({len(self.frames)} frames: "
                                f"{self.labels[0]} … {self.labels[-1]})")
        return bundle

    def __repr__(self) -> str:
        return f"TrainingPlayer({len(self.frames)} frames, {self.n_bytes / 1024:.0f} KiB)"


class LivePanel(widgets.VBox):
    """Controls that retrain in a live kernel, above the picture they redraw.

    A ``VBox`` (same arguments) that knows how it looks on paper: in a PDF or any
    output without a widget manager it shows its picture (the first ``Image`` among
    its children, as last drawn) instead of a widget's raw text. On the static site its
    controls render but do nothing; the picture shows the default run.

    Parameters
    ----------
    children : list of widgets
        Rows of controls and an ``ipywidgets.Image`` with the current picture.
    description : str
        What the panel does, for the plain-text representation.
    """

    def __init__(self, children, description: str = "live controls", **kwargs):
        if isinstance(children, str | bytes) or not all(
                isinstance(child, widgets.Widget) for child in children):
            raise TypeError(f"children must be a list of ipywidgets widgets (sliders, an Image...); "
                            f"received {type(children).__name__}.")
        super().__init__(children, **kwargs)
        self.description = description

    def picture(self) -> widgets.Image | None:
        """The first Image among the panel's descendants (depth first)."""
        stack = list(self.children)
        while stack:
            child = stack.pop(0)
            if isinstance(child, widgets.Image):
                return child
            stack[:0] = list(getattr(child, "children", ()))
        return None

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle or {})
        picture = self.picture()
        if picture is not None and picture.value:
            bundle["image/png"] = bytes(picture.value)
        bundle["text/plain"] = f"LivePanel({self.description}: run the notebook to use it)"
        return bundle
