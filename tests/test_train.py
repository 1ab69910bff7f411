"""nbcode.train: callbacks, early stopping and mini-batches."""

import numpy as np
import pytest

from nbcode import train


class Toy:
    """A model whose parameters are one number, for testing callbacks."""

    def __init__(self):
        self.w = 0.0

    def get_params(self):
        return {"w": self.w}

    def set_params(self, params):
        self.w = params["w"]


def progress(epoch, value, model=None):
    return train.Progress(epoch=epoch, step=epoch, loss=1.0, model=model or Toy(),
                          metrics={"val_loss": value})


def test_history_records_loss_and_metrics():
    history = train.History()
    for epoch, value in enumerate([3.0, 2.0, 1.5]):
        history(progress(epoch, value))
    assert history.epoch == [0, 1, 2]
    assert history["val_loss"] == [3.0, 2.0, 1.5]
    assert history["loss"] == [1.0, 1.0, 1.0]
    assert "3 epochs" in repr(history)


def test_recorder_keeps_copies_at_the_chosen_epochs():
    model = Toy()
    recorder = train.Recorder(epochs=[0, 2])
    for epoch in range(4):
        model.w = float(epoch)
        recorder(train.Progress(epoch, epoch, 0.5, model))
    assert [(e, m.w) for e, m, _ in recorder.snapshots] == [(0, 0.0), (2, 2.0)]
    assert len(recorder) == 2


def test_early_stopping_stops_after_patience_and_restores_the_best():
    model = Toy()
    stopper = train.EarlyStopping(monitor="val_loss", patience=2)
    stops = []
    # best at epoch 3; epochs 4 and 5 do not improve: stop at 5 and restore w = 3
    for epoch, value in enumerate([5.0, 4.0, 3.0, 3.5, 3.2], start=1):
        model.w = float(epoch)
        stops.append(stopper(progress(epoch, value, model)))
    assert stops == [False, False, False, False, True]
    assert stopper.best_epoch == 3 and stopper.stopped_epoch == 5
    assert stopper.best_value == 3.0
    assert model.w == 3.0


def test_early_stopping_explains_a_missing_metric():
    stopper = train.EarlyStopping(monitor="val_accuracy", mode="max")
    with pytest.raises(KeyError, match="pass validation data"):
        stopper(train.Progress(1, 1, 0.1, Toy(), {"loss": 0.1}))
    with pytest.raises(ValueError, match="mode must be"):
        train.EarlyStopping(mode="lowest")


@pytest.mark.parametrize("batch_size", [None, 1, 7, 100, 500])
def test_minibatches_partition_the_examples(batch_size):
    rng = np.random.default_rng(0)
    batches = list(train.minibatches(100, batch_size, rng))
    joined = np.sort(np.concatenate(batches))
    np.testing.assert_array_equal(joined, np.arange(100))
    expected = 1 if batch_size in (None, 100, 500) else -(-100 // batch_size)
    assert len(batches) == expected


def test_notify_stops_if_any_callback_asks():
    calls = []
    assert train.notify([lambda p: calls.append(1), lambda p: True], progress(1, 1.0))
    assert not train.notify([lambda p: None], progress(1, 1.0))
    assert calls == [1]


def test_fit_runs_epochs_of_minibatch_updates_and_reports_each_epoch():
    # n = 10 examples, batches of 4: 3 updates per epoch; the batch losses are the
    # batch sizes, so the mean batch loss is (4 + 4 + 2) / 3 every epoch.
    seen_batches, reports = [], []

    def update(batch):
        seen_batches.append(batch.copy())
        return float(len(batch))

    def report(epoch, step, batch_loss):
        reports.append((epoch, step, batch_loss))
        return -epoch, {"twice": 2 * epoch}

    history = train.fit("the model", update, 10, epochs=3, batch_size=4,
                        rng=np.random.default_rng(0), report=report)
    assert len(seen_batches) == 9
    for epoch in range(3):  # every epoch visits every example once
        np.testing.assert_array_equal(np.sort(np.concatenate(seen_batches[3 * epoch:3 * epoch + 3])),
                                      np.arange(10))
    assert reports[0][:2] == (0, 0) and np.isnan(reports[0][2])
    assert reports[1:] == [(e, 3 * e, 10 / 3) for e in (1, 2, 3)]
    assert history.epoch == [0, 1, 2, 3]
    assert history["loss"] == [0.0, -1.0, -2.0, -3.0] and history["twice"] == [0.0, 2.0, 4.0, 6.0]


def test_fit_without_report_gives_the_mean_batch_loss_and_honours_stop_at_epoch_0():
    progress_seen = []
    history = train.fit(None, lambda batch: 2.0 * batch.size, 6, epochs=2, batch_size=3,
                        shuffle=False, callbacks=[progress_seen.append])
    assert history["loss"][1:] == [6.0, 6.0] and np.isnan(history["loss"][0])
    assert [(p.epoch, p.step) for p in progress_seen] == [(0, 0), (1, 2), (2, 4)]
    updates = []
    train.fit(None, updates.append, 6, epochs=5, callbacks=[lambda p: True])
    assert updates == []  # a callback that stops at epoch 0 prevents every update


def test_fit_stops_after_the_epoch_a_callback_asks_and_checks_its_arguments():
    updates = []
    history = train.fit(None, updates.append, 4, epochs=10, batch_size=None, shuffle=False,
                        callbacks=[lambda p: p.epoch == 3])
    assert len(updates) == 3 and history.epoch == [0, 1, 2, 3]
    with pytest.raises(TypeError, match="update"):
        train.fit(None, "not a function", 4, epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        train.fit(None, updates.append, 4, epochs=-1)

