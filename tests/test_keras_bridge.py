"""Tests of nbcode.keras_bridge: the Keras callbacks and the book's architectures in Keras."""

import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

from nbcode import data, keras_bridge, nn, train  # noqa: E402
from nbcode.keras_bridge import BoundaryRecorder, KerasSnapshot, PlayerCallback, ProgressLog  # noqa: E402


@pytest.fixture(scope="module")
def moons():
    return data.make_moons(n_samples=64, noise=0.2, seed=0)


def _compiled_twin(n_outputs=2, seed=0, learning_rate=0.5):
    numpy_model = nn.MLP(2, (8,), n_outputs=n_outputs, seed=seed)
    twin = keras_bridge.from_nbcode(numpy_model)
    loss, metric = keras_bridge.classifier_loss(1 if n_outputs <= 2 else n_outputs)
    twin.compile(optimizer=keras.optimizers.SGD(learning_rate), loss=loss, metrics=[metric])
    return numpy_model, twin


def test_from_nbcode_copies_weights_and_outputs(moons):
    X, _ = moons
    numpy_model, twin = _compiled_twin()
    out = np.asarray(twin(X.astype("float32")))[:, 0]
    np.testing.assert_allclose(out, numpy_model.decision_function(X), atol=1e-5)


def test_from_nbcode_same_training_path(moons):
    X, y = moons
    numpy_model, twin = _compiled_twin()
    keras_losses = twin.fit(X, y, epochs=5, batch_size=len(X), shuffle=False, verbose=0).history["loss"]
    numpy_model.fit(X, y, epochs=5, batch_size=None, optimizer=nn.SGD(0.5))
    np.testing.assert_allclose(keras_losses, numpy_model.history_["loss"][1:], rtol=1e-4)


def test_from_nbcode_rejects_conv():
    model = nn.Sequential([nn.Conv2D(1, 2, 3), nn.Flatten()])
    with pytest.raises(ValueError, match="first layer is Dense"):
        keras_bridge.from_nbcode(model)


def test_boundary_recorder_snapshots(moons):
    X, y = moons
    _, twin = _compiled_twin()
    recorder = BoundaryRecorder(epochs=[0, 1, 3])
    twin.fit(X, y, epochs=3, batch_size=16, verbose=0, callbacks=[recorder])
    assert [e for e, *_ in recorder.snapshots] == [0, 1, 3]
    assert np.isnan(recorder.snapshots[0][2]) and np.isfinite(recorder.snapshots[2][2])
    first, last = recorder.snapshots[0][1], recorder.snapshots[-1][1]
    assert isinstance(first, KerasSnapshot)
    proba = last.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    # The last snapshot is the trained model; the first differs from it.
    np.testing.assert_allclose(proba[:, 1], np.asarray(keras.ops.sigmoid(twin(X)))[:, 0], atol=1e-5)
    assert not np.allclose(first.predict_proba(X), proba)
    assert PlayerCallback is BoundaryRecorder
    assert isinstance(recorder, train.Recorder)  # the one recorder of nbcode, told by Keras


def test_boundary_recorder_continues_epoch_count(moons):
    X, y = moons
    _, twin = _compiled_twin()
    recorder = BoundaryRecorder()
    twin.fit(X, y, epochs=2, batch_size=32, verbose=0, callbacks=[recorder])
    twin.fit(X, y, epochs=2, batch_size=32, verbose=0, callbacks=[recorder])
    assert [e for e, *_ in recorder.snapshots] == [0, 1, 2, 3, 4]


@pytest.fixture(scope="module")
def trained_recorder(moons):
    X, y = moons
    _, twin = _compiled_twin()
    recorder = BoundaryRecorder(epochs=[0, 2, 6])
    twin.fit(X, y, epochs=6, batch_size=16, verbose=0, callbacks=[recorder])
    return twin, recorder


def test_boundary_recorder_player(moons, trained_recorder):
    X, y = moons
    _, recorder = trained_recorder
    player = recorder.player(X, y, resolution=20, title="moons")
    assert len(player.frames) == 3 and player.labels == ["epoch 0", "epoch 2", "epoch 6"]
    assert len(set(player.frames)) == 3  # the boundary moves: every frame differs
    # The render's cost is kept: one time per frame, the bytes of the frames.
    assert player.render.name == "moons" and len(player.render.seconds) == 3
    assert player.render.median_ms > 0 and player.n_bytes == player.render.n_bytes > 0
    with pytest.raises(ValueError, match="no snapshots"):
        BoundaryRecorder().player(X, y)


def test_boundary_recorder_player_evaluates_each_snapshot_once_on_the_grid(
        moons, trained_recorder, monkeypatch):
    """One batched call of the compiled network per frame, on the whole grid (no loop, no small batches)."""
    X, y = moons
    twin, recorder = trained_recorder
    calls, traced = [], []
    stateless_call = twin.stateless_call
    compiled = keras_bridge._inference(twin)

    def counted(trainable, non_trainable, inputs, **kwargs):
        traced.append(np.shape(inputs))
        return stateless_call(trainable, non_trainable, inputs, **kwargs)

    def forward(model):
        assert model is twin
        return lambda trainable, non_trainable, inputs: (calls.append(np.shape(inputs)),
                                                         compiled(trainable, non_trainable, inputs))[1]

    monkeypatch.setattr(twin, "stateless_call", counted)
    monkeypatch.setattr(keras_bridge, "_inference", forward)
    recorder.player(X, y, resolution=24)
    assert calls == [(24 * 24, 2)] * len(recorder.snapshots)
    assert traced in ([], [(24 * 24, 2)])  # traced once at most, for the grid's shape


def _compilations():
    """A context manager listing the programs XLA compiles (and the ones JAX's cache reads back)."""
    import logging
    from contextlib import contextmanager

    import jax

    @contextmanager
    def listening():
        messages = []

        class Handler(logging.Handler):
            def emit(self, record):
                message = record.getMessage()
                if "Finished XLA compilation" in message or "cache hit" in message:
                    messages.append(message)

        handler, logger = Handler(), logging.getLogger("jax")
        logger.addHandler(handler)
        try:
            with jax.log_compiles(True):
                yield messages
        finally:
            logger.removeHandler(handler)

    return listening()


def _compiled(messages, name):
    return [m for m in messages if f"compilation of jit({name})" in m]


def test_snapshot_outputs_are_the_models_and_one_program_serves_every_snapshot(moons):
    X, y = moons
    _, twin = _compiled_twin(n_outputs=3)
    before = KerasSnapshot(twin)
    twin.fit(X, y, epochs=2, batch_size=32, verbose=0)
    after = KerasSnapshot(twin)
    grid = np.random.default_rng(0).uniform(-2, 3, size=(77, 2))
    np.testing.assert_allclose(after.output(grid), np.asarray(twin(grid.astype("float32"))), atol=1e-6)
    assert not np.allclose(before.output(grid), after.output(grid))  # the weights of its own moment
    with _compilations() as messages:
        for snapshot in (before, after, KerasSnapshot(twin)):
            snapshot.predict_proba(grid)
    assert _compiled(messages, "forward") == []  # compiled for this shape already, once for all
    with _compilations() as messages:
        before.output(grid[:5])
    assert len(_compiled(messages, "forward")) == 1  # a new shape: one program, not one per layer


@pytest.mark.parametrize("name", ["uniform", "normal", "truncated_normal"])
def test_shared_draws_are_kerass_draws_bit_for_bit(name):
    """The shared draws equal Keras' own, for any shape and seed, and compile one program."""
    import jax
    from keras.src.backend.jax import random as jax_random

    shared, original = getattr(jax_random, name), keras_bridge._KERAS_ORIGINALS[name]
    assert shared is not original  # importing keras_bridge installed them
    parameters = {"minval": -0.3, "maxval": 0.7} if name == "uniform" else {"mean": 0.1, "stddev": 0.05}
    shapes = [(2, 64), (64, 64), (3, 3, 1, 8), (7,), (), (0, 5), (300, 300)]
    for shape in shapes:
        for seed in (0, 1, 12345):
            got = np.asarray(shared(shape, seed=seed, **parameters))
            expected = np.asarray(original(shape, seed=seed, **parameters))
            assert got.dtype == expected.dtype == np.float32 and got.shape == expected.shape == shape
            assert got.tobytes() == expected.tobytes(), (name, shape, seed)
    # Drawn directly by JAX, the closed form of Keras' function for an integer seed.
    key = jax.numpy.asarray([4, 0], dtype="uint32")
    # (float32 said explicitly: another test may have switched JAX to 64-bit defaults)
    f32 = "float32"
    direct = {"uniform": lambda: jax.random.uniform(key, (5, 6), f32, minval=-0.3, maxval=0.7),
              "normal": lambda: jax.random.normal(key, (5, 6), f32) * 0.05 + 0.1,
              "truncated_normal": lambda: jax.random.truncated_normal(key, -2.0, 2.0, (5, 6), f32)
              * 0.05 + 0.1}
    assert np.asarray(shared((5, 6), seed=4, **parameters)).tobytes() == np.asarray(direct[name]()).tobytes()
    # A seed generator advances the same way: the same sequence of draws.
    a, b = keras.random.SeedGenerator(3), keras.random.SeedGenerator(3)
    for shape in [(4, 4), (9,), (4, 4)]:
        assert (np.asarray(shared(shape, seed=a, **parameters)).tobytes()
                == np.asarray(original(shape, seed=b, **parameters)).tobytes())
    # New shapes, one program (at most: it may have been compiled by an earlier draw).
    with _compilations() as messages:
        for shape in [(11, 13), (17, 19), (23, 29), (31, 37)]:
            shared(shape, seed=7, **parameters)
    assert len([m for m in messages if "Finished XLA compilation" in m]) <= 1


def test_shared_draws_leave_other_cases_to_keras():
    import jax
    from keras.src.backend.jax import random as jax_random

    # float16, and a draw traced inside a compiled function, are Keras' own
    half = jax_random.normal((3, 4), seed=1, dtype="float16")
    assert str(half.dtype) == "float16"
    assert np.asarray(half).tobytes() == np.asarray(
        keras_bridge._KERAS_ORIGINALS["normal"]((3, 4), seed=1, dtype="float16")).tobytes()

    @jax.jit
    def traced(key):
        return jax_random.truncated_normal((6,), stddev=0.5, seed=key)

    key = jax.numpy.asarray([2, 0], dtype="uint32")
    np.testing.assert_array_equal(np.asarray(traced(key)), np.asarray(
        keras_bridge._KERAS_ORIGINALS["truncated_normal"]((6,), stddev=0.5, seed=key)))


def test_shared_initialisers_give_kerass_weights():
    init = keras.initializers
    initialisers = [init.GlorotUniform(seed=3), init.GlorotNormal(seed=3), init.HeNormal(seed=4),
                    init.HeUniform(seed=4), init.LecunNormal(seed=1), init.RandomNormal(0.2, 0.05, seed=5),
                    init.RandomUniform(-1, 2, seed=6), init.TruncatedNormal(seed=7),
                    init.Orthogonal(seed=2), init.Zeros(), init.Ones()]
    shared = [np.asarray(initialiser((33, 17))) for initialiser in initialisers]
    keras_bridge.share_initialiser_compilations(False)
    try:
        from keras.src.backend.jax import random as jax_random

        assert not keras_bridge._KERAS_ORIGINALS and jax_random.normal.__module__.startswith("keras")
        own = [np.asarray(initialiser((33, 17))) for initialiser in initialisers]
    finally:
        keras_bridge.share_initialiser_compilations()
    for initialiser, a, b in zip(initialisers, shared, own, strict=True):
        assert a.dtype == b.dtype == np.float32 and a.tobytes() == b.tobytes(), type(initialiser).__name__
    np.testing.assert_array_equal(shared[-2], np.zeros((33, 17)))
    np.testing.assert_array_equal(shared[-1], np.ones((33, 17)))


def test_zeros_and_ones_compile_nothing():
    zeros, ones = keras.initializers.Zeros(), keras.initializers.Ones()
    with _compilations() as messages:
        z = zeros((41, 43))
        o = ones((47,), dtype="int32")
    assert messages == []
    assert np.asarray(z).dtype == np.float32 and not np.asarray(z).any()
    assert np.asarray(o).dtype == np.int32 and np.all(np.asarray(o) == 1)
    # int64 is not a JAX dtype here (it would be int32): that case stays Keras' own (which warns)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert np.asarray(zeros((2,), dtype="int64")).dtype == np.asarray(
            keras_bridge._KERAS_ORIGINALS["Zeros"](zeros, (2,), "int64")).dtype


def test_reuse_compiled_programs(moons, tmp_path):
    """A second model with the same program reads it back: no compilation, the same training."""
    import os

    import jax

    X, y = moons
    assert jax.config.jax_compilation_cache_dir is None
    folder = keras_bridge.reuse_compiled_programs()
    try:
        assert os.path.isdir(folder) and keras_bridge.reuse_compiled_programs() == folder
        losses = []
        for round_ in range(2):
            _, twin = _compiled_twin(seed=3)
            with _compilations() as messages:
                losses.append(twin.fit(X, y, epochs=3, batch_size=len(X), shuffle=False,
                                       verbose=0).history["loss"])
            read_back = [m for m in messages if "cache hit for 'jit_train_step'" in m]
            # the first model compiles its training step; the second reads the same program back
            assert len(_compiled(messages, "train_step")) == 1 and len(read_back) == round_
        assert losses[0] == losses[1]
    finally:
        keras_bridge.reuse_compiled_programs(False)
    assert jax.config.jax_compilation_cache_dir is None and not os.path.exists(folder)
    assert jax.config.jax_persistent_cache_min_compile_time_secs == 1.0
    # A folder the user configured is theirs: kept, and not turned off.
    jax.config.update("jax_compilation_cache_dir", str(tmp_path))
    try:
        assert keras_bridge.reuse_compiled_programs() == str(tmp_path)
        keras_bridge.reuse_compiled_programs(False)
        assert jax.config.jax_compilation_cache_dir == str(tmp_path)
    finally:
        jax.config.update("jax_compilation_cache_dir", None)
        from jax.experimental.compilation_cache import compilation_cache

        compilation_cache.reset_cache()


def test_boundary_recorder_player_frames_equal_full_redraws(moons, trained_recorder):
    """The blitted frames are the frames drawn from scratch, except on the axes' edges."""
    from test_frames import assert_same_picture

    from nbcode import frames
    from nbcode.widgets import TrainingPlayer

    X, y = moons
    _, recorder = trained_recorder
    figsize, resolution = (3.0, 2.8), 30
    # The player's default limits: the data and 0.5 around it, computed once.
    limits = tuple((X[:, j].min() - 0.5, X[:, j].max() + 0.5) for j in range(2))

    def draw_from_scratch(ax, item):
        regions = frames.DecisionRegions(ax, limits, X, y, resolution=resolution, size=8,
                                         class_names=["a", "b"], legend_loc="upper left")
        regions.update(item[1], title=keras_bridge.snapshot_title(item), fontsize=9)

    player = recorder.player(X, y, resolution=resolution, figsize=figsize, colors=None,
                             class_names=["a", "b"])
    slow = TrainingPlayer.from_items(recorder.snapshots, update=draw_from_scratch,
                                     labels=player.labels, figsize=figsize, colors=None)
    canvas = frames.FrameCanvas(figsize, colors=None)
    draw_from_scratch(canvas.axes, recorder.snapshots[0])
    canvas.rgb()
    x0, y0, x1, y1 = canvas.axes.get_window_extent().extents
    height = canvas.canvas.get_width_height()[1]
    edges = [(round(x0), round(height - y0)), (round(x1), round(height - y1))]
    assert len(player.frames) == len(slow.frames) == 3
    for fast_frame, slow_frame in zip(player.frames, slow.frames, strict=True):
        assert_same_picture(fast_frame, slow_frame, edges)


def test_snapshot_title():
    assert keras_bridge.snapshot_title((0, None, float("nan"))) == "epoch 0"
    assert keras_bridge.snapshot_title((5, None, 0.69123)) == "epoch 5, loss 0.691"


def test_snapshot_multiclass_probabilities():
    X, y = data.make_spirals(n_samples=30, n_classes=3, seed=0)
    _, twin = _compiled_twin(n_outputs=3)
    proba = KerasSnapshot(twin).predict_proba(X)
    assert proba.shape == (30, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    assert KerasSnapshot(twin).predict(X).shape == (30,)


def test_output_is_logits():
    with_sigmoid = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    assert not keras_bridge.output_is_logits(with_sigmoid)
    assert keras_bridge.output_is_logits(plain)


def test_progress_log_lines_are_deterministic(moons):
    X, y = moons
    lines = []
    _, twin = _compiled_twin()
    log = ProgressLog(every=2, print_fn=lines.append)
    twin.fit(X, y, epochs=5, batch_size=32, verbose=0, callbacks=[log])
    assert [line.split()[1] for line in lines] == ["2/5", "4/5", "5/5"]
    assert lines[0].split()[2] == "loss"              # the loss comes first
    assert "accuracy" in lines[0] and "s/step" not in lines[0]
    assert log.lines == lines


def test_progress_log_reports_early_stop(moons):
    X, y = moons
    lines = []
    _, twin = _compiled_twin()
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    twin.fit(X, y, epochs=50, batch_size=32, verbose=0,
             callbacks=[stop, ProgressLog(every=100, metrics=["loss"], print_fn=lines.append)])
    assert lines[-1].startswith("stopped after epoch")
    assert lines[0].split() == ["epoch", lines[0].split()[1], "loss", lines[0].split()[3]]


def test_progress_log_validates_every():
    with pytest.raises(ValueError):
        ProgressLog(every=0)


def test_mlp_matches_nbcode_parameter_count():
    keras_model = keras_bridge.build_mlp(2, (64, 64), n_outputs=3)
    assert keras_model.count_params() == nn.MLP(2, (64, 64), n_outputs=3).n_params
    assert keras_bridge.build_mlp(2, (16,), n_outputs=2).output_shape == (None, 1)
    with_dropout = keras_bridge.build_mlp(2, (16, 16), n_outputs=2, dropout=0.5)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in with_dropout.layers) == 2


def test_mlp_l2_is_half_lambda():
    lam = 0.02
    model = keras_bridge.build_mlp(2, (8,), n_outputs=3, l2=lam, seed=0)
    kernels = [layer.kernel.numpy() for layer in model.layers]
    expected = lam / 2 * sum(float(np.sum(w ** 2)) for w in kernels)
    assert float(sum(model.losses)) == pytest.approx(expected, rel=1e-5)


def test_cnn_shapes_and_features():
    model = keras_bridge.build_cnn(input_shape=(8, 8, 1), filters=8, n_hidden=32, n_classes=10)
    assert model.output_shape == (None, 10)
    assert model.features.output_shape == (None, 128)
    expected = (9 + 1) * 8 + (128 + 1) * 32 + (32 + 1) * 10
    assert model.count_params() == expected


def test_classifier_loss():
    loss, metric = keras_bridge.classifier_loss(1)
    assert isinstance(loss, keras.losses.BinaryCrossentropy)
    metric.update_state(np.array([[1.0], [0.0]]), np.array([[0.2], [-0.1]]))  # logits
    assert float(metric.result()) == 1.0
    loss, _ = keras_bridge.classifier_loss(3)
    assert isinstance(loss, keras.losses.SparseCategoricalCrossentropy)


def test_keras_counts_and_numpy_initialisers():
    from keras.src import backend

    saved = backend.random.normal
    with keras_bridge.numpy_initialisers(seed=0):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4),
                                  keras.layers.BatchNormalization()])
    assert backend.random.normal is saved  # Keras' own generator is back
    trainable, frozen = keras_bridge.keras_counts(model)
    # Dense: 3 * 4 weights + 4 biases; BatchNormalization: gamma, beta (trained), mean, variance.
    assert (trainable, frozen) == (3 * 4 + 4 + 2 * 4, 2 * 4)
    assert trainable + frozen == model.count_params()


def test_program_folders_of_ended_sessions_are_removed(tmp_path):
    # A kernel killed by nbval leaves its folder; the next session removes it (its process
    # has ended) and leaves those of live sessions (this one's parent, here) alone.
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True).stdout.strip()
    orphan = tmp_path / f"nbcode-jax-programs-{ended}-abc"
    alive = tmp_path / f"nbcode-jax-programs-{os.getppid()}-def"
    mine = tmp_path / f"nbcode-jax-programs-{os.getpid()}-ghi"
    other = tmp_path / "nbcode-jax-programs-notapid"
    for folder in (orphan, alive, mine, other):
        folder.mkdir()
        (folder / "program").write_text("x")
    assert keras_bridge._remove_orphan_program_folders(str(tmp_path)) == [str(orphan)]
    assert not orphan.exists() and alive.exists() and mine.exists() and other.exists()


# ------------------------------------------------------------------ live training


def _spiral_model(hidden=(8,), learning_rate=0.01, steps_per_execution=1):
    keras.utils.set_random_seed(0)
    model = keras_bridge.from_nbcode(nn.MLP(2, hidden, n_outputs=3, seed=1))
    loss, metric = keras_bridge.classifier_loss(3)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=[metric],
                  steps_per_execution=steps_per_execution)
    return model


@pytest.fixture(scope="module")
def spirals():
    return data.make_spirals(n_samples=60, n_classes=3, noise=0.2, seed=0)


def test_keras_session_steps_reach_the_weights_of_one_fit(spirals):
    X, y = spirals
    whole = _spiral_model(steps_per_execution=2)
    logs = whole.fit(X, y, epochs=4, batch_size=20, verbose=0).history
    session = keras_bridge.KerasSession(_spiral_model(steps_per_execution=2), X, y, epochs=4,
                                        batch_size=20)
    assert session.epoch == 0 and not session.done and session.history == {}
    while not session.done:
        session.step()
    assert session.epoch == 4 and repr(session) == "KerasSession(epoch 4 of 4)"
    for a, b in zip(whole.get_weights(), session.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)                    # bit for bit
    assert session.history["loss"] == logs["loss"] and session.history["accuracy"] == logs["accuracy"]
    frozen = session.snapshot()
    session.epochs = 5
    session.step()                                             # the snapshot stays put
    assert not np.array_equal(frozen.predict_proba(X), session.snapshot().predict_proba(X))


def test_keras_session_refuses_what_it_cannot_train(spirals):
    X, y = spirals
    bare = keras_bridge.from_nbcode(nn.MLP(2, (4,), n_outputs=3, seed=0))
    with pytest.raises(ValueError, match="compiled first"):
        keras_bridge.KerasSession(bare, X, y, epochs=3)
    with pytest.raises(TypeError, match="initial_epoch, verbose: the session sets these"):
        keras_bridge.KerasSession(_spiral_model(), X, y, epochs=3, verbose=1, initial_epoch=0)
    with pytest.raises(TypeError, match="must be a Keras model"):
        keras_bridge.KerasSession(nn.MLP(2, (4,), 3), X, y, epochs=3)
    with pytest.raises(ValueError, match="epochs"):
        keras_bridge.KerasSession(_spiral_model(), X, y, epochs=-1)


def test_live_training_trains_keras_live_and_reports_bad_settings(spirals):
    from nbcode.playground import parse_hidden
    from nbcode.widgets import dropdown, slider, text

    X, y = spirals
    recorder = BoundaryRecorder(epochs=[0, 2])
    _spiral_model().fit(X, y, epochs=2, batch_size=20, verbose=0, callbacks=[recorder])
    player = recorder.player(X, y, resolution=12)

    def run(hidden, batch_size, epochs):
        return keras_bridge.KerasSession(_spiral_model(parse_hidden(hidden)), X, y, epochs=epochs,
                                         batch_size=batch_size)

    panel = keras_bridge.live_training(
        player, run, {"hidden": text("8"), "batch_size": dropdown([20, 60], value=20),
                      "epochs": slider(3, 1, 10)}, X, y, resolution=12)
    assert panel.display.children[0] is player and panel.static_png() == player.render.frame(-1)
    panel.step_button.click()                                   # a new run, at epoch 0
    assert panel.status.value == "epoch 0 of 3" and panel.display.selected_index == 1
    start = panel.picture().value
    panel.play_button.click()
    assert panel.runner.wait(timeout=60) and panel.runner.error is None
    assert panel.status.value.startswith("epoch 3 of 3: training loss ")
    assert "training accuracy <b>" in panel.status.value
    assert panel.picture().value != start and panel.static_png() == panel.picture().value
    trained = panel.runner.session.model.get_weights()
    again = run("8", 20, 3)
    while not again.done:
        again.step()
    for a, b in zip(trained, again.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)                    # the thread trains as fit does
    panel.controls["hidden"].value = "8, x"                     # refused: said in the status line
    assert "hidden layers must be whole numbers" in panel.status.value
    assert panel.runner.session is None
    with pytest.raises(TypeError, match="player must be a TrainingPlayer"):
        keras_bridge.live_training("frames", run, {}, X, y)
