"""nbcode.widgets.live_panel: the one builder of the book's live controls, driven without a browser.

A control's value is changed from Python, as the widget's front end would: the panel must
call ``draw`` with the new values, show a new picture, and print that picture (image/png)
where no widget manager runs (the PDF).
"""

import io

import ipywidgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from nbcode.widgets import (  # noqa: E402
    LivePanel,
    dropdown,
    live_panel,
    log_slider,
    make_controls,
    select_slider,
    slider,
    text,
    toggle,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class Recording:
    """A draw function that remembers its calls and plots a line of the given slope."""

    def __init__(self):
        self.calls = []

    def __call__(self, slope, colour, **others):
        self.calls.append({"slope": slope, "colour": colour, **others})
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.plot([0, 1], [0, slope], color=colour, lw=4)
        ax.set_ylim(-2, 2)
        return fig


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture
def panel_and_draw():
    draw = Recording()
    panel = live_panel({"slope": slider(1.0, -2.0, 2.0, step=0.5),
                        "colour": dropdown(["red", "blue"], label="line colour")},
                       draw, description="slope and colour")
    return panel, draw


def test_default_setting_is_drawn_at_once(panel_and_draw):
    panel, draw = panel_and_draw
    assert draw.calls == [{"slope": 1.0, "colour": "red"}]
    picture = panel.picture()
    assert picture is panel.children[-1] and picture.value[:4] == b"\x89PNG"
    red = pixels(picture.value)
    assert (red[..., 0] > 200).any() and not ((red[..., 2] > 200) & (red[..., 0] < 80)).any()


def test_changing_a_control_redraws_with_its_value(panel_and_draw):
    panel, draw = panel_and_draw
    before = panel.picture().value
    panel.controls["slope"].value = -2.0
    assert draw.calls[-1] == {"slope": -2.0, "colour": "red"}
    after_slope = panel.picture().value
    assert after_slope != before
    panel.controls["colour"].value = "blue"
    assert draw.calls[-1] == {"slope": -2.0, "colour": "blue"}
    assert len(draw.calls) == 3  # one draw per change, no more
    blue = pixels(panel.picture().value)
    # matplotlib's "blue" is (0, 0, 255): some pixels are now blue, none is pure red any more
    assert ((blue[..., 2] > 200) & (blue[..., 0] < 80)).any()
    assert not ((blue[..., 0] > 200) & (blue[..., 1] < 80) & (blue[..., 2] < 80)).any()
    assert panel.values() == {"slope": -2.0, "colour": "blue"}


def test_print_bundle_holds_the_current_picture(panel_and_draw):
    panel, _ = panel_and_draw
    panel.controls["slope"].value = 0.5
    bundle = panel._repr_mimebundle_()
    assert WIDGET_VIEW in bundle  # the site and Jupyter show the widget
    assert bundle["image/png"] == panel.picture().value  # a PDF shows the last drawn picture
    assert Image.open(io.BytesIO(bundle["image/png"])).format == "PNG"
    assert bundle["text/plain"] == "LivePanel(slope and colour: run the notebook to use it)"


def test_controls_get_labels_defaults_and_kinds():
    controls = make_controls({
        "learning_rate": log_slider(0.5, 1e-3, 10, step=0.25, label="η"),
        "batch_size": dropdown([("1", 1), ("full", None)], index=1),
        "penalty": toggle(["L2", "L1"]),
        "labels": select_slider([5, 10, 20], value=10),
        "n_hidden": slider(3, 1, 8),
        "rate": slider(0.0, 0.0, 0.8, step=0.1),
        "hidden": text("16, 16"),
    })
    lr = controls["learning_rate"]
    assert isinstance(lr, ipywidgets.FloatLogSlider) and lr.description == "η"
    assert (lr.min, lr.max, lr.base, lr.step, lr.value) == (-3.0, 1.0, 10, 0.25, 0.5)
    assert controls["batch_size"].value is None and controls["batch_size"].label == "full"
    assert isinstance(controls["penalty"], ipywidgets.ToggleButtons)
    assert controls["penalty"].value == "L2"  # the first option by default
    assert controls["labels"].value == 10
    assert type(controls["n_hidden"]) is ipywidgets.IntSlider
    assert controls["n_hidden"].description == "n hidden"  # the name, with spaces
    assert type(controls["rate"]) is ipywidgets.FloatSlider
    assert controls["hidden"].value == "16, 16"


def test_rows_lay_the_controls_out():
    draw = Recording()
    panel = live_panel({"slope": slider(1, -2, 2), "colour": dropdown(["red"]),
                        "a": slider(0, 0, 1), "b": slider(0, 0, 1)},
                       draw, rows=2, description="four")
    rows = panel.children[:-1]
    assert [len(row.children) for row in rows] == [2, 2]
    assert rows[0].children[0] is panel.controls["slope"]
    panel = live_panel({"slope": slider(1, -2, 2), "colour": dropdown(["red"])}, draw,
                       rows=[["colour"], ["slope"]], description="two rows")
    assert panel.children[0].children[0] is panel.controls["colour"]
    with pytest.raises(ValueError, match="each control once"):
        live_panel({"slope": slider(1, -2, 2), "colour": dropdown(["red"])}, draw,
                   rows=[["slope"]], description="colour missing")


def test_train_button_redraws_only_when_pressed_and_reports_bad_entries():
    calls = []

    def draw(n_units):
        units = int(n_units)  # a ValueError for "ten": shown in the status line
        calls.append(units)
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.bar([0], [units])
        ax.set_ylim(0, 20)
        return fig

    panel = live_panel({"n_units": text("4")}, draw, train=True, description="units")
    assert calls == [4]
    first = panel.picture().value
    panel.controls["n_units"].value = "16"
    assert calls == [4]  # no retraining until Train is pressed
    panel.train_button.click()
    assert calls == [4, 16] and panel.picture().value != first
    assert panel.status.value == "" and not panel.train_button.disabled
    drawn = panel.picture().value
    panel.controls["n_units"].value = "ten"
    panel.train_button.click()
    assert "invalid literal" in panel.status.value
    assert panel.picture().value == drawn  # the last picture stays
    assert not panel.train_button.disabled


def test_errors_teach():
    draw = Recording()
    with pytest.raises(TypeError, match="controls must be a non-empty dict"):
        live_panel({}, draw, description="none")
    with pytest.raises(TypeError, match=r"controls\['slope'\] must be a control"):
        live_panel({"slope": 1.0}, draw, description="bad")
    with pytest.raises(ValueError, match="Python name"):
        live_panel({"the slope": slider(1, 0, 2)}, draw, description="bad name")
    with pytest.raises(TypeError, match="draw must be a function"):
        live_panel({"slope": slider(1, 0, 2)}, "draw", description="bad draw")
    with pytest.raises(TypeError, match="draw must return a matplotlib Figure"):
        live_panel({"slope": slider(1, 0, 2)}, lambda slope: slope, description="no figure")
    with pytest.raises(ValueError, match="log_slider's min"):
        log_slider(0.5, 0.0, 1.0)


def test_a_ready_made_widget_is_used_as_it_is():
    own = ipywidgets.IntSlider(value=2, min=0, max=4, description="mine")
    seen = []

    def draw(level):
        seen.append(level)
        fig, _ = plt.subplots(figsize=(1, 1))
        return fig

    panel = live_panel({"level": own}, draw, description="own widget")
    assert panel.controls["level"] is own and own.description == "mine"
    own.value = 3
    assert seen == [2, 3]
    assert isinstance(panel, LivePanel)


def test_one_print_representation_for_every_widget():
    from nbcode.playground import Playground
    from nbcode.widgets import StaticPicture, TrainingPlayer

    for widget in (TrainingPlayer, LivePanel, Playground):
        assert widget._repr_mimebundle_ is StaticPicture._repr_mimebundle_, widget


# ------------------------------------------------------------------ LiveTraining


def _recorded_player():
    """A two-frame TrainingPlayer: what a panel shows without a kernel."""
    from nbcode.widgets import TrainingPlayer

    def update(axes, k):
        axes.plot([0, 1], [0, k], lw=4)

    return TrainingPlayer.from_items([0, 1], update, labels=["epoch 0", "epoch 1"], figsize=(2, 2))


class Countdown:
    """A session of `epochs` steps whose state is one number (the slope of its picture)."""

    def __init__(self, epochs, slope):
        if epochs < 1:
            raise ValueError("epochs must be at least 1")
        self.epochs, self.slope, self.epoch = epochs, slope, 0

    @property
    def done(self):
        return self.epoch >= self.epochs

    def step(self):
        self.epoch += 1


@pytest.fixture
def training_panel():
    from nbcode.widgets import LiveTraining

    image = ipywidgets.Image(format="png")
    drawn = []

    def draw(session):
        drawn.append((session.epoch, session.slope))
        fig, ax = plt.subplots(figsize=(2, 2))
        ax.plot([0, 1], [0, session.slope * session.epoch], lw=4)
        from nbcode.plots import figure_to_png

        image.value = figure_to_png(fig, dpi=72)
        plt.close(fig)
        panel.status.value = f"epoch {session.epoch} of {session.epochs}"

    controls = make_controls({"epochs": slider(3, 0, 10), "slope": slider(1.0, -2.0, 2.0, step=0.5)})
    panel = LiveTraining(_recorded_player(), lambda: Countdown(**panel.values()), draw, [image],
                         controls, description="a countdown")
    return panel, drawn


def test_live_training_shows_the_recording_until_a_live_run(training_panel):
    panel, drawn = training_panel
    assert panel.display.selected_index == 0 and drawn == []           # nothing trained yet
    recorded = panel.static_png()
    assert recorded == panel.player.render.frame(-1)                    # the printed form
    assert "a countdown" in panel.static_text()
    panel.step_button.click()                  # no run yet: a new one, drawn at its start
    assert drawn == [(0, 1.0)] and panel.display.selected_index == 1
    panel.step_button.click()
    panel.step_button.click()
    assert drawn[-1] == (2, 1.0) and panel.status.value == "epoch 2 of 3"
    assert panel.static_png() == panel.picture().value != recorded    # the live picture now


def test_live_training_plays_pauses_and_restarts_on_a_change(training_panel):
    panel, drawn = training_panel
    panel.play_button.click()
    assert panel.runner.wait(timeout=10) and not panel.runner.playing
    assert drawn[0] == (0, 1.0) and drawn[-1] == (3, 1.0)              # start and end drawn
    assert panel.play_button.description == "Play"                     # back from "Pause"
    panel.controls["slope"].value = -2.0       # a change: a new run, drawn at its start
    assert drawn[-1] == (0, -2.0) and panel.runner.session.epoch == 0
    panel.reset_button.click()
    assert drawn[-1] == (0, -2.0) and len(drawn) >= 4


def test_live_training_reports_refused_settings(training_panel):
    panel, drawn = training_panel
    panel.controls["epochs"].value = 0         # Countdown refuses it: said, not raised
    assert "epochs must be at least 1" in panel.status.value and "#A0430A" in panel.status.value
    assert panel.runner.session is None
    panel.play_button.click()                  # nothing to play
    assert not panel.runner.playing and panel.runner.session is None


def test_live_training_checks_its_parts():
    from nbcode.widgets import LiveTraining

    with pytest.raises(TypeError, match="player must be a TrainingPlayer"):
        LiveTraining("frames", lambda: None, lambda s: None, [], description="x")
    with pytest.raises(TypeError, match="draw must be callable"):
        LiveTraining(_recorded_player(), lambda: None, None, [], description="x")


def test_live_regions_trains_a_numpy_network_live():
    from nbcode import data, frames
    from nbcode.nn import MLP
    from nbcode.train import Recorder
    from nbcode.widgets import TrainingPlayer, live_regions, live_status

    X, y = data.make_moons(40, noise=0.3, seed=0)
    X_val, y_val = data.make_moons(40, noise=0.3, seed=1)
    limits = ((-2.0, 3.0), (-1.7, 2.2))
    recorder = Recorder(epochs=[0, 5])
    MLP(2, hidden=(8,), seed=0).fit(X, y, epochs=5, batch_size=None, callbacks=[recorder])
    player = TrainingPlayer.from_items(
        recorder.snapshots, lambda regions, s: regions.update(s[1], title=f"epoch {s[0]}"),
        setup=lambda ax: frames.DecisionRegions(ax, limits, X, y, resolution=12), figsize=(2, 2))

    def run(l2, epochs):
        return MLP(2, hidden=(8,), seed=0).training(X, y, epochs=epochs, batch_size=None, l2=l2,
                                                   validation_data=(X_val, y_val))

    panel = live_regions(player, run, {"l2": log_slider(0.01, 1e-4, 1.0), "epochs": slider(5, 1, 50)},
                         X, y, limits=limits, resolution=12, figsize=(2, 2), epochs_per_second=None,
                         description="an L2 run")
    assert panel.static_png() == player.render.frame(-1)
    panel.step_button.click()
    assert panel.status.value == "epoch 0 of 5"
    panel.play_button.click()
    assert panel.runner.wait(timeout=30) and panel.runner.error is None
    session = panel.runner.session
    assert session.done and session.epoch == 5
    assert panel.status.value == live_status(session)
    assert panel.status.value.startswith("epoch 5 of 5: training loss ")
    assert f"validation accuracy <b>{session.history['val_accuracy'][-1]:.3f}</b>" in panel.status.value
    assert "training accuracy" not in panel.status.value          # not in fit's history
    fitted = MLP(2, hidden=(8,), seed=0).fit(X, y, epochs=5, batch_size=None, l2=0.01,
                                             validation_data=(X_val, y_val))
    np.testing.assert_array_equal(fitted.layers[0].params["W"], session.model.layers[0].params["W"])
    with pytest.raises(TypeError, match="new_session must be callable"):
        live_regions(player, None, {}, X, y, description="x")
