"""Checkers for chapter 7: neural networks with Keras."""

from __future__ import annotations

import numpy as np

from .core import NOT_DONE, CheckResult, _call_student, report

__all__ = ["check_digit_cnn", "check_epoch_recorder", "EXPECTED_DIGIT_CNN"]

#: The architecture of the exercise: (layer type, output shape without the batch axis, parameters).
EXPECTED_DIGIT_CNN = [
    ("Conv2D", (6, 6, 16), 160),
    ("MaxPooling2D", (3, 3, 16), 0),
    ("Flatten", (144,), 0),
    ("Dense", (10,), 1450),
]


def _keras():
    from .. import keras_tools  # selects the JAX backend before keras is first imported

    return keras_tools.keras


def _layers_of(model):
    keras = _keras()
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _shape(layer) -> tuple:
    return tuple(layer.output.shape[1:])


def check_digit_cnn(build) -> CheckResult:
    """Check ``build()`` returns the exercise's CNN.

    Expected: Conv2D(16, 3, padding="valid", relu) -> MaxPooling2D(2) -> Flatten -> Dense(10).
    """
    exercise = "a CNN for 8x8 digits in Keras"
    keras = _keras()
    model, failure = _call_student(build, (), exercise)
    if failure is not None:
        return report(failure)
    if model is None:
        return report(CheckResult(exercise, False,
                                  "your function returned None: did you forget `return model`?"))
    if not isinstance(model, keras.Model):
        return report(CheckResult(exercise, False, "your function should return a Keras model "
                                  f"(keras.Sequential or keras.Model); it returned a "
                                  f"{type(model).__name__}."))
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
    except (AttributeError, IndexError, TypeError, ValueError):
        return report(CheckResult(exercise, False, "the model has no known input shape: start it "
                                  "with keras.Input((8, 8, 1))."))
    if input_shape != (8, 8, 1):
        return report(CheckResult(exercise, False, f"the input shape is {input_shape}; expected "
                                  "(8, 8, 1): 8x8 images with one channel, channels last."))
    layers = [layer for layer in _layers_of(model) if not isinstance(
        layer, keras.layers.Activation | keras.layers.ReLU)]
    kinds = [type(layer).__name__ for layer in layers]
    expected_kinds = [kind for kind, _, _ in EXPECTED_DIGIT_CNN]
    if kinds != expected_kinds:
        return report(CheckResult(exercise, False, f"the layers are {kinds}; expected "
                                  f"{expected_kinds} (in this order)."))
    conv, dense = layers[0], layers[-1]
    if conv.filters != 16 or tuple(conv.kernel_size) != (3, 3):
        return report(CheckResult(exercise, False, f"the Conv2D layer has {conv.filters} filters "
                                  f"of size {tuple(conv.kernel_size)}; expected 16 filters of "
                                  "size (3, 3)."))
    for layer, (kind, shape, count) in zip(layers, EXPECTED_DIGIT_CNN, strict=True):
        got = _shape(layer)
        if got != shape:
            hint = ""
            if kind == "Conv2D" and got[:2] == (8, 8):
                hint = (" With padding='same' the output keeps the 8x8 size; the exercise asks "
                        "for no padding (padding='valid', the default).")
            return report(CheckResult(exercise, False, f"the {kind} layer outputs shape {got}; "
                                      f"expected {shape}.{hint}"))
        if layer.count_params() != count:
            return report(CheckResult(exercise, False, f"the {kind} layer has "
                                      f"{layer.count_params()} parameters; expected {count}."))
    activation = getattr(conv.activation, "__name__", "")
    follows = _layers_of(model)
    after_conv = follows[follows.index(conv) + 1]
    relu_layer = isinstance(after_conv, keras.layers.ReLU) or (
        isinstance(after_conv, keras.layers.Activation)
        and getattr(after_conv.activation, "__name__", "") == "relu")
    if activation != "relu" and not relu_layer:
        return report(CheckResult(exercise, False, "the convolution has no ReLU: use "
                                  "Conv2D(16, 3, activation='relu')."))
    if getattr(dense.activation, "__name__", "linear") != "linear":
        return report(CheckResult(exercise, False, "the last Dense layer should output logits "
                                  "(no activation): the loss applies the softmax "
                                  "(from_logits=True)."))
    total = sum(count for _, _, count in EXPECTED_DIGIT_CNN)
    return report(CheckResult(exercise, True, f"correct: the layers, their output shapes and "
                              f"the {total:,} parameters match."))


class _Reference:
    """What the exercise's callback should record, computed by a trusted callback."""

    def __init__(self, keras):
        class Reference(keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.losses, self.kernel_norms = [], []

            def on_epoch_end(self, epoch, logs=None):
                self.losses.append(float(logs["loss"]))
                kernel = self.model.layers[0].get_weights()[0]
                self.kernel_norms.append(float(np.linalg.norm(kernel)))

        self.callback = Reference()


def _tiny_fit(keras, callbacks, epochs: int = 4):
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    X = rng.normal(size=(64, 3)).astype("float32")
    y = (X[:, 0] - X[:, 1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.5),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit(X, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0, callbacks=callbacks)


def check_epoch_recorder(callback_class) -> CheckResult:
    """Check a Keras callback class that records ``losses`` and ``kernel_norms`` once per epoch."""
    exercise = "a callback that records the loss and the weights"
    keras = _keras()
    if not (isinstance(callback_class, type) and issubclass(callback_class, keras.callbacks.Callback)):
        return report(CheckResult(exercise, False, "pass the class itself (not an instance), a "
                                  "subclass of keras.callbacks.Callback."))
    try:
        student = callback_class()
    except NotImplementedError:
        return report(CheckResult(exercise, False, f"{NOT_DONE}: write __init__ and on_epoch_end.",
                                  not_done=True))
    except Exception as error:  # noqa: BLE001 - advice, not a traceback
        return report(CheckResult(exercise, False, f"creating your callback with no arguments "
                                  f"raised {type(error).__name__}: {error}."))
    reference = _Reference(keras).callback
    epochs = 4

    def fit():
        _tiny_fit(keras, [student, reference], epochs)

    _, failure = _call_student(fit, (), exercise)
    if failure is not None:
        if failure.not_done:
            failure.message = f"{NOT_DONE}: replace `raise NotImplementedError` in on_epoch_end."
        return report(failure)
    for name in ("losses", "kernel_norms"):
        values = getattr(student, name, None)
        if values is None:
            return report(CheckResult(exercise, False, f"your callback has no attribute `{name}`: "
                                      f"set `self.{name} = []` in __init__."))
        expected = getattr(reference, name)
        try:
            values = [float(v) for v in values]
        except (TypeError, ValueError):
            return report(CheckResult(exercise, False, f"`{name}` should hold one number per "
                                      "epoch (use float(...))."))
        if len(values) != len(expected):
            hint = (" Record in on_epoch_end, once per epoch (on_batch_end runs once per "
                    "mini-batch)." if len(values) > len(expected) else "")
            return report(CheckResult(exercise, False, f"after {epochs} epochs `{name}` has "
                                      f"{len(values)} entries; expected {epochs}.{hint}"))
        if not np.allclose(values, expected, rtol=1e-5, atol=1e-7):
            hint = ""
            if name == "kernel_norms" and np.allclose(values, np.square(expected), rtol=1e-5):
                hint = " They are the squared norms: take the square root."
            elif name == "losses":
                hint = " Use logs['loss'], the epoch's training loss."
            else:
                hint = (" Use the kernel (first array of get_weights()) of the first layer, "
                        "and np.linalg.norm.")
            return report(CheckResult(exercise, False, f"`{name}` is {np.round(values, 4).tolist()}"
                                      f"; expected {np.round(expected, 4).tolist()}.{hint}"))
    return report(CheckResult(exercise, True, "correct: one loss and one kernel norm per epoch, "
                              "as Keras computed them."))
