"""nbcode.frames: one figure, updated and encoded per frame; blitting gives the same pixels."""

import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nbcode import data, frames, linear, plots, train  # noqa: E402
from nbcode.widgets import TrainingPlayer  # noqa: E402


def pixels(png_bytes):
    return np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB"))


def assert_same_picture(blitted, redrawn, canvas_axes_edges):
    """The same pixels, except on an axis's edge where a tick mark starts (see FrameCanvas)."""
    a, b = pixels(blitted).astype(int), pixels(redrawn).astype(int)
    assert a.shape == b.shape
    rows, cols = np.nonzero(np.any(a != b, axis=2))
    assert len(rows) <= 12 * len(canvas_axes_edges), f"{len(rows)} pixels differ"
    for r, c in zip(rows, cols, strict=True):
        assert any(abs(c - x) <= 1 or abs(r - y) <= 1 for x, y in canvas_axes_edges), (r, c)


def axes_edges(figsize, ncols):
    """Pixel column of each axis's left edge and row of its bottom edge, as the canvas lays out."""
    canvas = frames.FrameCanvas(figsize, ncols=ncols, colors=None)
    scene = setup_regions(np.atleast_1d(canvas.axes))
    update_regions(scene, ITEMS[0])
    canvas.rgb()
    height = canvas.canvas.get_width_height()[1]
    edges = []
    for ax in np.atleast_1d(canvas.axes):
        x0, y0, x1, y1 = ax.get_window_extent().extents
        edges += [(round(x0), round(height - y0)), (round(x1), round(height - y1))]
    return edges


def logistic(w, b):
    """A binary classifier whose boundary is the line w . x + b = 0."""
    def proba(points):
        return 1 / (1 + np.exp(-(points @ np.asarray(w) + b)))
    return proba


def softmax_model(W):
    def proba(points):
        z = points @ W
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)
    return proba


MOONS_X, MOONS_Y = data.make_moons(40, seed=0)
LIMITS = ((-1.5, 2.5), (-1.0, 1.5))
ITEMS = [(1.0, 0.0), (1.0, 1.0), (0.3, -2.0), (-2.0, 0.5)]


def setup_regions(axes):
    return [frames.DecisionRegions(ax, LIMITS, MOONS_X, MOONS_Y, resolution=30, size=10)
            for ax in axes]


def update_regions(scene, item):
    for k, regions in enumerate(scene):
        regions.update(logistic(item, 0.2 * k), title=f"w = {item}\nsecond line")


def redraw_regions(axes, item):  # the same frames, drawn from scratch on cleared axes
    update_regions(setup_regions(axes), item)


@pytest.mark.parametrize("colors", [None, 32])
def test_blitted_frames_equal_full_redraws(colors):
    blitted = frames.render_frames(ITEMS, update_regions, setup_regions, figsize=(5, 2.4),
                                   ncols=2, colors=colors)
    redrawn = frames.render_frames(ITEMS, redraw_regions, figsize=(5, 2.4), ncols=2,
                                   colors=colors)
    assert len(blitted.frames) == len(ITEMS)
    edges = axes_edges((5, 2.4), 2)
    for a, b in zip(blitted.frames, redrawn.frames, strict=True):
        if colors is None:
            assert_same_picture(a, b, edges)
        else:  # a palette of 32 colours chosen per frame: the pictures agree to a few levels
            assert np.mean(np.abs(pixels(a).astype(int) - pixels(b))) < 0.5
    assert len({f for f in blitted.frames}) == len(ITEMS)  # every frame differs


def test_moving_points_and_several_classes_blit_like_full_redraws():
    X, y = data.make_blobs(45, n_classes=3, seed=1)
    Ws = [np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]]) * s for s in (0.5, 2.0, 5.0)]
    limits = ((-4, 4), (-4, 4))

    def setup(ax):
        return frames.DecisionRegions(ax, limits, X, y, resolution=25,
                                      class_names=["a", "b", "c"])

    def update(regions, k):
        regions.update(softmax_model(Ws[k]), X=X * (1 + 0.3 * k), title=f"frame {k}")

    blitted = frames.render_frames(range(3), update, setup, colors=None)
    redrawn = frames.render_frames(range(3), lambda ax, k: update(setup(ax), k), colors=None)
    canvas = frames.FrameCanvas(colors=None)
    update(setup(canvas.axes), 0)
    canvas.rgb()
    x0, y0, x1, y1 = canvas.axes.get_window_extent().extents
    height = canvas.canvas.get_width_height()[1]
    edges = [(round(x0), round(height - y0)), (round(x1), round(height - y1))]
    for a, b in zip(blitted.frames, redrawn.frames, strict=True):
        assert_same_picture(a, b, edges)


def test_regions_that_rescale_blit_like_full_redraws():
    """New limits each frame: the ticks move too, and are redrawn with the moving pieces."""
    def setup(ax):
        return frames.DecisionRegions(ax, LIMITS, MOONS_X, MOONS_Y, resolution=30, rescale=True)

    def update(regions, k):
        scale = 1 + k
        regions.update(logistic((1.0, -1.0), 0.1), X=MOONS_X * scale, title=f"scale {scale}",
                       limits=tuple((lo * scale, hi * scale) for lo, hi in LIMITS))

    blitted = frames.render_frames(range(3), update, setup, colors=None)
    redrawn = frames.render_frames(range(3), lambda ax, k: update(setup(ax), k), colors=None)
    canvas = frames.FrameCanvas(colors=None)
    update(setup(canvas.axes), 0)
    canvas.rgb()
    assert canvas.axes.get_xlim() == (-1.5, 2.5)
    for a, b in zip(blitted.frames, redrawn.frames, strict=True):
        np.testing.assert_array_equal(pixels(a), pixels(b))  # the ticks are redrawn: exact
    assert len(set(blitted.frames)) == 3
    with pytest.raises(ValueError, match="rescale=True"):
        frames.DecisionRegions(canvas.axes, LIMITS).update(logistic((1, 1), 0), limits=LIMITS)


def test_boundary_is_the_closed_form_line():
    w, b = np.array([1.5, -2.0]), 0.4
    fig_canvas = frames.FrameCanvas()
    regions = frames.DecisionRegions(fig_canvas.axes, LIMITS, resolution=80)
    regions.update(logistic(w, b))
    points = np.concatenate(regions.boundary.get_segments())
    assert len(points) > 20
    # Linear interpolation of a sigmoid on an 80-point grid: within a grid step of the line.
    step = (LIMITS[0][1] - LIMITS[0][0]) / 79
    assert np.max(np.abs(points @ w + b) / np.linalg.norm(w)) < 0.05 * step
    # P(class 1) shown as the image: the closed form at the grid points.
    xx, yy = np.meshgrid(regions.xs, regions.ys)
    np.testing.assert_allclose(regions.image.get_array(), 1 / (1 + np.exp(-(w[0] * xx + w[1] * yy + b))))


def test_multiclass_boundaries_separate_the_winners():
    W = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 1.0]])
    canvas = frames.FrameCanvas()
    regions = frames.DecisionRegions(canvas.axes, ((-3, 3), (-3, 3)), resolution=61)
    regions.update(softmax_model(W))
    rgb = regions.image.get_array()
    assert rgb.shape == (61, 61, 3) and rgb.min() >= 0.5 - 1e-12 and rgb.max() <= 1
    # Each boundary point sits where two classes' scores tie (to a grid step).
    for x, y_ in np.concatenate(regions.boundary.get_segments()):
        scores = np.sort(np.array([x, y_]) @ W)
        assert scores[-1] - scores[-2] < 0.2


def test_descent_path_shows_the_finite_iterates():
    canvas = frames.FrameCanvas()
    path = frames.DescentPath(canvas.axes, minimum=(0.0, 0.0))
    path.update(np.array([[1.0, 1.0], [0.5, 0.2], [np.inf, 0.0]]), title="step 2")
    x, y = path.line.get_data()
    assert list(x) == [1.0, 0.5] and list(y) == [1.0, 0.2]
    assert canvas.axes.get_title() == "step 2"
    assert frames.moving_artists([path, {"p": path}]) == 2 * path.artists


def test_a_render_is_timed_and_logged():
    frames.clear_render_log()
    render = frames.render_frames([0, 1], lambda ax, i: ax.plot([0, i]), name="two lines")
    log = frames.render_log()
    assert [entry["name"] for entry in log] == ["two lines"]
    assert log[0]["frames"] == 2 and log[0]["bytes"] == render.n_bytes > 0
    assert log[0]["median_ms"] > 0 and log[0]["width"] == 230 and log[0]["height"] == 216


def test_player_keeps_its_render_cost():
    X, y = data.make_moons(60, seed=0)
    recorder = train.Recorder(epochs=[0, 10, 20])
    linear.LogisticRegressionGD(n_epochs=20).fit(X, data.to_plus_minus(y), callbacks=[recorder])
    player = TrainingPlayer.from_items(
        recorder.snapshots, lambda regions, s: regions.update(s[1], title=f"epoch {s[0]}"),
        setup=lambda ax: frames.DecisionRegions(ax, LIMITS, X, y, resolution=20),
        labels=["a", "b", "c"])
    assert player.render.name == "a … c" and len(player.render.seconds) == 3
    assert player.n_bytes == player.render.n_bytes
    assert player.frames[0] != player.frames[-1]


def test_still_figure_and_frame_look_the_same():
    """plots.plot_decision_boundary draws with the same pieces as a frame."""
    import matplotlib.pyplot as plt

    model = logistic((1.0, -1.0), 0.1)
    fig, ax = plt.subplots()
    plots.plot_decision_boundary(model, MOONS_X, MOONS_Y, ax=ax, limits=LIMITS, resolution=30)
    shaded = ax.images[0].get_array()
    canvas = frames.FrameCanvas()
    regions = frames.DecisionRegions(canvas.axes, LIMITS, MOONS_X, MOONS_Y, resolution=30)
    regions.update(model)
    np.testing.assert_array_equal(shaded, regions.image.get_array())
    plt.close(fig)


@pytest.mark.parametrize("call, error, words", [
    (lambda: frames.render_frames([], lambda ax, i: None), ValueError, "at least one item"),
    (lambda: frames.render_frames([1], None), TypeError, "update"),
    (lambda: frames.render_frames([1], lambda s, i: None, setup=3), TypeError, "setup"),
    (lambda: frames.FrameCanvas(colors=300), ValueError, "at most 256"),
    (lambda: frames.png_from_rgb(np.zeros((4, 4))), ValueError, "uint8"),
    (lambda: frames.DecisionRegions(frames.FrameCanvas().axes, LIMITS, MOONS_X), ValueError,
     "y must be given"),
    (lambda: frames.DecisionRegions(frames.FrameCanvas().axes, LIMITS).update(
        logistic((1, 1), 0), X=MOONS_X), ValueError, "without points"),
])
def test_errors_teach(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --------------------------------------------------------------------------- the chapters' pieces

def _digits(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 8, 8)), np.arange(n) % 5


def test_feature_space_moves_to_another_network_as_if_built_for_it():
    from nbcode import cnn

    images, y = _digits()
    a, b = cnn.make_cnn(n_classes=5, seed=0), cnn.make_cnn(n_classes=5, seed=1)
    limits = ((-3.0, 3.0), (-3.0, 3.0))
    moved = cnn.FeatureSpace(frames.FrameCanvas().axes, a, images, y, limits=limits)
    moved.update(a)
    moved.update(b)
    fresh = cnn.FeatureSpace(frames.FrameCanvas().axes, b, images, y, limits=limits)
    fresh.update(b)
    features = cnn.cnn_features(b, images)
    for s_moved, s_fresh, mask in zip(moved.regions.scatters, fresh.regions.scatters,
                                      moved.regions.masks, strict=True):
        np.testing.assert_allclose(s_moved.get_offsets(), features[mask])
        np.testing.assert_allclose(s_fresh.get_offsets(), features[mask])
    np.testing.assert_array_equal(moved.regions.image.get_array(), fresh.regions.image.get_array())
    assert [t[2].xy for t in moved.thumbnails] == [t[2].xy for t in fresh.thumbnails]


def test_mistake_mosaic_shows_the_mistakes_in_order():
    from nbcode import cnn

    images, y = _digits(20)
    pred = y.copy()
    wrong = [2, 5, 11, 17]
    pred[wrong] = (y[wrong] + 1) % 5
    canvas = frames.FrameCanvas()
    mosaic = cnn.MistakeMosaic(canvas.axes, images, n_columns=3, n_rows=1)
    shown = mosaic.update(y, pred)
    assert shown.tolist() == wrong[:3]
    assert [t.get_text() for t in mosaic.labels] == [f"{y[i]}→{pred[i]}" for i in wrong[:3]]
    assert canvas.axes.get_title() == "4 mistakes of 20 (first 3)"
    data_ = mosaic.image.get_array()
    np.testing.assert_array_equal(data_[3:11, 0:8], images[2, 0])   # first tile: image 2
    np.testing.assert_array_equal(data_[3:11, 9:17], images[5, 0])  # second: image 5
    mosaic.update(y, y)  # no mistakes any more: every tile and label cleared
    assert all(t.get_text() == "" for t in mosaic.labels)
    assert np.isnan(np.ma.filled(mosaic.image.get_array(), np.nan)).all()


def test_target_regions_follow_the_features_when_they_rescale():
    from nbcode import cnn
    from nbcode import transfer as tr

    images, y = _digits()
    model = cnn.make_cnn(n_classes=5, seed=3)
    canvas = frames.FrameCanvas()
    piece = tr.TargetRegions(canvas.axes, model, images, y, rescale=True, legend=True)
    piece.update(model, title="t")
    features = cnn.cnn_features(model, images)
    assert canvas.axes.get_xlim() == pytest.approx(cnn.feature_limits(features)[0])
    assert [t.get_text() for t in canvas.axes.get_legend().get_texts()] == ["5", "6", "7", "8", "9"]
    np.testing.assert_allclose(np.concatenate([s.get_offsets() for s in piece.regions.scatters]),
                               np.concatenate([features[m] for m in piece.regions.masks]))


def test_data_limits_and_the_class_legend():
    X = np.array([[0.0, 1.0], [2.0, -1.0]])
    assert frames.data_limits(X) == ((-0.5, 2.5), (-1.5, 1.5))
    xx, yy, _ = plots.decision_grid(X, resolution=3)          # the same limits, one home
    assert (xx.min(), xx.max(), yy.min(), yy.max()) == (-0.5, 2.5, -1.5, 1.5)
    canvas = frames.FrameCanvas()
    regions = frames.DecisionRegions(canvas.axes, LIMITS, MOONS_X, MOONS_Y,
                                     class_names=["a", "b"], legend_loc="outside right")
    legend = canvas.axes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]
    assert legend.get_texts()[0].get_fontsize() == 9 and legend.handlelength == 0.8
    assert legend.get_bbox_to_anchor() is not None and regions.scatters


# --------------------------------------------------------------------------- palette and boundaries

def rgb_of(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def exact_pixels_around(frame, display_xy, colour):
    """How many pixels of the 3 x 3 block at a display point have exactly ``colour``."""
    px, py = display_xy
    row, col = int(frame.shape[0] - py), int(px)
    block = frame[row - 1:row + 2, col - 1:col + 2].reshape(-1, 3)
    return int(np.all(block == rgb_of(colour), axis=1).sum())


def test_frame_palette_keeps_the_class_colours_of_points_and_legend_markers():
    """Median cut alone merged the few pixels of each point into a nearby tint (issue 21).

    A marker's core (2 x 2 pixels or more, where Agg snaps it) is exactly its class colour.
    """
    X = np.array([[x, y] for x in (-2.5, -0.5, 1.5) for y in (-2.5, -1.0, 0.5)])
    y = np.arange(9) % 3
    W = np.array([[1.0, -1.0, 0.0], [0.0, 0.5, 1.0]])
    canvas = frames.FrameCanvas(colors=32)
    regions = frames.DecisionRegions(canvas.axes, ((-3.5, 3.5), (-3.5, 3.5)), X, y,
                                     class_names=["a", "b", "c"])
    for scale in (0.5, 1.5):   # the first frame drawn in full, the second blitted
        regions.update(softmax_model(scale * W), title=f"scale {scale}")
        frame = pixels(canvas.png(frames.moving_artists(regions)))
        for centre, label in zip(regions.ax.transData.transform(X), y, strict=True):
            assert exact_pixels_around(frame, centre, frames.CLASS_COLORS[label]) >= 2
        for handle, label in zip(canvas.axes.get_legend().legend_handles, range(3), strict=True):
            (centre,) = handle.get_offset_transform().transform(handle.get_offsets())
            assert exact_pixels_around(frame, centre, frames.CLASS_COLORS[label]) >= 2


def test_palette_serves_a_small_colour_and_keeps_few_colours_exact():
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 1, 200)[None, :, None]
    image = (255 * (0.4 + 0.6 * ramp * rng.uniform(0.9, 1, (120, 200, 3)))).astype(np.uint8)
    image[10:30, 10:25] = (155, 107, 0)       # 300 pixels: the core of small orange points
    image[50:52, 50:52] = rgb_of(frames.CLASS_COLORS[2])
    decoded = pixels(frames.png_from_rgb(image, colors=24))
    assert np.abs(decoded[10:30, 10:25].astype(int) - (155, 107, 0)).max() <= 2
    assert (decoded[50:52, 50:52] == rgb_of(frames.CLASS_COLORS[2])).all()
    assert np.abs(decoded.astype(int) - image).mean() < 4
    assert len(Image.open(io.BytesIO(frames.png_from_rgb(image, colors=24))).getpalette()) <= 3 * 24
    few = np.zeros((6, 5, 3), dtype=np.uint8)
    few[2:, 1:] = (10, 200, 30)
    np.testing.assert_array_equal(pixels(frames.png_from_rgb(few, colors=4)), few)


def three_regions(points):
    """Linear scores: class 0 below the line y = 0.2 x + 0.05, class 2 above, class 1 right of x = 2."""
    offset = points[:, 1] - 0.2 * points[:, 0] - 0.05
    return np.column_stack([-offset, points[:, 0] - 2, offset])


def test_regions_of_classes_two_apart_meet_on_one_line_where_their_scores_tie():
    def proba(points):
        z = three_regions(points)
        z = np.exp(z - z.max(axis=1, keepdims=True))
        return z / z.sum(axis=1, keepdims=True)

    limits = ((-3.0, 3.0), (-3.0, 3.0))
    regions = frames.DecisionRegions(frames.FrameCanvas().axes, limits, resolution=60)
    regions.update(proba)
    step = 6.0 / 59
    lines = regions.boundary.get_segments()
    points = np.concatenate(lines)
    # Every boundary point is where the two highest scores tie (the scores are piecewise
    # linear: their tie is found exactly, not to a grid step).
    z = np.sort(three_regions(points), axis=1)
    assert np.max(z[:, -1] - z[:, -2]) < 0.01 * step
    # Along the border of classes 0 and 2 (away from class 1): one line, not two.
    offset = lambda p: (p[:, 1] - 0.2 * p[:, 0] - 0.05) / np.hypot(1, 0.2)   # noqa: E731
    length = 0.0
    for line in lines:
        middle = 0.5 * (line[1:] + line[:-1])
        inside = (np.abs(offset(middle)) < 2 * step) & (middle[:, 0] > -2.5) & (middle[:, 0] < 1.0)
        length += np.linalg.norm(np.diff(line, axis=0), axis=1)[inside].sum()
    assert length == pytest.approx(3.5 * np.hypot(1, 0.2), abs=2 * step)
    # The three borders meet at the triple point (x = 2 on the line), each ending there.
    triple = np.array([2.0, 0.45])
    ends = np.array([end for line in lines for end in (line[0], line[-1])])
    assert np.sum(np.linalg.norm(ends - triple, axis=1) < 0.01 * step) >= 3


# --------------------------------------------------------------------------- layers, 2x, text sizes

def composed(background, overlay):
    """What a page shows: the overlay over the background (alpha compositing, as a browser)."""
    under = Image.open(io.BytesIO(background)).convert("RGBA")
    over = Image.open(io.BytesIO(overlay)).convert("RGBA")
    return np.asarray(Image.alpha_composite(under, over).convert("RGB"))


@pytest.mark.parametrize("colors", [None, 32])
def test_layers_compose_to_the_frames(colors):
    """Each overlay over the background gives that frame exactly, as its whole PNG; the
    whole frames are the drawn pixels: exactly in RGB; with one palette shared by the
    frames, about as close as with a palette of the same size chosen for each frame."""
    render = frames.render_frames(ITEMS, update_regions, setup_regions, figsize=(5, 2.4),
                                  ncols=2, colors=colors)
    canvas = frames.FrameCanvas((5, 2.4), ncols=2, colors=None)
    scene = setup_regions(canvas.axes)
    assert len(render) == len(ITEMS) and len(render.panels) == 2
    for k, item in enumerate(ITEMS):
        shown = np.concatenate([composed(panel.background, panel.overlays[k])
                                for panel in render.panels], axis=1)
        np.testing.assert_array_equal(shown, pixels(render.frame(k)))
        update_regions(scene, item)
        drawn = canvas.rgb(frames.moving_artists(scene)).astype(int)
        error = np.abs(shown.astype(int) - drawn)
        if colors is None:
            assert error.max() == 0
        else:
            own = np.abs(pixels(frames.png_from_rgb(drawn.astype(np.uint8), colors)) - drawn)
            assert error.mean() <= 1.25 * own.mean() + 0.1, (error.mean(), own.mean())
    for panel in render.panels:
        # The background is the last frame, so its overlay is empty (fully transparent).
        last = np.asarray(Image.open(io.BytesIO(panel.overlays[-1])).convert("RGBA"))
        assert (last[..., 3] == 0).all()
        first = np.asarray(Image.open(io.BytesIO(panel.overlays[0])).convert("RGBA"))
        assert 0 < (first[..., 3] > 0).mean() < 0.9    # the regions changed, the rest did not


def test_layers_are_smaller_than_whole_frames_and_lossless_webp():
    render = frames.render_frames(ITEMS, update_regions, setup_regions, figsize=(5, 2.4),
                                  ncols=2, colors=48)
    assert frames.LAYER_FORMAT == "webp"
    for layer in (layer for panel in render.panels for layer in (panel.background, *panel.overlays)):
        assert layer[:4] == b"RIFF" and layer[8:12] == b"WEBP" and b"VP8L" in layer[:40]  # lossless
    assert render.n_bytes < 0.8 * sum(len(f) for f in render.frames)


def test_frames_are_drawn_at_twice_their_css_size():
    """2 pixels per CSS pixel; sizes in points stay CSS pixels (72 dpi): 9 pt text is
    18 pixels of the frame, 9 CSS px on the page."""
    assert frames.PIXEL_RATIO == 2
    canvas = frames.FrameCanvas((3.2, 3.0))
    assert canvas.size == (460, 432) and canvas.css_size == (230, 216)
    canvas.axes.set_axis_off()
    text = canvas.axes.text(0.5, 0.5, "Hg", fontsize=9, ha="center", va="center")
    canvas.rgb()
    height = text.get_window_extent(renderer=canvas.canvas.get_renderer()).height
    assert 17 <= height <= 26                      # the line box of 9 pt at 144 dpi: 18-24 px
    player = TrainingPlayer.from_items(ITEMS, update_regions, setup=setup_regions,
                                       figsize=(5, 2.4), ncols=2)
    assert player.render.size == (720, 345) and player.render.css_size == (360, 172)
    assert player.render.css_widths == [180, 180]
    panels = player.children[-1]
    assert "nb-panels" in panels._dom_classes and len(panels.children) == 2
    for area, stack in zip(panels.children, player.stacks, strict=True):
        background, shown = area.children
        assert "nb-frames" in area._dom_classes and "nb-frame-background" in background._dom_classes
        assert background.width == "180" and all(image.width == "180" for image in stack.children)
        assert background.format == frames.LAYER_FORMAT
        assert shown is stack and len(stack.children) == len(ITEMS)
    assert player.stack is player.stacks[0]
    # The whole frames (print) are 2x PNGs; the strip shows three of them.
    assert Image.open(io.BytesIO(player.static_png())).size[1] >= 345


def test_text_smaller_than_9_css_px_is_refused():
    canvas = frames.FrameCanvas()
    canvas.axes.set_title("too small", fontsize=8)
    with pytest.raises(ValueError, match=r"at least 9 CSS px.*'too small' at 8.0 px"):
        canvas.rgb()
    frames.check_text_sizes(canvas.figure, css_dpi=72 * 9 / 8)     # 8 pt shown at 81 dpi: 9 px
    with pytest.raises(ValueError, match="Raise its fontsize"):
        frames.check_text_sizes(canvas.figure, css_dpi=60)


def test_live_picture_is_sharp_and_its_text_checked():
    import matplotlib.pyplot as plt

    from nbcode.widgets import live_panel, slider

    def draw(slope):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, slope])
        return fig

    panel = live_panel({"slope": slider(1.0, -2.0, 2.0, step=0.5)}, draw, description="a line")
    picture = panel.picture()
    assert picture.width == "216" and Image.open(io.BytesIO(picture.value)).size[0] == 432

    def tiny(slope):
        fig = draw(slope)
        fig.axes[0].set_title("tiny", fontsize=6)
        return fig

    with pytest.raises(ValueError, match="at least 9 CSS px"):
        live_panel({"slope": slider(1.0, -2.0, 2.0, step=0.5)}, tiny, description="tiny")


# --------------------------------------------------------------------------- panels

def _drawn(canvas, n=2):
    """``n`` frames of ``canvas``, drawn whole: (n, h, w, 3)."""
    return np.stack([canvas.rgb() for _ in range(n)])


def test_panels_cut_in_the_blank_gap_and_keep_each_axis_whole():
    """Three axes with long y labels: the cuts fall between the panels' drawings, on whole
    CSS pixels, and each panel holds its axis with its tick labels, y label and title."""
    canvas = frames.FrameCanvas((8.4, 2.9), ncols=3, colors=None)
    for k, ax in enumerate(canvas.axes):
        ax.plot([0, 1], [0, 10 ** k])
        ax.set(xlabel="step", ylabel=f"loss of panel {k}", title=f"panel {k}")
    rgbs = _drawn(canvas)
    cuts = frames.panel_cuts(canvas.figure, canvas.axes, rgbs, pixel_ratio=2)
    width = canvas.size[0]
    assert len(cuts) == 4 and cuts[0] == 0 and cuts[-1] == width
    assert all(cut % 2 == 0 for cut in cuts[1:-1])
    renderer = canvas.canvas.get_renderer()
    for k, ax in enumerate(canvas.axes):
        box = ax.get_tightbbox(renderer)
        assert cuts[k] <= box.x0 and box.x1 <= cuts[k + 1], (k, cuts, box)
    for cut in cuts[1:-1]:                    # nothing drawn on either side of a cut
        assert (rgbs[:, :, cut - 1:cut + 1] == 255).all()


def test_a_title_across_the_axes_keeps_them_one_panel():
    canvas = frames.FrameCanvas((6.0, 2.6), ncols=2, colors=None)
    for ax in canvas.axes:
        ax.plot([0, 1], [0, 1])
    canvas.figure.suptitle("a title over both axes " * 3, fontsize=11)
    rgbs = _drawn(canvas)
    assert frames.panel_cuts(canvas.figure, canvas.axes, rgbs, 2) == [0, canvas.size[0]]
    one = frames.FrameCanvas((3.0, 2.6), colors=None)
    assert frames.panel_cuts(one.figure, one.axes, _drawn(one), 2) == [0, one.size[0]]


def test_a_colour_bar_goes_with_its_axis():
    canvas = frames.FrameCanvas((7.0, 2.8), ncols=2, colors=None)
    canvas.axes[0].plot([0, 1], [1, 0])
    image = canvas.axes[1].imshow(np.arange(16.0).reshape(4, 4))
    bar = canvas.figure.colorbar(image, ax=canvas.axes[1])
    bar.set_label("value")
    rgbs = _drawn(canvas)
    cuts = frames.panel_cuts(canvas.figure, canvas.axes, rgbs, 2)
    assert len(cuts) == 3
    box = bar.ax.get_tightbbox(canvas.canvas.get_renderer())
    assert cuts[1] <= box.x0 and box.x1 <= cuts[2]


def test_a_player_of_panels_plays_them_together():
    """Every panel's stack follows the slider (jslink, in the browser), and the panels
    side by side are the frames."""
    player = TrainingPlayer.from_items(ITEMS, update_regions, setup=setup_regions,
                                       figsize=(5, 2.4), ncols=2)
    linked = {(link.source[0].model_id, link.source[1], link.target[0].model_id, link.target[1])
              for link in player.links}
    for stack in player.stacks:
        assert (player.slider.model_id, "index", stack.model_id, "selected_index") in linked
    widths = [panel.width for panel in player.render.panels]
    assert sum(widths) == player.render.size[0]
    assert player.render.summary()["panels"] == 2


def test_live_png_is_a_near_palette_png_of_the_same_picture():
    canvas = frames.FrameCanvas((3.2, 2.4))
    canvas.axes.imshow(np.linspace(0, 1, 64).reshape(8, 8), cmap=frames.probability_colormap())
    canvas.axes.set_title("a title", fontsize=10)
    rgb = canvas.rgb()
    png = frames.live_png(rgb, colors=64)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "P" and image.size == (rgb.shape[1], rgb.shape[0])
    assert len(image.getpalette()) // 3 <= 64
    decoded = np.asarray(image.convert("RGB")).astype(int)
    assert np.abs(decoded - rgb).mean() < 3           # near colours, not exact
    assert canvas.png(fast=True)[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="uint8"):
        frames.live_png(rgb.astype(float))
