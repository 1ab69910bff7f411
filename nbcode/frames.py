"""The frame pipeline of every animation in the book: build a figure once, update it, encode it.

A player's frames (:class:`nbcode.widgets.TrainingPlayer`) all show the same axes, the
same data and the same decorations; only a few things move from one frame to the
next: the probabilities shaded over the plane, the decision boundary, a descent path,
points that a network maps somewhere new, a title. So the pipeline

1. builds **one** figure (a bare Agg canvas, no pyplot figure manager) and lets a
   ``setup(axes)`` function put everything on it that every frame shares, returning
   the pieces that will move (a *scene*);
2. for each item (a training snapshot, a step), calls ``update(scene, item)``, which
   changes only those pieces (``set_data``, ``set_offsets``, ``set_segments``,
   ``set_text``), then
3. draws the canvas once and keeps its pixel buffer, with no ``savefig`` and no new
   figure per frame; and, once every frame is drawn,
4. encodes them as a page shows them (:func:`encode_layers`): the last frame whole,
   and each frame as an overlay of the pixels where it differs from that one, all
   on one small palette (``colors`` colours, the class colours among them exactly),
   as lossless WebP images; a figure of several axes is cut into panels, one per
   axis (:func:`panel_cuts`), which a page shows side by side or, on a phone, one
   under the other.
   Frames are drawn at :data:`PIXEL_RATIO` pixels per CSS pixel: sharp on 2x screens,
   and, layered, smaller than whole frames at 1x.

The layout (constrained) is computed on the first frame and then frozen, so frames
do not jitter when a title changes length, and later frames skip it.

The moving pieces used across the book live here: :class:`DecisionRegions` (the
probabilities of a classifier over the plane, its boundary and the data, whose points
may move) and :class:`DescentPath` (the iterates of an optimiser). The static plotting
functions of :mod:`nbcode.plots` draw with the same pieces, so a frame and a still
figure of the same model look the same.

Every render is timed: :attr:`Frames.seconds` per frame, and :func:`render_log` lists
the renders made in this process (the benchmarks read it after running a chapter).
"""

from __future__ import annotations

import functools
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure

from ._validation import as_array, check_callable, check_limits, check_positive
from .i18n import _

__all__ = ["FrameCanvas", "Frames", "render_frames", "render_log", "clear_render_log",
           "DecisionRegions", "DescentPath", "moving_artists", "scatter_classes", "region_colors",
           "boundary_segments", "class_boundary_segments", "png_from_rgb", "live_png", "check_png_settings",
           "encode_layers", "panel_cuts", "Panel", "PIXEL_RATIO", "LAYER_FORMAT",
           "check_text_sizes", "MIN_TEXT_PX",
           "data_limits", "class_legend", "CLASS_COLORS", "CLASS_MARKERS", "KEPT_COLORS",
           "probability_colormap"]

#: Okabe–Ito colours, one per class, used by every figure of the book.
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                "#D55E00", "#F0E442", "#000000", "#999999", "#882255")
#: One marker per class, so that a class is told by its shape as well as its colour.
CLASS_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")


#: Device pixels per CSS pixel of every frame: frames are drawn at twice the size a page
#: shows them, so that they stay sharp on 2x screens (phones, most laptops). Sizes are
#: still given in points at 72 dpi, one point per CSS pixel: a 9 pt title is 9 CSS px
#: high on every screen.
PIXEL_RATIO = 2

#: zlib level of the frames' PNGs: 7 makes files 5 % larger than 9 and encodes 7 times faster.
PNG_COMPRESS_LEVEL = 7
#: Median cut sees every 4th of a frame's pixels: a quarter of the work and, measured on the
#: book's players, frames as close to their pixels as with all of them.
MEDIAN_CUT_STRIDE = 4


def probability_colormap() -> LinearSegmentedColormap:
    """Class-0 colour -> white -> class-1 colour, for P(class 1) from 0 to 1."""
    return LinearSegmentedColormap.from_list(
        "nbcode_proba", [CLASS_COLORS[0], "#FFFFFF", CLASS_COLORS[1]])


def check_png_settings(dpi, colors) -> None:
    check_positive(dpi, "dpi", integer=True)
    if colors is not None:
        check_positive(colors, "colors", integer=True)
        if colors > 256:
            raise ValueError(_("colors must be at most 256 (a PNG palette); received {colors}.")
                             .format(colors=colors))


#: Colours a frame's palette keeps exactly wherever they appear: the class colours and white.
KEPT_COLORS = (*CLASS_COLORS, "#FFFFFF")


def _rgb_keys(pixels: np.ndarray) -> np.ndarray:
    """One integer per pixel, 0xRRGGBB, for pixels of shape (m, 3) uint8."""
    pixels = pixels.astype(np.uint32)
    return (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]


def _key_rgb(keys: np.ndarray) -> np.ndarray:
    """The colours (m, 3), as floats, of integers 0xRRGGBB."""
    return np.column_stack([keys >> 16, (keys >> 8) & 255, keys & 255]).astype(float)


@functools.lru_cache(maxsize=16)
def _kept_keys(keep: tuple) -> np.ndarray:
    """The keys of colours given as RGB triples in [0, 1], sorted."""
    rgb = np.array([[round(255 * v) for v in colour] for colour in keep], dtype=np.uint8)
    return np.unique(_rgb_keys(rgb.reshape(-1, 3)))


def _squared_distances(points: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """|point - entry|^2 for every point (m, 3) and palette entry (p, 3): (m, p), exact for integers."""
    return ((points ** 2).sum(axis=1)[:, None] - 2 * points @ palette.T
            + (palette ** 2).sum(axis=1)[None, :])


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys (sorted), each key's place among them and their counts.

    ``np.unique`` sorts every pixel; for the millions of pixels of a player's frames,
    marking them in a table of every 24-bit colour is several times faster (same result).
    """
    if keys.size < 1 << 20:
        return np.unique(keys, return_inverse=True, return_counts=True)
    seen = np.zeros(1 << 24, dtype=bool)
    seen[keys] = True
    uniq = np.flatnonzero(seen).astype(np.uint32)
    del seen
    place = np.zeros(1 << 24, dtype=np.int32)
    place[uniq] = np.arange(len(uniq), dtype=np.int32)
    inverse = place[keys]
    return uniq, inverse, np.bincount(inverse, minlength=len(uniq))


def _palette_indices(rgb: np.ndarray, colors: int, keep) -> tuple[np.ndarray, list[int]]:
    """Quantise ``rgb`` (..., 3) to ``colors`` colours that include the ``keep`` colours it shows.

    ``rgb`` is one image (h, w, 3) or a player's frames (n, h, w, 3): frames quantised
    together share one palette, so a pixel that does not change keeps its index.

    1. The colours of ``keep`` that some pixel has exactly (the class colours of points and
       legend markers, white) are palette entries, at most half of the palette (the most
       frequent ones).
    2. Median cut chooses four fifths of the remaining entries for the other pixels
       (every :data:`MEDIAN_CUT_STRIDE`-th of them).
    3. The last fifth goes, one by one, to the colour that the palette serves worst
       (its pixels times its squared distance to its nearest entry): the cores of small
       points, darkened by their edges, a few hundred pixels of one colour that median
       cut merges into a grey.
    Every pixel then takes its nearest entry (so a kept colour stays exact). The work is
    on the image's distinct colours (a few thousand), not on its pixels.
    Returns (indices, shape ``rgb.shape[:-1]``, uint8; palette as a flat RGB list).
    """
    from PIL import Image

    flat = rgb.reshape(-1, 3)
    uniq, inverse, counts = _distinct(_rgb_keys(flat))
    values = _key_rgb(uniq)
    if len(uniq) <= colors:                          # few colours: all of them, exactly
        return (inverse.reshape(rgb.shape[:-1]).astype(np.uint8),
                values.astype(np.uint8).ravel().tolist())
    kept = _kept_keys(tuple(to_rgb(c) for c in keep)) if keep else np.zeros(1, dtype=np.uint32)
    slot = np.minimum(np.searchsorted(kept, uniq), len(kept) - 1)
    is_kept = (kept[slot] == uniq) if keep else np.zeros(len(uniq), dtype=bool)
    kept_here = np.flatnonzero(is_kept)
    if len(kept_here) > colors // 2:
        is_kept[kept_here[np.argsort(-counts[kept_here], kind="stable")[colors // 2:]]] = False
        kept_here = np.flatnonzero(is_kept)
    free = colors - len(kept_here)
    n_extra = free // 5
    rest = flat[~is_kept[inverse]][::MEDIAN_CUT_STRIDE]
    quantized = Image.fromarray(np.ascontiguousarray(rest)[None]).quantize(
        colors=free - n_extra, method=Image.Quantize.MEDIANCUT)
    median_cut = np.array(quantized.getpalette()[:3 * (free - n_extra)], dtype=float)
    palette = [median_cut.reshape(-1, 3), values[kept_here]]
    distances = _squared_distances(values, np.vstack(palette))
    nearest = distances.argmin(axis=1)
    distance = np.maximum(distances[np.arange(len(values)), nearest], 0)
    size = len(distances[0])
    for _extra in range(n_extra):
        cost = distance * counts
        worst = int(cost.argmax())
        if cost[worst] == 0:
            break
        to_new = ((values - values[worst]) ** 2).sum(axis=1)
        closer = to_new < distance
        nearest[closer], distance[closer] = size, to_new[closer]
        palette.append(values[worst][None])
        size += 1
    palette = np.vstack(palette).astype(np.uint8)
    return nearest[inverse].reshape(rgb.shape[:-1]).astype(np.uint8), palette.ravel().tolist()


def _check_rgb(rgb) -> np.ndarray:
    """``rgb`` as an array, if it is an image (h, w, 3) or (h, w, 4) of uint8."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or rgb.dtype != np.uint8:
        raise ValueError(_("rgb must be an image of shape (h, w, 3) or (h, w, 4) with dtype uint8; "
                           "received shape {shape} and dtype {dtype}.").format(shape=rgb.shape,
                                                                               dtype=rgb.dtype))
    return rgb


def png_from_rgb(rgb: np.ndarray, colors: int | None = 64, keep=KEPT_COLORS) -> bytes:
    """Encode an image, shape (h, w, 3) or (h, w, 4) of uint8, as PNG bytes.

    ``colors`` quantises it to a palette of that many colours: animation frames three
    to four times smaller with no visible change. The palette holds exactly each colour
    of ``keep`` (matplotlib colours; default: the class colours and white) that some
    pixel has, so that points and legend markers keep their class colour; median cut
    chooses most other entries, and the colours it serves worst (the few pixels of small
    points) the last ones. ``None`` keeps RGB.
    """
    from PIL import Image

    rgb = _check_rgb(rgb)
    rgb = np.ascontiguousarray(rgb[..., :3])
    if colors is None:
        image = Image.fromarray(rgb)
    else:
        check_png_settings(1, colors)
        indices, palette = _palette_indices(rgb, colors, keep)
        image = Image.fromarray(indices)
        image.putpalette(palette)
    return _png(image)


#: The smallest text of a frame or a live picture, in CSS pixels (points at 72 dpi).
MIN_TEXT_PX = 9


def check_text_sizes(figure, css_dpi: float = 72, minimum: float = MIN_TEXT_PX) -> None:
    """Raise if a text of ``figure`` would be shown smaller than ``minimum`` CSS pixels.

    A frame shows ``css_dpi`` CSS pixels per inch (72: one point per CSS pixel); a text of
    ``s`` points is ``s * css_dpi / 72`` CSS pixels high. Titles, tick labels, legends,
    annotations: every visible text counts.
    """
    from matplotlib.text import Text

    small = sorted({(round(t.get_fontsize() * css_dpi / 72, 1), t.get_text()[:40])
                    for t in figure.findobj(Text)
                    if t.get_visible() and t.get_text().strip()
                    and t.get_fontsize() * css_dpi / 72 < minimum - 1e-9})
    if small:
        shown = "; ".join(_("{text!r} at {px} px").format(text=text, px=px) for px, text in small[:4])
        raise ValueError(_("every text of a frame must be at least {minimum} CSS px high (fontsize "
                           ">= {points:g} at {dpi} dpi) to be read on a phone or a projector; "
                           "too small: {shown}. Raise its fontsize.").format(
            minimum=minimum, points=minimum * 72 / css_dpi, dpi=css_dpi, shown=shown))


class FrameCanvas:
    """One figure on a bare Agg canvas, drawn and encoded many times.

    Parameters
    ----------
    figsize : (float, float)
        Size in inches.
    ncols : int
        Axes side by side; :attr:`axes` is one Axes when 1, else an array of them.
    dpi : int
        CSS pixels per inch of the frames (72: one point per CSS pixel).
    colors : int or None
        Palette size of each PNG (None: full RGB).
    pixel_ratio : int
        Device pixels per CSS pixel: the canvas has ``dpi * pixel_ratio`` pixels per inch
        (default :data:`PIXEL_RATIO`). :attr:`css_size` is the size a page shows.

    Notes
    -----
    :meth:`rgb` with ``moving`` artists *blits*: the first call draws the whole figure
    (and lays it out, once), then draws it again without the moving artists and keeps
    those pixels as the background; every call after that restores the background and
    draws only the moving artists of each axis (with, above them, the axis's spines,
    title and legend, so that nothing static is painted over). Without ``moving`` every
    call draws the whole figure. Both give the same pixels except where a tick mark's
    first, anti-aliased pixel meets the axis's edge (the tick is drawn with the
    background, under the moving image rather than over it): a few pixels per axis, at
    most a few grey levels apart (tested). Redrawing the ticks too would double a frame's
    cost for that.
    """

    def __init__(self, figsize=(3.2, 3.0), ncols: int = 1, dpi: int = 72,
                 colors: int | None = 64, pixel_ratio: int = PIXEL_RATIO):
        check_positive(ncols, "ncols", integer=True)
        check_png_settings(dpi, colors)
        check_positive(pixel_ratio, "pixel_ratio", integer=True)
        self.pixel_ratio = pixel_ratio
        self.figure = Figure(figsize=figsize, dpi=dpi * pixel_ratio, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        axes = self.figure.subplots(1, ncols, squeeze=False)[0]
        self.axes = axes[0] if ncols == 1 else axes
        self.colors = colors
        self._frozen = False
        self._background = None
        self._layers: list[tuple] = []

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of a frame in pixels of the canvas."""
        return self.canvas.get_width_height()

    @property
    def css_size(self) -> tuple[int, int]:
        """(width, height) a page shows a frame at, in CSS pixels."""
        width, height = self.size
        return round(width / self.pixel_ratio), round(height / self.pixel_ratio)

    def _freeze(self) -> None:
        check_text_sizes(self.figure, self.figure.dpi / self.pixel_ratio)
        self.canvas.draw()  # the first frame: lay out with every artist, then keep it
        self.figure.set_layout_engine("none")
        self._frozen = True

    def _start_blitting(self, moving) -> None:
        moving = list(moving)
        for artist in moving:
            if artist.axes is None:
                raise ValueError(_("a moving artist must belong to an axis of this figure; "
                                   "{artist!r} does not.").format(artist=artist))
        for ax in {id(a.axes): a.axes for a in moving}.values():
            spines = list(ax.spines.values()) if ax.axison else []  # axis("off"): no spines
            for artist in (*spines, ax.title, ax._left_title,
                           ax._right_title,
                           *([ax.get_legend()] if ax.get_legend() else [])):
                artist.set_animated(True)
        for artist in moving:
            artist.set_animated(True)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._layers = []
        for ax in {id(a.axes): a.axes for a in moving}.values():
            layer = sorted((a for a in ax.get_children() if a.get_animated() and a.get_visible()),
                           key=lambda a: a.get_zorder())
            self._layers.append((ax, layer))

    def rgb(self, moving=()) -> np.ndarray:
        """Draw the figure (or only its ``moving`` artists); its pixels, (h, w, 3) uint8."""
        if not self._frozen:
            self._freeze()
            if moving:
                self._start_blitting(moving)
        if self._background is None:
            self.canvas.draw()
        else:
            self.canvas.restore_region(self._background)
            for ax, layer in self._layers:
                for artist in layer:
                    if artist.get_visible():
                        ax.draw_artist(artist)
        return np.asarray(self.canvas.buffer_rgba())[..., :3].copy()

    def png(self, moving=(), fast: bool = False) -> bytes:
        """Draw the figure (see :meth:`rgb`) and encode it as a palette PNG (``fast``: with
        :func:`live_png`, for a live view's redraws)."""
        if fast:
            return live_png(self.rgb(moving), self.colors or 64)
        return png_from_rgb(self.rgb(moving), self.colors)


def moving_artists(scene) -> list:
    """The artists a scene moves: the ``artists`` of each piece in it (nested lists, dicts)."""
    if hasattr(scene, "artists"):
        return list(scene.artists)
    if isinstance(scene, dict):
        scene = list(scene.values())
    if isinstance(scene, list | tuple):
        return [artist for piece in scene for artist in moving_artists(piece)]
    return []


#: Format of a player's layers on a page: lossless WebP, 30 % smaller than the same
#: palette images as PNG (measured on chapter 3's players); every browser of the last
#: five years shows it. Print (:attr:`Frames.frames`) uses whole PNG frames.
LAYER_FORMAT = "webp"
#: libwebp's effort for the layers: method 1 at quality 50 gives the bytes of method 6
#: (measured on chapter 3's players: within 1 %) in 1 % of its time (9 ms for a 920 x 430
#: overlay); method 0 doubles the bytes.
WEBP_SETTINGS = {"lossless": True, "quality": 50, "method": 1}


def live_png(rgb: np.ndarray, colors: int = 64) -> bytes:
    """Encode an image (h, w, 3) uint8 as a palette PNG fast, for a live view that redraws
    many times a second: PIL's fast octree palette of ``colors`` colours, about six times
    faster than :func:`png_from_rgb`'s (6 ms instead of 35 ms for a two-panel frame at
    2x) and as small, but its colours are near, not exact (a class colour may move by a
    few levels). A page's recorded frames use :func:`png_from_rgb`."""
    from PIL import Image

    rgb = _check_rgb(rgb)
    check_png_settings(1, colors)
    image = Image.fromarray(np.ascontiguousarray(rgb[..., :3]))
    return _png(image.quantize(colors, method=Image.Quantize.FASTOCTREE))


def _png(image) -> bytes:
    """A PIL image as PNG bytes, at the frames' compression level."""
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


#: How far around a changed pixel an overlay stays opaque, in pixels. A browser that
#: shows a frame smaller than its pixels (at 1x, on a phone) averages neighbouring
#: pixels: over an overlay's edge it would mix in the background's own pixels, and a line
#: or a title of the last frame would show through faintly. Opaque a few pixels further,
#: the overlay holds those neighbours itself (6 pixels: measured at 2x and 2.5x smaller).
OVERLAY_MARGIN = 6


def _dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """``mask`` (h, w) bool, grown by ``radius`` pixels (a square neighbourhood)."""
    grown = mask.copy()
    for axis in (0, 1):
        source, grown = grown, grown.copy()
        n = source.shape[axis]
        for step in range(1, min(radius, n - 1) + 1):
            ahead = [slice(None)] * 2
            behind = [slice(None)] * 2
            ahead[axis], behind[axis] = slice(step, None), slice(None, n - step)
            grown[tuple(behind)] |= source[tuple(ahead)]
            grown[tuple(ahead)] |= source[tuple(behind)]
    return grown


def _layer(pixels: np.ndarray) -> bytes:
    """A layer, (h, w, 3) RGB or (h, w, 4) RGBA uint8, encoded as :data:`LAYER_FORMAT`."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(out, format="WEBP", **WEBP_SETTINGS)
    return out.getvalue()


def _encode_all(encode: Callable[[int], bytes], n: int) -> list[bytes]:
    """``[encode(0), ..., encode(n - 1)]``, on two threads (libwebp lets go of the GIL:
    a player's overlays encode in two thirds of the time on two cores; same bytes)."""
    from concurrent.futures import ThreadPoolExecutor

    if n < 4:
        return [encode(k) for k in range(n)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(encode, range(n)))


def encode_layers(rgbs: Sequence[np.ndarray], colors: int | None = 64, keep=KEPT_COLORS,
                  background: int = -1) -> tuple[bytes, list[bytes], Callable[[int], bytes]]:
    """Encode a player's frames as a background and, per frame, what differs from it.

    ``rgbs`` are the frames, each (h, w, 3) uint8. The frame ``background`` (default the
    last: training settles, so late frames differ little from it) is encoded whole; each
    frame ``k`` is an *overlay*: its pixels where they differ from the background's and
    transparent elsewhere. A page stacks the overlay over the background, which gives
    frame ``k`` exactly (the overlay is opaque :data:`OVERLAY_MARGIN` pixels around what
    differs, so that a frame shown smaller than its pixels is exact too, to the averaging
    of its neighbours). The frames share one palette of ``colors`` colours (quantised
    together, :func:`png_from_rgb`'s rules), so a pixel that does not change keeps its
    colour; ``None`` keeps RGB. Most of a frame (axes, ticks, labels, the data, settled
    regions) is transparent in its overlay and costs next to nothing. Layers are lossless
    :data:`LAYER_FORMAT` images.

    Returns (background, overlays, ``full(k)``: frame ``k`` as one whole PNG).
    """
    from PIL import Image

    rgbs = np.stack([np.ascontiguousarray(np.asarray(r)[..., :3]) for r in rgbs])
    if rgbs.dtype != np.uint8:
        raise ValueError(_("frames must be images of dtype uint8; received {dtype}.")
                         .format(dtype=rgbs.dtype))
    base, n = range(len(rgbs))[background], len(rgbs)
    if colors is None:
        shown = [_dilate((rgb != rgbs[base]).any(axis=-1), OVERLAY_MARGIN) for rgb in rgbs]
        alpha = np.where(shown, 255, 0).astype(np.uint8)[..., None]
        overlays = _encode_all(lambda k: _layer(np.concatenate([rgbs[k], alpha[k]], axis=-1)), n)
        return _layer(rgbs[base]), overlays, lambda k: _png(Image.fromarray(rgbs[k]))
    check_png_settings(1, colors)
    h, w = rgbs.shape[1:3]
    changed = (rgbs != rgbs[base]).any(axis=-1).reshape(n, h * w)      # (n, h * w)
    # One palette for what a reader sees: the background once, and every changed pixel.
    seen = np.concatenate([rgbs[base].reshape(-1, 3), rgbs.reshape(n, h * w, 3)[changed]])
    found, palette = _palette_indices(seen, min(colors, 255), keep)    # one index left free
    clear = len(palette) // 3                                           # the transparent one
    behind, shown = found[:h * w], np.split(found[h * w:], np.cumsum(changed.sum(axis=1))[:-1])
    rgba = np.zeros((clear + 1, 4), dtype=np.uint8)                     # the palette, + clear
    rgba[:clear, :3] = np.reshape(palette, (-1, 3))
    rgba[:clear, 3] = 255

    def indices(k, under):
        index = behind.copy()
        index[changed[k]] = shown[k]
        if under is None:          # an overlay: clear away from the pixels that differ
            index = index.reshape(h, w)
            return np.where(_dilate(index != behind.reshape(h, w), OVERLAY_MARGIN), index, clear)
        return index.reshape(h, w)

    def whole(k):
        picture = Image.fromarray(indices(k, behind))
        picture.putpalette(palette)
        return _png(picture)

    return (_layer(rgba[behind.reshape(h, w), :3]),
            _encode_all(lambda k: _layer(rgba[indices(k, None)]), n), whole)


def _blank_runs(blank: np.ndarray) -> list[tuple[int, int]]:
    """Runs of True in a 1-D bool array, as (first, last + 1) pairs."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], blank.astype(np.int8), [0]])))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True))


def panel_cuts(figure, axes, rgbs: np.ndarray, pixel_ratio: int = 1) -> list[int]:
    """Where a player's frames split into panels, one per axis of ``axes``: pixel columns.

    A panel is one of the figure's columns of axes with everything drawn for it (tick
    labels, axis labels, title, a legend beside it; other axes such as a colour bar go
    with the axis nearest them). Two neighbouring panels are cut in the gap between
    them, at a column that is blank (one colour, top to bottom) in every frame of
    ``rgbs`` (n, h, w, 3) and crosses nothing the figure itself draws (a title, a legend
    over several axes: its words have blank columns between them), so that nothing drawn
    is split; the cut falls on a multiple of ``pixel_ratio`` (whole CSS pixels), in the
    middle of the widest blank stretch. Where no such column exists, the two stay one
    panel.

    Returns ``[0, c1, ..., w]``: panel ``i`` is columns ``cuts[i]:cuts[i + 1]``.
    """
    width = rgbs.shape[2]
    main = [ax for ax in np.atleast_1d(axes) if ax.get_visible()]
    if len(main) < 2:
        return [0, width]
    renderer = figure.canvas.get_renderer()
    spans = [[box.x0, box.x1] for box in (ax.get_tightbbox(renderer) for ax in main)]
    centre = np.array([(ax.bbox.x0 + ax.bbox.x1) / 2 for ax in main])
    for other in figure.axes:              # colour bars, insets, twins: with the nearest axis
        if other in main or not other.get_visible():
            continue
        box = other.get_tightbbox(renderer)
        near = int(np.argmin(np.abs(centre - (box.x0 + box.x1) / 2)))
        spans[near] = [min(spans[near][0], box.x0), max(spans[near][1], box.x1)]
    spans.sort()
    # What the figure itself draws (a title over the axes, a legend of them) is not cut.
    across = [artist.get_window_extent(renderer) for artist in
              (*figure.texts, *figure.legends,   # and suptitle & co (private: may be absent)
               *(getattr(figure, name, None) for name in ("_suptitle", "_supxlabel", "_supylabel")))
              if artist is not None and artist.get_visible()
              and (not hasattr(artist, "get_text") or artist.get_text())]
    cuts = [0]
    for (_left, right_end), (left_start, _right) in zip(spans[:-1], spans[1:], strict=True):
        lo, hi = max(int(np.floor(right_end)), cuts[-1] + 1), min(int(np.ceil(left_start)), width)
        gap = rgbs[:, :, lo:hi]
        blank = (gap == gap[:1, :1]).all(axis=(0, 1, 3))    # a column of one colour throughout
        runs = [(lo + a, lo + b) for a, b in _blank_runs(blank)] if hi > lo else []
        best = None
        for first, stop in sorted(runs, key=lambda run: run[0] - run[1]):
            # A cut at c splits nothing when first <= c <= stop (columns c - 1, c blank or edges).
            middle = pixel_ratio * round((first + stop) / 2 / pixel_ratio)
            for cut in (middle, middle - pixel_ratio, middle + pixel_ratio):
                if (first <= cut <= stop and cuts[-1] < cut < width
                        and not any(box.x0 < cut < box.x1 for box in across)):
                    best = cut
                    break
            if best is not None:
                break
        if best is not None:
            cuts.append(best)
    return [*cuts, width]


@dataclass
class Panel:
    """One panel of a player's frames (:func:`panel_cuts`): a background (the last frame)
    and, per frame, an overlay of what differs from it (:func:`encode_layers`);
    ``width`` in pixels of the frames."""

    background: bytes
    overlays: list[bytes]
    width: int

    @property
    def n_bytes(self) -> int:
        return len(self.background) + sum(len(f) for f in self.overlays)


@dataclass
class Frames:
    """The frames of one render, as a page shows them, with what they cost.

    A page shows a player as ``panels`` side by side (one per column of axes, cut where
    nothing is drawn: :func:`panel_cuts`), each as two layers (:func:`encode_layers`):
    its ``background`` (the last frame) and above it ``overlays[k]``, frame k where it
    differs from the background, transparent elsewhere. Side by side the panels are the
    whole figure; on a narrow screen they wrap, one under the other, each at its own
    size (so that its text stays 9 CSS px). :attr:`frames` gives whole PNGs (for print
    and tests). ``seconds``: the cost of each frame (update, draw, its share of the
    encoding; the setup is in ``setup_seconds``); ``name``: what was rendered; ``size``:
    a frame's pixels, ``pixel_ratio`` of them per CSS pixel (:attr:`css_size`).
    """

    panels: list[Panel]
    seconds: list[float]
    setup_seconds: float
    name: str = ""
    size: tuple[int, int] = (0, 0)
    pixel_ratio: int = 1
    full: Callable[[int], bytes] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.panels[0].overlays)

    @functools.cached_property
    def frames(self) -> list[bytes]:
        """Every frame as one whole PNG (composed on demand)."""
        return [self.frame(k) for k in range(len(self))]

    def frame(self, k: int) -> bytes:
        """Frame ``k`` as one whole PNG."""
        if self.full is None:
            raise ValueError(_("these frames were not rendered here: only their layers are kept."))
        return self.full(range(len(self))[k])

    @property
    def css_size(self) -> tuple[int, int]:
        """(width, height) a page shows a frame at, in CSS pixels."""
        return (round(self.size[0] / self.pixel_ratio), round(self.size[1] / self.pixel_ratio))

    @property
    def css_widths(self) -> list[int]:
        """Each panel's width on a page, in CSS pixels."""
        return [round(panel.width / self.pixel_ratio) for panel in self.panels]

    @property
    def n_bytes(self) -> int:
        """What the frames add to a page (before base64): every panel's layers."""
        return sum(panel.n_bytes for panel in self.panels)

    @property
    def median_ms(self) -> float:
        return float(np.median(self.seconds) * 1000) if self.seconds else float("nan")

    def summary(self) -> dict:
        return {"name": self.name, "frames": len(self), "median_ms": self.median_ms,
                "setup_ms": self.setup_seconds * 1000, "bytes": self.n_bytes,
                "width": self.css_size[0], "height": self.css_size[1],   # CSS pixels
                "pixel_ratio": self.pixel_ratio, "panels": len(self.panels)}


_RENDER_LOG: list[Frames] = []


def render_log() -> list[dict]:
    """Summaries of the renders made in this process: name, frames, median ms per frame, bytes."""
    return [frames.summary() for frames in _RENDER_LOG]


def clear_render_log() -> None:
    _RENDER_LOG.clear()


def _side_by_side(wholes: Sequence[Callable[[int], bytes]], k: int) -> bytes:
    """Frame ``k`` as one PNG: the whole frame of each panel, side by side."""
    from PIL import Image

    if len(wholes) == 1:
        return wholes[0](k)
    parts = [np.asarray(Image.open(io.BytesIO(whole(k))).convert("RGB")) for whole in wholes]
    return _png(Image.fromarray(np.concatenate(parts, axis=1)))


def render_frames(items: Sequence, update: Callable, setup: Callable | None = None, *,
                  figsize=(3.2, 3.0), ncols: int = 1, dpi: int = 72, colors: int | None = 64,
                  name: str = "", pixel_ratio: int = PIXEL_RATIO) -> Frames:
    """Render one frame per item on one figure, as layers a page stacks (:class:`Frames`).

    ``setup(axes) -> scene`` draws what every frame shares and returns what moves;
    ``update(scene, item)`` moves it for one item. Without ``setup``, ``update(axes, item)``
    draws each frame from scratch on the same axes, cleared in between (simple, slower).
    ``axes`` is one Axes when ``ncols == 1``, else an array of ``ncols`` axes. Frames are
    drawn at ``pixel_ratio`` pixels per CSS pixel (:data:`PIXEL_RATIO`).
    """
    check_callable(update, "update", _("(scene, item) -> None, moving one frame's pieces"))
    if setup is not None:
        check_callable(setup, "setup", _("(axes) -> scene, drawing what every frame shares"))
    if len(items) == 0:
        raise ValueError(_("items must hold at least one item (one per frame); received {items!r}.")
                         .format(items=items))
    start = time.perf_counter()
    canvas = FrameCanvas(figsize, ncols=ncols, dpi=dpi, colors=colors, pixel_ratio=pixel_ratio)
    scene = setup(canvas.axes) if setup is not None else canvas.axes
    setup_seconds = time.perf_counter() - start
    rgbs, seconds = [], []
    for item in items:
        start = time.perf_counter()
        if setup is None:
            for ax in np.atleast_1d(canvas.axes):
                ax.clear()
        update(scene, item)
        # What moves is known once the first frame is drawn (a piece may make its artists then).
        rgbs.append(canvas.rgb(moving_artists(scene) if setup is not None else ()))
        seconds.append(time.perf_counter() - start)
    start = time.perf_counter()
    rgbs = np.stack(rgbs)
    cuts = panel_cuts(canvas.figure, canvas.axes, rgbs, pixel_ratio)
    panels, wholes = [], []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        background, overlays, whole = encode_layers(rgbs[:, :, lo:hi], colors)
        panels.append(Panel(background, overlays, hi - lo))
        wholes.append(whole)
    share = (time.perf_counter() - start) / len(rgbs)        # the encoding, per frame
    result = Frames(panels, [s + share for s in seconds], setup_seconds, name,
                    canvas.size, pixel_ratio, functools.partial(_side_by_side, wholes))
    _RENDER_LOG.append(result)
    return result


# --------------------------------------------------------------------------- moving pieces


def region_colors(proba: np.ndarray, palette=CLASS_COLORS) -> np.ndarray:
    """RGB of each point from its class probabilities, shape (m, k) -> (m, 3).

    The most probable class's colour, blended towards white where the classifier
    hesitates (all classes equally probable: white; sure: half-way to the colour).
    """
    k = proba.shape[1]
    colours = np.array([to_rgb(palette[c % len(palette)]) for c in range(k)])
    winner = proba.argmax(axis=1)
    strength = ((proba.max(axis=1) - 1 / k) / (1 - 1 / k))[:, None]
    return 1 - 0.5 * strength * (1 - colours[winner])


def boundary_segments(xs, ys, field: np.ndarray, levels) -> list[np.ndarray]:
    """The lines where ``field`` (shape (len(ys), len(xs))) crosses each level, as (n, 2) arrays."""
    from contourpy import LineType, contour_generator

    field = np.asarray(field, dtype=float)
    generator = contour_generator(xs, ys, field, line_type=LineType.Separate)
    return [line for level in np.atleast_1d(levels) for line in generator.lines(level)
            if len(line) > 1]


def _on_grid(xs, ys, values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of ``values`` (len(ys), len(xs), c) at ``points`` (m, 2): (m, c)."""
    out = []
    for axis, nodes in ((0, xs), (1, ys)):
        cell = np.clip(np.searchsorted(nodes, points[:, axis]) - 1, 0, len(nodes) - 2)
        frac = (points[:, axis] - nodes[cell]) / (nodes[cell + 1] - nodes[cell])
        out.append((cell, np.clip(frac, 0.0, 1.0)[:, None]))
    (i, tx), (j, ty) = out
    return ((1 - ty) * ((1 - tx) * values[j, i] + tx * values[j, i + 1])
            + ty * ((1 - tx) * values[j + 1, i] + tx * values[j + 1, i + 1]))


def _keep_where(line: np.ndarray, margin: np.ndarray) -> list[np.ndarray]:
    """The parts of a polyline where ``margin`` (one value per vertex, linear in between) is >= 0."""
    keep = margin >= 0
    if keep.all():
        return [line]
    if not keep.any():
        return []
    flips = np.flatnonzero(keep[1:] != keep[:-1])   # the margin changes sign after these vertices
    t = (margin[flips] / (margin[flips] - margin[flips + 1]))[:, None]
    cuts = line[flips] + t * (line[flips + 1] - line[flips])
    parts, start, head = [], (0 if keep[0] else None), []
    for flip, cut in zip(flips, cuts, strict=True):
        if start is None:                            # a kept part starts at this cut
            start, head = flip + 1, [cut]
        else:                                        # and ends at the next one
            parts.append(np.vstack([*head, line[start:flip + 1], cut]))
            start = None
    if start is not None:
        parts.append(np.vstack([*head, line[start:]]))
    return parts


def class_boundary_segments(xs, ys, proba: np.ndarray) -> list[np.ndarray]:
    """The boundaries of the most probable class, one line between each pair of neighbouring regions.

    ``proba`` has shape (len(ys), len(xs), k): k class probabilities on the grid. Where the
    regions of classes i and j meet, the boundary is where their scores tie: the zero
    contour of log p_i - log p_j (the difference of the logits, linear for a softmax of
    linear scores), kept only where i and j are the two most probable classes (scores
    interpolated linearly, so the lines of a triple point meet there). Only the pairs of
    classes that win at two neighbouring grid points are contoured (one contour each).
    """
    proba = np.asarray(proba, dtype=float)
    k = proba.shape[-1]
    scores = np.log(np.maximum(proba, np.finfo(float).tiny))
    winner = scores.argmax(axis=-1)
    pairs = []
    for a, b in ((winner[:, 1:], winner[:, :-1]), (winner[1:], winner[:-1])):
        differ = a != b
        pairs.append(np.minimum(a, b)[differ] * k + np.maximum(a, b)[differ])
    segments = []
    for code in np.unique(np.concatenate(pairs)):
        i, j = divmod(int(code), k)
        lines = boundary_segments(xs, ys, scores[..., i] - scores[..., j], 0.0)
        if not lines:
            continue
        at = _on_grid(xs, ys, scores, np.concatenate(lines))
        others = np.delete(at, [i, j], axis=1)
        margin = 0.5 * (at[:, i] + at[:, j]) - (others.max(axis=1) if k > 2 else -np.inf)
        ends = np.cumsum([len(line) for line in lines])[:-1]
        for line, line_margin in zip(lines, np.split(margin, ends), strict=True):
            segments += _keep_where(line, line_margin)
    return segments


def data_limits(X, margin: float = 0.5):
    """Axis limits ((x_min, x_max), (y_min, y_max)) holding the points ``X`` (n, 2), ``margin`` around."""
    X = as_array(X, "X", shape=(None, 2))
    check_positive(margin, "margin", allow_zero=True)
    return tuple((float(X[:, j].min() - margin), float(X[:, j].max() + margin)) for j in range(2))


def class_legend(ax, handles, loc: str = "upper right", **settings):
    """The book's legend of classes drawn as markers: 9 pt, short handles, a light frame.

    ``loc`` is a matplotlib location or ``"outside right"`` (beside the axes); ``settings``
    override the defaults (for instance ``markerscale=3`` for tiny points).
    """
    place = ({"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0}
             if loc == "outside right" else {"loc": loc})
    style = {"fontsize": 9, "framealpha": 0.85, "handlelength": 0.8, "handletextpad": 0.4,
             "borderpad": 0.3, "labelspacing": 0.2, **settings}
    return ax.legend(handles=handles, **place, **style)


def scatter_classes(ax, X, y, size: float = 18, palette=CLASS_COLORS, class_names=None,
                    alpha: float = 0.9, zorder: float = 3):
    """One scatter per class (the j-th smallest label: colour and marker j); returns (scatters, masks).

    ``X`` has shape (n, 2), ``y`` shape (n,); ``class_names`` (one per label) name them in a legend.
    """
    X = as_array(X, "X", shape=(None, 2), finite=False)
    y = as_array(y, "y", ndim=1, dtype=None)
    if len(y) != len(X):
        raise ValueError(_("X and y must have the same length (one label per point); received "
                           "{n_points} points and {n_labels} labels.").format(n_points=len(X),
                                                                             n_labels=len(y)))
    labels = np.unique(y)
    if class_names is not None and len(class_names) != len(labels):
        raise ValueError(_("class_names must have one entry per class ({n_classes}: {classes}); "
                           "received {n_names}.").format(n_classes=len(labels),
                                                         classes=labels.tolist(),
                                                         n_names=len(class_names)))
    scatters, masks = [], []
    for j, label in enumerate(labels):
        mask = y == label
        name = str(label) if class_names is None else str(class_names[j])
        scatters.append(ax.scatter(X[mask, 0], X[mask, 1], s=size, c=palette[j % len(palette)],
                                   marker=CLASS_MARKERS[j % len(CLASS_MARKERS)],
                                   edgecolors="black", linewidths=0.35, alpha=alpha, label=name,
                                   zorder=zorder))
        masks.append(mask)
    return scatters, masks


class DecisionRegions:
    """A classifier's probabilities over the plane, its decision boundary and the data.

    Built once on an axis; :meth:`update` shades it for a model (one vectorised
    evaluation of the model on the grid, at the resolution the frame shows) and may
    move the points.

    Binary classifiers: the shade goes from the class-0 colour (P(class 1) = 0)
    through white to the class-1 colour; the boundary is the 0.5 contour. Several
    classes: each point of the plane takes the colour of its most probable class,
    paler where the classifier is less sure; one line between two neighbouring
    regions, where their two scores tie (:func:`class_boundary_segments`).

    Parameters
    ----------
    ax : matplotlib Axes
    limits : ((x_min, x_max), (y_min, y_max))
    X : ndarray, shape (n, 2), optional
        Points drawn on top (their positions can change in :meth:`update`).
    y : ndarray, shape (n,), optional
        Their labels; points of the j-th smallest label take colour and marker j.
    resolution : int
        Grid points along each axis.
    palette : sequence of colours
        Colour of class j (default: the book's Okabe–Ito colours).
    size : float
        Marker size of the points.
    class_names : sequence of str, optional
        Draw a legend with these names, one per label of ``y`` (at ``legend_loc``).
    axis_labels : (str, str) or None
        The axes' labels (default: $x_1$, $x_2$ when points are drawn).
    rescale : bool
        Whether :meth:`update` may be given new ``limits`` (the axes follow points that
        spread out during training); the pipeline then redraws the axes' ticks too.
    """

    def __init__(self, ax, limits, X=None, y=None, resolution: int = 60, palette=CLASS_COLORS,
                 size: float = 18, class_names=None, legend_loc: str = "upper right",
                 axis_labels=None, rescale: bool = False):
        limits = check_limits(limits)
        check_positive(resolution, "resolution", integer=True)
        self.ax, self.palette, self.resolution, self.rescale = ax, palette, resolution, rescale
        self._set_grid(limits)
        self.image = None  # made by the first update, once the number of classes is known
        self.n_classes = None
        self.boundary = LineCollection([], colors="k", linewidths=1.2, zorder=2)
        ax.add_collection(self.boundary)
        self.scatters, self.masks = [], []
        if X is not None:
            if y is None:
                raise ValueError(_("y must be given with X: the points' labels choose their colours."))
            # Opaque points: a point's core is exactly its class colour, which every
            # frame's palette keeps (png_from_rgb); at alpha 0.9 it took a tenth of
            # whatever lay behind.
            self.scatters, self.masks = scatter_classes(ax, X, y, size=size, palette=palette,
                                                        class_names=class_names, alpha=1.0)
            if class_names is not None:
                class_legend(ax, self.scatters, loc=legend_loc)
            if axis_labels is None:
                axis_labels = ("$x_1$", "$x_2$")
        if axis_labels is not None:
            ax.set_xlabel(axis_labels[0])
            ax.set_ylabel(axis_labels[1])
        ax.set_xlim(limits[0])
        ax.set_ylim(limits[1])

    def _set_grid(self, limits) -> None:
        self.limits = limits
        self.xs = np.linspace(*limits[0], self.resolution)
        self.ys = np.linspace(*limits[1], self.resolution)
        xx, yy = np.meshgrid(self.xs, self.ys)
        self.grid = np.column_stack([xx.ravel(), yy.ravel()])
        self.shape = xx.shape

    @property
    def artists(self) -> list:
        """What :meth:`update` moves (the frame pipeline redraws only these)."""
        image = [] if self.image is None else [self.image]
        axes = [self.ax.xaxis, self.ax.yaxis] if self.rescale else []
        return [*image, self.boundary, *self.scatters, *axes, self.ax.title]

    def _make_image(self, n_classes: int) -> None:
        extent = (*self.limits[0], *self.limits[1])
        self.n_classes = n_classes
        if n_classes == 2:
            cmap = LinearSegmentedColormap.from_list(
                "nbcode_proba", [self.palette[0], "#FFFFFF", self.palette[1]])
            self.image = self.ax.imshow(np.full(self.shape, 0.5), origin="lower", extent=extent,
                                        cmap=cmap, vmin=0, vmax=1, aspect="auto",
                                        interpolation="bilinear", alpha=0.7, zorder=0)
        else:
            self.image = self.ax.imshow(np.ones((*self.shape, 3)), origin="lower", extent=extent,
                                        aspect="auto", interpolation="nearest", zorder=0)
            self.boundary.set_linewidth(0.8)
        self.ax.set_xlim(self.limits[0])  # imshow resets the limits to its extent: the same
        self.ax.set_ylim(self.limits[1])

    def probabilities(self, model) -> np.ndarray:
        """The model's class probabilities on the grid, shape (resolution**2, n_classes)."""
        from .plots import class_probabilities

        proba = class_probabilities(model, self.grid)
        if self.n_classes is not None and proba.shape[1] != self.n_classes:
            raise ValueError(_("the model gives {n_given} class probabilities per point; "
                               "the earlier frames had {n_classes}.").format(
                n_given=proba.shape[1], n_classes=self.n_classes))
        return proba

    def update(self, model, X=None, title: str | None = None, fontsize: float | None = 9,
               limits=None) -> None:
        """Shade the regions of ``model``; move the points to ``X`` (shape (n, 2)) if given.

        ``model`` has a ``predict_proba`` method or is a function points (m, 2) ->
        probabilities (m, k) (or P(class 1), shape (m,)). ``limits``: new axes limits
        (only for regions built with ``rescale=True``).
        """
        if limits is not None:
            if not self.rescale:
                raise ValueError(_("limits given to update, but these regions were built with "
                                   "fixed axes: build them with rescale=True."))
            self._set_grid(check_limits(limits))
            if self.image is not None:
                self.image.set_extent((*self.limits[0], *self.limits[1]))
            self.ax.set_xlim(self.limits[0])
            self.ax.set_ylim(self.limits[1])
        proba = self.probabilities(model)
        if self.image is None:
            self._make_image(proba.shape[1])
        if self.n_classes == 2:
            p1 = proba[:, 1].reshape(self.shape)
            self.image.set_data(p1)
            self.boundary.set_segments(boundary_segments(self.xs, self.ys, p1, [0.5]))
        else:
            self.image.set_data(region_colors(proba, self.palette).reshape(*self.shape, 3))
            self.boundary.set_segments(class_boundary_segments(
                self.xs, self.ys, proba.reshape(*self.shape, self.n_classes)))
        if X is not None:
            if not self.scatters:
                raise ValueError(_("X given to update, but these regions were built without "
                                   "points: pass X and y when building them."))
            X = as_array(X, "X", shape=(len(self.masks[0]), 2), finite=False)
            for scatter, mask in zip(self.scatters, self.masks, strict=True):
                scatter.set_offsets(X[mask])
        if title is not None:
            self.ax.set_title(title, **({} if fontsize is None else {"fontsize": fontsize}))


class DescentPath:
    """The iterates of an optimiser on a plane of two parameters, drawn as a polyline.

    Built once (the starting point as a black dot and, if given, the minimum as a
    star); :meth:`update` shows the first iterates, shape (t + 1, 2). Non-finite
    iterates (a diverging run) are left out.
    """

    def __init__(self, ax, color: str = "#D55E00", label: str | None = None, minimum=None):
        self.ax = ax
        (self.line,) = ax.plot([], [], "-o", color=color, ms=2.5, lw=1.2, label=label)
        (self.start,) = ax.plot([], [], "o", color="black", ms=4)
        self.minimum = (None if minimum is None else
                        ax.plot(*np.asarray(minimum, dtype=float), "*", color="black", ms=9)[0])

    @property
    def artists(self) -> list:
        """What :meth:`update` moves (with the minimum, drawn above the path)."""
        return [self.line, self.start, *([self.minimum] if self.minimum else []), self.ax.title]

    def update(self, path, title: str | None = None, fontsize: float | None = 9) -> None:
        path = as_array(path, "path", shape=(None, 2), finite=False)
        path = path[np.all(np.isfinite(path), axis=1)]
        self.line.set_data(path[:, 0], path[:, 1])
        self.start.set_data(path[:1, 0], path[:1, 1])
        if title is not None:
            self.ax.set_title(title, **({} if fontsize is None else {"fontsize": fontsize}))
