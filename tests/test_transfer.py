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


def _piece_state(piece):
    regions = piece.regions
    return {"limits": regions.limits, "image": np.asarray(regions.image.get_array()),
            "boundary": [np.asarray(s) for s in regions.boundary.get_segments()],
            "points": [np.asarray(s.get_offsets()) for s in regions.scatters],
            "title": regions.ax.get_title()}


@pytest.mark.parametrize("rescale", [False, True])
def test_target_regions_updated_for_b_after_a_equal_the_piece_built_for_b(data, pretrained, rescale):
    from nbcode.cnn import cnn_features, feature_limits
    from nbcode.frames import CLASS_COLORS, CLASS_MARKERS, FrameCanvas

    X, y = data.X_target_test[:60], data.y_target_test[:60]
    a, b = make_cnn(n_classes=5, n_features=2, seed=0), pretrained  # an untrained net, then a trained one
    both = np.concatenate([cnn_features(a, X), cnn_features(b, X)])
    limits = None if rescale else feature_limits(both)  # fixed axes: those of every frame
    canvas = FrameCanvas()
    moved = tr.TargetRegions(canvas.axes, a, X, y, limits=limits, resolution=20, legend=True,
                             rescale=rescale)
    moved.update(a, title="A")
    canvas.rgb(moved.artists)
    moved.update(b, title="B")
    fresh = tr.TargetRegions(FrameCanvas().axes, b, X, y, limits=limits, resolution=20,
                             rescale=rescale)
    fresh.update(b, title="B")
    got, want = _piece_state(moved), _piece_state(fresh)
    np.testing.assert_allclose(got["limits"], want["limits"])
    np.testing.assert_allclose(got["image"], want["image"])
    assert len(got["boundary"]) == len(want["boundary"]) > 0
    for s_got, s_want in zip(got["boundary"], want["boundary"], strict=True):
        np.testing.assert_allclose(s_got, s_want)
    assert got["title"] == want["title"] == "B"
    # The points sit at B's features, class k in the colour and marker of digit k + 5.
    features = cnn_features(b, X)
    for scatter, points, mask, k in zip(moved.regions.scatters, got["points"],
                                        moved.regions.masks, range(5), strict=True):
        np.testing.assert_allclose(points, features[mask])
        assert np.all(y[mask] == k)
        assert tuple(scatter.get_facecolor()[0][:3]) == pytest.approx(
            matplotlib.colors.to_rgb(CLASS_COLORS[k + 5]))
        marker = matplotlib.markers.MarkerStyle(CLASS_MARKERS[k + 5])
        np.testing.assert_allclose(scatter.get_paths()[0].vertices,
                                   marker.get_path().transformed(marker.get_transform()).vertices)
    for got_points, want_points in zip(got["points"], want["points"], strict=True):
        np.testing.assert_allclose(got_points, want_points)
    if rescale:
        np.testing.assert_allclose(got["limits"], feature_limits(features))
    # The legend names the digits; the still picture is the same piece, updated once.
    texts = [t.get_text() for t in canvas.axes.get_legend().get_texts()]
    assert texts == ["5", "6", "7", "8", "9"]
    fig, ax = plt.subplots()
    tr.plot_target_regions(b, X, y, ax=ax, limits=limits, resolution=20, title="B")
    np.testing.assert_allclose(ax.images[0].get_array(), want["image"])
    plt.close(fig)


def test_target_regions_colour_a_class_by_its_digit_and_check_labels(data, pretrained):
    from nbcode.frames import CLASS_COLORS, FrameCanvas

    X, y = data.X_target_test[:40], data.y_target_test[:40]
    keep = (y == 1) | (y == 3)  # only the digits 6 and 8
    piece = tr.TargetRegions(FrameCanvas().axes, pretrained, X[keep], y[keep], legend=True,
                             legend_loc="outside right")
    colours = [tuple(s.get_facecolor()[0][:3]) for s in piece.regions.scatters]
    assert colours == [matplotlib.colors.to_rgb(CLASS_COLORS[6]),
                       matplotlib.colors.to_rgb(CLASS_COLORS[8])]
    assert [t.get_text() for t in piece.regions.ax.get_legend().get_texts()] == ["6", "8"]
    with pytest.raises(ValueError, match="0, ..., 4"):
        tr.TargetRegions(FrameCanvas().axes, pretrained, X, y + 1)
    with pytest.raises(ValueError, match="same number of rows"):
        tr.TargetRegions(FrameCanvas().axes, pretrained, X, y[:-1])


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


# --------------------------------------------------------------------------- the measured grid


def test_augment_digits_shapes_range_determinism_and_identity(data):
    X = data.X_source[:20]
    copies = tr.augment_digits(X, n_copies=3, seed=1)
    assert copies.shape == (60, 1, 8, 8)
    assert copies.min() >= 0.0 and copies.max() <= 1.0
    assert np.array_equal(copies, tr.augment_digits(X, n_copies=3, seed=1))
    assert not np.allclose(copies, tr.augment_digits(X, n_copies=3, seed=2))
    # copy k of image i is row k * n + i: every copy keeps most of its image's ink
    ink = copies.reshape(3, 20, -1).sum(axis=2) / X.reshape(20, -1).sum(axis=1)
    assert 0.6 < ink.min() and ink.max() < 1.8
    same = tr.augment_digits(X, n_copies=2, seed=0, max_shift=0, max_angle=0, max_shear=0,
                             max_zoom=0, thicken=0)
    np.testing.assert_allclose(same, np.concatenate([X, X]), atol=1e-12)


@pytest.mark.parametrize("call, name", [
    (lambda X: tr.augment_digits(X[:, 0]), "X"),
    (lambda X: tr.augment_digits(np.concatenate([X, X], axis=1)), "X"),
    (lambda X: tr.augment_digits(X, n_copies=0), "n_copies"),
    (lambda X: tr.augment_digits(X, thicken=1.5), "thicken"),
    (lambda X: tr.augment_digits(X, max_zoom=1.0), "max_zoom"),
    (lambda X: tr.augment_digits(X, max_angle=-1.0), "max_angle"),
])
def test_augment_digits_refuses_bad_inputs(data, call, name):
    with pytest.raises((ValueError, TypeError), match=name):
        call(data.X_source[:4])


def test_permute_pixels_is_one_fixed_permutation():
    X = np.arange(2 * 64, dtype=float).reshape(2, 1, 8, 8)
    out = tr.permute_pixels(X, seed=3)
    assert out.shape == X.shape
    order = out[0].ravel().astype(int)                    # image 0 holds 0..63: the permutation
    assert sorted(order.tolist()) == list(range(64)) and order.tolist() != list(range(64))
    assert np.array_equal(out[1].ravel(), X[1].ravel()[order])    # the same one for every image
    assert np.array_equal(out, tr.permute_pixels(X, seed=3))
    assert not np.array_equal(out, tr.permute_pixels(X, seed=4))


def test_split_digits_noise_keeps_the_split_and_adds_gaussian_noise(data):
    noisy = tr.split_digits(test_fraction=0.3, seed=0, noise=0.3)
    for name in ("y_source", "y_source_test", "y_pool", "y_target_test"):
        assert np.array_equal(getattr(noisy, name), getattr(data, name))
    residual = np.concatenate([(noisy.X_pool - data.X_pool).ravel(),
                               (noisy.X_target_test - data.X_target_test).ravel()])
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01
    with pytest.raises(ValueError, match="noise"):
        tr.split_digits(noise=-0.1)


def test_source_task_similar_and_dissimilar(data):
    X, y = tr.source_task("similar", n_copies=2, noise=0.2)
    n = len(data.y_source)
    assert X.shape == (3 * n, 1, 8, 8) and np.array_equal(y, np.tile(data.y_source, 3))
    residual = X[:n] - data.X_source                      # the originals come first, plus noise
    assert abs(residual.std() - 0.2) < 0.01
    X_far, y_far = tr.source_task("dissimilar", n_copies=2, noise=0.2)
    assert np.array_equal(X_far, tr.permute_pixels(X, seed=0)) and np.array_equal(y_far, y)
    with pytest.raises(ValueError, match="kind"):
        tr.source_task("close")


def test_linear_head_copies_or_redraws_the_body(pretrained):
    n_body = tr.body_size(pretrained)
    reused = tr.linear_head(pretrained, n_classes=5, seed=1)
    assert len(reused.layers) == n_body + 1
    assert reused.layers[-1].params["W"].shape == (64, 5)
    for new, old in zip(reused.layers[:n_body], pretrained.layers[:n_body], strict=True):
        assert new is not old
        for key in old.params:
            assert np.array_equal(new.params[key], old.params[key])
    fresh = tr.linear_head(pretrained, n_classes=5, seed=1, pretrained=False)
    assert [p.shape for p in fresh.parameters()] == [p.shape for p in reused.parameters()]
    assert not np.array_equal(fresh.layers[0].params["W"], reused.layers[0].params["W"])
    assert np.array_equal(fresh.layers[-1].params["W"], reused.layers[-1].params["W"])  # same seed
    # the honest count: a frozen body leaves only the linear layer to learn
    tr.freeze(reused, n_body)
    assert tr.n_trainable(reused) == 64 * 5 + 5
    assert reused.n_params - tr.n_trainable(reused) == (9 + 1) * 8 + (9 * 8 + 1) * 16


def test_split_labels_is_disjoint_balanced_and_checked(data):
    train_index, val_index = tr.split_labels(data.y_pool, 10, 25, seed=2)
    assert len(train_index) == 10 and len(val_index) == 25
    assert not set(train_index.tolist()) & set(val_index.tolist())
    assert np.bincount(data.y_pool[val_index], minlength=5).tolist() == [5] * 5
    again = tr.split_labels(data.y_pool, 10, 25, seed=2)
    assert np.array_equal(again[0], train_index) and np.array_equal(again[1], val_index)
    with pytest.raises(ValueError, match="n_validation"):
        tr.split_labels(data.y_pool, 10, len(data.y_pool))


def _tiny_task(data, n=15, n_val=20, seed=0):
    index, val = tr.split_labels(data.y_pool, n, n_val, seed=seed)
    return data.X_pool[index], data.y_pool[index], data.X_pool[val], data.y_pool[val]


def test_tune_picks_the_best_validation_setting_and_is_deterministic(data, pretrained):
    X, y, X_val, y_val = _tiny_task(data)
    rates, checkpoints = (0.001, 0.01, 0.1), (2, 5, 10)
    result = tr.tune(lambda: tr.linear_head(pretrained, seed=0), X, y, X_val, y_val, rates,
                     checkpoints, batch_size=8, seed=0)
    assert result.validation.shape == result.steps.shape == (3, 3)
    assert (result.steps >= np.array(checkpoints)).all()       # first epoch end at or past each
    i, j = np.unravel_index(np.argmax(result.validation), (3, 3))
    assert (result.learning_rate, result.n_steps) == (rates[i], result.steps[i, j])
    # the returned model is the one at the chosen checkpoint: its validation score is the best
    assert result.model.score(X_val, y_val) == result.validation.max()
    again = tr.tune(lambda: tr.linear_head(pretrained, seed=0), X, y, X_val, y_val, rates,
                    checkpoints, batch_size=8, seed=0)
    assert np.array_equal(again.validation, result.validation)
    for a, b in zip(again.model.parameters(), result.model.parameters(), strict=True):
        assert np.array_equal(a, b)


def test_tune_chooses_on_validation_data_only(data, pretrained):
    # The same training data, two validation sets: the choice follows the validation set.
    # Labels of the second are rotated (k -> k + 1), so what is good on one is bad on the other.
    X, y, X_val, y_val = _tiny_task(data, n=25, n_val=40)
    grid = dict(learning_rates=(0.001, 0.03), checkpoints=(1, 20), batch_size=25, seed=0)
    honest = tr.tune(lambda: tr.linear_head(pretrained, seed=0), X, y, X_val, y_val, **grid)
    rotated = tr.tune(lambda: tr.linear_head(pretrained, seed=0), X, y, X_val, (y_val + 1) % 5, **grid)
    np.testing.assert_array_equal(honest.steps, rotated.steps)
    assert honest.validation.max() == honest.model.score(X_val, y_val)
    assert rotated.validation.max() == rotated.model.score(X_val, (y_val + 1) % 5)
    assert (honest.learning_rate, honest.n_steps) != (rotated.learning_rate, rotated.n_steps)


@pytest.mark.parametrize("kwargs, name", [
    ({"learning_rates": ()}, "learning_rates"),
    ({"learning_rates": (-0.1,)}, "learning_rates"),
    ({"checkpoints": (0,)}, "checkpoints"),
    ({"batch_size": 0}, "batch_size"),
])
def test_tune_refuses_bad_grids(data, pretrained, kwargs, name):
    X, y, X_val, y_val = _tiny_task(data)
    with pytest.raises((ValueError, TypeError), match=name):
        tr.tune(lambda: tr.linear_head(pretrained), X, y, X_val, y_val, **kwargs)
    with pytest.raises(TypeError, match="make_model"):
        tr.tune("linear_head", X, y, X_val, y_val)
    with pytest.raises(TypeError, match="make_model"):
        tr.tune(lambda: "not a network", X, y, X_val, y_val)
    with pytest.raises(ValueError, match="y_val"):
        tr.tune(lambda: tr.linear_head(pretrained), X, y, X_val, y_val[:-1])


def test_transfer_grid_cells_frozen_body_and_determinism(data, pretrained):
    other = tr.pretrain(tr.permute_pixels(data.X_source[:200]), data.y_source[:200],
                        n_features=2, epochs=1, seed=1)
    before = [p.copy() for p in pretrained.parameters()]
    grid = dict(label_counts=(5, 20), seeds=(0, 1), learning_rates=(0.003, 0.03),
                checkpoints=(3, 6), n_validation=10)
    result = tr.transfer_grid({"similar": pretrained, "dissimilar": other}, data, **grid)
    for a, b in zip(pretrained.parameters(), before, strict=True):
        assert np.array_equal(a, b)                       # every regime trained a copy
    assert set(result.accuracy) == {(s, n, r) for s in ("similar", "dissimilar")
                                    for n in (5, 20) for r in tr.REGIMES}
    for key, values in result.accuracy.items():
        assert values.shape == (2,) and ((0 <= values) & (values <= 1)).all()
        assert len(result.settings[key]) == 2
        assert all(rate in (0.003, 0.03) for rate, _ in result.settings[key])
    for n in (5, 20):                                     # scratch never sees a source
        assert np.array_equal(result.accuracy["similar", n, "scratch"],
                              result.accuracy["dissimilar", n, "scratch"])
    mean, sd = result.mean_sd("similar", 5, "frozen")
    assert mean == result.accuracy["similar", 5, "frozen"].mean() and sd >= 0
    assert result.chosen("similar", 5, "frozen") in result.settings["similar", 5, "frozen"]
    assert "fine-tune" in result.table() and result.table().count("\n") == 4
    # The same grid again, its cells shared between two worker processes: the same numbers,
    # bit for bit, and the same choices (each cell seeds its own draws).
    again = tr.transfer_grid({"similar": pretrained, "dissimilar": other}, data, **grid, n_jobs=2)
    assert again.accuracy.keys() == result.accuracy.keys()
    for key in result.accuracy:
        assert np.array_equal(again.accuracy[key], result.accuracy[key])
        assert again.settings[key] == result.settings[key]
    # One regime alone: the very cells of the full grid, and a table with that column only.
    scratch = tr.transfer_grid({"similar": pretrained}, data, **grid, regimes=("scratch",), n_jobs=1)
    assert set(scratch.accuracy) == {("similar", n, "scratch") for n in (5, 20)}
    for n in (5, 20):
        assert np.array_equal(scratch.accuracy["similar", n, "scratch"],
                              result.accuracy["similar", n, "scratch"])
    assert scratch.regimes == ("scratch",) and "frozen" not in scratch.table()
    assert tr.transfer_grid({"similar": pretrained}, data, **grid,
                            regimes=("fine-tune", "frozen")).regimes == ("frozen", "fine-tune")
    with pytest.raises(ValueError, match="needs 'frozen'"):
        tr.transfer_grid({"similar": pretrained}, data, regimes=("fine-tune",))
    with pytest.raises(ValueError, match="regimes"):
        tr.transfer_grid({"similar": pretrained}, data, regimes=("linear probe",))
    with pytest.raises(ValueError, match="regimes"):
        tr.transfer_grid({"similar": pretrained}, data, regimes=())
    with pytest.raises(TypeError, match="pretrained"):
        tr.transfer_grid(pretrained, data)
    with pytest.raises(TypeError, match="data"):
        tr.transfer_grid({"similar": pretrained}, "digits")


def test_frozen_regime_on_features_equals_the_frozen_network(data, pretrained):
    # The grid trains the frozen regime's linear layer on features computed once: it must be
    # the same as training the whole network with its body frozen (same head, batches, Adam).
    X, y, _, _ = _tiny_task(data, n=20)
    n_body = tr.body_size(pretrained)
    network = tr.freeze(tr.linear_head(pretrained, seed=4), n_body)
    head = nn.Sequential([nn.Dense(64, 5, init="glorot", seed=4)])
    features = nn.Sequential(pretrained.layers[:n_body]).forward(X)
    network.fit(X, y, epochs=7, batch_size=8, optimizer=nn.Adam(0.01), seed=0)
    head.fit(features, y, epochs=7, batch_size=8, optimizer=nn.Adam(0.01), seed=0)
    for a, b in zip(network.layers[-1].parameters(), head.layers[0].parameters(), strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_grid_curves_and_plot_grid(data, pretrained):
    result = tr.transfer_grid({"similar": pretrained}, data, label_counts=(5, 10), seeds=(0, 1, 2),
                              learning_rates=(0.01,), checkpoints=(2,), n_validation=10)
    curves = result.curves("similar")
    assert set(curves) == set(tr.REGIMES) and curves["frozen"].shape == (2, 3)
    assert np.array_equal(curves["scratch"][1], result.accuracy["similar", 10, "scratch"])
    axes = tr.plot_grid(result, 5, 10)
    assert axes.shape == (2, 1) and axes[0, 0].get_title() == "similar source, 5 labels"
    heights = [patch.get_height() for patch in axes[1, 0].patches]
    np.testing.assert_allclose(heights, [result.mean_sd("similar", 10, r)[0] for r in tr.REGIMES])
    plt.close("all")
    with pytest.raises(ValueError, match="n_many"):
        tr.plot_grid(result, 5, 250)
    with pytest.raises(ValueError, match="source"):
        result.curves("dissimilar")


def test_train_target_with_a_two_unit_head_on_a_wider_network(data):
    wide = tr.pretrain(data.X_source[:100], data.y_source[:100], n_features=8, n_hidden=16,
                       epochs=1, seed=0)
    assert wide.layers[-1].n_in == 8 and wide.layers[7].params["W"].shape == (64, 16)
    for regime in tr.REGIMES:
        model = tr.train_target(regime, wide, data.X_pool[:20], data.y_pool[:20], n_steps=4,
                                n_features=2)
        assert model.layers[-1].params["W"].shape == (2, 5)


def test_grid_difference_is_a_paired_comparison():
    accuracy = {("s", 10, "frozen"): np.array([0.7, 0.8, 0.9]),
                ("s", 10, "scratch"): np.array([0.6, 0.7, 0.85]),
                ("s", 10, "fine-tune"): np.array([0.6, 0.7, 0.86])}
    result = tr.GridResult(accuracy, {}, (10,), (0, 1, 2), ("s",))
    mean, se, verdict = result.difference("s", 10, "frozen")
    d = np.array([0.1, 0.1, 0.05])
    assert np.isclose(mean, d.mean()) and np.isclose(se, d.std(ddof=1) / np.sqrt(3))
    assert verdict == "ahead"                               # 0.083 > 2 * 0.017
    assert result.difference("s", 10, "scratch", baseline="frozen")[2] == "behind"
    assert result.difference("s", 10, "fine-tune")[2] == "tie"   # 0, 0, 0.01


def test_train_target_with_a_linear_two_unit_head(data, pretrained):
    shapes = {}
    for regime in tr.REGIMES:
        model = tr.train_target(regime, pretrained, data.X_pool[:20], data.y_pool[:20], n_steps=4,
                                n_features=2, hidden=False)
        shapes[regime] = [p.shape for p in model.parameters()]
        assert model.layers[-2].params["W"].shape == (64, 2)
        assert model.layers[-1].params["W"].shape == (2, 5)
    assert shapes["frozen"] == shapes["fine-tune"] == shapes["scratch"]


def test_conv_init_reaches_the_scratch_networks(data, pretrained):
    he = tr.linear_head(pretrained, seed=3, pretrained=False)
    glorot = tr.linear_head(pretrained, seed=3, pretrained=False, conv_init="glorot")
    w_he, w_glorot = he.layers[3].params["W"], glorot.layers[3].params["W"]   # Conv2D(8, 16, 3)
    # He: normal with sd sqrt(2 / fan_in); Glorot: uniform with limit sqrt(6 / (fan_in + fan_out))
    assert abs(w_he.std() - np.sqrt(2 / 72)) < 0.03
    assert abs(w_glorot.std() - np.sqrt(6 / (72 + 144)) / np.sqrt(3)) < 0.02
    assert np.abs(w_glorot).max() <= np.sqrt(6 / (72 + 144))
    model = tr.train_target("scratch", pretrained, data.X_pool[:10], data.y_pool[:10], n_steps=1,
                            conv_init="glorot")
    assert np.abs(model.layers[0].params["W"]).max() < 1.0
    with pytest.raises(ValueError, match="init"):
        tr.linear_head(pretrained, pretrained=False, conv_init="uniform")
