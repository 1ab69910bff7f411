"""Checkers for chapter 6: transfer learning and fine-tuning.

The answers are judged by what they do to an nbcode model: which flags and weights
changed, which weights a training step moves, which arrays are shared by identity with
the pretrained model. The student's code is given its own model wherever the exercise
does not ask it to change the model in place, and is told when it changed it anyway.
"""

from __future__ import annotations

import copy
import numbers

import numpy as np

from ..cnn import make_cnn
from ..i18n import N_, _, ngettext
from ..nn import Dense, Sequential
from .core import CheckResult, call_student, check_array_answer, check_tuple_answer

__all__ = ["check_freeze", "check_n_trainable", "check_new_classifier", "check_ridge_probe"]


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


#: n_layers for each of :func:`_models`: with 7, layer 7 (a Dense) is the first trainable
#: one; with 10, layer 9 (a Dense) is the last frozen one, so that an off-by-one on either
#: side changes which weights train, not only the flag of a layer without weights.
FREEZE_CASES = (7, 0, 10)


def _returned(answer) -> str:
    """What a function returned, in words, for an answer that should have been a model."""
    if answer is None:
        return _("None (no `return` statement?)")
    if answer is NotImplemented or answer is Ellipsis:
        return _("the placeholder {value!r}").format(value=answer)
    if isinstance(answer, str):
        return _("the string {text!r}").format(text=answer[:30])
    if isinstance(answer, type) or callable(answer) and not isinstance(answer, Sequential):
        name = getattr(answer, "__name__", type(answer).__name__)
        return _("a function or class ({name})").format(name=name)
    try:
        text = repr(answer)
    except Exception:  # noqa: BLE001 - a student's object may have a broken __repr__
        text = "?"
    return _("a {type} ({text})").format(type=type(answer).__name__, text=text[:40])


def _layers(model):
    """The model's list of layers, or None if it has none (a student replaced it)."""
    layers = getattr(model, "layers", None)
    return list(layers) if isinstance(layers, list | tuple) else None


def _weights_changed(snapshot, layers) -> str | None:
    """Which layer's weights differ from ``snapshot`` (a list of dicts of arrays), or None."""
    for i, (kept, layer) in enumerate(zip(snapshot, layers, strict=True)):
        params = getattr(layer, "params", None)
        kind = type(layer).__name__
        if not isinstance(params, dict) or set(params) != set(kept):
            return _("layer {i} ({type}) lost or gained parameters").format(i=i, type=kind)
        for key, value in kept.items():
            now = params[key]
            if not isinstance(now, np.ndarray) or now.shape != value.shape or not np.array_equal(
                    now, value):
                return _("the weights {key} of layer {i} ({type}) changed").format(
                    key=key, i=i, type=kind)
    return None


def _snapshot(model):
    return [{k: v.copy() for k, v in layer.params.items()} for layer in model.layers]


# ------------------------------------------------------------------ freezing
def _flag_problem(flags) -> str | None:
    for i, flag in enumerate(flags):
        if not (isinstance(flag, bool | np.bool_)
                or isinstance(flag, numbers.Integral | np.integer) and flag in (0, 1)):
            return _("layer {i}'s trainable is {flag!r} ({type}); set it to True or False (a "
                     "string such as 'False' counts as true).").format(
                i=i, flag=flag, type=type(flag).__name__)
    return None


#: The sentence for a function that sets no flag at all (the last of FREEZE_MISTAKES).
NO_FLAG_CHANGED = N_("your function changed no layer's trainable flag: set layer.trainable for "
                     "every layer of model.layers.")

#: Flag rules a student may write instead, ``rule(i, n_layers, n, before) -> trainable``
#: (``before``: the flag the layer had), each with its sentence. A rule is named only if
#: it gives the student's flags, on the layers with weights, in every case of
#: :data:`FREEZE_CASES` (on which no two of them coincide: the tests check it).
FREEZE_MISTAKES = [
    (lambda i, k, n, b: i >= k and b,
     N_("some layers after the frozen ones kept trainable=False from before: set the flag of "
        "every layer, True for the others.")),
    (lambda i, k, n, b: i < n - k,
     N_("you froze the wrong end of the network (the last layers, the classifier's side): the "
        "first n_layers layers (index 0 to n_layers - 1, the input side) are frozen.")),
    (lambda i, k, n, b: i >= n - k,
     N_("you froze the wrong end of the network: the first n_layers layers (index 0 to "
        "n_layers - 1, the input side) are frozen, the others trainable.")),
    (lambda i, k, n, b: i < k,
     N_("trainable means 'the optimiser updates it': frozen layers get False, the others True.")),
    (lambda i, k, n, b: i > k,
     N_("off by one: layers 0, ..., n_layers - 1 are frozen, layer n_layers is not.")),
    (lambda i, k, n, b: i >= k - 1,
     N_("off by one: layers 0, ..., n_layers - 1 are frozen (n_layers of them), so layer "
        "n_layers - 1 is frozen too.")),
    (lambda i, k, n, b: False,
     N_("you froze every layer: only layers 0 to n_layers - 1 are frozen, the others must be "
        "trainable.")),
    (lambda i, k, n, b: True,
     N_("you froze no layer: set trainable = False on the first n_layers layers (and True on "
        "the others).")),
    (lambda i, k, n, b: b, NO_FLAG_CHANGED),
]
#: The same sentence when the function set ``model.trainable`` instead (the Keras habit).
NO_FLAG_CHANGED_KERAS = N_(
    "your function changed no layer's trainable flag: set layer.trainable for every layer of "
    "model.layers. Setting model.trainable does nothing in nbcode: each layer has its own flag.")


def _freeze_verdict(records) -> str | None:
    """Judge the flags set on every case together: None if right, else the sentence."""
    def agrees(record, rule):
        model, flags, before, k = record
        n = len(flags)
        return all(bool(flags[i]) == bool(rule(i, k, n, before[i]))
                   for i in range(n) if getattr(model.layers[i], "params", None))

    if all(agrees(r, lambda i, k, n, b: i >= k) for r in records):
        return None
    for rule, message in FREEZE_MISTAKES:
        if all(agrees(r, rule) for r in records):
            if message == NO_FLAG_CHANGED and any(
                    hasattr(record[0], "trainable") for record in records):
                message = NO_FLAG_CHANGED_KERAS
            return _(message)
    for model, flags, before, k in records:
        expected = [i >= k for i in range(len(flags))]
        if not agrees((model, flags, before, k), lambda i, k, n, b: i >= k):
            return _("with n_layers={k} the flags should be {expected}; your function set "
                     "{flags}.").format(k=k, expected=expected, flags=flags)
    return None


def _returns_model(answer, model) -> bool:
    """``answer`` is ``model``, or a Sequential over the very same layer objects."""
    if answer is model:
        return True
    layers = _layers(answer) if isinstance(answer, Sequential) else None
    return layers is not None and len(layers) == len(model.layers) and all(
        a is b for a, b in zip(layers, model.layers, strict=True))


def _froze_a_copy(returned, records) -> bool:
    """Every answer is another Sequential of the same length whose flags are right."""
    copies = []
    for answer, (model, _flags, before, k) in zip(returned, records, strict=True):
        layers = _layers(answer) if isinstance(answer, Sequential) else None
        if answer is model or layers is None or len(layers) != len(model.layers):
            return False
        copies.append((answer, [getattr(layer, "trainable", True) for layer in layers], before, k))
    return _freeze_verdict(copies) is None


def check_freeze(function) -> CheckResult:
    """Check ``function(model, n_layers)``: freeze the first ``n_layers`` layers, unfreeze the rest.

    The function must set ``layer.trainable`` on every layer of ``model`` (in
    place) and return the model. Only the flags of layers with weights change what a
    training step does, so a function that leaves the flag of a ReLU or a pooling layer
    alone is not faulted for it.
    """
    exercise = _("freezing the first layers")

    def fail(message):
        return CheckResult(exercise, False, message)

    records, returned = [], []
    for model, n_layers in zip(_models(), FREEZE_CASES, strict=True):
        layers = list(model.layers)
        before = [layer.trainable for layer in layers]
        weights = _snapshot(model)
        answer, failure = call_student(function, (model, n_layers), exercise, protect=())
        if failure is not None:
            return failure
        now = _layers(model)
        if now is None or len(now) != len(layers) or any(a is not b for a, b in zip(
                now, layers, strict=True)):
            return fail(_("your function changed the model's list of layers: it should only "
                          "set each layer's trainable flag."))
        changed = _weights_changed(weights, layers)
        if changed is not None:
            return fail(_("your function changed the model's weights ({change}): freezing only "
                          "sets the trainable flags.").format(change=changed))
        flags = [getattr(layer, "trainable", True) for layer in layers]
        problem = _flag_problem(flags)
        if problem is not None:
            return fail(problem)
        records.append((model, flags, before, n_layers))
        returned.append(answer)
    verdict = _freeze_verdict(records)
    if verdict is None:
        for answer, record in zip(returned, records, strict=True):
            if not _returns_model(answer, record[0]):
                return fail(_("the flags are right, but return the model itself (so that calls "
                              "can be chained); your function returned {returned}.").format(
                    returned=_returned(answer)))
        return CheckResult(exercise, True, _("correct: the first layers are frozen, the others "
                                             "trainable."))
    if _froze_a_copy(returned, records):
        return fail(_("you froze a copy of the model, and the model you were given is "
                      "unchanged: set the flags on model.layers themselves (in place), then "
                      "return model."))
    return fail(verdict)


# ------------------------------------------------------------------ counting
def _reference_n_trainable(model):
    return sum(layer.n_params for layer in model.layers if layer.trainable)


#: Counts a student may give instead, each with the sentence that explains it (judged on
#: all of :func:`_models`, on which no two of them coincide).
N_TRAINABLE_MISTAKES = [
    (lambda m: m.n_params,
     N_("you counted every parameter: skip the layers whose trainable is False.")),
    (lambda m: sum(l.n_params for l in m.layers if not l.trainable),
     N_("you counted the frozen parameters: count the layers with trainable True.")),
    (lambda m: sum(l.params["W"].size for l in m.layers if l.trainable and "W" in l.params),
     N_("you counted the weights W only: biases b are parameters too.")),
    (lambda m: sum(1 for l in m.layers if l.trainable),
     N_("you counted trainable layers, not parameters: add up layer.n_params of the trainable "
        "layers.")),
    (lambda m: sum(1 for l in m.layers if l.trainable and l.params),
     N_("you counted trainable layers with weights, not parameters: add up layer.n_params.")),
    (lambda m: sum(len(l.params) for l in m.layers if l.trainable),
     N_("you counted parameter arrays (W, b), not the numbers in them: add up layer.n_params "
        "(the sizes of the arrays).")),
    (lambda m: sum(l.n_params for l in m.layers if l.trainable and isinstance(l, Dense)),
     N_("you counted the Dense layers only: the Conv2D layers have parameters too.")),
]


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral | np.integer) and not isinstance(value, bool | np.bool_)


def _model_change(kept: Sequential, model) -> str | None:
    """How ``model`` differs from ``kept`` (a private deep copy): layers, flags, weights."""
    layers = _layers(model)
    if layers is None or len(layers) != len(kept.layers):
        return _("its list of layers changed")
    for i, (old, new) in enumerate(zip(kept.layers, layers, strict=True)):
        if type(old) is not type(new):
            return _("layer {i} was replaced by a {type}").format(i=i, type=type(new).__name__)
        if getattr(new, "trainable", None) != old.trainable:
            return _("layer {i}'s trainable flag changed from {old} to {new!r}").format(
                i=i, old=old.trainable, new=new.trainable)
    return _weights_changed(_snapshot(kept), layers)


def _count_problem(answer, expected) -> str | None:
    if _is_int(answer):
        return None
    if isinstance(answer, numbers.Real | np.floating) and not isinstance(answer, bool | np.bool_):
        if float(answer) == expected:
            return _("the count is right but it is a {type}: return an int (int(...)), as the "
                     "exercise asks.").format(type=type(answer).__name__)
        return _("return an int; received {type} {value!r}.").format(
            type=type(answer).__name__, value=answer)
    problem = check_array_answer(answer, expected, what=_("your count"), rtol=0.0, atol=0.0,
                                 factors=())
    if problem is None:  # a 0-d or one-element array
        return _("the count is right but it is {type}: return an int (int(...)), as the "
                 "exercise asks.").format(type=type(answer).__name__)
    return problem


def check_n_trainable(function) -> CheckResult:
    """Check ``function(model)``: the number of parameters in trainable layers (an int).

    The function receives a copy of each model; the expected count is taken from the
    original beforehand, and a function that changes the model (flags, weights) is told.
    """
    exercise = _("counting trainable parameters")
    models, answers = _models(), []
    for model in models:
        handed = copy.deepcopy(model)
        answer, failure = call_student(function, (handed,), exercise, protect=())
        if failure is not None:
            return failure
        change = _model_change(model, handed)
        if change is not None:
            return CheckResult(exercise, False, _("your function changed the model it was given "
                                                  "({change}): counting must leave it as it "
                                                  "is.").format(change=change))
        answers.append(answer)
    expected = [_reference_n_trainable(model) for model in models]
    problems = [_count_problem(a, e) for a, e in zip(answers, expected, strict=True)]
    if all(p is None for p in problems) and answers == expected:
        return CheckResult(exercise, True, _("correct: only the trainable layers count."))
    for wrong, message in N_TRAINABLE_MISTAKES:
        if all(p is None for p in problems) and answers == [wrong(m) for m in models]:
            return CheckResult(exercise, False, _(message))
    for problem, answer, value in zip(problems, answers, expected, strict=True):
        if problem is not None:
            return CheckResult(exercise, False, problem)
        if answer != value:
            return CheckResult(exercise, False, ngettext(
                "you gave {answer}; the trainable layers hold {value} parameter.",
                "you gave {answer}; the trainable layers hold {value} parameters.",
                value).format(answer=answer, value=value))
    return CheckResult(exercise, True, _("correct: only the trainable layers count."))


# ------------------------------------------------------------------ a new classifier
def _shares_memory(new_layers, old_layers) -> bool:
    old_arrays = [p for layer in old_layers for p in layer.params.values()]
    for layer in new_layers:
        params = getattr(layer, "params", {})
        for value in params.values() if isinstance(params, dict) else ():
            if isinstance(value, np.ndarray) and any(np.shares_memory(value, old)
                                                     for old in old_arrays):
                return True
    return False


def _features(layers, X):
    out = X
    for layer in layers:
        out = layer.forward(out, False)
    return np.asarray(out)


def _train_step(model, X, learning_rate=0.1):
    """One gradient step on every parameter, in place, as nbcode's optimisers update them."""
    out = model.forward(X, True)
    model.backward(np.random.default_rng(1).normal(size=np.shape(out)))
    for layer in model.layers:
        for key, value in layer.params.items():
            value -= learning_rate * layer.grads[key]


def check_new_classifier(function) -> CheckResult:
    """Check ``function(model, n_classes, seed)``: a copy of ``model`` with a new last layer.

    The result must be a Sequential whose layers but the last compute what ``model``'s
    compute and share no array with them (a training step on the new model must leave
    ``model`` as it was), and whose last layer is a fresh ``Dense(n_features,
    n_classes)``; ``model`` must be left unchanged.
    """
    exercise = _("a new classifier")
    model = make_cnn(n_classes=5, channels=(2, 3), n_hidden=4, n_features=2, seed=4)
    original = copy.deepcopy(model)
    X = np.random.default_rng(3).normal(size=(6, 1, 8, 8))
    answer, failure = call_student(function, (model, 7, 0), exercise, protect=())
    if failure is not None:
        return failure

    def fail(message):
        return CheckResult(exercise, False, message)

    change = _model_change(original, model)
    if answer is model:
        if change:
            return fail(_("your function returned the pretrained model itself ({change}): "
                          "build a new Sequential, so that the pretrained model stays as it "
                          "was.").format(change=change))
        return fail(_("your function returned the pretrained model itself: build a new "
                      "Sequential, so that the pretrained model stays as it was."))
    if change is not None:
        return fail(_("you changed the pretrained model itself ({change}): build a new "
                      "Sequential instead and leave `model` as it is.").format(change=change))
    if not isinstance(answer, Sequential):
        return fail(_("return a Sequential; received {returned}.").format(
            returned=_returned(answer)))
    layers = _layers(answer)
    if layers is None:
        return fail(_("the new model has no list of layers; it should have as many as the old "
                      "one ({n_old}): replace the last layer, do not add one.").format(
            n_old=len(model.layers)))
    if len(layers) != len(model.layers):
        # English keeps its one form (even for 1 layer); French needs both.
        return fail(ngettext(
            "the new model has {count} layers; it should have as many as the old one ({n_old}): "
            "replace the last layer, do not add one.",
            "the new model has {count} layers; it should have as many as the old one ({n_old}): "
            "replace the last layer, do not add one.",
            len(layers)).format(count=len(layers), n_old=len(model.layers)))
    last = layers[-1]
    shape = getattr(last, "params", {}).get("W", np.empty(0)).shape if isinstance(
        last, Dense) else type(last).__name__
    if not isinstance(last, Dense) or shape != (2, 7):
        return fail(_("the last layer should be Dense(n_features=2, n_classes=7), W of shape "
                      "(2, 7); it is {shape}.").format(shape=shape))
    if any(new is old for new, old in zip(layers, model.layers, strict=True)):
        return fail(_("the new model shares layer objects with the pretrained one, so training "
                      "it would change the pretrained model too: use copy.deepcopy."))
    if _shares_memory(layers, model.layers):
        return fail(_("the new layers share their weight arrays with the pretrained ones (a "
                      "shallow copy, copy.copy?), so training the new model would change the "
                      "pretrained model too: use copy.deepcopy."))
    try:
        with np.errstate(all="ignore"):
            same = np.allclose(_features(layers[:-1], X), _features(original.layers[:-1], X))
            out = np.asarray(answer.forward(X))
    except Exception as error:  # noqa: BLE001 - the student's layers, however they were built
        return fail(_("the new model could not compute its output on 8x8 images ({error_type}: "
                      "{error}).").format(error_type=type(error).__name__, error=error))
    if not same:
        return fail(_("the layers before the classifier must keep the pretrained weights "
                      "(copies of them, not fresh layers)."))
    if out.shape != (len(X), 7):
        return fail(_("the new model outputs shape {shape}; expected ({n}, 7).").format(
            shape=out.shape, n=len(X)))
    if np.array_equal(last.params["W"][:, :5], original.layers[-1].params["W"]):
        return fail(_("the new classifier reuses the old weights: draw fresh ones."))
    try:
        with np.errstate(all="ignore"):
            _train_step(answer, X)
    except Exception as error:  # noqa: BLE001
        return fail(_("a training step on the new model failed ({error_type}: {error}).").format(
            error_type=type(error).__name__, error=error))
    change = _model_change(original, model)
    if change is not None:
        return fail(_("training the new model changed the pretrained one ({change}): the two "
                      "share weights. Copy the layers with copy.deepcopy.").format(change=change))
    return CheckResult(exercise, True, _("correct: a copy of the pretrained layers with a "
                                         "fresh classifier."))


# ------------------------------------------------------------------ a linear probe in closed form
def _one_hot(y, n_classes):
    return np.eye(n_classes)[np.asarray(y, int)]


def _ridge_probe_reference(F, y, n_classes, alpha):
    """scikit-learn's Ridge on one-hot targets: (W (d, K), b (K,)), the bias not penalised."""
    from sklearn.linear_model import Ridge

    ridge = Ridge(alpha=alpha, fit_intercept=True, solver="cholesky")
    ridge.fit(np.asarray(F, float), _one_hot(y, n_classes))
    return ridge.coef_.T, ridge.intercept_


def _augmented_ridge(F, targets, alpha, penalise_bias=True):
    """Ridge on [1, F] solved jointly; the bias penalised too unless told otherwise."""
    F = np.asarray(F, float)
    X = np.column_stack([np.ones(len(F)), F])
    penalty = alpha * np.eye(X.shape[1])
    if not penalise_bias:
        penalty[0, 0] = 0.0
    B = np.linalg.solve(X.T @ X + penalty, X.T @ targets)
    return B[1:], B[0]


def _ridge_probe_cases():
    """(F, y, n_classes, alpha): features off-centre (the bias matters), d > n, a class absent."""
    rng = np.random.default_rng(6)
    y_absent = rng.integers(0, 4, size=25)            # class 4 of 5 never appears
    return [
        (rng.normal(size=(30, 4)), rng.integers(0, 3, size=30), 3, 1.0),
        (3.0 + rng.normal(size=(20, 6)), rng.integers(0, 4, size=20), 4, 0.5),
        (rng.normal(size=(12, 15)), np.arange(12) % 3, 3, 2.0),
        (1.0 + rng.normal(size=(25, 5)), y_absent, 5, 3.0),
    ]


def _no_bias(F, targets, alpha):
    F = np.asarray(F, float)
    return np.linalg.solve(F.T @ F + alpha * np.eye(F.shape[1]), F.T @ targets)


def _numeric_shape(value) -> tuple | None:
    """The shape of an array of real numbers, or None for anything else (judged later)."""
    if isinstance(value, str | bytes | bool) or value is None:
        return None
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - a ragged list
        return None
    return array.shape if array.dtype.kind in "fiu" else None


def _no_alpha(F, y, K, a):
    # Least squares without the penalty (minimum-norm where F has more columns than rows).
    F = np.asarray(F, float)
    X = np.column_stack([np.ones(len(F)), F])
    B = np.linalg.pinv(X) @ _one_hot(y, K)
    return B[1:], B[0]


#: Mistakes of the probe, each with its sentence; named only when both W and b equal the
#: mistake's on every case of :func:`_ridge_probe_cases` (no two coincide: the tests check it).
RIDGE_PROBE_MISTAKES = [
    (lambda F, y, K, a: _augmented_ridge(F, _one_hot(y, K), a),
     N_("you penalised the bias too (alpha on the column of ones): the penalty is alpha ||W||² "
        "only; put a 0 for the bias in the penalty's diagonal, or centre F and Y first.")),
    (lambda F, y, K, a: (_no_bias(F, _one_hot(y, K), a), np.zeros(K)),
     N_("your probe has no bias (b = 0): fit W and b together, with a column of ones in the "
        "design matrix (or centre F and Y), and leave b out of the penalty.")),
    (_no_alpha,
     N_("your solution ignores alpha: the penalty alpha ||W||² adds alpha to the diagonal of "
        "FᵀF (not to the bias's entry).")),
    (lambda F, y, K, a: _ridge_probe_reference(F, y, K, a * len(F)),
     N_("your alpha is n times too large: you minimised the mean of the squared errors plus "
        "alpha ||W||²; the objective is their sum plus alpha ||W||².")),
    (lambda F, y, K, a: _ridge_probe_reference(F, y, K, a / 2),
     N_("your alpha is halved: the objective's penalty is alpha ||W||², whose gradient is "
        "2 alpha W (you used (alpha/2) ||W||²).")),
    (lambda F, y, K, a: _ridge_probe_reference(F, y, K, 2 * a),
     N_("your alpha is doubled: setting the gradient to zero, the factor 2 of both terms "
        "cancels, which gives (FᵀF + alpha I) W = FᵀY on centred data.")),
    (lambda F, y, K, a: tuple(2 * v - (1 if i else 0) for i, v in enumerate(
        _ridge_probe_reference(F, y, K, a))),
     N_("you coded the classes as ±1 (as RidgeClassifier does): the exercise's targets are "
        "one-hot rows, 1 for the class and 0 elsewhere.")),
]


def _probe_shape_problem(W, b, F, n_classes) -> str | None:
    d = np.shape(F)[1]
    shape_W, shape_b = _numeric_shape(W), _numeric_shape(b)
    if shape_W is None:
        return None
    if shape_W == (n_classes, d) and n_classes != d:
        return _("W has shape {shape}: it maps the {d} features to the {k} classes, so its shape "
                 "is ({d}, {k}) (transpose scikit-learn's coef_).").format(shape=shape_W, d=d,
                                                                            k=n_classes)
    if shape_W == (d + 1, n_classes):
        return _("W has shape {shape}: return the bias separately, W of shape ({d}, {k}) and b "
                 "of shape ({k},).").format(shape=shape_W, d=d, k=n_classes)
    if shape_W in ((d,), (d, 1)):
        return _("W has one column: regress the one-hot rows (one column per class), not the "
                 "labels themselves as numbers.")
    if len(shape_W) == 2 and shape_W[0] == d and shape_W[1] < n_classes:
        return ngettext("W has {columns} column, one per class seen in y: use n_classes ({k}) "
                        "columns, since a class may be absent from the labels.",
                        "W has {columns} columns, one per class seen in y: use n_classes ({k}) "
                        "columns, since a class may be absent from the labels.",
                        shape_W[1]).format(columns=shape_W[1], k=n_classes)
    if shape_W == (d, n_classes) and shape_b is not None and shape_b != (n_classes,):
        return _("b has shape {shape}: one bias per class, shape ({k},).").format(shape=shape_b,
                                                                                 k=n_classes)
    return None


def check_ridge_probe(function) -> CheckResult:
    """Check ``function(F, y, n_classes, alpha) -> (W, b)``: ridge on one-hot targets.

    ``F`` (n, d) are features, ``y`` (n,) labels in 0..n_classes-1; the answer minimises
    ``sum_i ||onehot(y_i) - F_i W - b||² + alpha ||W||²`` (the bias not penalised), as
    scikit-learn's ``Ridge(alpha)`` does; the references are computed first, on copies.
    """
    exercise = _("a linear probe in closed form")
    cases = _ridge_probe_cases()
    expected = [_ridge_probe_reference(*copy.deepcopy(case)) for case in cases]
    answers = []
    for case in cases:
        answer, failure = call_student(function, case, exercise,
                                       names=("F", "y", "n_classes", "alpha"))
        if failure is not None:
            return failure
        problem = check_tuple_answer(answer, 2, _("a pair (W, b)"))
        if problem is not None:
            return CheckResult(exercise, False, problem)
        answers.append(answer)
    problems = []
    for (W, b), (W_ref, b_ref) in zip(answers, expected, strict=True):
        problems.append(check_array_answer(W, W_ref, what="W", factors=())
                        or check_array_answer(b, b_ref, what="b", factors=()))
    if all(problem is None for problem in problems):
        return CheckResult(exercise, True, _("correct: your W and b are scikit-learn's "
                                             "Ridge(alpha) fitted to the one-hot targets."))
    for (W, b), case in zip(answers, cases, strict=True):
        sentence = _probe_shape_problem(W, b, case[0], case[2])
        if sentence is not None:
            return CheckResult(exercise, False, sentence)
    for wrong, message in RIDGE_PROBE_MISTAKES:
        values = []
        for case in cases:
            try:
                values.append(wrong(*copy.deepcopy(case)))
            except Exception:  # noqa: BLE001 - a mistake that cannot be evaluated here
                values.append(None)
        if all(v is not None and check_array_answer(a[0], v[0], factors=()) is None
               and check_array_answer(a[1], v[1], factors=()) is None
               for a, v in zip(answers, values, strict=True)):
            return CheckResult(exercise, False, _(message))
    number = next(i for i, problem in enumerate(problems) if problem is not None)
    F, y, n_classes, alpha = cases[number]
    return CheckResult(exercise, False,
                       _("{problem} (test case {number} of {total}: F of shape {F_shape}, "
                         "{k} classes, alpha={alpha})").format(
                           problem=problems[number], number=number + 1, total=len(cases),
                           F_shape=np.shape(F), k=n_classes, alpha=alpha))
