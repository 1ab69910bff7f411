"""nbcode.transfer: the data split, new heads, freezing, the three regimes, recorders, plots."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nbcode import nn, train  # noqa: E402
from nbcode import transfer as tr  # noqa: E402
from nbcode.cnn import make_cnn  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return tr.split_digits(test_fraction=0.3, seed=0)


@pytest.fixture(scope="module")
def pretrained(data):
    return tr.pretrain(data.X_source[:200], data.y_source[:200], n_features=2, epochs=2, seed=0)


def test_split_digits_tasks_are_disjoint_and_relabelled(data):
    assert data.X_source.shape[1:] == (1, 8, 8)
    for y in (data.y_source, data.y_pool, data.y_target_test, data.y_source_test):
        assert set(np.unique(y)) == set(range(5))
    total = len(data.y_source) + len(data.y_source_test) + len(data.y_pool) + len(data.y_target_test)
    assert total == 1797
    assert abs(len(data.y_source_test) / (len(data.y_source) + len(data.y_source_test)) - 0.3) < 0.01
    with pytest.raises(ValueError, match="test_fraction"):
        tr.split_digits(test_fraction=1.5)


def test_sample_labels_is_balanced_and_deterministic(data):
    index = tr.sample_labels(data.y_pool, 12, seed=3)
    assert len(index) == len(set(index.tolist())) == 12
    counts = np.bincount(data.y_pool[index], minlength=5)
    assert counts.min() >= 2 and counts.max() <= 3
    assert np.array_equal(index, tr.sample_labels(data.y_pool, 12, seed=3))
    with pytest.raises(ValueError, match="n_labels"):
        tr.sample_labels(data.y_pool, 10_000)


def test_new_head_copies_the_body_and_draws_a_fresh_head(pretrained):
    model = tr.new_head(pretrained, n_classes=3, n_hidden=8, n_features=4, seed=0)
    n_body = tr.body_size(pretrained)
    assert n_body == 7
    for new, old in zip(model.layers[:n_body], pretrained.layers[:n_body], strict=True):
        assert new is not old
        for key in old.params:
            assert np.array_equal(new.params[key], old.params[key])
    assert model.layers[-1].params["W"].shape == (4, 3)
    assert model.layers[n_body].params["W"].shape == (64, 8)
    before = pretrained.layers[0].params["W"].copy()
    model.layers[0].params["W"] += 1.0
    assert np.array_equal(pretrained.layers[0].params["W"], before)


def test_freeze_and_n_trainable(pretrained):
    model = tr.new_head(pretrained, n_classes=5)
    assert tr.freeze(model, 7) is model
    assert [layer.trainable for layer in model.layers] == [i >= 7 for i in range(len(model.layers))]
    assert tr.n_trainable(model) == sum(layer.n_params for layer in model.layers[7:])
    assert tr.n_trainable(model) == model.summary(input_shape=(1, 8, 8)).trainable_params
    tr.freeze(model, 0)
    assert tr.n_trainable(model) == model.n_params


@pytest.mark.parametrize("regime", tr.REGIMES)
def test_train_target_regimes(data, pretrained, regime):
    index = tr.sample_labels(data.y_pool, 20, seed=0)
    model = tr.train_target(regime, pretrained, data.X_pool[index], data.y_pool[index],
                            n_steps=10, seed=0)
    assert model.predict(data.X_target_test[:5]).shape == (5,)
    body = model.layers[:7]
    changed = any(not np.array_equal(new.params[k], old.params[k])
                  for new, old in zip(body, pretrained.layers[:7], strict=True) for k in old.params)
    assert changed == (regime != "frozen")
    with pytest.raises(ValueError):
        tr.train_target("nonsense", pretrained, data.X_pool[index], data.y_pool[index])


def test_step_recorder_spans_both_stages_of_fine_tuning(data, pretrained):
    index = tr.sample_labels(data.y_pool, 20, seed=0)
    recorder = train.Recorder(steps=[0, 4, 8, 12, 16, 20])
    tr.train_target("fine-tune", pretrained, data.X_pool[index], data.y_pool[index], n_steps=20,
                    batch_size=10, seed=0, callbacks=[recorder])
    assert [step for step, _, _ in recorder.snapshots] == [0, 4, 8, 12, 16, 20]
    assert "6 of 6" in repr(recorder)


def test_learning_curve_shapes(data, pretrained):
    results = tr.learning_curve(pretrained, data, label_counts=(5, 10), seeds=(0, 1), n_steps=4)
    assert set(results) == set(tr.REGIMES)
    for accuracy in results.values():
        assert accuracy.shape == (2, 2)
        assert np.all((accuracy >= 0) & (accuracy <= 1))


def test_plots_run(data, pretrained):
    fig, axes = plt.subplots(1, 2)
    results = {"frozen": np.array([[0.5, 0.6], [0.7, 0.8]]),
               "scratch": np.array([[0.4, 0.5], [0.8, 0.9]])}
    tr.plot_learning_curves((10, 20), results, ax=axes[0])
    tr.plot_target_regions(pretrained, data.X_target_test[:30], data.y_target_test[:30],
                           ax=axes[1], resolution=10, title="t")
    plt.close(fig)
    wide = make_cnn(n_classes=5, n_features=3, seed=0)
    with pytest.raises(ValueError, match="2 units"):
        tr.plot_target_regions(wide, data.X_target_test[:5], data.y_target_test[:5])


def test_body_size_needs_a_flatten_layer():
    with pytest.raises(TypeError, match="Flatten"):
        tr.body_size(nn.MLP(2, (4,), 3))


def test_transfer_explorer_draws_its_default_state(data, pretrained):
    box = tr.transfer_explorer(pretrained, data, label_options=(5, 10), n_steps=4)
    picture = box.children[-1]
    assert picture.value[:4] == b"\x89PNG"
    slider = box.children[0].children[0]
    slider.value = 5 if slider.value != 5 else 10  # retrains and redraws
    assert picture.value[:4] == b"\x89PNG"
