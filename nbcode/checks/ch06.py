"""Checkers for chapter 6: transfer learning and fine-tuning."""

from __future__ import annotations

import copy

import numpy as np

from ..cnn import make_cnn
from ..nn import Dense, Sequential
from .core import CheckResult, _call_student, report

__all__ = ["check_freeze", "check_n_trainable", "check_new_classifier"]


def _models():
    """Small CNNs with various trainable flags set beforehand (to catch forgotten resets)."""
    models = []
    for seed, flags in ((0, None), (1, "all frozen"), (2, "alternate")):
        model = make_cnn(n_classes=5, channels=(2, 3), n_hidden=4, n_features=2, seed=seed)
        for i, layer in enumerate(model.layers):
            if flags == "all frozen":
                layer.trainable = False
            elif flags == "alternate":
                layer.trainable = i % 2 == 0
        models.append(model)
    return models


def check_freeze(function) -> CheckResult:
    """Check ``function(model, n_layers)``: freeze the first ``n_layers`` layers, unfreeze the rest.

    The function must set ``layer.trainable`` on every layer of ``model`` (in
    place) and return the model.
    """
    exercise = "freezing the first layers"
    for model, n_layers in zip(_models(), (7, 0, 9), strict=True):
        n = len(model.layers)
        before = [layer.trainable for layer in model.layers]
        answer, failure = _call_student(function, (model, n_layers), exercise)
        if failure is not None:
            return report(failure)
        flags = [layer.trainable for layer in model.layers]
        expected = [i >= n_layers for i in range(n)]
        if flags == expected:
            if answer is not model:
                return report(CheckResult(exercise, False, "the flags are right, but return the "
                                          "model itself (so that calls can be chained)."))
            continue
        wrong_end = ([i < n - n_layers for i in range(n)], [i >= n - n_layers for i in range(n)])
        if 0 < n_layers < n and flags in wrong_end:
            message = ("you froze the wrong end of the network: the first n_layers layers "
                       "(index 0 to n_layers - 1, the input side) are frozen.")
        elif any(e and not f and not b for f, b, e in zip(flags, before, expected, strict=True)):
            message = ("some layers after the frozen ones kept trainable=False from before: set "
                       "the flag of every layer, True for the others.")
        elif flags == [not f for f in expected]:
            message = "trainable means 'the optimiser updates it': frozen layers get False."
        elif flags in ([i > n_layers for i in range(n)], [i >= n_layers - 1 for i in range(n)]):
            message = "off by one: layers 0, ..., n_layers - 1 are frozen, layer n_layers is not."
        else:
            message = (f"with n_layers={n_layers} the flags should be {expected}; "
                       f"your function set {flags}.")
        return report(CheckResult(exercise, False, message))
    return report(CheckResult(exercise, True, "correct: the first layers are frozen, the others "
                                              "trainable."))


def _reference_n_trainable(model):
    return sum(layer.n_params for layer in model.layers if layer.trainable)


def check_n_trainable(function) -> CheckResult:
    """Check ``function(model)``: the number of parameters in trainable layers."""
    exercise = "counting trainable parameters"
    for model in _models():
        answer, failure = _call_student(function, (model,), exercise)
        if failure is not None:
            return report(failure)
        expected = _reference_n_trainable(model)
        if not isinstance(answer, int | np.integer):
            return report(CheckResult(exercise, False, f"return an int; received "
                                                       f"{type(answer).__name__} {answer!r}."))
        if answer == expected:
            continue
        frozen = model.n_params - expected
        weights_only = sum(layer.params["W"].size for layer in model.layers
                           if layer.trainable and "W" in layer.params)
        if answer == model.n_params:
            message = "you counted every parameter: skip the layers whose trainable is False."
        elif answer == frozen:
            message = "you counted the frozen parameters: count the layers with trainable True."
        elif answer == weights_only:
            message = "you counted the weights W only: biases b are parameters too."
        else:
            message = f"you gave {answer}; the trainable layers hold {expected} parameters."
        return report(CheckResult(exercise, False, message))
    return report(CheckResult(exercise, True, "correct: only the trainable layers count."))


def check_new_classifier(function) -> CheckResult:
    """Check ``function(model, n_classes, seed)``: a copy of ``model`` with a new last layer.

    The result must be a Sequential whose layers but the last are copies (equal
    values, different objects) of ``model``'s, and whose last layer is a fresh
    ``Dense(n_features, n_classes)``; ``model`` must be left unchanged.
    """
    exercise = "a new classifier"
    model = make_cnn(n_classes=5, channels=(2, 3), n_hidden=4, n_features=2, seed=4)
    original = copy.deepcopy(model)
    answer, failure = _call_student(function, (model, 7, 0), exercise)
    if failure is not None:
        return report(failure)

    def fail(message):
        return report(CheckResult(exercise, False, message))

    if not isinstance(answer, Sequential):
        return fail(f"return a Sequential; received {type(answer).__name__}.")
    if len(answer.layers) != len(model.layers):
        return fail(f"the new model has {len(answer.layers)} layers; it should have as many as "
                    f"the old one ({len(model.layers)}): replace the last layer, do not add one.")
    last = answer.layers[-1]
    if not isinstance(last, Dense) or last.params["W"].shape != (2, 7):
        shape = last.params["W"].shape if isinstance(last, Dense) else type(last).__name__
        return fail(f"the last layer should be Dense(n_features=2, n_classes=7), W of shape "
                    f"(2, 7); it is {shape}.")
    if len(model.layers) != len(original.layers) or model.layers[-1].params["W"].shape != (2, 5):
        return fail("you changed the pretrained model itself: build a new Sequential instead.")
    for new, old, kept in zip(answer.layers[:-1], model.layers[:-1], original.layers[:-1],
                              strict=True):
        if new is old:
            return fail("the new model shares layer objects with the pretrained one, so training "
                        "it would change the pretrained model too: use copy.deepcopy.")
        for key, value in kept.params.items():
            if key not in new.params or not np.array_equal(new.params[key], value):
                return fail("the layers before the classifier must keep the pretrained weights "
                            "(copies of them, not fresh layers).")
    if np.array_equal(last.params["W"][:, :5], original.layers[-1].params["W"]):
        return fail("the new classifier reuses the old weights: draw fresh ones.")
    return report(CheckResult(exercise, True, "correct: a copy of the pretrained layers with a "
                                              "fresh classifier."))
