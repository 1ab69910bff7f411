"""The Playground widget, driven without a browser."""

import numpy as np
import pytest

from nbcode.playground import Playground, PlaygroundConfig, parse_hidden


@pytest.fixture(scope="module")
def playground():
    return Playground(n_frames=4, epochs=20, hidden=(8,))


def test_default_run_is_an_animation(playground):
    assert len(playground.player.frames) >= 3
    assert playground.n_bytes > 0
    assert playground.display.selected_index == 0  # the player shows first
    assert playground.last_accuracy > 0.7
    assert "default run" in playground.status.value


def test_train_button_retrains_and_redraws(playground):
    before = playground.image.value
    playground.dataset.value = "circles"
    playground.hidden.value = "16, 16"
    playground.epochs.value = 60
    playground.learning_rate.value = 0.03
    playground.train_button.click()
    assert playground.image.value != before
    assert playground.image.value[:4] == b"\x89PNG"
    assert playground.display.selected_index == 1
    assert playground.last_accuracy > 0.9
    assert playground.model.layers[0].n_out == 16
    assert "circles" in playground.status.value
    assert not playground.train_button.disabled


def test_regularisation_controls_reach_the_model(playground):
    playground.dataset.value = "spirals"
    playground.hidden.value = "8"
    playground.dropout.value = 0.2
    playground.l2.value = 1e-3
    playground.epochs.value = 5
    playground.train_button.click()
    names = [type(layer).__name__ for layer in playground.model.layers]
    assert "Dropout" in names
    assert playground.model.layers[-1].n_out == 3  # three spiral arms, softmax
    assert 0 <= playground.last_accuracy <= 1


def test_bad_entry_is_reported_not_raised(playground):
    image = playground.image.value
    playground.hidden.value = "ten"
    playground.train_button.click()
    assert "whole numbers" in playground.status.value
    assert playground.image.value == image


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


def test_no_hidden_layer_is_a_linear_classifier():
    pg = Playground(n_frames=3, epochs=5, hidden=())
    accuracy = pg.train()
    assert len(pg.model.layers) == 1 and np.isfinite(accuracy)


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
