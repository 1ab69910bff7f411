"""Checkers for chapter 7: neural networks with Keras."""

from __future__ import annotations

import numpy as np

from ..i18n import N_, _, ngettext
from ..nn.activations import sigmoid
from .core import NOT_DONE, CheckResult, _describe, call_student, check_array_answer

__all__ = ["check_digit_cnn", "check_epoch_recorder", "check_kernel_gradient_norms",
           "EXPECTED_DIGIT_CNN"]

#: The architecture of the exercise: (layer type, output shape without the batch axis, parameters).
EXPECTED_DIGIT_CNN = [
    ("Conv2D", (6, 6, 16), 160),
    ("MaxPooling2D", (3, 3, 16), 0),
    ("Flatten", (144,), 0),
    ("Dense", (10,), 1450),
]


def _keras():
    from .. import keras_bridge  # selects the JAX backend before keras is first imported

    return keras_bridge.keras


def _all_layers(model) -> list:
    """Every layer of ``model``, nested models opened, input layers left out."""
    keras = _keras()
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.Model):
            found.extend(_all_layers(layer))
        elif not isinstance(layer, keras.layers.InputLayer):
            found.append(layer)
    return found


def _conv_output_shape(conv) -> tuple | None:
    try:
        return tuple(conv.output.shape[1:])
    except Exception:  # noqa: BLE001 - a layer built without a functional graph
        try:
            return tuple(conv.compute_output_shape((None, 8, 8, 1))[1:])
        except Exception:  # noqa: BLE001
            return None


#: Probe images: 32 random 8x8 grey images (normal values, so of both signs).
def _probe():
    return np.random.default_rng(11).normal(size=(32, 8, 8, 1)).astype("float32")


def _digit_cnn_outputs(X, kernel, conv_bias, weights, bias, *, relu=True, pool="max"):
    """The exercise's network computed with numpy from given weights: (n, 10) logits."""
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(X, float), (3, 3), axis=(1, 2))
    z = np.einsum("nhwcuv,uvcf->nhwf", windows, np.asarray(kernel, float)) + conv_bias
    if relu:
        z = np.maximum(z, 0.0)
    blocks = z.reshape(len(z), 3, 2, 3, 2, z.shape[-1])
    pooled = blocks.max(axis=(2, 4)) if pool == "max" else blocks.mean(axis=(2, 4))
    return pooled.reshape(len(z), -1) @ weights + bias


def _structure_problem(model) -> str | None:
    """What is wrong with the layers, judged by their shapes and parameter counts."""
    keras = _keras()
    layers = _all_layers(model)
    convs = [layer for layer in layers if isinstance(layer, keras.layers.Conv2D)]
    if len(convs) != 1:
        return ngettext("the model has {count} Conv2D layer; the exercise asks for one (16 "
                        "filters of size 3x3).",
                        "the model has {count} Conv2D layers; the exercise asks for one (16 "
                        "filters of size 3x3).", len(convs)).format(count=len(convs))
    conv = convs[0]
    if conv.filters != 16 or tuple(conv.kernel_size) != (3, 3):
        return _("the Conv2D layer has {filters} filters of size {size}; expected 16 filters of "
                 "size (3, 3).").format(filters=conv.filters, size=tuple(conv.kernel_size))
    shape = _conv_output_shape(conv)
    if shape != (6, 6, 16):
        hint = ""
        if shape is not None and shape[:2] == (8, 8):
            hint = _(" With padding='same' the output keeps the 8x8 size; the exercise asks for "
                     "no padding (padding='valid', the default).")
        elif tuple(getattr(conv, "strides", (1, 1))) != (1, 1):
            hint = _(" Use a stride of 1 (the default).")
        return _("the Conv2D layer outputs shape {shape}; expected (6, 6, 16).{hint}").format(
            shape=shape, hint=hint)
    if conv.count_params() != 160:
        return _("the Conv2D layer has {count} parameters; expected 160 = 16 x (3 x 3 x 1 + 1): "
                 "16 kernels of 3x3 weights and one bias each.").format(count=conv.count_params())
    denses = [layer for layer in layers if isinstance(layer, keras.layers.Dense)]
    if len(denses) != 1:
        return ngettext("the model has {count} Dense layer; the exercise asks for one, with 10 "
                        "outputs (the logits).",
                        "the model has {count} Dense layers; the exercise asks for one, with 10 "
                        "outputs (the logits).", len(denses)).format(count=len(denses))
    n_in = int(denses[0].kernel.shape[0])
    if n_in != 144:
        hint = (_(" That is 6 x 6 x 16: the 2x2 MaxPooling2D is missing.") if n_in == 576 else
                _(" Pool the 6 x 6 x 16 maps with MaxPooling2D(2), then Flatten."))
        return _("the Dense layer receives {n_in} values; expected 144 = 3 x 3 x 16.{hint}").format(
            n_in=n_in, hint=hint)
    if denses[0].count_params() != 1450:
        return _("the Dense layer has {count} parameters; expected 1450 = (144 + 1) x 10.").format(
            count=denses[0].count_params())
    total = model.count_params()
    if total != 1610:
        return _("the model has {total:,} parameters; expected 1,610 (160 in the Conv2D layer, "
                 "1,450 in the Dense layer) and no other layer with weights.").format(total=total)
    return None


def _computation_problem(model, conv, dense, X) -> str | None:
    """Compare the model's outputs with the exercise's network computed from its own weights."""
    rng = np.random.default_rng(12)
    saved = model.get_weights()
    try:
        # Seeded weights (biases included, so that they count) make the test the same
        # whatever the initialisation; the student's weights are put back afterwards.
        values = [rng.normal(scale=0.5, size=w.shape).astype(w.dtype)
                  for w in conv.get_weights() + dense.get_weights()]
        conv.set_weights(values[:2])
        dense.set_weights(values[2:])
        out = np.asarray(model(X, training=False), dtype=float)
    finally:
        model.set_weights(saved)
    variants = {name: _digit_cnn_outputs(X, *values, **options) for name, options in (
        ("right", {}), ("no relu", {"relu": False}), ("average", {"pool": "average"}))}

    def close(a, b):
        return np.allclose(a, b, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(b).max())))

    if close(out, variants["right"]):
        return None
    if np.all(out >= -1e-6) and np.all(out <= 1 + 1e-6) and np.allclose(out.sum(axis=1), 1,
                                                                        atol=1e-4):
        return _("the outputs are probabilities (each row sums to 1): the last Dense layer "
                 "should output logits (no activation, no softmax after it); the loss applies "
                 "the softmax (from_logits=True).")
    if np.all(out >= 0):
        return _("the outputs are never negative, so an activation follows the last Dense "
                 "layer: it should output logits (no activation); the loss applies the softmax "
                 "(from_logits=True).")
    if close(out, variants["no relu"]):
        return _("the convolution has no ReLU: use Conv2D(16, 3, activation='relu') (or a ReLU "
                 "layer after it).")
    if close(out, variants["average"]):
        return _("the pooling averages: the exercise asks for a 2x2 MaxPooling2D.")
    for name, function in (("tanh", np.tanh), ("sigmoid", sigmoid)):
        if close(out, function(variants["right"])):
            return _("a {activation} follows the last Dense layer: it should output logits (no "
                     "activation).").format(activation=name)
    return _("the layers have the right shapes and parameter counts, but the model does not "
             "compute Conv2D -> ReLU -> MaxPooling2D(2) -> Flatten -> Dense: check the order of "
             "the layers and the activations (only a ReLU, after the convolution).")


def check_digit_cnn(build) -> CheckResult:
    """Check ``build()`` returns the exercise's CNN, judged by what the model computes.

    Expected: Conv2D(16, 3, padding="valid", relu) -> MaxPooling2D(2) -> Flatten -> Dense(10),
    however it is written (Sequential or functional, the ReLU inside the Conv2D or as a
    layer). The checker reads the output shape of the model and of its convolution, the
    parameter counts, and compares the outputs on random images with the same network
    computed in numpy from the model's own (seeded) weights: logits, a ReLU, a 2x2 max.
    """
    exercise = _("a CNN for 8x8 digits in Keras")
    keras = _keras()

    def fail(message):
        return CheckResult(exercise, False, message)

    if isinstance(build, keras.layers.Layer):
        return fail(_("pass the function itself, without calling it: "
                      "check_digit_cnn(build_digit_cnn), not check_digit_cnn(build_digit_cnn())."))
    model, failure = call_student(build, (), exercise, protect=())
    if failure is not None:
        return failure
    if model is None:
        return fail(_("your function returned None: did you forget `return model`?"))
    if not isinstance(model, keras.Model):
        return fail(_("your function should return a Keras model (keras.Sequential or "
                      "keras.Model); it returned {returned}.").format(returned=_describe(model)))
    try:
        input_shape = tuple(model.inputs[0].shape[1:])
    except Exception:  # noqa: BLE001 - a Sequential without keras.Input: the probe builds it
        input_shape = None
    if input_shape is not None and input_shape != (8, 8, 1):
        return fail(_("the input shape is {shape}; expected (8, 8, 1): 8x8 images with one "
                      "channel, channels last.").format(shape=input_shape))
    try:
        # Shapes are read symbolically: a real call compiles every new shape (seconds).
        if input_shape is None:
            model.build((None, 8, 8, 1))
        shape = model.compute_output_shape((32, 8, 8, 1))
        shape = tuple(int(d) for d in shape)
    except Exception as error:  # noqa: BLE001 - whatever the student's model does
        return fail(_("the model cannot take a batch of 8x8 grey images, shape (32, 8, 8, 1) "
                      "(channels last): {error_type}: {error}").format(
            error_type=type(error).__name__, error=str(error)[:200]))
    if shape != (32, 10):
        return fail(_("for a batch of 32 images the model outputs shape {shape}; expected "
                      "(32, 10): 10 logits per image, one per class.").format(shape=shape))
    try:
        problem = _structure_problem(model)
        if problem is None:
            layers = _all_layers(model)
            conv = next(layer for layer in layers if isinstance(layer, keras.layers.Conv2D))
            dense = next(layer for layer in layers if isinstance(layer, keras.layers.Dense))
            problem = _computation_problem(model, conv, dense, _probe())
    except Exception as error:  # noqa: BLE001 - an unusual model must still get a sentence
        problem = _("the checker could not read the model's layers ({error_type}: {error}); "
                    "build it from Conv2D, MaxPooling2D, Flatten and Dense.").format(
            error_type=type(error).__name__, error=str(error)[:200])
    if problem is not None:
        return fail(problem)
    return CheckResult(exercise, True, _("correct: the layers, their output shapes and the 1,610 "
                                         "parameters match."))


def _recorder_class(keras):
    """A trusted recorder: the loss and the first layer's kernel norm after every epoch."""

    class Reference(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.losses, self.kernel_norms, self.initial_norm = [], [], None

        def _norm(self):
            return float(np.linalg.norm(self.model.layers[0].get_weights()[0]))

        def on_train_begin(self, logs=None):
            self.initial_norm = self._norm()

        def on_epoch_end(self, epoch, logs=None):
            self.losses.append(float(logs["loss"]))
            self.kernel_norms.append(self._norm())

    return Reference


class _TinyRun:
    """A tiny seeded model that can be trained several times from the same start.

    The second ``fit`` reuses the compiled training step (about 0.05 s instead of 2 s),
    so the reference and the student's callback get runs of their own at almost no cost.
    """

    epochs = 4

    def __init__(self, keras):
        keras.utils.set_random_seed(7)
        rng = np.random.default_rng(7)
        self.X = rng.normal(size=(64, 3)).astype("float32")
        self.y = (self.X[:, 0] - self.X[:, 1] > 0).astype("float32")
        self.model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                                       keras.layers.Dense(1)])
        self.model.compile(optimizer=keras.optimizers.SGD(0.5),
                           loss=keras.losses.BinaryCrossentropy(from_logits=True))
        self.start = self.model.get_weights()

    def fit(self, callbacks):
        self.model.set_weights(self.start)
        self.model.optimizer.iterations.assign(0)
        self.model.optimizer.learning_rate.assign(0.5)
        self.model.fit(self.X.copy(), self.y.copy(), epochs=self.epochs, batch_size=16,
                       shuffle=False, verbose=0, callbacks=callbacks)


_RUN: list = []  # the cached (_TinyRun, losses and norms of its first reference run)


def _reference_run(keras, Reference):
    """A run of the tiny model with the trusted recorder: the reference values.

    The model is kept between checks (compiling its training step is most of the cost),
    but each check trains it from the same start and compares the reference run with the
    first one ever made: a student's callback that damaged the model for good (a new
    optimiser, a recompiled loss) makes the checker start again from a fresh model.
    """
    for _attempt in range(2):
        if not _RUN:
            _RUN.append((_TinyRun(keras), None))
        run, truth = _RUN[0]
        reference = Reference()
        run.fit([reference])
        record = (reference.losses, reference.kernel_norms)
        if truth is None:
            _RUN[0] = (run, record)
            return run, reference
        if all(np.allclose(a, b, rtol=1e-6) for a, b in zip(record, truth, strict=True)):
            return run, reference
        _RUN.clear()
    return run, reference


def _numbers_problem(name, values) -> str | None:
    if not isinstance(values, list | tuple | np.ndarray):
        return _("`{name}` should be a list with one number per epoch; it is {value}.").format(
            name=name, value=_describe(values))
    for epoch, value in enumerate(values):
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001
            array = np.asarray(None)
        if array.size != 1 or array.dtype.kind not in "fiu":
            return _("`{name}[{epoch}]` is {value}; each entry should be one number (use "
                     "float(...)).").format(name=name, epoch=epoch, value=_describe(value))
    return None


def _record_hint(name, values, reference) -> str:
    expected = reference.kernel_norms if name == "kernel_norms" else reference.losses
    if name == "losses":
        return _(" Use logs['loss'], the epoch's training loss.")
    if np.allclose(values, np.square(expected), rtol=1e-5):
        return _(" They are the squared norms: take the square root.")
    before = [reference.initial_norm, *expected[:-1]]
    if np.allclose(values, before, rtol=1e-5):
        return _(" They are the norms at the start of each epoch: record in on_epoch_end, after "
                 "the epoch's updates.")
    return _(" Use the kernel (first array of get_weights()) of the first layer, and "
             "np.linalg.norm.")


def check_epoch_recorder(callback_class) -> CheckResult:
    """Check a Keras callback class that records ``losses`` and ``kernel_norms`` once per epoch.

    The reference is recorded in a run of its own; the student's callback gets a second
    run from the same start, watched by a trusted recorder, so a callback that stops the
    training, changes the learning rate, the weights or ``logs`` is told so and cannot
    change the expected values.
    """
    exercise = _("a callback that records the loss and the weights")
    keras = _keras()

    def fail(message, not_done=False):
        return CheckResult(exercise, False, message, not_done=not_done)

    if not (isinstance(callback_class, type)
            and issubclass(callback_class, keras.callbacks.Callback)):
        given = (_("an instance") if isinstance(callback_class, keras.callbacks.Callback)
                 else _describe(callback_class))
        return fail(_("pass the class itself (not an instance), a subclass of "
                      "keras.callbacks.Callback; received {given}.").format(given=given))
    try:
        student = callback_class()
    except NotImplementedError:
        return fail(_("{not_done}: write __init__ and on_epoch_end.").format(
            not_done=_(NOT_DONE)), not_done=True)
    except (Exception, SystemExit) as error:  # noqa: BLE001 - advice, not a traceback
        return fail(_("creating your callback with no arguments raised {error_type}: "
                      "{error}.").format(error_type=type(error).__name__, error=error))
    Reference = _recorder_class(keras)
    run, reference = _reference_run(keras, Reference)
    observer = Reference()
    failure = call_student(run.fit, ([student, observer],), exercise, protect=())[1]
    if failure is not None:
        if failure.not_done:
            failure.message = _("{not_done}: replace `raise NotImplementedError` in "
                                "on_epoch_end.").format(not_done=_(NOT_DONE))
        return failure
    epochs = run.epochs
    if len(observer.losses) < epochs:
        return fail(_("with your callback the training stopped after {done} of {epochs} epochs "
                      "(self.model.stop_training = True?): a recorder should only read the "
                      "model, never change the training.").format(done=len(observer.losses),
                                                                  epochs=epochs))
    if not (np.allclose(observer.losses, reference.losses, rtol=1e-6)
            and np.allclose(observer.kernel_norms, reference.kernel_norms, rtol=1e-6)):
        return fail(_("your callback changed the training: with it, the losses or the weights "
                      "differ from a run without it (did it change the weights, the learning "
                      "rate or `logs`?). A recorder should only read the model."))
    for name in ("losses", "kernel_norms"):
        values = getattr(student, name, None)
        if values is None:
            return fail(_("your callback has no attribute `{name}`: set `self.{name} = []` in "
                          "__init__.").format(name=name))
        problem = _numbers_problem(name, values)
        if problem is not None:
            return fail(problem)
        values = [float(np.asarray(v).reshape(-1)[0]) for v in values]
        expected = getattr(reference, name)
        if len(values) != len(expected):
            hint = (_(" Record in on_epoch_end, once per epoch (on_batch_end runs once per "
                      "mini-batch).") if len(values) > len(expected) else "")
            # English keeps its one form (even for 1 entry); French needs both.
            return fail(ngettext("after {epochs} epochs `{name}` has {count} entries; expected "
                                 "{epochs}.{hint}",
                                 "after {epochs} epochs `{name}` has {count} entries; expected "
                                 "{epochs}.{hint}", len(values)).format(
                epochs=epochs, name=name, count=len(values), hint=hint))
        if not np.allclose(values, expected, rtol=1e-5, atol=1e-7):
            return fail(_("`{name}` is {values}; expected {expected}.{hint}").format(
                name=name, values=np.round(values, 4).tolist(),
                expected=np.round(expected, 4).tolist(),
                hint=_record_hint(name, values, reference)))
    return CheckResult(exercise, True, _("correct: one loss and one kernel norm per epoch, as "
                                         "Keras computed them."))


# ------------------------------------------------------------------ gradient norms across depth
#: The checker's own deep MLPs: (activation, initial scale, seed), 6 hidden layers of 32
#: units on 2 inputs and 3 logits, on a fixed batch of 300 points: the shapes of the
#: chapter's networks, so that JAX reuses the operations it compiled there. One of them
#: vanishes towards the input, one does not.
GRADIENT_NORM_MODELS = (("sigmoid", "glorot", 3), ("tanh", "glorot", 4), ("tanh", "small", 5))


#: The initialisations of GRADIENT_NORM_MODELS, as the verdicts name them.
INITIALISATIONS = {"glorot": N_("glorot initialisation"), "small": N_("small initialisation")}


def _deep_mlp(activation, init, seed, depth=6, width=32, n_inputs=2, n_classes=3):
    """A Keras MLP whose initial weights are drawn by numpy (JAX's generator compiles per shape)."""
    keras = _keras()
    rng = np.random.default_rng(seed)
    sizes = [n_inputs] + [width] * depth + [n_classes]
    layers = [keras.Input(shape=(n_inputs,))]
    layers += [keras.layers.Dense(width, activation=activation, kernel_initializer="zeros")
               for _ in range(depth)]
    layers.append(keras.layers.Dense(n_classes, kernel_initializer="zeros"))
    model = keras.Sequential(layers)
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        scale = 0.1 if init == "small" else np.sqrt(2.0 / (n_in + n_out))
        weights += [rng.normal(0.0, scale, (n_in, n_out)), rng.normal(0.0, 0.1, n_out)]
    model.set_weights([w.astype("float32") for w in weights])
    return model


def _gradient_batch():
    rng = np.random.default_rng(21)
    return rng.normal(size=(300, 2)).astype("float32"), rng.integers(0, 3, size=300)


def _numpy_kernel_gradients(weights, activation, X, y, reduction="mean"):
    """Backpropagation in float64 through Dense layers given as [W1, b1, W2, b2, ...].

    The loss is the softmax cross-entropy of the logits (the last layer has no
    activation), averaged over the batch (or summed); returns the list of dL/dW.
    """
    kernels = [np.asarray(w, float) for w in weights[0::2]]
    biases = [np.asarray(b, float) for b in weights[1::2]]
    inputs, a = [], np.asarray(X, float)
    for k, (W, b) in enumerate(zip(kernels, biases, strict=True)):
        inputs.append(a)
        z = a @ W + b
        if k < len(kernels) - 1:
            a = sigmoid(z) if activation == "sigmoid" else np.tanh(z)
        else:
            a = z
    p = np.exp(a - a.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta = p - np.eye(a.shape[1])[y]
    if reduction == "mean":
        delta /= len(X)
    grads = [None] * len(kernels)
    for k in range(len(kernels) - 1, -1, -1):
        grads[k] = inputs[k].T @ delta
        if k:
            a_prev = inputs[k]          # the activation of layer k - 1
            derivative = a_prev * (1 - a_prev) if activation == "sigmoid" else 1 - a_prev ** 2
            delta = (delta @ kernels[k].T) * derivative
    return grads


def _norms(arrays) -> np.ndarray:
    return np.array([np.linalg.norm(a) for a in arrays])


def _bias_gradients_too(weights, activation, X, y):
    """Every gradient's norm, biases included, in the order kernel, bias, kernel, ..."""
    kernels = _numpy_kernel_gradients(weights, activation, X, y)
    biases = _numpy_bias_gradients(weights, activation, X, y)
    return np.array([v for pair in zip(_norms(kernels), _norms(biases), strict=True) for v in pair])


def _numpy_bias_gradients(weights, activation, X, y):
    """The list of dL/db, by the same backpropagation (a bias is the weight of an input 1)."""
    extended = []
    for W, b in zip(weights[0::2], weights[1::2], strict=True):
        extended += [np.vstack([np.asarray(W, float), np.asarray(b, float)[None]]),
                     np.zeros_like(b, dtype=float)]
    kernels = [np.asarray(w, float) for w in extended[0::2]]
    inputs, a = [], np.asarray(X, float)
    for k, W in enumerate(kernels):
        a1 = np.column_stack([a, np.ones(len(a))])
        inputs.append(a1)
        z = a1 @ W
        a = (sigmoid(z) if activation == "sigmoid" else np.tanh(z)) if k < len(kernels) - 1 else z
    p = np.exp(a - a.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    delta = (p - np.eye(a.shape[1])[y]) / len(X)
    grads = [None] * len(kernels)
    for k in range(len(kernels) - 1, -1, -1):
        grads[k] = delta.sum(axis=0)
        if k:
            a_prev = inputs[k][:, :-1]
            derivative = a_prev * (1 - a_prev) if activation == "sigmoid" else 1 - a_prev ** 2
            delta = (delta @ kernels[k][:-1].T) * derivative
    return grads


#: Mistakes: ``wrong(weights, activation, X, y) -> norms``, each with its sentence.
GRADIENT_NORM_MISTAKES = [
    (lambda w, act, X, y: _norms(_numpy_kernel_gradients(w, act, X, y))[::-1],
     N_("your norms are in reverse order: list them from the first layer (next to the input) to "
        "the last (the logits), the order of model.trainable_variables.")),
    (lambda w, act, X, y: _norms(_numpy_kernel_gradients(w, act, X, y, reduction="sum")),
     N_("your norms are n times too large: the loss is the mean cross-entropy over the batch "
        "(as SparseCategoricalCrossentropy computes it), not the sum.")),
    (lambda w, act, X, y: _norms(_numpy_kernel_gradients(w, act, X, y)) ** 2,
     N_("you returned squared norms: the Frobenius norm is the square root of the sum of the "
        "squared entries (np.linalg.norm).")),
    (lambda w, act, X, y: _norms(w[0::2]),
     N_("those are the norms of the kernels themselves, not of their gradients: differentiate "
        "the loss with jax.grad and take the norms of the results.")),
    (lambda w, act, X, y: np.array([np.abs(g).max() for g in _numpy_kernel_gradients(w, act, X, y)]),
     N_("you returned the largest absolute entry of each gradient: the exercise asks for the "
        "Frobenius norm, the square root of the sum of the squared entries.")),
    (lambda w, act, X, y: _bias_gradients_too(w, act, X, y),
     N_("you included the biases' gradients: return one norm per layer, of the kernel's gradient "
        "only (the 2-D entries of model.trainable_variables).")),
    (lambda w, act, X, y: _norms(_numpy_kernel_gradients(w, act, X, y))[:-1],
     N_("the last layer (the logits) is missing: return one norm per Dense layer, its kernel "
        "included.")),
    (lambda w, act, X, y: _norms(_numpy_bias_gradients(w, act, X, y)),
     N_("those are the norms of the biases' gradients: take the kernels' (the 2-D entries of "
        "model.trainable_variables).")),
]


def _as_float64(answer):
    """A numeric answer as float64 (so that float32 norms are judged relatively, entry by entry)."""
    try:
        array = np.asarray(answer)
    except Exception:  # noqa: BLE001 - judged by check_array_answer
        return answer
    return array.astype(float) if array.dtype.kind in "fiu" else answer


def check_kernel_gradient_norms(function) -> CheckResult:
    """Check ``function(model, X, y)``: the norm of dL/dkernel for each Dense layer, in order.

    The models are deep MLPs (sigmoid or tanh) built by the checker; L is the mean softmax
    cross-entropy of the logits. The reference is an independent numpy backpropagation in
    float64 from copies of the model's weights, computed first; the model's weights must
    come back unchanged from the student's function. The norms are compared
    entry by entry to a relative 1e-3 (float32 arithmetic), the tiny ones too.
    """
    exercise = _("gradient norms across depth")
    X, y = _gradient_batch()
    for activation, init, seed in GRADIENT_NORM_MODELS:
        student_model = _deep_mlp(activation, init, seed)
        weights = student_model.get_weights()          # copies, taken before the call
        expected = _norms(_numpy_kernel_gradients(weights, activation, X, y))
        answer, failure = call_student(function, (student_model, X.copy(), y.copy()), exercise,
                                       names=("model", "X", "y"), protect=(1, 2))
        if failure is not None:
            return failure
        after = student_model.get_weights()
        if len(after) != len(weights) or any(not np.array_equal(a, b)
                                             for a, b in zip(after, weights, strict=True)):
            return CheckResult(exercise, False,
                               _("your function changed the model's weights (a training step?): "
                                 "computing gradients must leave the model as it is; use "
                                 "stateless_call with the values, not fit or an optimiser."))
        answer = _as_float64(answer)
        problem = check_array_answer(answer, expected, what=_("your list of norms"), rtol=1e-3,
                                     atol=0.0, factors=())
        if problem is None:
            continue
        for wrong, message in GRADIENT_NORM_MISTAKES:
            value = wrong(weights, activation, X, y)
            if check_array_answer(answer, value, rtol=1e-3, atol=0.0, factors=()) is None:
                return CheckResult(exercise, False, _(message))
        return CheckResult(exercise, False,
                           _("{problem} (a {activation} MLP with {layers} Dense layers, "
                             "{initialisation}; expected {expected}.)").format(
                               problem=problem, activation=activation, layers=len(expected),
                               initialisation=_(INITIALISATIONS[init]),
                               expected=_describe(expected)))
    return CheckResult(exercise, True,
                       _("correct: your norms match an independent backpropagation in numpy "
                         "(float64) for every layer, in sigmoid and tanh networks."))
