"""nbcode.plots and nbcode.widgets: what they draw and what the player holds."""

import io

import ipywidgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nbcode import data, linear, plots, train  # noqa: E402
from nbcode.widgets import TrainingPlayer, frame_strip  # noqa: E402


def png(color, size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def test_decision_grid_covers_the_data():
    X = np.array([[0.0, 1.0], [2.0, -1.0]])
    xx, yy, points = plots.decision_grid(X, resolution=11, margin=0.5)
    assert xx.shape == (11, 11) and points.shape == (121, 2)
    assert points[:, 0].min() == -0.5 and points[:, 0].max() == 2.5
    assert points[:, 1].min() == -1.5 and points[:, 1].max() == 1.5


def test_class_probabilities_accepts_estimators_and_functions():
    points = np.zeros((4, 2))
    assert plots.class_probabilities(lambda p: np.full(len(p), 0.8), points)[0].tolist() == \
        pytest.approx([0.2, 0.8])
    X, y = data.make_moons(50, seed=0)
    model = linear.LogisticRegressionGD(n_epochs=5).fit(X, data.to_plus_minus(y))
    assert plots.class_probabilities(model, points).shape == (4, 2)


def test_decision_boundary_draws_the_half_probability_contour():
    X, y = data.make_blobs(80, spread=0.4, seed=1)
    model = linear.LogisticRegressionGD(learning_rate=1.0, n_epochs=50).fit(
        X, data.to_plus_minus(y))
    fig, ax = plt.subplots()
    plots.plot_decision_boundary(model, X, y, ax=ax, resolution=30)
    assert len(ax.images) == 1 and len(ax.collections) >= 3  # contour + 2 classes
    assert ax.get_xlabel() == "$x_1$"
    plt.close(fig)


def test_multiclass_regions_use_the_class_colours():
    X, y = data.make_spirals(90, n_classes=3, seed=0)

    def proba(points):
        # class = sector of the angle: a fixed 3-class "model"
        sector = ((np.arctan2(points[:, 1], points[:, 0]) + np.pi) / (2 * np.pi / 3)).astype(int)
        return np.eye(3)[np.clip(sector, 0, 2)]

    fig, ax = plt.subplots()
    plots.plot_decision_boundary(proba, X, y, ax=ax, resolution=20)
    rgb = ax.images[0].get_array()
    assert rgb.shape == (20, 20, 3)
    plt.close(fig)


def test_figure_to_png_quantises():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.imshow(np.random.default_rng(0).random((50, 50)))
    small = plots.figure_to_png(fig, dpi=50, colors=16)
    image = Image.open(io.BytesIO(small))
    assert image.mode == "P" and len(image.getcolors()) <= 16


def test_training_player_links_play_slider_and_frames():
    frames = [png(c) for c in ("red", "green", "blue")]
    player = TrainingPlayer(frames, labels=["epoch 0", "epoch 5", "epoch 10"], interval=100)
    assert len(player.stack.children) == 3
    assert player.play.max == 2 and player.play.interval == 100
    assert list(player.slider.options) == ["epoch 0", "epoch 5", "epoch 10"]
    linked = {(link.source[0].model_id, link.source[1], link.target[0].model_id, link.target[1])
              for link in player.links}
    assert all(isinstance(link, ipywidgets.widgets.widget_link.Link) for link in player.links)
    assert (player.play.model_id, "value", player.slider.model_id, "index") in linked
    assert (player.slider.model_id, "index", player.stack.model_id, "selected_index") in linked
    assert player.n_bytes == sum(map(len, frames))


def test_player_bundle_has_a_print_strip():
    frames = [png(c) for c in ("red", "green", "blue", "white", "black")]
    bundle = TrainingPlayer(frames)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    strip = Image.open(io.BytesIO(bundle["image/png"]))
    assert strip.size == (3 * 40 + 2 * 8, 30)  # first, middle and last frames side by side


def test_wide_frames_are_stacked_in_the_strip():
    frames = [png("red", size=(120, 30))] * 4
    strip = Image.open(io.BytesIO(frame_strip(frames)))
    assert strip.size == (120, 3 * 30 + 2 * 8)


def test_player_from_recorded_training():
    X, y = data.make_moons(60, seed=0)
    recorder = train.Recorder(epochs=[0, 10, 20])
    linear.LogisticRegressionGD(n_epochs=20).fit(X, data.to_plus_minus(y), callbacks=[recorder])

    def draw(ax, snapshot):
        plots.plot_decision_boundary(snapshot[1], X, y, ax=ax, resolution=20)

    player = TrainingPlayer.from_items(recorder.snapshots, draw, labels=["a", "b", "c"])
    assert len(player.frames) == 3
    assert all(Image.open(io.BytesIO(f)).format == "PNG" for f in player.frames)
    assert player.frames[0] != player.frames[-1]


def test_player_errors_teach():
    with pytest.raises(TypeError, match="non-empty list of PNG images"):
        TrainingPlayer([])
    with pytest.raises(ValueError, match="one entry per frame"):
        TrainingPlayer([png("red")], labels=["a", "b"])
    duplicated = TrainingPlayer([png("red"), png("blue")], labels=["x", "x"])
    assert list(duplicated.slider.options) == ["0: x", "1: x"]


def test_live_panel_prints_its_picture():
    from nbcode.widgets import LivePanel

    picture = ipywidgets.Image(value=png("blue"), format="png")
    panel = LivePanel([ipywidgets.HBox([ipywidgets.IntSlider(), ipywidgets.VBox([picture])])],
                      description="demo controls")
    assert panel.picture() is picture
    bundle = panel._repr_mimebundle_()
    assert bundle["image/png"] == png("blue")
    assert bundle["text/plain"] == "LivePanel(demo controls: run the notebook to use it)"
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_loss_grid_is_computed_once_and_drawn_like_the_function():
    calls = []

    def loss(beta):
        calls.append(1)
        return float((beta[0] - 1) ** 2 + 3 * beta[1] ** 2)

    grid = plots.loss_grid(loss, ((-1, 3), (-2, 2)), resolution=5)
    assert len(calls) == 25 and grid.Z.shape == (5, 5)
    np.testing.assert_allclose(grid.Z, (grid.B0 - 1) ** 2 + 3 * grid.B1 ** 2)
    assert grid.Z.min() == 0.0  # (1, 0) is on the grid
    fig, (left, right) = plt.subplots(1, 2)
    plots.plot_loss_contours(grid, ax=left, levels=6)
    plots.plot_loss_contours(loss, ((-1, 3), (-2, 2)), ax=right, resolution=5, levels=6)
    assert len(calls) == 50  # the grid was not evaluated again; the function was
    assert left.get_xlim() == right.get_xlim() == (-1, 3)
    np.testing.assert_allclose(left.collections[0].levels, right.collections[0].levels)
    plt.close(fig)
