"""The Playground widget, driven without a browser: the recorded run, the live run (play,
pause, step, reset in a background thread), its settings and its pictures."""

import io
import threading
import time

import ipywidgets
import numpy as np
import pytest

from nbcode import data
from nbcode.nn import MLP, Adam
from nbcode.playground import (
    FEATURES,
    Playground,
    PlaygroundConfig,
    PlaygroundSession,
    feature_map,
    neuron_maps,
    parse_hidden,
)
from nbcode.widgets import LiveRunner


@pytest.fixture
def playground():
    return Playground(n_frames=4, epochs=20, hidden=(8,))


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_default_run_is_an_animation(playground):
    assert len(playground.player.frames) >= 3
    assert len(set(playground.player.frames)) == len(playground.player.frames)  # frames change
    assert playground.n_bytes > 0
    assert playground.display.selected_index == 0  # the player shows first
    assert playground.last_accuracy > 0.7           # on the held-out half
    assert "default run" in playground.status.value
    assert playground.image.value == b"" and playground.neurons.value == b""  # nothing twice


@pytest.mark.parametrize("settings", [
    {"hidden": (8,), "batch_size": 16, "learning_rate": 0.02},
    {"hidden": (6, 5), "activation": "tanh", "dropout": 0.3, "l2": 1e-3, "batch_size": None},
    {"hidden": (4,), "activation": "sigmoid", "l1": 1e-3, "dataset": "spirals", "batch_size": 1},
])
def test_a_session_trains_as_fit_does_bit_for_bit(settings):
    """k steps of a session give the weights of MLP.fit(..., epochs=k) on its training points."""
    session = PlaygroundSession(epochs=6, **settings)
    for _ in range(6):
        session.step()
    c = session.config
    init = "he" if c["activation"] == "relu" else "glorot"
    model = MLP(2, c["hidden"], session.n_classes, activation=c["activation"], init=init,
                dropout=c["dropout"], seed=c["seed"])
    model.fit(session.X_train, session.y_train, epochs=6, batch_size=c["batch_size"],
              optimizer=Adam(c["learning_rate"]), l2=c["l2"], l1=c["l1"], seed=c["seed"])
    assert session.done and session.epoch == 6
    assert len(model.parameters()) == len(session.model.parameters())
    for ours, theirs in zip(session.model.parameters(), model.parameters(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert len(session.history["test_loss"]) == 7  # epochs 0..6


def test_the_split_holds_out_test_points_by_the_seed():
    session = PlaygroundSession(n_samples=120, test_fraction=0.25, seed=3)
    X, y = data.make_classification_2d("moons", n_samples=120, seed=3)
    assert len(session.y_test) == 30 and len(session.y_train) == 90
    together = np.vstack([session.X_train, session.X_test])
    assert sorted(map(tuple, together)) == sorted(map(tuple, X))   # a partition of the data
    again = PlaygroundSession(n_samples=120, test_fraction=0.25, seed=3)
    np.testing.assert_array_equal(again.X_test, session.X_test)


def test_features_are_computed_and_reach_the_network():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    np.testing.assert_array_equal(feature_map(X, ("x1^2", "x1*x2", "sin(x2)")),
                                  [[1.0, 2.0, np.sin(2.0)], [0.25, -1.5, np.sin(3.0)]])
    # chosen in any order, used in FEATURES' order, each once
    np.testing.assert_array_equal(feature_map(X, ("x2", "x1", "x2")), X)
    assert list(FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    # on circles, x1^2 and x2^2 alone separate the classes with no hidden layer
    session = PlaygroundSession(dataset="circles", features=("x1^2", "x2^2"), hidden=(),
                                epochs=150, learning_rate=0.05)
    session.run()
    assert session.model.layers[0].n_in == 2
    assert session.history["test_accuracy"][-1] > 0.95
    with pytest.raises(ValueError, match="at least one input feature"):
        PlaygroundConfig(features=())
    with pytest.raises(ValueError, match="features"):
        PlaygroundConfig(features=("x3",))


def test_play_trains_in_the_background_and_redraws_while_it_trains(playground):
    playground.epochs.value = 60
    images = []
    playground.image.observe(lambda change: images.append(change["new"]), names="value")
    playground.play_button.click()
    assert playground.runner.playing and playground.play_button.description == "Pause"
    assert playground.runner.wait(timeout=60)
    session = playground.runner.session
    assert session.done and session.epoch == 60
    assert playground.play_button.description == "Play"
    assert len(images) >= 5 and len(set(images)) >= 5   # the picture changed while it trained
    assert playground.display.selected_index == 1
    assert playground.runner.redraws_per_second > 5
    # the neuron view: one map per hidden unit, 8 units in one row of 36 CSS px tiles
    assert playground.neurons.value[:4] == b"\x89PNG"
    width, height = png_size(playground.neurons.value)
    assert (width, height) == (2 * (8 * 36 + 7 * 4 + 2), 2 * (36 + 2))
    assert "(8)" in playground.neurons_caption.value
    assert "epoch 60 of 60" in playground.status.value
    assert playground.last_accuracy == session.history["test_accuracy"][-1]


def test_pause_stops_training_and_step_trains_one_epoch(playground):
    playground.epochs.value = 500
    playground.play_button.click()
    time.sleep(0.5)
    playground.play_button.click()           # Pause
    assert not playground.runner.playing
    epoch = playground.runner.session.epoch
    assert 0 < epoch < 500
    time.sleep(0.3)
    assert playground.runner.session.epoch == epoch   # nothing trains while paused
    assert f"epoch {epoch} of 500" in playground.status.value
    playground.step_button.click()
    assert playground.runner.session.epoch == epoch + 1
    assert f"epoch {epoch + 1} of 500" in playground.status.value
    playground.reset_button.click()
    assert playground.runner.session.epoch == 0
    assert "epoch 0 of 500" in playground.status.value


def test_a_control_change_starts_a_new_run(playground):
    playground.step_button.click()
    playground.step_button.click()
    assert playground.runner.session.epoch == 1    # the first click made the run
    playground.hidden.value = "16, 16"
    assert playground.runner.session.epoch == 0
    assert playground.runner.session.model.layers[0].n_out == 16
    playground.dataset.value = "blobs"             # with the blobs' own noise (their spread)
    assert playground.noise.value == data.default_noise("blobs") == 1.0
    assert playground.runner.session.config["noise"] == 1.0


def test_regularisation_and_batch_controls_reach_the_model(playground):
    playground.dataset.value = "spirals"
    playground.hidden.value = "8"
    playground.dropout.value = 0.2
    playground.penalty.value, playground.strength.value = "l1", 3e-3
    playground.batch_size.value = None
    playground.features.value = ("x1", "x2", "x1*x2")
    config = playground.current_config()
    assert (config["l1"], config["l2"], config["batch_size"]) == (3e-3, 0.0, None)
    playground.epochs.value = 5
    playground.train()
    names = [type(layer).__name__ for layer in playground.model.layers]
    assert "Dropout" in names
    assert playground.model.layers[0].n_in == 3
    assert playground.model.layers[-1].n_out == 3  # three spiral arms, softmax
    assert 0 <= playground.last_accuracy <= 1
    playground.penalty.value = "l2"
    assert playground.current_config()["l2"] == 3e-3 and playground.current_config()["l1"] == 0.0


def test_bad_entry_is_reported_not_raised(playground):
    playground.step_button.click()
    image = playground.image.value
    playground.hidden.value = "ten"
    assert "whole numbers" in playground.status.value
    playground.hidden.value = "8"
    playground.features.value = ()
    assert "at least one input feature" in playground.status.value
    playground.play_button.click()                   # still refused, still said
    assert not playground.runner.playing
    assert playground.image.value == image


def test_neuron_maps_scale_each_unit_and_show_dead_units_white():
    session = PlaygroundSession(hidden=(3, 2), epochs=1)
    layer = session.model.layers[0]
    layer.params["W"][:, 0], layer.params["b"][0] = 0.0, -1.0  # unit 0: relu(-1) = 0, dead
    png, units = neuron_maps(session.network, ((-1, 1), (-1, 1)), resolution=8, pixel_ratio=1)
    assert units == [3, 2]
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert image.shape == (2 * 36 + 4 + 2, 3 * 36 + 2 * 4 + 2, 3)  # a 1-pixel frame round each
    assert (image[1:37, 1:37] >= 254).all()           # the dead unit's map is white ...
    frame = np.concatenate([image[0, :38], image[37, :38], image[:38, 0], image[:38, 37]])
    assert (frame == 191).all()                       # ... in its grey frame
    assert (image[1:37, 38:40] == 255).all()          # the gap between two frames
    assert not (image[1:37, 41:77] >= 254).all()


def test_live_runner_reports_errors_of_the_thread():
    class Broken:
        epoch, done = 0, False

        def step(self):
            raise ValueError("the loss became nan")

    errors = []
    runner = LiveRunner(Broken, lambda s: None, on_error=errors.append)
    runner.play()
    assert runner.wait(timeout=5)
    assert [str(e) for e in errors] == ["the loss became nan"]
    quiet = LiveRunner(Broken, lambda s: None)   # no one to tell: kept
    quiet.play()
    quiet.wait(timeout=5)
    assert str(quiet.error) == "the loss became nan"
    with pytest.raises(TypeError, match="draw must be callable"):
        LiveRunner(Broken, None)


def test_live_runner_paces_the_steps_and_caps_the_redraws():
    class Counter:
        def __init__(self):
            self.epoch = 0

        @property
        def done(self):
            return self.epoch >= 30

        def step(self):
            self.epoch += 1

    drawn = []
    runner = LiveRunner(Counter, lambda s: drawn.append(s.epoch), max_fps=10,
                        max_steps_per_second=60)
    start = time.perf_counter()
    runner.play()
    assert runner.wait(timeout=10)
    seconds = time.perf_counter() - start
    assert 0.45 < seconds < 3                         # 30 steps at 60 a second
    assert drawn[0] == 0 and drawn[-1] == 30          # reset drew epoch 0; the end is drawn
    assert len(drawn) <= 1 + 0.5 * 10 + 2             # at most 10 redraws a second
    assert threading.active_count() >= 1 and not runner.playing


def test_parse_hidden_and_config():
    assert parse_hidden("16, 16") == (16, 16)
    assert parse_hidden("") == ()
    assert parse_hidden("4 8") == (4, 8)
    assert parse_hidden(5) == (5,)
    with pytest.raises(ValueError, match="between 1 and 512"):
        parse_hidden("0")
    with pytest.raises(TypeError, match="unknown playground settings"):
        PlaygroundConfig(colour="red")
    assert PlaygroundConfig(hidden="3,4")["hidden"] == (3, 4)
    with pytest.raises(ValueError, match="fewer than 2 to train on"):
        PlaygroundConfig(n_samples=10, test_fraction=0.9)


def test_no_hidden_layer_is_a_linear_classifier():
    pg = Playground(n_frames=3, epochs=5, hidden=())
    accuracy = pg.train()
    assert len(pg.model.layers) == 1 and np.isfinite(accuracy)
    assert pg.neurons.value == b"" and pg.neurons_caption.value == ""


def test_static_representations(playground):
    assert repr(playground).startswith("Playground(")
    bundle = playground._repr_mimebundle_()
    assert bundle["image/png"][:4] == b"\x89PNG"  # what a PDF shows
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_live_runs_keep_the_fixed_settings():
    pg = Playground(n_frames=3, epochs=5, hidden=(4,), noise=0.3, n_samples=120, seed=2)
    config = pg.current_config()
    assert (config["noise"], config["n_samples"], config["seed"]) == (0.3, 120, 2)
    assert pg.values()["hidden"] == "4" and pg.controls["epochs"] is pg.epochs
    assert isinstance(pg.features, ipywidgets.SelectMultiple)
