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
