"""The chapter 5-7 checkers against the shared battery and their chapters' usual mistakes.

Every right answer, however it is written, must pass; every wrong one must fail with a
sentence naming its mistake; no checker may raise (KeyboardInterrupt excepted, which
must reach the notebook's stop button). The generic battery of tests/battery.py is for
functions of arrays; the builders below give its equivalent for functions of an nbcode
model, for Keras model builders and for Keras callback classes.
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import sys

import numpy as np
import pytest
from battery import Answer, right, run_battery, wrong, wrong_answers
from test_checks_ch05 import right_correlate

from nbcode import nn
from nbcode.checks import ch05, ch06

os.environ.setdefault("KERAS_BACKEND", "jax")


def raising(error):
    def function(*args):
        raise error
    return function


def stub(*args):
    raise NotImplementedError("Exercise")


def scalar_battery(right_function):
    """The generic battery, less the in-place answers (the arguments are ints: immutable)."""
    return [a for a in wrong_answers(right_function) if "in place" not in a.label]


# ------------------------------------------------------------------ chapter 5
def right_output_size(n, kernel, padding, stride):
    return (n + 2 * padding - kernel) // stride + 1


OUTPUT_SIZE = [
    right("math.floor", lambda n, k, p, s: math.floor((n + 2 * p - k) / s) + 1),
    right("int() of a true division", lambda n, k, p, s: int((n + 2 * p - k) / s) + 1),
    right("a numpy integer", lambda n, k, p, s: np.int64(n + 2 * p - k) // s + 1),
    right("counting the windows", lambda n, k, p, s: len(range(0, n + 2 * p - k + 1, s))),
    wrong("true division", lambda n, k, p, s: (n + 2 * p - k) / s + 1, "whole numbers"),
    wrong("padding once", lambda n, k, p, s: (n + p - k) // s + 1, "both sides"),
    wrong("padding forgotten", lambda n, k, p, s: (n - k) // s + 1, "ignores the padding"),
    wrong("no + 1", lambda n, k, p, s: (n + 2 * p - k) // s, "add 1"),
    wrong("stride ignored", lambda n, k, p, s: n + 2 * p - k + 1, "ignores the stride"),
    wrong("+ 1 inside the division", lambda n, k, p, s: (n + 2 * p - k + 1) // s,
          "does not tile"),
    wrong("kernel forgotten", lambda n, k, p, s: (n + 2 * p) // s, "kernel is missing"),
    wrong("ceil", lambda n, k, p, s: math.ceil((n + 2 * p - k) / s) + 1, "rounded up"),
    wrong("round", lambda n, k, p, s: round((n + 2 * p - k) / s) + 1, "nearest"),
    wrong("np.floor: a float of the right value",
          lambda n, k, p, s: np.floor((n + 2 * p - k) / s) + 1, "not integers"),
    wrong("a float32 of the right value",
          lambda n, k, p, s: np.float32((n + 2 * p - k) // s + 1), "not integers"),
    wrong("a bool", lambda n, k, p, s: True, "boolean"),
    wrong("the padded size", lambda n, k, p, s: n + 2 * p, "test case"),
]


def windows_correlate(x, w, stride=1, padding=0):
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(x, padding), w.shape)
    return np.einsum("pquv,uv->pq", windows[::stride, ::stride], w)


def correlate_variant(**change):
    """``right_correlate`` with one thing done differently (the usual mistakes)."""
    def function(x, w, stride=1, padding=0):
        if change.get("flip"):
            w = w[::-1, ::-1]
        if change.get("transpose"):
            w = w.T
        s = 1 if change.get("no_stride") else stride
        p = 0 if change.get("no_padding") else padding
        if change.get("one_sided"):
            x, p = np.pad(x, ((0, padding), (0, padding))), 0
        out = right_correlate(x, w, s, p)
        if change.get("short"):
            out = out[:-1, :-1]
        if change.get("integers"):
            out = out.astype(int)
        return out
    return function


def flips_in_place(x, w, stride=1, padding=0):
    w[:] = w[::-1, ::-1].copy()
    return right_correlate(x, w[::-1, ::-1], stride, padding)


def pads_by_assignment(x, w, stride=1, padding=0):
    x -= x.mean()  # "normalising" the image: changes the caller's array
    return right_correlate(x + 0.0, w, stride, padding)


CORRELATE = [
    right("loops", right_correlate),
    right("sliding windows and einsum", windows_correlate),
    right("stride-1 map subsampled",
          lambda x, w, s, p: right_correlate(x, w, 1, p)[::s, ::s]),
    right("float32 arithmetic inside, float64 array",
          lambda x, w, s, p: right_correlate(x.astype(np.float32), w.astype(np.float32), s, p)),
    wrong("a true convolution (flipped kernel)", correlate_variant(flip=True), "convolution"),
    wrong("the kernel transposed", correlate_variant(transpose=True), "transposed"),
    wrong("padding ignored", correlate_variant(no_padding=True), "padding"),
    wrong("padded on one side", correlate_variant(one_sided=True), "one side"),
    wrong("stride ignored", correlate_variant(no_stride=True), "stride"),
    wrong("one row and column short", correlate_variant(short=True), "short"),
    wrong("an integer array", correlate_variant(integers=True), "integer dtype"),
    wrong("transposed result", lambda x, w, s, p: right_correlate(x, w, s, p).T, "shape"),
    wrong("flips W in place", flips_in_place, "in place", "W"),
    wrong("centres x in place", pads_by_assignment, "in place", "x"),
]


def right_conv_params(in_channels, out_channels, kernel_h, kernel_w):
    return (in_channels * kernel_h * kernel_w + 1) * out_channels


CONV_PARAMS = [
    right("weights plus biases", lambda c, f, kh, kw: c * kh * kw * f + f),
    right("a float", lambda c, f, kh, kw: (c * kh * kw + 1.0) * f),
    right("a float32", lambda c, f, kh, kw: np.float32((c * kh * kw + 1) * f)),
    right("np.prod", lambda c, f, kh, kw: np.prod([c, kh, kw]) * f + f),
    wrong("no biases", lambda c, f, kh, kw: c * kh * kw * f, "biases"),
    wrong("no in_channels", lambda c, f, kh, kw: (kh * kw + 1) * f, "in_channels"),
    wrong("one filter", lambda c, f, kh, kw: c * kh * kw + 1, "one filter"),
    wrong("a bias per channel", lambda c, f, kh, kw: c * (kh * kw + 1) * f,
          "one per filter"),
    wrong("in_channels twice", lambda c, f, kh, kw: (c * kh * kw + 1) * f * c, "twice"),
    wrong("one bias for the layer", lambda c, f, kh, kw: c * kh * kw * f + 1,
          "whole layer"),
    wrong("missing brackets", lambda c, f, kh, kw: c * kh * kw + 1 * f, "brackets"),
    wrong("channels swapped", lambda c, f, kh, kw: (f * kh * kw + 1) * c, "swapped"),
    wrong("kernel_h squared", lambda c, f, kh, kw: (c * kh * kh + 1) * f, "kernel_h twice"),
    wrong("the string of the count", lambda c, f, kh, kw: str((c * kh * kw + 1) * f),
          "string"),
]


# ------------------------------------------------------------------ chapter 6
def model_function_battery(right_function):
    """The generic battery for a checker of a function that takes an nbcode model."""
    f = right_function

    def returns(value):
        def function(model, *args):
            f(model, *args)
            return value
        return function

    def debug_print(model, *args):
        result = f(model, *args)
        print("debug:", type(result).__name__)
        return result

    def prints(model, *args):
        print(f(model, *args))

    def changes_weights(model, *args):
        result = f(model, *args)
        model.layers[0].params["W"] += 1.0
        return result

    def replaces_layers(model, *args):
        result = f(model, *args)
        model.layers = model.layers[:-1]
        return result

    return [
        right("a debugging print", debug_print),
        wrong("returns None", returns(None), "None"),
        wrong("returns NotImplemented", returns(NotImplemented), "NotImplemented"),
        wrong("returns ...", returns(Ellipsis), ("placeholder", "Ellipsis")),
        wrong("returns a string", returns("0.5"), "string"),
        wrong("returns the function itself", returns(f), "function"),
        wrong("returns a dict", returns({"model": None}), "dict"),
        wrong("returns a tuple holding None", lambda *a: (f(*a), None), "tuple"),
        wrong("raises ValueError", raising(ValueError("no such layer")), "raised ValueError"),
        wrong("raises AttributeError", lambda model, *a: model.no_such_attribute,
              "raised AttributeError"),
        wrong("raises ZeroDivisionError", lambda *a: 1 / 0, "raised ZeroDivisionError"),
        wrong("a stub", stub, "not done yet", not_done=True),
        wrong("calls exit()", lambda *a: sys.exit(1), "SystemExit"),
        Answer("KeyboardInterrupt", raising(KeyboardInterrupt()), propagates=KeyboardInterrupt),
        wrong("prints instead of returning", prints, "print"),
        wrong("changes the weights in place", changes_weights, ("weights", "changed")),
        wrong("removes a layer", replaces_layers, ("layers", "changed")),
        wrong("not a function: None", None, "expected a function"),
        wrong("not a function: a number", 0.5, "expected a function"),
    ]


def right_freeze(model, n_layers):
    for i, layer in enumerate(model.layers):
        layer.trainable = i >= n_layers
    return model


def flags(rule):
    """A freeze that sets ``layer.trainable = rule(i, n_layers, n, layer)`` and returns the model."""
    def function(model, n_layers):
        n = len(model.layers)
        for i, layer in enumerate(model.layers):
            layer.trainable = rule(i, n_layers, n, layer)
        return model
    return function


def only_freezes(model, n_layers):
    for layer in model.layers[:n_layers]:
        layer.trainable = False
    return model


def freezes_a_copy(model, n_layers):
    return right_freeze(copy.deepcopy(model), n_layers)


def keras_habit(model, n_layers):
    model.trainable = False
    return model


def slices(model, n_layers):
    for layer in model.layers[:n_layers]:
        layer.trainable = False
    for layer in model.layers[n_layers:]:
        layer.trainable = True
    return model


FREEZE = [
    right("two slices", slices),
    right("only the layers with weights",
          flags(lambda i, k, n, layer: i >= k or not layer.params)),
    right("ints 0 and 1", flags(lambda i, k, n, layer: int(i >= k))),
    right("a Sequential over the same layers",
          lambda model, k: nn.Sequential(right_freeze(model, k).layers)),
    wrong("freezes everything", flags(lambda i, k, n, layer: False), "every layer"),
    wrong("freezes nothing", flags(lambda i, k, n, layer: True), "no layer"),
    wrong("freezes the head (wrong end)", flags(lambda i, k, n, layer: i < n - k), "wrong end"),
    wrong("only freezes", only_freezes, "kept trainable=False"),
    wrong("off by one (i > n_layers)", flags(lambda i, k, n, layer: i > k), "off by one"),
    wrong("off by one (i >= n_layers - 1)", flags(lambda i, k, n, layer: i >= k - 1),
          "off by one"),
    wrong("trainable inverted", flags(lambda i, k, n, layer: i < k), "optimiser updates"),
    wrong("model.trainable (the Keras habit)", keras_habit, "model.trainable"),
    wrong("freezes a copy", freezes_a_copy, "a copy"),
    wrong("the string 'False'", flags(lambda i, k, n, layer: "False" if i < k else "True"),
          "True or False"),
    wrong("returns None", lambda model, k: right_freeze(model, k) and None, "return the model"),
]


def right_n_trainable(model):
    return sum(layer.n_params for layer in model.layers if layer.trainable)


def unfreezes_then_counts(model):
    for layer in model.layers:
        layer.trainable = True
    return model.n_params


N_TRAINABLE = [
    right("int(np.sum(...))",
          lambda m: int(np.sum([l.n_params for l in m.layers if l.trainable]))),
    right("a numpy integer", lambda m: np.int64(right_n_trainable(m))),
    right("sizes of the arrays",
          lambda m: sum(p.size for l in m.layers if l.trainable for p in l.params.values())),
    right("from the summary", lambda m: m.summary(input_shape=(1, 8, 8)).trainable_params),
    wrong("every parameter", lambda m: m.n_params, "every parameter"),
    wrong("the frozen ones", lambda m: sum(l.n_params for l in m.layers if not l.trainable),
          "frozen"),
    wrong("weights only",
          lambda m: sum(l.params["W"].size for l in m.layers if l.trainable and "W" in l.params),
          "biases"),
    wrong("trainable layers", lambda m: sum(1 for l in m.layers if l.trainable), "layers"),
    wrong("trainable layers with weights",
          lambda m: sum(1 for l in m.layers if l.trainable and l.params), "layers"),
    wrong("parameter arrays", lambda m: sum(len(l.params) for l in m.layers if l.trainable),
          "arrays"),
    wrong("Dense layers only",
          lambda m: sum(l.n_params for l in m.layers if l.trainable and isinstance(l, nn.Dense)),
          "Conv2D"),
    wrong("a float of the right value", lambda m: float(right_n_trainable(m)), "int"),
    wrong("a float32 of the right value", lambda m: np.float32(right_n_trainable(m)), "int"),
    wrong("1.5", lambda m: 1.5, "int"),
    wrong("a bool", lambda m: right_n_trainable(m) > 0, "boolean"),
    wrong("the count as a string", lambda m: str(right_n_trainable(m)), "string"),
    wrong("unfreezes every layer, then counts", unfreezes_then_counts, "changed"),
]


def right_classifier(model, n_classes, seed=0):
    body = [copy.deepcopy(layer) for layer in model.layers[:-1]]
    return nn.Sequential(body + [nn.Dense(model.layers[-1].n_in, n_classes, init="glorot",
                                          seed=seed)])


def head(model, n_classes, seed=0):
    return nn.Dense(model.layers[-1].n_in, n_classes, init="glorot", seed=seed)


def copied_then_replaced(model, n_classes, seed=0):
    new = model.copy()
    new.layers[-1] = head(model, n_classes, seed)
    return new


def shallow_model_copy(model, n_classes, seed=0):
    new = copy.copy(model)  # shares the list of layers: the pretrained model changes too
    new.layers[-1] = head(model, n_classes, seed)
    return new


def shares_params(model, n_classes, seed=0):
    body = [copy.copy(layer) for layer in model.layers[:-1]]  # new objects, same arrays
    return nn.Sequential(body + [head(model, n_classes, seed)])


def reuses_old_weights(model, n_classes, seed=0):
    new = right_classifier(model, n_classes, seed)
    new.layers[-1].params["W"][:, :5] = model.layers[-1].params["W"]
    return new


def fresh_body(model, n_classes, seed=0):
    from nbcode.cnn import make_cnn

    return make_cnn(n_classes=n_classes, channels=(2, 3), n_hidden=4, n_features=2, seed=9)


def in_place(model, n_classes, seed=0):
    model.layers[-1] = head(model, n_classes, seed)
    return model


def sharing_after_step(model, n_classes, seed=0):
    """Deep copies whose arrays are then swapped back for the pretrained ones."""
    new = right_classifier(model, n_classes, seed)
    for layer, old in zip(new.layers[:-1], model.layers[:-1], strict=True):
        layer.params = old.params
    return new


NEW_CLASSIFIER = [
    right("model.copy(), last layer replaced", copied_then_replaced),
    right("deepcopy of the list", lambda m, k, seed=0: nn.Sequential(
        copy.deepcopy(m.layers[:-1]) + [head(m, k, seed)])),
    right("He initialisation", lambda m, k, seed=0: nn.Sequential(
        copy.deepcopy(m.layers[:-1]) + [nn.Dense(m.layers[-1].n_in, k, seed=seed)])),
    wrong("shares the layers", lambda m, k, seed=0: nn.Sequential(m.layers[:-1] + [head(m, k, seed)]),
          "deepcopy"),
    wrong("copy.copy of each layer", shares_params, "shallow"),
    wrong("shares the params dicts", sharing_after_step, "share"),
    wrong("copy.copy of the model", shallow_model_copy, "pretrained model"),
    wrong("appends a layer", lambda m, k, seed=0: nn.Sequential(
        copy.deepcopy(m.layers) + [nn.Dense(5, k, seed=seed)]), "do not add one"),
    wrong("changes the model in place", in_place, "pretrained model"),
    wrong("wrong number of classes", lambda m, k, seed=0: right_classifier(m, 5, seed), "(2, 7)"),
    wrong("reuses the old weights", reuses_old_weights, "reuses the old weights"),
    wrong("a fresh network", fresh_body, "pretrained weights"),
    wrong("a list of layers", lambda m, k, seed=0: right_classifier(m, k, seed).layers,
          "Sequential"),
    wrong("the model itself, unchanged", lambda m, k, seed=0: m, "itself"),
]


# ------------------------------------------------------------------ the battery
CHECKERS = [
    ("check_output_size", ch05.check_output_size, right_output_size, OUTPUT_SIZE,
     scalar_battery),
    ("check_correlate2d", ch05.check_correlate2d, right_correlate, CORRELATE, wrong_answers),
    ("check_conv_params", ch05.check_conv_params, right_conv_params, CONV_PARAMS,
     scalar_battery),
    ("check_freeze", ch06.check_freeze, right_freeze, FREEZE, model_function_battery),
    ("check_n_trainable", ch06.check_n_trainable, right_n_trainable, N_TRAINABLE,
     model_function_battery),
    ("check_new_classifier", ch06.check_new_classifier, right_classifier, NEW_CLASSIFIER,
     model_function_battery),
]


@pytest.mark.parametrize("name, checker, right_answer, specific, generic", CHECKERS,
                         ids=[c[0] for c in CHECKERS])
def test_numpy_checkers_judge_the_battery(name, checker, right_answer, specific, generic):
    results = run_battery(checker, right_answer, specific, generic=generic)
    assert len(results) >= 25


@pytest.mark.parametrize("reference, cases, mistakes, tolerance", [
    (ch05._output_size, ch05.OUTPUT_SIZE_CASES, ch05.OUTPUT_SIZE_MISTAKES, 0.0),
    (ch05._correlate_reference, ch05._correlate_cases(), ch05.CORRELATE_MISTAKES, 1e-5),
    (ch05._conv_params, ch05.CONV_PARAMS_CASES, ch05.CONV_PARAMS_MISTAKES, 0.0),
], ids=["output size", "correlate2d", "conv params"])
def test_no_two_chapter_5_mistakes_coincide_on_every_case(reference, cases, mistakes, tolerance):
    """Otherwise the message could name the wrong mistake (or a mistake pass)."""
    functions = [("the right answer", reference)] + [(m, w) for w, m in mistakes]
    values = [ch05._mistake_values(f, cases) for _, f in functions]
    for (a, va), (b, vb) in itertools.combinations(zip(functions, values, strict=True), 2):
        assert not all(x is not None and y is not None and ch05._agrees(x, y, tolerance, tolerance)
                       for x, y in zip(va, vb, strict=True)), (a[0], b[0])


def test_no_two_counting_mistakes_coincide_on_every_model():
    models = ch06._models()
    counts = [tuple(ch06._reference_n_trainable(m) for m in models)]
    counts += [tuple(wrong(m) for m in models) for wrong, _ in ch06.N_TRAINABLE_MISTAKES]
    assert len(set(counts)) == len(counts), counts


def test_no_two_freezing_mistakes_coincide_on_every_case():
    def pattern(rule):
        result = []
        for model, k in zip(ch06._models(), ch06.FREEZE_CASES, strict=True):
            n = len(model.layers)
            result.append(tuple(bool(rule(i, k, n, layer.trainable))
                                for i, layer in enumerate(model.layers) if layer.params))
        return tuple(result)

    patterns = [pattern(lambda i, k, n, b: i >= k)]
    patterns += [pattern(rule) for rule, _ in ch06.FREEZE_MISTAKES]
    assert len(set(patterns)) == len(patterns)


def test_freeze_cases_make_an_off_by_one_change_which_weights_train():
    """n_layers - 1 and n_layers are layers with weights in some case: an off-by-one shows."""
    layers = ch06._models()[0].layers
    assert any(layers[k].params for k in ch06.FREEZE_CASES if 0 < k < len(layers))
    assert any(layers[k - 1].params for k in ch06.FREEZE_CASES if 0 < k)


# ------------------------------------------------------------------ chapter 7 (Keras)
@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def builder_battery(right_builder, keras):
    """The generic battery for a checker of a function that builds and returns a Keras model."""
    def returns(value):
        return lambda: value

    def debug_print():
        model = right_builder()
        print("debug:", type(model).__name__)
        return model

    def prints():
        print(right_builder())

    return [
        right("a debugging print", debug_print),
        wrong("returns None", returns(None), "None"),
        wrong("returns NotImplemented", returns(NotImplemented), "NotImplemented"),
        wrong("returns a string", returns("0.5"), "str"),
        wrong("returns the function itself", returns(right_builder), "function"),
        wrong("returns a tuple holding None", lambda: (right_builder(), None), "tuple"),
        wrong("returns the list of layers", lambda: right_builder().layers, "list"),
        wrong("returns the class keras.Sequential", returns(keras.Sequential), "Keras model"),
        wrong("raises ValueError", raising(ValueError("bad layer")), "raised ValueError"),
        wrong("raises ZeroDivisionError", lambda: 1 / 0, "raised ZeroDivisionError"),
        wrong("a stub", stub, "not done yet", not_done=True),
        wrong("calls exit()", lambda: sys.exit(1), "SystemExit"),
        Answer("KeyboardInterrupt", raising(KeyboardInterrupt()), propagates=KeyboardInterrupt),
        wrong("prints instead of returning", prints, "print"),
        wrong("not a function: None", None, "expected a function"),
        wrong("the model instead of the builder", right_builder(), "without calling it"),
    ]


def cnn(keras, *middle, conv=None, head=()):
    """A builder: Input, the Conv2D (default: the exercise's), ``middle`` layers, Dense(10), ``head``."""
    def build():
        L = keras.layers
        return keras.Sequential([
            keras.Input((8, 8, 1)),
            conv() if conv is not None else L.Conv2D(16, 3, activation="relu"),
            *(m() for m in middle),
            *(h() for h in head),
        ])
    return build


def digit_cnn_answers(keras):
    L = keras.layers

    def standard(*extra_head, conv=None, pool=lambda: L.MaxPooling2D(2), dense=lambda: L.Dense(10)):
        return cnn(keras, pool, L.Flatten, dense, conv=conv, head=extra_head)

    def functional():
        inputs = keras.Input((8, 8, 1))
        x = L.Activation("relu")(L.Conv2D(16, (3, 3))(inputs))
        return keras.Model(inputs, L.Dense(10)(L.Flatten()(L.MaxPooling2D((2, 2))(x))))

    def relu_after_pooling():
        return keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3), L.MaxPooling2D(2),
                                 L.ReLU(), L.Flatten(), L.Dense(10)])

    def nested():
        return keras.Sequential([keras.Input((8, 8, 1)), keras.Sequential(
            [L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(2)]), L.Flatten(), L.Dense(10)])

    def no_input():
        return keras.Sequential([L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(2),
                                 L.Flatten(), L.Dense(10)])

    def reshape():
        return keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3, activation="relu"),
                                 L.MaxPooling2D(2), L.Reshape((144,)), L.Dense(10)])

    def two_convs():
        return keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3, activation="relu"),
                                 L.Conv2D(16, 1), L.MaxPooling2D(2), L.Flatten(), L.Dense(10)])

    def flat_input():
        return keras.Sequential([keras.Input((64,)), L.Reshape((8, 8, 1)), L.Conv2D(16, 3),
                                 L.MaxPooling2D(2), L.Flatten(), L.Dense(10)])

    def channels_first():
        return keras.Sequential([keras.Input((1, 8, 8)), L.Conv2D(16, 3, activation="relu",
                                                                  data_format="channels_first"),
                                 L.MaxPooling2D(2, data_format="channels_first"), L.Flatten(),
                                 L.Dense(10)])

    def conv_then_global():
        return keras.Sequential([keras.Input((8, 8, 1)), L.Conv2D(16, 3, activation="relu"),
                                 L.GlobalMaxPooling2D(), L.Dense(10)])

    return [
        right("the solution", standard()),
        right("a separate ReLU layer", cnn(keras, L.ReLU, lambda: L.MaxPooling2D(2), L.Flatten,
                                           lambda: L.Dense(10), conv=lambda: L.Conv2D(16, 3))),
        right("Activation('relu') after the Conv2D", cnn(
            keras, lambda: L.Activation("relu"), lambda: L.MaxPooling2D(2), L.Flatten,
            lambda: L.Dense(10), conv=lambda: L.Conv2D(16, 3))),
        right("the functional API", functional),
        right("the ReLU after the pooling (the same function)", relu_after_pooling),
        right("a nested Sequential", nested),
        right("no keras.Input", no_input),
        right("Reshape instead of Flatten", reshape),
        right("a Dropout (inactive at inference)", cnn(
            keras, lambda: L.MaxPooling2D(2), L.Flatten, lambda: L.Dropout(0.5),
            lambda: L.Dense(10))),
        wrong("Dense(10) + Activation('softmax')", standard(lambda: L.Activation("softmax")),
              "logits"),
        wrong("Dense(10, 'softmax')", standard(dense=lambda: L.Dense(10, activation="softmax")),
              "logits"),
        wrong("a Softmax layer", standard(L.Softmax), "logits"),
        wrong("Dense(10) + ReLU", standard(L.ReLU), "never negative"),
        wrong("Dense(10, 'sigmoid')", standard(dense=lambda: L.Dense(10, activation="sigmoid")),
              "never negative"),
        wrong("Dense(10, 'tanh')", standard(dense=lambda: L.Dense(10, activation="tanh")),
              "tanh"),
        wrong("no ReLU", standard(conv=lambda: L.Conv2D(16, 3)), "ReLU"),
        wrong("a tanh in the convolution", standard(conv=lambda: L.Conv2D(16, 3, activation="tanh")),
              "ReLU"),
        wrong("padding='same'", standard(conv=lambda: L.Conv2D(16, 3, padding="same",
                                                               activation="relu")),
              "padding", "(8, 8, 16)"),
        wrong("8 filters", standard(conv=lambda: L.Conv2D(8, 3, activation="relu")), "8 filters"),
        wrong("a 5x5 kernel", standard(conv=lambda: L.Conv2D(16, 5, activation="relu")),
              "(5, 5)"),
        wrong("stride 2", standard(conv=lambda: L.Conv2D(16, 3, strides=2, activation="relu")),
              "stride"),
        wrong("no bias", standard(conv=lambda: L.Conv2D(16, 3, use_bias=False,
                                                        activation="relu")), "160"),
        wrong("no pooling", cnn(keras, L.Flatten, lambda: L.Dense(10)), "MaxPooling2D"),
        wrong("average pooling", standard(pool=lambda: L.AveragePooling2D(2)), "averages"),
        wrong("3x3 pooling", standard(pool=lambda: L.MaxPooling2D(3)), "144"),
        wrong("a hidden Dense layer", cnn(keras, lambda: L.MaxPooling2D(2), L.Flatten,
                                          lambda: L.Dense(32, activation="relu"),
                                          lambda: L.Dense(10)), "2 Dense layers"),
        wrong("a BatchNormalization", cnn(keras, L.BatchNormalization, lambda: L.MaxPooling2D(2),
                                          L.Flatten, lambda: L.Dense(10)), "1,610"),
        wrong("two convolutions", two_convs, "2 Conv2D"),
        wrong("5 classes", standard(dense=lambda: L.Dense(5)), "(32, 5)"),
        wrong("flat 64-pixel input", flat_input, "input shape"),
        wrong("channels first", channels_first, "input shape"),
        wrong("global pooling, no Flatten", conv_then_global, "16"),
    ]


def test_check_digit_cnn_judges_the_battery(keras):
    from nbcode.checks import ch07

    right_builder = cnn(keras, lambda: keras.layers.MaxPooling2D(2), keras.layers.Flatten,
                        lambda: keras.layers.Dense(10))
    results = run_battery(ch07.check_digit_cnn, right_builder, digit_cnn_answers(keras),
                          generic=lambda r: builder_battery(r, keras))
    assert len(results) >= 45


def callback_answers(keras):
    """(generic + specific) callback classes: a recorder must record, and only record."""
    class Base(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses, self.kernel_norms = [], []

        def kernel(self):
            return self.model.layers[0].get_weights()[0]

    def recorder(loss=lambda logs: float(logs["loss"]),
                 norm=lambda self: float(np.linalg.norm(self.kernel())), extra=None):
        class Recorder(Base):
            def on_epoch_end(self, epoch, logs=None):
                self.losses.append(loss(logs))
                self.kernel_norms.append(norm(self))
                if extra is not None:
                    extra(self, epoch, logs)
        return Recorder

    class PerBatch(Base):
        def on_train_batch_end(self, batch, logs=None):
            self.losses.append(float(logs["loss"]))
            self.kernel_norms.append(float(np.linalg.norm(self.kernel())))

    class NormAtStart(Base):
        def on_epoch_begin(self, epoch, logs=None):
            self.kernel_norms.append(float(np.linalg.norm(self.kernel())))

        def on_epoch_end(self, epoch, logs=None):
            self.losses.append(float(logs["loss"]))

    class Stub(Base):
        def on_epoch_end(self, epoch, logs=None):
            raise NotImplementedError("Exercise")

    class InitStub(keras.callbacks.Callback):
        def __init__(self):
            raise NotImplementedError

    class NeedsArgument(Base):
        def __init__(self, epochs):
            super().__init__()

    class NoLists(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class NotACallback:
        def on_epoch_end(self, epoch, logs=None):
            pass

    def stop(self, epoch, logs):
        if epoch == 1:
            self.model.stop_training = True

    def slow_down(self, epoch, logs):
        self.model.optimizer.learning_rate.assign(0.05)

    def nudge(self, epoch, logs):
        first = self.model.layers[0]
        first.set_weights([w * 0.5 for w in first.get_weights()])

    def edit_logs(self, epoch, logs):
        logs["loss"] = 0.0

    def raise_(error):
        return recorder(extra=lambda self, epoch, logs: (_ for _ in ()).throw(error))

    def twice(self, epoch, logs):
        self.losses.append(float(logs["loss"]))
        self.kernel_norms.append(float(np.linalg.norm(self.kernel())))

    return [
        right("float32 values", recorder(loss=lambda logs: np.float32(logs["loss"]),
                                         norm=lambda self: np.linalg.norm(self.kernel()))),
        right("keras.ops.norm (a backend array)", recorder(
            norm=lambda self: keras.ops.norm(self.model.layers[0].kernel))),
        right("sqrt of the sum of squares", recorder(
            norm=lambda self: math.sqrt(float((self.kernel().astype(float) ** 2).sum())))),
        wrong("None", None, "class itself"),
        wrong("an instance", recorder()(), "instance"),
        wrong("a function", lambda: recorder(), "class itself"),
        wrong("a string", "EpochRecorder", "class itself"),
        wrong("not a Callback subclass", NotACallback, "subclass"),
        wrong("__init__ is a stub", InitStub, "not done yet", not_done=True),
        wrong("__init__ needs an argument", NeedsArgument, "no arguments"),
        wrong("on_epoch_end is a stub", Stub, "not done yet", not_done=True),
        wrong("raises ValueError", raise_(ValueError("bad")), "raised ValueError"),
        wrong("raises KeyError", recorder(loss=lambda logs: logs["val_loss"]), "raised KeyError"),
        wrong("calls exit()", raise_(SystemExit(1)), "SystemExit"),
        Answer("KeyboardInterrupt", raise_(KeyboardInterrupt()), propagates=KeyboardInterrupt),
        wrong("no lists", NoLists, "no attribute"),
        wrong("squared norms", recorder(norm=lambda self: float(np.sum(self.kernel() ** 2))),
              "squared"),
        wrong("per batch", PerBatch, "on_epoch_end"),
        wrong("norms at the start of each epoch", NormAtStart, "start of each epoch"),
        wrong("records twice", recorder(extra=twice), "entries"),
        wrong("the bias's norm", recorder(
            norm=lambda self: float(np.linalg.norm(self.model.layers[0].get_weights()[1]))),
            "get_weights()"),
        wrong("the last layer's kernel", recorder(
            norm=lambda self: float(np.linalg.norm(self.model.layers[-1].get_weights()[0]))),
            "first layer"),
        wrong("the epoch number as the loss", recorder(loss=lambda logs: 1.0), "logs['loss']"),
        wrong("strings", recorder(loss=lambda logs: str(logs["loss"])), "one number"),
        wrong("the logs dict", recorder(loss=lambda logs: dict(logs)), "one number"),
        wrong("(epoch, loss) pairs", recorder(loss=lambda logs: (0, logs["loss"])), "one number"),
        wrong("None", recorder(loss=lambda logs: logs.get("val_loss")), "one number"),
        wrong("stops the training", recorder(extra=stop), "stopped"),
        wrong("changes the learning rate", recorder(extra=slow_down), "changed the training"),
        wrong("changes the weights", recorder(extra=nudge), "changed the training"),
        wrong("edits logs", recorder(extra=edit_logs), "changed the training"),
    ], recorder()


def test_check_epoch_recorder_judges_the_battery(keras):
    from nbcode.checks import ch07

    answers, right_class = callback_answers(keras)
    results = run_battery(ch07.check_epoch_recorder, right_class, answers,
                          generic=lambda r: [right("the solution", r)])
    assert len(results) >= 30
