"""Sequential and MLP: training results, gradients end to end, callbacks, summary, errors."""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_blobs, make_moons

from nbcode.nn import (
    MLP,
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    Sequential,
    binary_cross_entropy_with_logits,
    softmax_cross_entropy,
)
from nbcode.nn.optim import SGD
from nbcode.train import EarlyStopping, Recorder


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(600, noise=0.2, random_state=0)
    return X[:400], y[:400], X[400:], y[400:]


@pytest.fixture(scope="module")
def fitted(moons):
    X, y, _, _ = moons
    return MLP(2, (32, 32), seed=0).fit(X, y, epochs=60, optimizer="adam", learning_rate=0.01)


def test_mlp_learns_two_moons(moons, fitted):
    _, _, X_test, y_test = moons
    assert fitted.score(X_test, y_test) > 0.95
    assert fitted.history_["loss"][-1] < 0.5 * fitted.history_["loss"][0]


def test_binary_convention_one_sigmoid_unit(moons, fitted):
    X, _, _, _ = moons
    assert fitted.layers[-1].n_out == 1
    proba = fitted.predict_proba(X[:10])
    logits = fitted.decision_function(X[:10])
    assert proba.shape == (10, 2) and logits.shape == (10,)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-logits)))
    np.testing.assert_array_equal(fitted.predict(X[:10]), (logits > 0).astype(int))


def test_labels_are_mapped_through_classes(moons):
    X, y, _, _ = moons
    model = MLP(2, (16,), seed=0).fit(X, 2 * y - 1, epochs=5)
    np.testing.assert_array_equal(model.classes_, [-1, 1])
    assert set(np.unique(model.predict(X))) <= {-1, 1}


def test_multiclass_softmax():
    X, y = make_blobs(300, centers=3, random_state=0)
    model = MLP(2, (16,), n_outputs=3, seed=0).fit(X, y, epochs=30)
    assert model.layers[-1].n_out == 3
    assert model.predict_proba(X).shape == (300, 3)
    assert model.score(X, y) > 0.9


def test_backward_matches_finite_differences_end_to_end():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(3, 4, seed=0), Activation("tanh"), Dense(4, 3, seed=1)])
    X, y = rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0])
    loss, dout = softmax_cross_entropy(model.forward(X, training=True), y)
    model.backward(dout)
    for layer in (model[0], model[2]):
        for key, param in layer.params.items():
            numeric = np.zeros_like(param)
            for i in np.ndindex(param.shape):
                old = param[i]
                param[i] = old + 1e-6
                up = softmax_cross_entropy(model.forward(X), y)[0]
                param[i] = old - 1e-6
                down = softmax_cross_entropy(model.forward(X), y)[0]
                param[i] = old
                numeric[i] = (up - down) / 2e-6
            np.testing.assert_allclose(layer.grads[key], numeric, rtol=1e-5, atol=1e-9)


def test_training_backward_computes_the_same_gradients_and_skips_what_nobody_uses():
    # fit's backward pass (_param_backward) gives every trainable layer the gradients of the
    # full backward pass, bit for bit; it stops at the first trainable layer, whose dL/dx
    # (the data's gradient) it skips, and never touches the frozen layers before it.
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 1, 8, 8)), np.array([0, 1, 2, 0, 1, 2])
    for frozen_first in (False, True):
        model = Sequential([Conv2D(1, 4, padding=1, seed=0), Activation("relu"), MaxPool2D(2),
                            Conv2D(4, 4, padding=1, seed=1), Activation("relu"), MaxPool2D(2),
                            Flatten(), Dense(16, 3, seed=2)])
        model[0].trainable = not frozen_first
        _, dout = softmax_cross_entropy(model.forward(X, training=True), y)
        model.backward(dout)
        full = [{key: grad.copy() for key, grad in layer.grads.items()} for layer in model.layers]
        for layer in model.layers:
            layer.grads.clear()
        model._param_backward(dout)
        first = 3 if frozen_first else 0
        for k, layer in enumerate(model.layers):
            if k < first:
                assert layer.grads == {}
            else:
                assert layer.grads.keys() == full[k].keys()
                for key in layer.grads:
                    np.testing.assert_array_equal(layer.grads[key], full[k][key])


def test_l1_gives_exact_zeros_and_l2_shrinks(moons):
    X, y, _, _ = moons
    weights = {}
    for name, penalty in {"none": {}, "l1": {"l1": 0.01}, "l2": {"l2": 0.05}}.items():
        model = MLP(2, (32,), seed=0).fit(X, y, epochs=30, **penalty)
        weights[name] = np.concatenate([model[0].params["W"].ravel(), model[2].params["W"].ravel()])
        biases = model[0].params["b"]
    assert np.sum(weights["none"] == 0) == 0
    assert np.mean(weights["l1"] == 0) > 0.2
    assert np.linalg.norm(weights["l2"]) < 0.8 * np.linalg.norm(weights["none"])
    assert np.all(biases != 0)  # biases are not penalised


def test_penalty_is_part_of_the_reported_loss(moons):
    X, y, _, _ = moons
    model = MLP(2, (8,), seed=0)
    losses = []
    model.fit(X, y, epochs=0, l2=1.0, callbacks=[lambda p: losses.append(p.loss)])
    w = np.concatenate([model[0].params["W"].ravel(), model[2].params["W"].ravel()])
    plain = MLP(2, (8,), seed=0).fit(X, y, epochs=0).history_["loss"][0]
    assert losses[0] == pytest.approx(plain + 0.5 * np.sum(w ** 2))


def test_callbacks_see_epoch_zero_then_every_epoch(moons):
    X, y, X_val, y_val = moons
    seen = []
    recorder = Recorder(epochs=[0, 2])
    model = MLP(2, (8,), seed=0)
    model.fit(X, y, epochs=3, batch_size=50, validation_data=(X_val, y_val),
              callbacks=[lambda p: seen.append((p.epoch, p.step, sorted(p.metrics))), recorder])
    assert [s[:2] for s in seen] == [(0, 0), (1, 8), (2, 16), (3, 24)]
    assert seen[0][2] == ["val_accuracy", "val_loss"]
    assert [epoch for epoch, _, _ in recorder.snapshots] == [0, 2]
    assert model.history_.epoch == [0, 1, 2, 3] and len(model.history_["val_loss"]) == 4


def test_early_stopping_stops_and_restores_best(moons):
    X, y, X_val, y_val = moons
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    model = MLP(2, (32,), seed=0).fit(X, y, epochs=500, optimizer="adam", learning_rate=0.05,
                                       validation_data=(X_val, y_val), callbacks=[stopper])
    assert stopper.stopped_epoch is not None and stopper.stopped_epoch < 500
    assert model.history_.epoch[-1] == stopper.stopped_epoch
    o = model.decision_function(X_val)[:, None]
    val_loss, _ = binary_cross_entropy_with_logits(o, y_val[:, None].astype(float))
    assert val_loss == pytest.approx(stopper.best_value)


def test_training_is_reproducible(moons):
    X, y, _, _ = moons
    a = MLP(2, (8,), dropout=0.2, seed=3).fit(X, y, epochs=3)
    b = MLP(2, (8,), dropout=0.2, seed=3).fit(X, y, epochs=3)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)


def test_get_set_params_and_copy_are_deep(fitted, moons):
    X = moons[0]
    saved = fitted.get_params()
    clone = fitted.copy()
    clone[0].params["W"] += 1.0
    assert not np.allclose(clone.decision_function(X), fitted.decision_function(X))
    clone.set_params(saved)
    np.testing.assert_array_equal(clone.decision_function(X), fitted.decision_function(X))
    saved[0]["W"] += 1.0  # changing the copy leaves the model alone
    assert not np.array_equal(saved[0]["W"], fitted[0].params["W"])
    with pytest.raises(ValueError, match=r"params\[0\]\['W'\] must have shape \(2, 32\)"):
        clone.set_params([{"W": np.zeros((3, 3)), "b": np.zeros(32)}, *saved[1:]])


def test_frozen_layers_do_not_move_but_pass_gradients(moons):
    X, y, _, _ = moons
    model = MLP(2, (16, 16), seed=0)
    model[0].trainable = False
    first, second = model[0].params["W"].copy(), model[2].params["W"].copy()
    model.fit(X, y, epochs=2)
    np.testing.assert_array_equal(model[0].params["W"], first)
    assert not np.array_equal(model[2].params["W"], second)
    assert model.summary().non_trainable_params == 2 * 16 + 16


def test_squared_loss_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(300, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2
    model = Sequential([Dense(2, 32, seed=0), Activation("tanh"), Dense(32, 1, seed=1)])
    model.fit(X, y, epochs=200, loss="squared", optimizer="adam", learning_rate=0.01)
    assert model.predict(X).shape == (300,)
    assert model.score(X, y) > 0.95
    with pytest.raises(ValueError, match=r"predict_proba is for classifiers"):
        model.predict_proba(X)


def test_summary_counts_match_keras_formulas():
    model = MLP(2, (64, 64), dropout=0.5)
    summary = model.summary()
    assert [row[2] for row in summary.rows] == [2 * 64 + 64, 0, 0, 64 * 64 + 64, 0, 0, 64 + 1]
    assert summary.total_params == model.n_params == 2 * 64 + 64 + 64 * 64 + 64 + 65
    assert summary.rows[-1][1] == (1,)
    text = str(summary)
    assert "dense_1 (Dense)" in text and "(None, 64)" in text and "Total params: 4,417" in text
    cnn = Sequential([Conv2D(1, 8, 3, padding=1), Activation("relu"), MaxPool2D(2),
                      Conv2D(8, 16, 3), Flatten(), Dense(16 * 2 * 2, 10)])
    rows = cnn.summary(input_shape=(1, 8, 8)).rows
    assert [r[1] for r in rows] == [(8, 8, 8), (8, 8, 8), (8, 4, 4), (16, 2, 2), (64,), (10,)]
    assert [r[2] for r in rows] == [3 * 3 * 1 * 8 + 8, 0, 0, 3 * 3 * 8 * 16 + 16, 0, 64 * 10 + 10]
    with pytest.raises(ValueError, match=r"input_shape is needed"):
        cnn.summary()


def test_small_cnn_learns_digits():
    X, y = load_digits(return_X_y=True)
    X = X.reshape(-1, 1, 8, 8)[:300] / 16.0
    y = y[:300]
    cnn = Sequential([Conv2D(1, 4, 3, padding=1, seed=0), Activation("relu"), MaxPool2D(2),
                      Flatten(), Dense(4 * 4 * 4, 10, init="glorot", seed=1)])
    cnn.fit(X, y, epochs=8, optimizer="adam", learning_rate=0.01, l2=1e-4)
    assert cnn.score(X, y) > 0.8
    assert cnn.history_["loss"][-1] < 0.5 * cnn.history_["loss"][0]


def test_repr_lists_layers():
    text = repr(MLP(2, (4,), dropout=0.1))
    assert text.startswith("Sequential([\n    Dense(n_in=2, n_out=4, init='he'),")
    assert "Dropout(rate=0.1)" in text and "17 parameters" in text


def test_validation_errors_teach(moons, fitted):
    X, y, _, _ = moons
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\) .*received shape \(400, 3\)"):
        fitted.predict(np.hstack([X, X[:, :1]]))
    with pytest.raises(ValueError, match=r"X must be a 2-D or 3-D or 4-D array.*\(400,\)"):
        fitted.predict(X[:, 0])
    with pytest.raises(ValueError, match=r"loss must be one of \['cross_entropy', 'squared'\]"):
        MLP(2).fit(X, y, loss="mse")
    with pytest.raises(ValueError, match=r"y has 3 classes but the network has 1 output unit"):
        MLP(2).fit(X, y % 3 + (X[:, 0] > 1), epochs=1)
    with pytest.raises(ValueError, match=r"X and y must have the same number of rows.*400 and 10"):
        MLP(2).fit(X, y[:10])
    with pytest.raises(ValueError, match=r"epochs must be ≥ 0; received -1"):
        MLP(2).fit(X, y, epochs=-1)
    with pytest.raises(TypeError, match=r"layers\[1\] must be a Layer .*received str"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match=r"dropout|rate must be in \[0, 1\)"):
        MLP(2, dropout=1.5)
    assert isinstance(Dropout(0.0).forward(X, training=True), np.ndarray)


def test_copies_leave_the_batch_cache_behind():
    X = np.random.default_rng(0).random((20, 1, 8, 8))
    cnn = Sequential([Conv2D(1, 2, 3, seed=0), Flatten(), Dense(2 * 6 * 6, 3, seed=1)])
    cnn.fit(X, np.arange(20) % 3, epochs=1)
    assert cnn[0]._cache is not None and cnn.copy()[0]._cache is None
    np.testing.assert_array_equal(cnn.copy().predict(X), cnn.predict(X))
    with pytest.raises(ValueError, match=r"output must have shape \(n, n_outputs\)"):
        Sequential([Conv2D(1, 2, 3)]).fit(X, np.arange(20) % 2)


def test_summary_counts_match_keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    ours = Sequential([Conv2D(1, 8, 3, padding=1), Activation("relu"), MaxPool2D(2),
                       Flatten(), Dense(8 * 4 * 4, 32), Activation("relu"), Dropout(0.5),
                       Dense(32, 10)])
    theirs = keras.Sequential([
        keras.Input((8, 8, 1)), keras.layers.Conv2D(8, 3, padding="same"),
        keras.layers.Activation("relu"), keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(32), keras.layers.Activation("relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(10)])
    summary = ours.summary(input_shape=(1, 8, 8))
    assert [row[2] for row in summary.rows] == [layer.count_params() for layer in theirs.layers]
    assert summary.total_params == theirs.count_params()


def test_l1_proximal_step_follows_a_learning_rate_schedule():
    """The soft-threshold of each step is l1 times the rate of that step: a schedule that
    drops to ~0 after the first update leaves the weights where one update put them, and a
    constant schedule is bit-identical to the same number."""
    X, y = make_moons(n_samples=40, noise=0.2, random_state=0)
    one_step = MLP(2, (8,), 2, seed=0)
    one_step.fit(X, y, 1, batch_size=40, optimizer=SGD(0.1), l1=0.05, seed=0)
    scheduled = MLP(2, (8,), 2, seed=0)
    scheduled.fit(X, y, 3, batch_size=40, optimizer=SGD(lambda t: 0.1 if t == 0 else 1e-300),
                  l1=0.05, seed=0)
    for a, b in zip(one_step.layers, scheduled.layers, strict=True):
        for key in a.params:
            np.testing.assert_allclose(b.params[key], a.params[key], rtol=0, atol=1e-250)
    constant = MLP(2, (8,), 2, seed=0)
    constant.fit(X, y, 2, optimizer="sgd", learning_rate=lambda t: 0.1, l1=0.05, seed=0)
    number = MLP(2, (8,), 2, seed=0)
    number.fit(X, y, 2, optimizer="sgd", learning_rate=0.1, l1=0.05, seed=0)
    for a, b in zip(constant.layers, number.layers, strict=True):
        for key in a.params:
            np.testing.assert_array_equal(a.params[key], b.params[key])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_loss_and_accuracy_is_what_fit_reports_for_validation_data(n_classes):
    X, y = make_blobs(240, centers=n_classes, random_state=1)
    X_train, y_train, X_val, y_val = X[:160], y[:160], X[160:], y[160:]
    model = MLP(2, (8,), n_classes, seed=0)
    with pytest.raises(RuntimeError, match="fit"):
        model.loss_and_accuracy(X_val, y_val)
    model.fit(X_train, y_train, epochs=3, validation_data=(X_val, y_val), l2=1e-2)
    loss, accuracy = model.loss_and_accuracy(X_val, y_val)
    assert loss == model.history_["val_loss"][-1]          # the same numbers, no penalty
    assert accuracy == model.history_["val_accuracy"][-1] == model.score(X_val, y_val)
    logits = model.forward(X_val)
    expected = (binary_cross_entropy_with_logits(logits[:, 0], y_val.astype(float))[0]
                if n_classes == 2 else softmax_cross_entropy(logits, y_val)[0])
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("options", [
    dict(batch_size=16, optimizer="adam", learning_rate=0.01, l2=1e-3),
    dict(batch_size=None, optimizer="sgd", learning_rate=0.5, l1=1e-3),
])
def test_training_stepped_is_fit_bit_for_bit(options):
    X, y = make_moons(60, noise=0.3, random_state=0)
    X_val, y_val = make_moons(40, noise=0.3, random_state=1)
    fitted = MLP(2, hidden=(8, 8), dropout=0.2, seed=3).fit(
        X, y, epochs=12, validation_data=(X_val, y_val), seed=5, **options)
    model = MLP(2, hidden=(8, 8), dropout=0.2, seed=3)
    run = model.training(X, y, epochs=12, validation_data=(X_val, y_val), seed=5, **options)
    assert run.epoch == 0 and not run.done and run.history.epoch == [0]   # epoch 0 reported at once
    while not run.done:
        run.step()
    assert run.epoch == 12 and run.steps == 12 * (-(-60 // options["batch_size"]) if options["batch_size"] else 1)
    for a, b in zip(fitted.layers, model.layers, strict=True):
        for name, value in a.params.items():
            np.testing.assert_array_equal(value, b.params[name])
    assert run.history.values == fitted.history_.values and run.history.epoch == list(range(13))
    assert repr(run) == "Training(epoch 12 of 12)"


def test_training_stops_when_a_callback_says_so():
    X, y = make_moons(60, noise=0.3, random_state=0)
    X_val, y_val = make_moons(40, noise=0.3, random_state=1)
    stopper = EarlyStopping(monitor="val_loss", patience=3)
    run = MLP(2, hidden=(32, 32), seed=0).training(X, y, epochs=2000, batch_size=None,
                                                  optimizer="sgd", learning_rate=0.5,
                                                  validation_data=(X_val, y_val),
                                                  callbacks=[stopper])
    while not run.done:
        run.step()
    assert run.stopped and run.epoch == stopper.stopped_epoch < 2000
    assert repr(run).endswith(", stopped)")
    with pytest.raises(ValueError, match="epochs"):
        MLP(2, hidden=(4,), seed=0).training(X, y, epochs=-1)
