"""Tests of the helpers added for chapters 3 and 4 (several seeds, stable verdicts)."""

import numpy as np
import pytest

from nbcode import analysis, data, nn

X3, Y3 = data.make_spirals(30, n_classes=3, noise=0.2, seed=0)   # 30 points, 3 classes


def test_tiny_weights_start_at_the_uniform_guess():
    # Weights of size 1e-12 and zero biases make every logit ~0: the loss is log k exactly.
    runs = analysis.train_from_initialisations(X3, Y3, {"tiny": ("normal", 1e-12)}, seeds=(0, 1),
                                                hidden=(4, 4), epochs=2)
    np.testing.assert_allclose(runs["tiny"]["start_loss"], np.log(3), rtol=1e-9)


def test_one_run_is_the_documented_recipe():
    seed, hidden = 3, (5, 5)
    runs = analysis.train_from_initialisations(X3, Y3, {"Glorot": ("glorot", None)}, seeds=[seed],
                                                hidden=hidden, epochs=4, batch_size=8, learning_rate=0.2)
    model = nn.MLP(2, hidden=hidden, n_outputs=3, activation="tanh", seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers[::2]:
        W = layer.params["W"]
        W[...] = nn.init_weights(W.shape, *W.shape, init="glorot", rng=rng)
    model.fit(X3, Y3, epochs=4, batch_size=8, optimizer=nn.SGD(0.2), seed=seed)
    run = runs["Glorot"]
    assert run["loss_curves"].shape == (1, 5)
    np.testing.assert_array_equal(run["loss_curves"][0], model.history_["loss"])
    assert run["start_loss"][0] == run["loss_curves"][0, 0]
    assert run["final_loss"][0] == run["loss_curves"][0, -1]
    assert run["train_accuracy"][0] == model.score(X3, Y3)


def test_runs_on_two_processes_equal_the_runs_in_one():
    # The chapter's depth (8 tanh layers of 64) is chaotic: any difference in one product
    # would show in the curves. Two processes give the very numbers of one, rule by rule.
    schemes = {"large": ("normal", 1.0), "Glorot": ("glorot", None)}
    kwargs = dict(seeds=range(3), hidden=(64,) * 8, epochs=3, learning_rate=0.1)
    one = analysis.train_from_initialisations(X3, Y3, schemes, n_jobs=1, **kwargs)
    two = analysis.train_from_initialisations(X3, Y3, schemes, n_jobs=2, **kwargs)
    assert list(two) == list(one)
    for name in schemes:
        for key in one[name]:
            np.testing.assert_array_equal(two[name][key], one[name][key])


def test_seeds_give_different_runs_and_every_rule_gets_every_seed():
    runs = analysis.train_from_initialisations(
        X3, Y3, {"a": ("glorot", None), "b": ("normal", 1.0)}, seeds=range(3), hidden=(4,), epochs=1)
    assert list(runs) == ["a", "b"]
    for run in runs.values():
        assert run["loss_curves"].shape == (3, 2)
        assert len(np.unique(run["start_loss"])) == 3      # three seeds, three initial networks


@pytest.mark.parametrize("kwargs, message", [
    ({"schemes": {}}, "schemes"),
    ({"schemes": {"x": "glorot"}}, "schemes['x']"),
    ({"schemes": {"x": ("uniform", 1.0)}}, "init"),
    ({"seeds": []}, "seeds"),
    ({"epochs": 0}, "epochs"),
])
def test_errors_name_the_argument(kwargs, message):
    arguments = {"schemes": {"Glorot": ("glorot", None)}, "hidden": (3,), "epochs": 1, **kwargs}
    with pytest.raises((TypeError, ValueError), match=message.replace("[", r"\[").replace("]", r"\]")):
        analysis.train_from_initialisations(X3, Y3, **arguments)


def test_two_classes_are_refused():
    with pytest.raises(ValueError, match="3 classes"):
        analysis.train_from_initialisations(X3, Y3 % 2, {"Glorot": ("glorot", None)}, epochs=1)
