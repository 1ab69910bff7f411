"""A table of bad inputs against every public nbcode function and class.

Each row is a real call with one bad argument. It must raise a TypeError or a
ValueError whose message names the argument, says what was expected and what was
received (asserted on substrings), never garbage in silence (NaN, a wrong loss
from broadcasting) nor a raw numpy error from deep inside. A few rows at the end
are valid edge cases that must *not* raise, so that validation is not over-eager.

The exercise checkers (nbcode/checks) and the build tooling (editions, sphinxext)
are tested elsewhere.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nbcode import (  # noqa: E402
    analysis,
    cnn,
    data,
    frames,
    gradcheck,
    linear,
    neuron,
    nn,
    playground,
    plots,
    regularization,
    train,
    transfer,
    widgets,
)

NAN, INF = math.nan, math.inf

# --------------------------------------------------------------------------- fixtures
_rng = np.random.default_rng(0)
X = _rng.normal(size=(8, 2))
Y01 = np.array([0, 1] * 4)
YPM = 2 * Y01 - 1
YREG = X @ np.array([1.0, -1.0])
BETA = np.array([0.1, 0.5, -0.5])
IMG = _rng.normal(size=(2, 1, 6, 6))          # (n, c, h, w)
WC = _rng.normal(size=(3, 1, 3, 3))           # (f, c, kh, kw)
BC = np.zeros(3)
IMAGES = _rng.uniform(size=(8, 1, 8, 8))
Y5 = np.arange(8) % 5
W_DENSE = _rng.normal(size=(2, 4))
B_DENSE = np.zeros(4)


def with_nan(a, index=(0, 0)):
    a = np.array(a, dtype=float)
    a[index] = NAN
    return a


def mlp(n_outputs=2, hidden=(3,)):
    return nn.MLP(2, hidden, n_outputs, seed=0)


def fitted(n_outputs=2):
    y = Y01 if n_outputs <= 2 else np.arange(8) % n_outputs
    return mlp(n_outputs).fit(X, y, epochs=1)


def fitted_linear():
    return linear.LinearRegressionGD(n_epochs=1).fit(X, YREG)


def fitted_neuron():
    return neuron.Neuron(n_epochs=1).fit(X, Y01)


def fitted_perceptron():
    return neuron.Perceptron(n_epochs=1).fit(X, YPM)


def cnn_model():
    return cnn.make_cnn(n_classes=5, channels=(2, 2), n_hidden=4, seed=0)


def figure():
    fig, _ = plt.subplots()
    return fig


def regions_with_points():
    return frames.DecisionRegions(frames.FrameCanvas().axes, ((0, 1), (0, 1)), X, Y01)


ROWS: list = []


def row(id_: str, call, error, *words):
    """One bad call: ``error`` is the exception type, ``words`` must all be in its message."""
    ROWS.append(pytest.param(call, error, words, id=id_))


# --------------------------------------------------------------------------- scalar arguments
# kind -> (bad value, exception, word the message must contain besides the name)
BAD = {
    "positive": [(NAN, ValueError, "finite"), (INF, ValueError, "finite"),
                 (-INF, ValueError, "finite"), (-1.0, ValueError, "> 0"),
                 (0.0, ValueError, "> 0"), (True, TypeError, "number"),
                 ("0.1", TypeError, "number")],
    "nonneg": [(NAN, ValueError, "finite"), (INF, ValueError, "finite"),
               (-0.5, ValueError, "≥ 0"), (True, TypeError, "number"),
               ("0.1", TypeError, "number")],
    "rate": [(NAN, ValueError, "finite"), (INF, ValueError, "finite"),
             (-0.1, ValueError, "[0, 1)"), (1.0, ValueError, "[0, 1)"),
             (1.5, ValueError, "[0, 1)"), (True, TypeError, "number"),
             ("0.5", TypeError, "number")],
    "real": [(NAN, ValueError, "finite"), (INF, ValueError, "finite"),
             (True, TypeError, "number"), ("0.1", TypeError, "number")],
    "count": [(0, ValueError, "> 0"), (-1, ValueError, "> 0"), (2.5, TypeError, "integer"),
              (NAN, TypeError, "integer"), (True, TypeError, "integer"),
              ("3", TypeError, "integer")],
    "count0": [(-1, ValueError, "≥ 0"), (2.5, TypeError, "integer"),
               (True, TypeError, "integer"), ("3", TypeError, "integer")],
    "int": [(1.5, TypeError, "integer"), (NAN, TypeError, "integer"),
            (True, TypeError, "integer"), ("1", TypeError, "integer")],
    "seed": [(1.5, TypeError, "seed"), ("0", TypeError, "seed"), (-1, ValueError, "seed")],
    "fraction": [(NAN, ValueError, "finite"), (0.0, ValueError, "(0, 1)"),
                 (1.0, ValueError, "(0, 1)"), (True, TypeError, "number"),
                 ("0.3", TypeError, "number")],
}

SCALARS = [
    # nbcode.nn.optim
    ("SGD", "learning_rate", "positive", lambda v: nn.SGD(learning_rate=v)),
    ("SGD", "momentum", "rate", lambda v: nn.SGD(momentum=v)),
    ("Adam", "learning_rate", "positive", lambda v: nn.Adam(learning_rate=v)),
    ("Adam", "beta1", "rate", lambda v: nn.Adam(beta1=v)),
    ("Adam", "beta2", "rate", lambda v: nn.Adam(beta2=v)),
    ("Adam", "eps", "positive", lambda v: nn.Adam(eps=v)),
    ("get_optimizer", "learning_rate", "positive", lambda v: nn.get_optimizer("adam", v)),
    # nbcode.nn.activations and layers
    ("LeakyReLU", "slope", "real", lambda v: nn.LeakyReLU(slope=v)),
    ("Dropout", "rate", "rate", lambda v: nn.Dropout(rate=v)),
    ("Dropout", "seed", "seed", lambda v: nn.Dropout(0.5, seed=v)),
    ("Dense", "n_in", "count", lambda v: nn.Dense(v, 3)),
    ("Dense", "n_out", "count", lambda v: nn.Dense(2, v)),
    ("Dense", "scale", "nonneg", lambda v: nn.Dense(2, 3, scale=v)),
    ("Dense", "seed", "seed", lambda v: nn.Dense(2, 3, seed=v)),
    ("init_weights", "fan_in", "count", lambda v: nn.init_weights((2, 3), v, 3)),
    ("init_weights", "fan_out", "count", lambda v: nn.init_weights((2, 3), 2, v, "glorot")),
    ("init_weights", "scale", "nonneg", lambda v: nn.init_weights((2, 3), 2, 3, scale=v)),
    ("Conv2D", "in_channels", "count", lambda v: nn.Conv2D(v, 2)),
    ("Conv2D", "out_channels", "count", lambda v: nn.Conv2D(1, v)),
    ("Conv2D", "kernel_size", "count", lambda v: nn.Conv2D(1, 2, kernel_size=v)),
    ("Conv2D", "stride", "count", lambda v: nn.Conv2D(1, 2, stride=v)),
    ("Conv2D", "padding", "count0", lambda v: nn.Conv2D(1, 2, padding=v)),
    ("Conv2D", "scale", "nonneg", lambda v: nn.Conv2D(1, 2, scale=v)),
    ("MaxPool2D", "size", "count", lambda v: nn.MaxPool2D(v)),
    ("MaxPool2D", "stride", "count", lambda v: nn.MaxPool2D(2, stride=v)),
    ("conv_output_size", "n", "count", lambda v: nn.conv_output_size(v, 3)),
    ("conv_output_size", "kernel", "count", lambda v: nn.conv_output_size(6, v)),
    ("conv_output_size", "padding", "count0", lambda v: nn.conv_output_size(6, 3, v)),
    ("conv_output_size", "stride", "count", lambda v: nn.conv_output_size(6, 3, 0, v)),
    ("im2col", "kernel_h", "count", lambda v: nn.im2col(IMG, v, 3)),
    ("im2col", "kernel_w", "count", lambda v: nn.im2col(IMG, 3, v)),
    ("im2col", "stride", "count", lambda v: nn.im2col(IMG, 3, 3, stride=v)),
    ("im2col", "padding", "count0", lambda v: nn.im2col(IMG, 3, 3, padding=v)),
    ("conv2d_forward", "stride", "count", lambda v: nn.conv2d_forward(IMG, WC, BC, stride=v)),
    ("conv2d_forward", "padding", "count0", lambda v: nn.conv2d_forward(IMG, WC, BC, padding=v)),
    ("maxpool2d_forward", "size", "count", lambda v: nn.maxpool2d_forward(IMG, v)),
    ("maxpool2d_forward", "stride", "count", lambda v: nn.maxpool2d_forward(IMG, 2, v)),
    ("one_hot", "n_classes", "count", lambda v: nn.one_hot([0, 1], v)),
    # nbcode.nn.models
    ("MLP", "n_inputs", "count", lambda v: nn.MLP(v, (3,))),
    ("MLP", "n_outputs", "count", lambda v: nn.MLP(2, (3,), v)),
    ("MLP", "n_hidden", "count", lambda v: nn.MLP(2, (v,))),
    ("MLP", "dropout", "rate", lambda v: nn.MLP(2, (3,), dropout=v)),
    ("MLP", "seed", "seed", lambda v: nn.MLP(2, (3,), seed=v)),
    ("Sequential.fit", "epochs", "count0", lambda v: mlp().fit(X, Y01, epochs=v)),
    ("Sequential.fit", "batch_size", "count", lambda v: mlp().fit(X, Y01, 1, batch_size=v)),
    ("Sequential.fit", "l2", "nonneg", lambda v: mlp().fit(X, Y01, 1, l2=v)),
    ("Sequential.fit", "l1", "nonneg", lambda v: mlp().fit(X, Y01, 1, l1=v)),
    ("Sequential.fit", "learning_rate", "positive",
     lambda v: mlp().fit(X, Y01, 1, optimizer="sgd", learning_rate=v)),
    ("Sequential.fit", "seed", "seed", lambda v: mlp().fit(X, Y01, 1, seed=v)),
    # nbcode.linear
    ("gradient_descent", "learning_rate", "positive",
     lambda v: linear.gradient_descent(lambda b: b, [1.0], v, 3)),
    ("gradient_descent", "n_steps", "count0",
     lambda v: linear.gradient_descent(lambda b: b, [1.0], 0.1, v)),
    ("numerical_gradient", "eps", "positive",
     lambda v: linear.numerical_gradient(lambda b: float(b @ b), [1.0, 2.0], v)),
    ("LinearRegressionGD", "learning_rate", "positive",
     lambda v: linear.LinearRegressionGD(learning_rate=v)),
    ("LinearRegressionGD", "n_epochs", "count", lambda v: linear.LinearRegressionGD(n_epochs=v)),
    ("LinearRegressionGD", "batch_size", "count",
     lambda v: linear.LinearRegressionGD(batch_size=v)),
    ("LinearRegressionGD", "seed", "seed", lambda v: linear.LinearRegressionGD(seed=v)),
    ("LogisticRegressionGD", "learning_rate", "positive",
     lambda v: linear.LogisticRegressionGD(learning_rate=v)),
    ("LogisticRegressionGD", "n_epochs", "count",
     lambda v: linear.LogisticRegressionGD(n_epochs=v)),
    # nbcode.neuron
    ("Neuron", "learning_rate", "positive", lambda v: neuron.Neuron(learning_rate=v)),
    ("Neuron", "n_epochs", "count0", lambda v: neuron.Neuron(n_epochs=v)),
    ("Neuron", "batch_size", "count", lambda v: neuron.Neuron(batch_size=v)),
    ("Neuron", "init_scale", "nonneg", lambda v: neuron.Neuron(init_scale=v)),
    ("Neuron", "seed", "seed", lambda v: neuron.Neuron(seed=v)),
    ("Perceptron", "learning_rate", "positive", lambda v: neuron.Perceptron(learning_rate=v)),
    ("Perceptron", "n_epochs", "count", lambda v: neuron.Perceptron(n_epochs=v)),
    ("Perceptron", "seed", "seed", lambda v: neuron.Perceptron(seed=v)),
    ("draw_neuron", "n_inputs", "count", lambda v: neuron.draw_neuron(n_inputs=v)),
    # nbcode.data
    ("make_regression", "n_samples", "count", lambda v: data.make_regression(v)),
    ("make_regression", "noise", "nonneg", lambda v: data.make_regression(noise=v)),
    ("make_regression", "seed", "seed", lambda v: data.make_regression(seed=v)),
    ("make_moons", "n_samples", "count", lambda v: data.make_moons(v)),
    ("make_moons", "noise", "nonneg", lambda v: data.make_moons(noise=v)),
    ("make_circles", "noise", "nonneg", lambda v: data.make_circles(noise=v)),
    ("make_circles", "factor", "rate", lambda v: data.make_circles(factor=v)),
    ("make_xor", "noise", "nonneg", lambda v: data.make_xor(noise=v)),
    ("make_xor", "seed", "seed", lambda v: data.make_xor(seed=v)),
    ("make_spirals", "n_classes", "count", lambda v: data.make_spirals(n_classes=v)),
    ("make_spirals", "turns", "positive", lambda v: data.make_spirals(turns=v)),
    ("make_spirals", "noise", "nonneg", lambda v: data.make_spirals(noise=v)),
    ("make_blobs", "n_classes", "count", lambda v: data.make_blobs(n_classes=v)),
    ("make_blobs", "spread", "nonneg", lambda v: data.make_blobs(spread=v)),
    ("make_blobs", "radius", "positive", lambda v: data.make_blobs(radius=v)),
    ("make_classification_2d", "noise", "nonneg",
     lambda v: data.make_classification_2d("moons", noise=v)),
    ("make_classification_2d", "n_samples", "count",
     lambda v: data.make_classification_2d("xor", n_samples=v)),
    ("load_digits", "n_class", "count", lambda v: data.load_digits(v)),
    # nbcode.train
    ("EarlyStopping", "patience", "count0", lambda v: train.EarlyStopping(patience=v)),
    ("minibatches", "n_samples", "count",
     lambda v: list(train.minibatches(v, 2, np.random.default_rng(0)))),
    ("minibatches", "batch_size", "count",
     lambda v: list(train.minibatches(8, v, np.random.default_rng(0)))),
    # nbcode.regularization
    ("penalty", "l2", "nonneg", lambda v: regularization.penalty(mlp(), l2=v)),
    ("penalty", "l1", "nonneg", lambda v: regularization.penalty(mlp(), l1=v)),
    ("penalized_loss", "l2", "nonneg", lambda v: regularization.penalized_loss(mlp(), X, Y01, l2=v)),
    ("penalized_loss", "l1", "nonneg", lambda v: regularization.penalized_loss(mlp(), X, Y01, l1=v)),
    ("penalized_gradient", "l2", "nonneg",
     lambda v: regularization.penalized_gradient(mlp(), X, Y01, l2=v)),
    ("penalized_gradient", "l1", "nonneg",
     lambda v: regularization.penalized_gradient(mlp(), X, Y01, l1=v)),
    ("numerical_gradient_entries", "eps", "positive",
     lambda v: regularization.numerical_gradient_entries(mlp(), X, Y01, [(0, "W", (0, 0))], eps=v)),
    ("soft_threshold", "threshold", "nonneg", lambda v: regularization.soft_threshold([1.0], v)),
    ("SubgradientL1", "l1", "nonneg", lambda v: regularization.SubgradientL1(v, 0.1)),
    ("SubgradientL1", "learning_rate", "positive", lambda v: regularization.SubgradientL1(0.1, v)),
    ("plot_weight_histograms", "zero_tol", "positive",
     lambda v: regularization.plot_weight_histograms({"a": mlp()}, zero_tol=v)),
    # nbcode.analysis
    ("fgsm", "epsilon", "nonneg", lambda v: analysis.fgsm(mlp(), X, Y01, v)),
    ("activations_across_depth", "n_layers", "count",
     lambda v: analysis.activations_across_depth(v, 4, n_samples=5)),
    ("activations_across_depth", "width", "count",
     lambda v: analysis.activations_across_depth(2, v, n_samples=5)),
    ("activations_across_depth", "n_samples", "count",
     lambda v: analysis.activations_across_depth(2, 4, n_samples=v)),
    ("activations_across_depth", "scale", "nonneg",
     lambda v: analysis.activations_across_depth(2, 4, scale=v, n_samples=5)),
    ("numerical_gradients", "eps", "positive",
     lambda v: gradcheck.numerical_gradients(lambda: 0.0, [np.zeros(2)], v)),
    # nbcode.cnn
    ("make_cnn", "n_classes", "count", lambda v: cnn.make_cnn(n_classes=v)),
    ("make_cnn", "n_features", "count", lambda v: cnn.make_cnn(n_features=v)),
    ("make_cnn", "n_hidden", "count0", lambda v: cnn.make_cnn(n_hidden=v)),
    ("make_cnn", "in_channels", "count", lambda v: cnn.make_cnn(in_channels=v)),
    ("make_cnn", "kernel_size", "count", lambda v: cnn.make_cnn(kernel_size=v)),
    ("make_cnn", "seed", "seed", lambda v: cnn.make_cnn(seed=v)),
    ("downsample", "factor", "count", lambda v: cnn.downsample(np.ones((8, 8)), v)),
    ("shift_image", "dy", "int", lambda v: cnn.shift_image(np.ones((4, 4)), v, 0)),
    ("shift_image", "dx", "int", lambda v: cnn.shift_image(np.ones((4, 4)), 0, v)),
    ("equivariance_gap", "margin", "count0",
     lambda v: cnn.equivariance_gap(lambda im: im, np.ones((6, 6)), 1, 1, v)),
    ("feature_limits", "quantile", "rate", lambda v: cnn.feature_limits(X, quantile=v)),
    ("feature_limits", "margin", "nonneg", lambda v: cnn.feature_limits(X, margin=v)),
    ("plot_mistakes", "n_columns", "count",
     lambda v: cnn.plot_mistakes(IMAGES, Y01, 1 - Y01, n_columns=v)),
    # nbcode.plots
    ("class_colormap", "n_classes", "count", lambda v: plots.class_colormap(v)),
    ("decision_grid", "resolution", "count", lambda v: plots.decision_grid(X, resolution=v)),
    ("decision_grid", "margin", "nonneg", lambda v: plots.decision_grid(X, margin=v)),
    ("plot_decision_boundary", "resolution", "count",
     lambda v: plots.plot_decision_boundary(fitted(), X, Y01, resolution=v)),
    ("plot_image_grid", "n_columns", "count",
     lambda v: plots.plot_image_grid(IMAGES[:, 0], n_columns=v)),
    ("figure_to_png", "dpi", "count", lambda v: plots.figure_to_png(figure(), dpi=v)),
    ("figure_to_png", "colors", "count", lambda v: plots.figure_to_png(figure(), colors=v)),
    ("render_frames", "dpi", "count",
     lambda v: frames.render_frames([1], lambda ax, i: None, dpi=v)),
    ("render_frames", "ncols", "count",
     lambda v: frames.render_frames([1], lambda ax, i: None, ncols=v)),
    ("DecisionRegions", "resolution", "count",
     lambda v: frames.DecisionRegions(frames.FrameCanvas().axes, ((0, 1), (0, 1)), resolution=v)),
    ("plot_loss_contours", "resolution", "count",
     lambda v: plots.plot_loss_contours(lambda b: float(b @ b), ((-1, 1), (-1, 1)), resolution=v)),
    ("plot_loss_contours", "levels", "count",
     lambda v: plots.plot_loss_contours(lambda b: float(b @ b), ((-1, 1), (-1, 1)), levels=v)),
    # nbcode.widgets
    ("TrainingPlayer", "interval", "count", lambda v: widgets.TrainingPlayer([b"x"], interval=v)),
    ("frame_strip", "n_shown", "count", lambda v: widgets.frame_strip([b"x"], n_shown=v)),
    ("frame_strip", "gap", "count0", lambda v: widgets.frame_strip([b"x"], gap=v)),
    # nbcode.playground
    ("PlaygroundConfig", "learning_rate", "positive",
     lambda v: playground.PlaygroundConfig(learning_rate=v)),
    ("PlaygroundConfig", "epochs", "count0", lambda v: playground.PlaygroundConfig(epochs=v)),
    ("PlaygroundConfig", "l2", "nonneg", lambda v: playground.PlaygroundConfig(l2=v)),
    ("PlaygroundConfig", "dropout", "rate", lambda v: playground.PlaygroundConfig(dropout=v)),
    ("PlaygroundConfig", "batch_size", "count", lambda v: playground.PlaygroundConfig(batch_size=v)),
    ("PlaygroundConfig", "n_samples", "count", lambda v: playground.PlaygroundConfig(n_samples=v)),
    ("PlaygroundConfig", "noise", "nonneg", lambda v: playground.PlaygroundConfig(noise=v)),
    ("PlaygroundConfig", "seed", "seed", lambda v: playground.PlaygroundConfig(seed=v)),
    ("Playground", "n_frames", "count", lambda v: playground.Playground(n_frames=v)),
    ("Playground", "learning_rate", "positive", lambda v: playground.Playground(learning_rate=v)),
    # nbcode.transfer
    ("split_digits", "test_fraction", "fraction", lambda v: transfer.split_digits(v)),
    ("pretrain", "epochs", "count", lambda v: transfer.pretrain(IMAGES, Y5, epochs=v)),
    ("pretrain", "learning_rate", "positive",
     lambda v: transfer.pretrain(IMAGES, Y5, epochs=1, learning_rate=v)),
    ("new_head", "n_classes", "count", lambda v: transfer.new_head(cnn_model(), v)),
    ("new_head", "n_hidden", "count", lambda v: transfer.new_head(cnn_model(), 5, n_hidden=v)),
    ("new_head", "n_features", "count", lambda v: transfer.new_head(cnn_model(), 5, n_features=v)),
    ("freeze", "n_layers", "count0", lambda v: transfer.freeze(cnn_model(), v)),
    ("sample_labels", "n_labels", "count", lambda v: transfer.sample_labels(Y5, v)),
    ("train_target", "n_steps", "count",
     lambda v: transfer.train_target("scratch", cnn_model(), IMAGES, Y5, n_steps=v)),
    ("train_target", "batch_size", "count",
     lambda v: transfer.train_target("scratch", cnn_model(), IMAGES, Y5, batch_size=v)),
    ("train_target", "learning_rate", "positive",
     lambda v: transfer.train_target("scratch", cnn_model(), IMAGES, Y5, n_steps=1,
                                     learning_rate=v)),
]

for _owner, _name, _kind, _call in SCALARS:
    for _value, _error, _word in BAD[_kind]:
        row(f"{_owner}-{_name}={_value!r}", (lambda c=_call, v=_value: c(v)), _error,
            _name, _word)


# --------------------------------------------------------------------------- arrays: X and y
# Functions of (X, y): NaN, wrong ndim, empty, mismatched lengths, non-numbers.
XY_FUNCTIONS = [
    ("ols_loss", lambda X_, y_: linear.ols_loss(BETA, X_, y_), YREG),
    ("ols_gradient", lambda X_, y_: linear.ols_gradient(BETA, X_, y_), YREG),
    ("ols_closed_form", linear.ols_closed_form, YREG),
    ("logistic_loss", lambda X_, y_: linear.logistic_loss(BETA, X_, y_), YPM),
    ("logistic_gradient", lambda X_, y_: linear.logistic_gradient(BETA, X_, y_), YPM),
    ("LinearRegressionGD.fit", lambda X_, y_: linear.LinearRegressionGD(n_epochs=1).fit(X_, y_), YREG),
    ("LogisticRegressionGD.fit",
     lambda X_, y_: linear.LogisticRegressionGD(n_epochs=1).fit(X_, y_), YPM),
    ("squared_loss", lambda X_, y_: neuron.squared_loss(BETA, X_, y_), Y01),
    ("neuron_gradient", lambda X_, y_: neuron.neuron_gradient(BETA, X_, y_), Y01),
    ("Neuron.fit", lambda X_, y_: neuron.Neuron(n_epochs=1).fit(X_, y_), Y01),
    ("Perceptron.fit", lambda X_, y_: neuron.Perceptron(n_epochs=1).fit(X_, y_), YPM),
    ("Sequential.fit", lambda X_, y_: mlp().fit(X_, y_, epochs=1), Y01),
    ("Sequential.score", lambda X_, y_: fitted().score(X_, y_), Y01),
    ("penalized_loss", lambda X_, y_: regularization.penalized_loss(mlp(), X_, y_), Y01),
    ("penalized_gradient", lambda X_, y_: regularization.penalized_gradient(mlp(), X_, y_), Y01),
    ("input_gradient", lambda X_, y_: analysis.input_gradient(mlp(), X_, y_), Y01),
    ("fgsm", lambda X_, y_: analysis.fgsm(mlp(), X_, y_, 0.1), Y01),
    ("plot_data", plots.plot_data, Y01),
    ("plot_decision_boundary", lambda X_, y_: plots.plot_decision_boundary(fitted(), X_, y_), Y01),
    ("Neuron.score", lambda X_, y_: fitted_neuron().score(X_, y_), Y01),
    ("Perceptron.score", lambda X_, y_: fitted_perceptron().score(X_, y_), YPM),
    ("Perceptron.error_rate", lambda X_, y_: fitted_perceptron().error_rate(X_, y_), YPM),
    ("LogisticRegressionGD.score",
     lambda X_, y_: linear.LogisticRegressionGD(n_epochs=1).fit(X, YPM).score(X_, y_), YPM),
    ("Neuron.loss", lambda X_, y_: fitted_neuron().loss(X_, y_), Y01),
    ("Neuron.gradient", lambda X_, y_: fitted_neuron().gradient(X_, y_), Y01),
]

for _name, _call, _y in XY_FUNCTIONS:
    row(f"{_name}-X-nan", (lambda c=_call, y_=_y: c(with_nan(X), y_)), ValueError, "X", "finite")
    row(f"{_name}-X-1d", (lambda c=_call, y_=_y: c(X[:, 0], y_)), ValueError, "X", "2-D")
    row(f"{_name}-X-empty", (lambda c=_call, y_=_y: c(X[:0], y_[:0])), ValueError, "X",
        "at least one")
    row(f"{_name}-y-short", (lambda c=_call, y_=_y: c(X, y_[:-1])), ValueError, "y", "8", "7")
    row(f"{_name}-y-column", (lambda c=_call, y_=_y: c(X, y_[:, None])), ValueError, "y",
        "ravel")
    row(f"{_name}-y-nan", (lambda c=_call, y_=_y: c(X, with_nan(y_, 0))), ValueError, "y")
    row(f"{_name}-X-strings", (lambda c=_call, y_=_y: c(np.full((8, 2), "a"), y_)), TypeError,
        "X", "numbers")

# Labels outside the expected set.
for _name, _call in [
    ("logistic_loss", lambda y_: linear.logistic_loss(BETA, X, y_)),
    ("logistic_gradient", lambda y_: linear.logistic_gradient(BETA, X, y_)),
    ("LogisticRegressionGD.fit", lambda y_: linear.LogisticRegressionGD(n_epochs=1).fit(X, y_)),
    ("Perceptron.fit", lambda y_: neuron.Perceptron(n_epochs=1).fit(X, y_)),
    ("Perceptron.error_rate", lambda y_: fitted_perceptron().error_rate(X, y_)),
]:
    row(f"{_name}-y-01-for-pm", (lambda c=_call: c(Y01)), ValueError, "y", "[-1, 1]", "2 * y - 1")
for _name, _call in [
    ("Neuron.score", lambda y_: fitted_neuron().score(X, y_)),
    ("penalized_loss", lambda y_: regularization.penalized_loss(mlp(), X, y_)),
    ("penalized_gradient", lambda y_: regularization.penalized_gradient(mlp(), X, y_)),
    ("binary_cross_entropy", lambda y_: nn.binary_cross_entropy(np.full(8, 0.5), y_)),
    ("binary_cross_entropy_gradient",
     lambda y_: nn.binary_cross_entropy_gradient(np.full(8, 0.5), y_)),
    ("binary_cross_entropy_with_logits",
     lambda y_: nn.binary_cross_entropy_with_logits(np.zeros(8), y_)),
    ("input_gradient-binary", lambda y_: analysis.input_gradient(mlp(), X, y_)),
]:
    row(f"{_name}-y-pm-for-01", (lambda c=_call: c(YPM)), ValueError, "y", "[0, 1]",
        "(y + 1) // 2")

# Class indices: negative, fractional, >= n_classes.
O3 = _rng.normal(size=(8, 3))
for _name, _call in [
    ("softmax_cross_entropy", lambda y_: nn.softmax_cross_entropy(O3, y_)),
    ("one_hot", lambda y_: nn.one_hot(y_, 3)),
    ("input_gradient-softmax", lambda y_: analysis.input_gradient(mlp(3), X, y_)),
    ("fgsm-softmax", lambda y_: analysis.fgsm(mlp(3), X, y_, 0.1)),
]:
    row(f"{_name}-y-negative", (lambda c=_call: c(np.array([0, 1, 2, -1, 0, 1, 2, 0]))),
        ValueError, "y", "0, ..., 2", "-1")
    row(f"{_name}-y-fraction", (lambda c=_call: c(np.array([0, 1, 2, 0.5, 0, 1, 2, 0]))),
        ValueError, "y", "integer", "0.5")
    row(f"{_name}-y-too-large", (lambda c=_call: c(np.array([0, 1, 2, 3, 0, 1, 2, 0]))),
        ValueError, "y", "0, ..., 2", "3")
row("Sequential.fit-y-fraction", lambda: mlp(3).fit(X, np.array([0, 1, 2, 0.5] * 2), epochs=1),
    ValueError, "y", "integer", "0.5")
row("Sequential.fit-y-negative-3-units",
    lambda: mlp(3).fit(X, np.array([0, 1, -1, 0, 1, 2, 0, 1]), epochs=1), ValueError, "y", "0, ..., 2")
row("Sequential.fit-y-three-classes-one-unit",
    lambda: mlp(2).fit(X, np.arange(8) % 3, epochs=1), ValueError, "y", "3 classes")
row("Sequential.fit-y-one-class", lambda: mlp(2).fit(X, np.zeros(8, int), epochs=1),
    ValueError, "y", "two classes")
row("to_plus_minus-already-pm", lambda: data.to_plus_minus(YPM), ValueError, "y", "[0, 1]",
    "already")
row("to_plus_minus-fraction", lambda: data.to_plus_minus([0, 0.5, 1]), ValueError, "y", "[0, 1]")

# --------------------------------------------------------------------------- losses: shapes
P = np.full(8, 0.5)
for _name, _call, _a in [
    ("squared_error", nn.squared_error, YREG),
    ("squared_error_gradient", nn.squared_error_gradient, YREG),
    ("binary_cross_entropy", nn.binary_cross_entropy, P),
    ("binary_cross_entropy_gradient", nn.binary_cross_entropy_gradient, P),
    ("binary_cross_entropy_with_logits", nn.binary_cross_entropy_with_logits, np.zeros(8)),
]:
    _first = {"squared_error": "a", "squared_error_gradient": "a"}.get(_name, "p")
    if _name == "binary_cross_entropy_with_logits":
        _first = "o"
    _y = Y01.astype(float)
    row(f"{_name}-column-vs-flat", (lambda c=_call, a=_a, y_=_y: c(a, y_[:, None])), ValueError,
        "same shape", "(8,)", "(8, 1)", "reshape")
    row(f"{_name}-short", (lambda c=_call, a=_a, y_=_y: c(a, y_[:-1])), ValueError,
        "same shape", "(7,)")
    row(f"{_name}-nan-prediction", (lambda c=_call, a=_a, y_=_y: c(with_nan(a, 0), y_)),
        ValueError, _first, "finite")
    row(f"{_name}-empty", (lambda c=_call: c(np.zeros(0), np.zeros(0))), ValueError,
        "at least one")
row("squared_error-reduction", lambda: nn.squared_error(YREG, YREG, "avg"), ValueError,
    "reduction", "'mean'", "'avg'")
row("softmax-1d", lambda: nn.softmax(np.zeros(3)), ValueError, "o", "2-D", "(3,)")
row("softmax-nan", lambda: nn.softmax(with_nan(O3)), ValueError, "o", "finite")
row("softmax-empty", lambda: nn.softmax(np.zeros((0, 3))), ValueError, "o", "at least one")
row("log_softmax-1d", lambda: nn.log_softmax(np.zeros(3)), ValueError, "o", "2-D")
row("log_softmax-nan", lambda: nn.log_softmax(with_nan(O3)), ValueError, "o", "finite")
row("softmax_cross_entropy-rows", lambda: nn.softmax_cross_entropy(O3, Y01[:-1]), ValueError,
    "y", "8", "7")
row("softmax_cross_entropy-empty", lambda: nn.softmax_cross_entropy(O3[:0], Y01[:0]),
    ValueError, "o", "at least one")
row("softmax_cross_entropy-y-column", lambda: nn.softmax_cross_entropy(O3, Y01[:, None]),
    ValueError, "y", "1-D", "ravel")
row("one_hot-2d", lambda: nn.one_hot(np.zeros((2, 2), int), 3), ValueError, "y", "1-D")

# --------------------------------------------------------------------------- activations
for _name in ("relu", "sigmoid", "tanh", "step", "identity", "leaky_relu"):
    _f = nn.get_activation(_name)
    row(f"{_name}.value-strings", (lambda f=_f: f.value(np.array(["a", "b"]))), TypeError, "o",
        "numbers")
    row(f"{_name}.derivative-strings", (lambda f=_f: f.derivative(np.array(["a", "b"]))),
        TypeError, "o", "numbers")
row("get_activation-unknown", lambda: nn.get_activation("relux"), ValueError, "activation",
    "'relu'", "'relux'")
row("get_activation-type", lambda: nn.get_activation(3), TypeError, "activation", "int")
row("Activation-unknown", lambda: nn.Activation("softmax"), ValueError, "activation", "'softmax'")
row("MLP-activation-unknown", lambda: nn.MLP(2, (3,), activation="Relu6"), ValueError,
    "activation", "'Relu6'")
row("Neuron-activation-unknown", lambda: neuron.Neuron(activation="sigmoidal"), ValueError,
    "activation", "'sigmoidal'")
row("squared_loss-activation-unknown",
    lambda: neuron.squared_loss(BETA, X, Y01, activation="sig"), ValueError, "activation", "'sig'")

# --------------------------------------------------------------------------- cs231n layer functions
row("dense_forward-x-1d", lambda: nn.dense_forward(X[0], W_DENSE, B_DENSE), ValueError, "x",
    "2-D", "(2,)")
row("dense_forward-W-rows", lambda: nn.dense_forward(X, W_DENSE.T, B_DENSE), ValueError, "W",
    "(2, n_out)", "(4, 2)")
row("dense_forward-W-1d", lambda: nn.dense_forward(X, W_DENSE[0], B_DENSE), ValueError, "W",
    "2-D")
row("dense_forward-b-length", lambda: nn.dense_forward(X, W_DENSE, np.zeros(3)), ValueError, "b",
    "(4,)", "(3,)")
row("dense_forward-b-2d", lambda: nn.dense_forward(X, W_DENSE, np.zeros((1, 4))), ValueError, "b",
    "1-D")
row("dense_forward-x-nan", lambda: nn.dense_forward(with_nan(X), W_DENSE, B_DENSE), ValueError,
    "x", "finite")
row("dense_forward-x-empty", lambda: nn.dense_forward(X[:0], W_DENSE, B_DENSE), ValueError, "x",
    "at least one")
_dense_out, _dense_cache = nn.dense_forward(X, W_DENSE, B_DENSE)
row("dense_backward-dout-shape", lambda: nn.dense_backward(_dense_out[:, :3], _dense_cache),
    ValueError, "dout", "(8, 4)", "(8, 3)")
row("dense_backward-dout-rows", lambda: nn.dense_backward(_dense_out[:5], _dense_cache),
    ValueError, "dout", "(8, 4)", "(5, 4)")
row("dense_backward-cache-none", lambda: nn.dense_backward(_dense_out, None), TypeError, "cache",
    "dense_forward", "NoneType")
row("dense_backward-cache-conv", lambda: nn.dense_backward(
    _dense_out, nn.conv2d_forward(IMG, WC, BC)[1]), ValueError, "cache", "dense_forward", "5")
row("dense_backward-cache-pool", lambda: nn.dense_backward(
    _dense_out, nn.maxpool2d_forward(IMG)[1]), ValueError, "cache", "dense_forward")
row("conv2d_forward-x-3d", lambda: nn.conv2d_forward(IMG[0], WC, BC), ValueError, "x", "4-D",
    "(1, 6, 6)")
row("conv2d_forward-W-3d", lambda: nn.conv2d_forward(IMG, WC[0], BC), ValueError, "W", "4-D")
row("conv2d_forward-channels", lambda: nn.conv2d_forward(np.repeat(IMG, 2, axis=1), WC, BC),
    ValueError, "x", "channels", "2")
row("conv2d_forward-b-length", lambda: nn.conv2d_forward(IMG, WC, np.zeros(2)), ValueError, "b",
    "(3,)", "(2,)")
row("conv2d_forward-kernel-too-large", lambda: nn.conv2d_forward(IMG[:, :, :2, :2], WC, BC),
    ValueError, "kernel", "larger")
row("conv2d_forward-x-nan", lambda: nn.conv2d_forward(with_nan(IMG, (0, 0, 0, 0)), WC, BC),
    ValueError, "x", "finite")
row("conv2d_forward-x-empty", lambda: nn.conv2d_forward(IMG[:0], WC, BC), ValueError, "x",
    "at least one")
_conv_out, _conv_cache = nn.conv2d_forward(IMG, WC, BC)
row("conv2d_backward-dout-shape", lambda: nn.conv2d_backward(_conv_out[:, :2], _conv_cache),
    ValueError, "dout", "(2, 3, 4, 4)", "(2, 2, 4, 4)")
row("conv2d_backward-dout-3d", lambda: nn.conv2d_backward(_conv_out[0], _conv_cache),
    ValueError, "dout", "(2, 3, 4, 4)")
row("conv2d_backward-cache-dense", lambda: nn.conv2d_backward(_conv_out, _dense_cache),
    ValueError, "cache", "conv2d_forward", "2")
row("conv2d_backward-cache-none", lambda: nn.conv2d_backward(_conv_out, None), TypeError, "cache",
    "conv2d_forward", "NoneType")
row("maxpool2d_forward-x-3d", lambda: nn.maxpool2d_forward(IMG[0]), ValueError, "x", "4-D")
row("maxpool2d_forward-size-too-large", lambda: nn.maxpool2d_forward(IMG, 7), ValueError, "size",
    "7", "(2, 1, 6, 6)")
row("maxpool2d_forward-x-empty", lambda: nn.maxpool2d_forward(IMG[:0]), ValueError, "x",
    "at least one")
row("maxpool2d_forward-x-nan", lambda: nn.maxpool2d_forward(with_nan(IMG, (0, 0, 0, 0))),
    ValueError, "x", "finite")
_pool_out, _pool_cache = nn.maxpool2d_forward(IMG)
row("maxpool2d_backward-dout-shape", lambda: nn.maxpool2d_backward(_pool_out[:, :, :2], _pool_cache),
    ValueError, "dout", "(2, 1, 3, 3)", "(2, 1, 2, 3)")
row("maxpool2d_backward-cache-dense", lambda: nn.maxpool2d_backward(_pool_out, _dense_cache),
    ValueError, "cache", "maxpool2d_forward", "2")
row("maxpool2d_backward-cache-none", lambda: nn.maxpool2d_backward(_pool_out, None), TypeError,
    "cache", "maxpool2d_forward")
row("im2col-x-3d", lambda: nn.im2col(IMG[0], 3, 3), ValueError, "x", "4-D")
row("im2col-kernel-too-large", lambda: nn.im2col(IMG, 7, 3), ValueError, "kernel", "larger")
row("im2col-stride-not-tiling", lambda: nn.im2col(IMG, 3, 3, stride=2), ValueError, "stride",
    "multiple")
_cols = nn.im2col(IMG, 3, 3)
row("col2im-cols-shape", lambda: nn.col2im(_cols[:-1], IMG.shape, 3, 3), ValueError, "cols",
    "(32, 9)", "(31, 9)")
row("col2im-cols-1d", lambda: nn.col2im(_cols[0], IMG.shape, 3, 3), ValueError, "cols", "2-D")
row("col2im-x_shape", lambda: nn.col2im(_cols, (2, 6, 6), 3, 3), ValueError, "x_shape",
    "(n, c, h, w)", "(2, 6, 6)")
row("init_weights-init", lambda: nn.init_weights((2, 3), 2, 3, "xavier"), ValueError, "init",
    "'glorot'", "'xavier'")
row("Dense-init", lambda: nn.Dense(2, 3, init="kaiming"), ValueError, "init", "'kaiming'")

# --------------------------------------------------------------------------- layer classes
row("Dense.forward-features", lambda: nn.Dense(2, 3).forward(np.zeros((4, 3))), ValueError, "x",
    "(n, 2)", "(4, 3)")
row("Dense.forward-1d", lambda: nn.Dense(2, 3).forward(np.zeros(2)), ValueError, "x", "(n, 2)",
    "(2,)")


def _dense_after_forward():
    layer = nn.Dense(2, 3)
    layer.forward(X)
    return layer


row("Dense.backward-dout", lambda: _dense_after_forward().backward(np.zeros((8, 2))), ValueError,
    "dout", "(8, 3)", "(8, 2)")


def _activation_after_forward():
    layer = nn.Activation("relu")
    layer.forward(X)
    return layer


row("Activation.backward-dout", lambda: _activation_after_forward().backward(np.zeros((8, 1))),
    ValueError, "dout", "(8, 2)", "(8, 1)")
row("Conv2D.forward-channels", lambda: nn.Conv2D(3, 2).forward(IMG), ValueError, "x",
    "(n, 3, height, width)", "(2, 1, 6, 6)")
row("Conv2D.forward-too-small", lambda: nn.Conv2D(1, 2, 5).forward(IMG[:, :, :3, :3]),
    ValueError, "kernel", "larger")


def _conv_after_forward():
    layer = nn.Conv2D(1, 3)
    layer.forward(IMG)
    return layer


row("Conv2D.backward-dout", lambda: _conv_after_forward().backward(np.zeros((2, 3, 3, 3))),
    ValueError, "dout", "(2, 3, 4, 4)", "(2, 3, 3, 3)")
row("MaxPool2D.forward-3d", lambda: nn.MaxPool2D(2).forward(IMG[0]), ValueError, "x",
    "(1, 6, 6)")


def _pool_after_forward():
    layer = nn.MaxPool2D(2)
    layer.forward(IMG)
    return layer


row("MaxPool2D.backward-dout", lambda: _pool_after_forward().backward(np.zeros((2, 1, 2, 2))),
    ValueError, "dout", "(2, 1, 3, 3)", "(2, 1, 2, 2)")


def _flatten_after_forward():
    layer = nn.Flatten()
    layer.forward(IMG)
    return layer


row("Flatten.backward-dout", lambda: _flatten_after_forward().backward(np.zeros((2, 35))),
    ValueError, "dout", "(2, 36)", "(2, 35)")
row("Flatten.forward-1d", lambda: nn.Flatten().forward(np.zeros(3)), ValueError, "x", "(3,)")

# --------------------------------------------------------------------------- optimisers
row("SGD.step-shape", lambda: nn.SGD(0.1).step([np.zeros((2, 3))], [np.zeros(3)]), ValueError,
    "grads[0]", "(2, 3)", "(3,)")
row("SGD-momentum.step-shape",
    lambda: nn.SGD(0.1, 0.9).step([np.zeros((2, 3))], [np.zeros((3, 2))]), ValueError,
    "grads[0]", "(2, 3)", "(3, 2)")
row("Adam.step-shape", lambda: nn.Adam().step([np.zeros((2, 3))], [np.zeros((2, 1))]),
    ValueError, "grads[0]", "(2, 3)", "(2, 1)")
row("SGD.step-lengths", lambda: nn.SGD(0.1).step([np.zeros(2)], []), ValueError, "grads", "1",
    "0")
row("Adam.step-lengths", lambda: nn.Adam().step([np.zeros(2), np.zeros(2)], [np.zeros(2)]),
    ValueError, "grads", "2", "1")
row("get_optimizer-unknown", lambda: nn.get_optimizer("adamw"), ValueError, "optimizer",
    "'adam'", "'adamw'")
row("get_optimizer-type", lambda: nn.get_optimizer(3), TypeError, "optimizer", "int")
row("Sequential.fit-optimizer", lambda: mlp().fit(X, Y01, 1, optimizer="adagrad"), ValueError,
    "optimizer", "'adagrad'")

# --------------------------------------------------------------------------- Sequential and MLP
row("Sequential-layers", lambda: nn.Sequential([nn.Dense(2, 3), "relu"]), TypeError, "layers[1]",
    "Layer", "str")
row("Sequential.add", lambda: nn.Sequential().add("relu"), TypeError, "layer", "str")
row("Sequential.fit-loss", lambda: mlp().fit(X, Y01, 1, loss="mse"), ValueError, "loss",
    "'squared'", "'mse'")
row("Sequential.fit-no-layers", lambda: nn.Sequential().fit(X, Y01, 1), ValueError, "layers")
row("Sequential.fit-X-features", lambda: mlp().fit(np.zeros((8, 3)), Y01, 1), ValueError, "X",
    "(n, 2)", "(8, 3)")
row("Sequential.fit-validation_data-type", lambda: mlp().fit(X, Y01, 1, validation_data=X),
    TypeError, "validation_data", "(X_val, y_val)", "ndarray")
row("Sequential.fit-validation_data-lengths",
    lambda: mlp().fit(X, Y01, 1, validation_data=(X, Y01[:-1])), ValueError, "X_val", "y_val",
    "8", "7")
row("Sequential.fit-validation_data-nan",
    lambda: mlp().fit(X, Y01, 1, validation_data=(with_nan(X), Y01)), ValueError, "X_val",
    "finite")
row("Sequential.fit-squared-y-columns",
    lambda: mlp(1, (3,)).fit(X, np.zeros((8, 2)), 1, loss="squared"), ValueError, "y",
    "1 column", "(8, 2)")
row("Sequential.fit-squared-y-nan",
    lambda: mlp(1).fit(X, with_nan(YREG, 0), 1, loss="squared"), ValueError, "y", "finite")
row("Sequential.predict-features", lambda: fitted().predict(np.zeros((3, 3))), ValueError, "X",
    "(n, 2)", "(3, 3)")
row("Sequential.predict-nan", lambda: fitted().predict(with_nan(X)), ValueError, "X", "finite")
row("Sequential.predict-empty", lambda: fitted().predict(X[:0]), ValueError, "X", "at least one")
row("Sequential.predict_proba-1d", lambda: fitted().predict_proba(X[0]), ValueError, "X", "2-D")
row("Sequential.decision_function-strings", lambda: fitted().decision_function([["a", "b"]]),
    TypeError, "X", "numbers")
row("Sequential.predict_proba-regressor",
    lambda: mlp(1).fit(X, YREG, 1, loss="squared").predict_proba(X), ValueError, "predict_proba",
    "loss='squared'")
row("Sequential.score-lengths", lambda: fitted().score(X, Y01[:5]), ValueError, "y", "8", "5")
row("Sequential.score-unknown-labels", lambda: fitted().score(X, YPM), ValueError, "y")
row("Sequential.set_params-length", lambda: mlp().set_params([]), ValueError, "params", "3", "0")
row("Sequential.set_params-shape",
    lambda: mlp().set_params([{"W": np.zeros((3, 3)), "b": np.zeros(3)}, {},
                              {"W": np.zeros((3, 1)), "b": np.zeros(1)}]), ValueError,
    "params[0]['W']", "(2, 3)", "(3, 3)")
row("Sequential.summary-no-shape", lambda: nn.Sequential([nn.Flatten()]).summary(), ValueError,
    "input_shape")
row("Sequential.summary-wrong-shape", lambda: mlp().summary((3,)), ValueError, "(n, 2)", "(3,)")
row("Sequential.forward-features", lambda: mlp().forward(np.zeros((4, 5))), ValueError, "x",
    "(n, 2)", "(4, 5)")
row("MLP-hidden-type", lambda: nn.MLP(2, "16"), TypeError, "hidden", "str")
row("MLP-init", lambda: nn.MLP(2, (3,), init="uniform"), ValueError, "init", "'uniform'")

# --------------------------------------------------------------------------- linear and neuron
row("add_intercept-1d", lambda: linear.add_intercept(X[:, 0]), ValueError, "X", "2-D",
    "reshape(-1, 1)")
row("add_intercept-nan", lambda: linear.add_intercept(with_nan(X)), ValueError, "X", "finite")
row("predict_linear-beta-length", lambda: linear.predict_linear(BETA[:2], X), ValueError, "beta",
    "(3,)", "(2,)")
row("predict_linear-beta-nan", lambda: linear.predict_linear(with_nan(BETA, 0), X), ValueError,
    "beta", "finite")
row("sigmoid-strings", lambda: linear.sigmoid(["a"]), TypeError, "o", "numbers")
row("numerical_gradient-f", lambda: linear.numerical_gradient("f", [1.0]), TypeError, "f",
    "callable", "str")
row("numerical_gradient-x-empty", lambda: linear.numerical_gradient(lambda b: 0.0, []),
    ValueError, "x", "at least one")
row("gradient_descent-gradient", lambda: linear.gradient_descent(None, [1.0], 0.1, 3), TypeError,
    "gradient", "callable", "NoneType")
row("gradient_descent-beta0-nan", lambda: linear.gradient_descent(lambda b: b, [NAN], 0.1, 3),
    ValueError, "beta0", "finite")
row("gradient_descent-gradient-shape",
    lambda: linear.gradient_descent(lambda b: np.zeros(3), [1.0, 2.0], 0.1, 3), ValueError,
    "gradient", "(2,)", "(3,)")
row("LinearRegressionGD.fit-beta0", lambda: linear.LinearRegressionGD(n_epochs=1).fit(
    X, YREG, beta0=np.zeros(2)), ValueError, "beta0", "(3,)", "(2,)")
row("LinearRegressionGD.predict-unfitted", lambda: linear.LinearRegressionGD().predict(X),
    RuntimeError, "fit")
row("LinearRegressionGD.predict-features", lambda: fitted_linear().predict(np.zeros((3, 3))),
    ValueError, "X", "2 features", "(3, 3)")
row("Neuron.predict-features", lambda: fitted_neuron().predict(np.zeros((3, 3))), ValueError,
    "X", "2 features", "(3, 3)")
row("Neuron.backward-y", lambda: (lambda m: (m.forward(X), m.backward(Y01[:5])))(fitted_neuron()),
    ValueError, "y", "(8,)", "(5,)")
row("Perceptron.predict-features", lambda: fitted_perceptron().predict(np.zeros((3, 1))),
    ValueError, "X", "2 features", "(3, 1)")
row("Perceptron.fit-beta0", lambda: neuron.Perceptron().fit(X, YPM, beta0=[0.0]), ValueError,
    "beta0", "(3,)", "(1,)")
row("squared_loss-beta-length", lambda: neuron.squared_loss(BETA[:2], X, Y01), ValueError, "beta",
    "3", "2")

# --------------------------------------------------------------------------- data
row("make_regression-beta-short", lambda: data.make_regression(beta=[1.0]), ValueError, "beta",
    "at least one slope", "[1.0]")
row("make_regression-beta-nan", lambda: data.make_regression(beta=[1.0, NAN]), ValueError,
    "beta", "finite")
row("make_regression-x_range", lambda: data.make_regression(x_range=(2.0, -2.0)), ValueError,
    "x_range", "low < high", "(2.0, -2.0)")
row("make_spirals-one-class", lambda: data.make_spirals(n_classes=1), ValueError, "n_classes",
    "at least 2", "1")
row("make_classification_2d-name", lambda: data.make_classification_2d("moon"), ValueError,
    "name", "'moons'", "'moon'")
row("load_digits-n_class", lambda: data.load_digits(11), ValueError, "n_class", "10", "11")
row("to_plus_minus-2d", lambda: data.to_plus_minus(Y01[:, None]), ValueError, "y", "1-D")

# --------------------------------------------------------------------------- train
row("EarlyStopping-mode", lambda: train.EarlyStopping(mode="minimum"), ValueError, "mode",
    "'min'", "'minimum'")
row("EarlyStopping-monitor", lambda: train.EarlyStopping(monitor=3), TypeError, "monitor", "int")
row("notify-callback", lambda: train.notify([3], train.Progress(0, 0, 0.0, None)), TypeError,
    "callbacks[0]", "callable", "int")
row("Recorder-snapshot", lambda: train.Recorder(snapshot="deepcopy"), TypeError, "snapshot",
    "callable", "str")
row("Recorder-epochs", lambda: train.Recorder(epochs=[0, 1.5]), TypeError, "epochs",
    "integer", "1.5")
row("minibatches-rng", lambda: list(train.minibatches(8, 2, 0)), TypeError, "rng", "Generator",
    "int")

# --------------------------------------------------------------------------- regularization, analysis
for _name, _call in [
    ("penalized_weights", regularization.penalized_weights),
    ("flat_weights", regularization.flat_weights),
    ("penalty", regularization.penalty),
    ("penalized_loss", lambda m: regularization.penalized_loss(m, X, Y01)),
    ("hidden_representation", lambda m: analysis.hidden_representation(m, X)),
    ("output_logits_from_hidden", lambda m: analysis.output_logits_from_hidden(m, X)),
    ("input_gradient", lambda m: analysis.input_gradient(m, X, Y01)),
    ("fgsm", lambda m: analysis.fgsm(m, X, Y01, 0.1)),
    ("cnn_features", lambda m: cnn.cnn_features(m, IMAGES)),
    ("split_cnn", cnn.split_cnn),
    ("body_size", transfer.body_size),
    ("new_head", lambda m: transfer.new_head(m, 5)),
    ("freeze", lambda m: transfer.freeze(m, 1)),
    ("n_trainable", transfer.n_trainable),
]:
    row(f"{_name}-model-type", (lambda c=_call: c(linear.LinearRegressionGD())), TypeError,
        "model", "Sequential", "LinearRegressionGD")
row("penalized_gradient-dropout",
    lambda: regularization.penalized_gradient(nn.MLP(2, (3,), dropout=0.5), X, Y01), ValueError,
    "model", "Dropout")
row("penalized_loss-three-outputs", lambda: regularization.penalized_loss(mlp(3), X, Y01),
    ValueError, "model", "1 output", "3")
row("numerical_gradient_entries-layer",
    lambda: regularization.numerical_gradient_entries(mlp(), X, Y01, [(7, "W", (0, 0))]),
    ValueError, "entries", "layer index", "7")
row("numerical_gradient_entries-key",
    lambda: regularization.numerical_gradient_entries(mlp(), X, Y01, [(0, "w", (0, 0))]),
    ValueError, "entries", "'W'", "'w'")
row("soft_threshold-nan-w", lambda: regularization.soft_threshold([NAN], 0.1), ValueError, "w",
    "finite")
row("regularization_path-make_model",
    lambda: regularization.regularization_path(None, [0.1], lambda m, v: None), TypeError,
    "make_model", "callable", "NoneType")
row("regularization_path-values-nan",
    lambda: regularization.regularization_path(lambda v: mlp(), [NAN], lambda m, v: None),
    ValueError, "values", "finite")
row("regularization_path-values-empty",
    lambda: regularization.regularization_path(lambda v: mlp(), [], lambda m, v: None),
    ValueError, "values", "at least one")
row("plot_weight_histograms-empty", lambda: regularization.plot_weight_histograms({}), ValueError,
    "weight_sets", "at least one")
row("accuracy_table-row", lambda: regularization.accuracy_table({"a": [0.5]}), ValueError,
    "rows['a']", "3", "1")
row("accuracy_table-empty", lambda: regularization.accuracy_table({}), ValueError, "rows",
    "at least one")
row("accuracy_table-nan", lambda: regularization.accuracy_table({"a": [0.5, NAN, 0.5]}),
    ValueError, "rows['a']", "finite")
row("hidden_representation-layer", lambda: analysis.hidden_representation(mlp(), X, 9),
    ValueError, "layer", "0 and 3", "9")
row("hidden_representation-no-hidden", lambda: analysis.hidden_representation(
    nn.MLP(2, ()), X), ValueError, "model", "hidden layer")
row("hidden_representation-X-features",
    lambda: analysis.hidden_representation(mlp(), np.zeros((3, 5))), ValueError, "X", "(n, 2)",
    "(3, 5)")
row("output_logits_from_hidden-H-width",
    lambda: analysis.output_logits_from_hidden(mlp(), np.zeros((3, 5))), ValueError, "H",
    "(n, 3)", "(3, 5)")
row("input_gradient-y-column-shape", lambda: analysis.input_gradient(mlp(), X, Y01[:, None]),
    ValueError, "y", "(8,)", "(8, 1)")
row("fgsm-clip", lambda: analysis.fgsm(mlp(), X, Y01, 0.1, clip=(1.0, 0.0)), ValueError, "clip",
    "low < high", "(1.0, 0.0)")
row("activations_across_depth-activation",
    lambda: analysis.activations_across_depth(2, 4, activation="elu", n_samples=5), ValueError,
    "activation", "'elu'")
row("numerical_gradients-loss", lambda: gradcheck.numerical_gradients(3, [np.zeros(2)]),
    TypeError, "loss", "callable", "int")
row("numerical_gradients-params", lambda: gradcheck.numerical_gradients(lambda: 0.0, [[0.0]]),
    TypeError, "params[0]", "numpy array", "list")
row("numerical_gradients-int-params",
    lambda: gradcheck.numerical_gradients(lambda: 0.0, [np.zeros(2, int)]), TypeError,
    "params[0]", "float", "int")

# --------------------------------------------------------------------------- cnn
row("make_cnn-kernel-even", lambda: cnn.make_cnn(kernel_size=2), ValueError, "kernel_size", "odd",
    "2")
row("make_cnn-channels", lambda: cnn.make_cnn(channels=(8,)), ValueError, "channels", "(8, 16)",
    "(8,)")
row("make_cnn-channels-zero", lambda: cnn.make_cnn(channels=(0, 4)), ValueError, "channels",
    "> 0", "0")
row("make_cnn-image_size", lambda: cnn.make_cnn(image_size=(2, 2)), ValueError, "image_size",
    "(4, 4)", "(2, 2)")
row("split_cnn-one-layer", lambda: cnn.split_cnn(nn.Sequential([nn.Flatten()])), ValueError,
    "model", "two layers", "1")
row("cnn_features-X-3d", lambda: cnn.cnn_features(cnn_model(), IMAGES[:, 0]), ValueError, "X",
    "4-D", "(8, 8, 8)")
row("cnn_features-channels", lambda: cnn.cnn_features(cnn_model(), np.repeat(IMAGES, 3, 1)),
    ValueError, "x", "(n, 1, height, width)", "(8, 3, 8, 8)")
row("cnn_features-nan", lambda: cnn.cnn_features(cnn_model(), with_nan(IMAGES, (0, 0, 0, 0))),
    ValueError, "X", "finite")
row("as_image_batch-4d", lambda: cnn.as_image_batch(IMAGES), ValueError, "images", "3-D",
    "(8, 1, 8, 8)")
row("as_image_batch-empty", lambda: cnn.as_image_batch(np.zeros((0, 8, 8))), ValueError, "images",
    "at least one")
row("to_grey-rgba", lambda: cnn.to_grey(np.zeros((4, 4, 4))), ValueError, "rgb", "(h, w, 3)",
    "(4, 4, 4)")
row("to_grey-nan", lambda: cnn.to_grey(with_nan(np.zeros((4, 4, 3)), (0, 0, 0))), ValueError,
    "rgb", "finite")
row("downsample-3d", lambda: cnn.downsample(np.zeros((4, 4, 3)), 2), ValueError, "image", "2-D")
row("downsample-factor-too-large", lambda: cnn.downsample(np.zeros((4, 4)), 5), ValueError,
    "factor", "(4, 4)", "5")
row("shift_image-1d", lambda: cnn.shift_image(np.zeros(4), 1, 1), ValueError, "image", "2-D")
row("shift_image-nan", lambda: cnn.shift_image(with_nan(np.zeros((4, 4))), 1, 1), ValueError,
    "image", "finite")
row("equivariance_gap-operation", lambda: cnn.equivariance_gap(None, np.ones((6, 6)), 1, 1, 0),
    TypeError, "operation", "callable", "NoneType")
row("equivariance_gap-size", lambda: cnn.equivariance_gap(lambda im: im[1:], np.ones((6, 6)),
                                                         1, 1, 0), ValueError, "operation", "(6, 6)")
row("equivariance_gap-margin-too-large",
    lambda: cnn.equivariance_gap(lambda im: im, np.ones((6, 6)), 1, 1, 3), ValueError, "margin",
    "3")
row("plot_filters-3d", lambda: cnn.plot_filters(WC[0]), ValueError, "W", "4-D", "(1, 3, 3)")
row("plot_feature_maps-4d", lambda: cnn.plot_feature_maps(IMG), ValueError, "maps", "3-D")
row("feature_limits-3-columns", lambda: cnn.feature_limits(np.zeros((4, 3))), ValueError,
    "features", "(n, 2)", "(4, 3)")
row("feature_limits-nan", lambda: cnn.feature_limits(with_nan(X)), ValueError, "features",
    "finite")
row("plot_feature_space-y-length", lambda: cnn.plot_feature_space(cnn_model(), IMAGES, Y01[:5]),
    ValueError, "y", "8", "5")
row("plot_mistakes-lengths", lambda: cnn.plot_mistakes(IMAGES, Y01, Y01[:5]), ValueError,
    "y_pred", "8", "5")
row("plot_mistakes-images-2d", lambda: cnn.plot_mistakes(X, Y01, Y01), ValueError, "images",
    "3-D or 4-D")
row("kernel_explorer-kernels", lambda: cnn.kernel_explorer(np.ones((6, 6)), {}), ValueError,
    "kernels", "at least one")
row("kernel_explorer-kernel-shape", lambda: cnn.kernel_explorer(np.ones((6, 6)), {"k": [1, 2]}),
    ValueError, "kernels['k']", "2-D")

# --------------------------------------------------------------------------- plots and widgets
row("decision_grid-3-columns", lambda: plots.decision_grid(np.zeros((4, 3))), ValueError, "X",
    "(n, 2)", "(4, 3)")
row("decision_grid-empty", lambda: plots.decision_grid(np.zeros((0, 2))), ValueError, "X",
    "at least one")
row("decision_grid-limits", lambda: plots.decision_grid(X, limits=(1, 0)), ValueError, "limits",
    "((x_min, x_max), (y_min, y_max))", "(1, 0)")
row("decision_grid-limits-reversed", lambda: plots.decision_grid(X, limits=((1, 0), (0, 1))),
    ValueError, "limits", "x_min < x_max", "((1, 0), (0, 1))")
row("class_probabilities-points", lambda: plots.class_probabilities(fitted(), np.zeros(3)),
    ValueError, "points", "2-D")
row("class_probabilities-model", lambda: plots.class_probabilities(3, X), TypeError, "model",
    "predict", "int")
row("plot_data-3-columns", lambda: plots.plot_data(np.zeros((8, 3)), Y01), ValueError, "X",
    "(n, 2)", "(8, 3)")
row("plot_data-labels", lambda: plots.plot_data(X, Y01, labels=["a"]), ValueError, "labels",
    "2", "1")
row("plot_loss_curves-type", lambda: plots.plot_loss_curves([1.0, 2.0]), TypeError, "curves",
    "dict", "list")
row("plot_loss_curves-empty-curve", lambda: plots.plot_loss_curves({"train": []}), ValueError,
    "curves['train']", "at least one")
row("plot_loss_curves-2d", lambda: plots.plot_loss_curves({"train": np.zeros((2, 2))}),
    ValueError, "curves['train']", "1-D")
row("plot_image_grid-4d", lambda: plots.plot_image_grid(IMAGES), ValueError, "images", "3-D")
row("plot_image_grid-labels", lambda: plots.plot_image_grid(IMAGES[:, 0], labels=[0, 1]),
    ValueError, "labels", "8", "2")
row("figure_to_png-fig", lambda: plots.figure_to_png("figure"), TypeError, "fig", "Figure", "str")
row("render_frames-update", lambda: frames.render_frames([1], None), TypeError, "update",
    "callable", "NoneType")
row("render_frames-empty", lambda: frames.render_frames([], lambda ax, i: None), ValueError,
    "items", "at least one")
row("DecisionRegions-limits", lambda: frames.DecisionRegions(frames.FrameCanvas().axes, (0, 1)),
    ValueError, "limits")
row("DecisionRegions-update-X", lambda: regions_with_points().update(
    lambda p: np.full(len(p), 0.5), X=np.zeros((3, 2))), ValueError, "X", "(8, 2)")
row("plot_loss_contours-loss", lambda: plots.plot_loss_contours(None, ((-1, 1), (-1, 1))), TypeError,
    "loss", "callable", "NoneType")
row("plot_loss_contours-limits", lambda: plots.plot_loss_contours(lambda b: 0.0, (1, -1)),
    ValueError, "limits", "((x_min, x_max), (y_min, y_max))", "(1, -1)")
row("plot_descent_path-3-columns", lambda: plots.plot_descent_path(np.zeros((4, 3))), ValueError,
    "path", "(n, 2)", "(4, 3)")
row("plot_descent_path-empty", lambda: plots.plot_descent_path(np.zeros((0, 2))), ValueError,
    "path", "at least one")
row("TrainingPlayer-frames", lambda: widgets.TrainingPlayer(["a.png"]), TypeError, "frames",
    "bytes", "list")
row("TrainingPlayer-empty", lambda: widgets.TrainingPlayer([]), TypeError, "frames", "non-empty")
row("TrainingPlayer-labels", lambda: widgets.TrainingPlayer([b"x", b"y"], labels=["a"]),
    ValueError, "labels", "2", "1")
row("frame_strip-empty", lambda: widgets.frame_strip([]), ValueError, "frames", "at least one")
row("frame_strip-frames", lambda: widgets.frame_strip(["a"]), TypeError, "frames", "bytes", "str")
row("LivePanel-children", lambda: widgets.LivePanel("slider"), TypeError, "children", "widgets",
    "str")

# --------------------------------------------------------------------------- playground, transfer
row("parse_hidden-letters", lambda: playground.parse_hidden("16, a"), ValueError, "hidden",
    "whole numbers", "'16, a'")
row("parse_hidden-zero", lambda: playground.parse_hidden("0"), ValueError, "hidden", "1 and 512",
    "'0'")
row("parse_hidden-negative-int", lambda: playground.parse_hidden(-4), ValueError, "hidden",
    "1 and 512", "-4")
row("parse_hidden-fractions", lambda: playground.parse_hidden([1.5, 2]), TypeError, "hidden",
    "whole numbers", "1.5")
row("parse_hidden-too-large", lambda: playground.parse_hidden([1000]), ValueError, "hidden",
    "1 and 512", "1000")
row("PlaygroundConfig-unknown", lambda: playground.PlaygroundConfig(lr=0.1), TypeError,
    "settings", "'lr'", "learning_rate")
row("PlaygroundConfig-dataset", lambda: playground.PlaygroundConfig(dataset="moon"), ValueError,
    "dataset", "'moons'", "'moon'")
row("PlaygroundConfig-activation", lambda: playground.PlaygroundConfig(activation="elu"),
    ValueError, "activation", "'relu'", "'elu'")
row("train_config-type", lambda: playground.train_config({"dataset": "moons"}), TypeError,
    "config", "PlaygroundConfig", "dict")
row("split_digits-seed", lambda: transfer.split_digits(seed="0"), TypeError, "seed", "'0'")
row("pretrain-X-3d", lambda: transfer.pretrain(IMAGES[:, 0], Y5), ValueError, "X", "4-D")
row("pretrain-y-length", lambda: transfer.pretrain(IMAGES, Y5[:3], epochs=1), ValueError, "y",
    "8", "3")
row("pretrain-y-fraction", lambda: transfer.pretrain(IMAGES, Y5 + 0.5, epochs=1), ValueError, "y",
    "integer", "0.5")
row("sample_labels-too-many", lambda: transfer.sample_labels(Y5, 9), ValueError, "n_labels", "8",
    "9")
row("sample_labels-y-2d", lambda: transfer.sample_labels(Y5[:, None], 2), ValueError, "y", "1-D")
row("sample_labels-empty", lambda: transfer.sample_labels(Y5[:0], 1), ValueError, "y",
    "at least one")
row("train_target-regime", lambda: transfer.train_target("frozenn", cnn_model(), IMAGES, Y5),
    ValueError, "regime", "'frozen'", "'frozenn'")
row("train_target-pretrained", lambda: transfer.train_target("frozen", None, IMAGES, Y5),
    TypeError, "pretrained", "Sequential", "NoneType")
row("train_target-y-length", lambda: transfer.train_target("scratch", cnn_model(), IMAGES, Y5[:3]),
    ValueError, "y", "8", "3")
row("Recorder-steps", lambda: train.Recorder(steps=[1, -2]), ValueError, "steps", "≥ 0",
    "-2")
row("learning_curve-pretrained", lambda: transfer.learning_curve(None, None), TypeError,
    "pretrained", "Sequential", "NoneType")
row("learning_curve-data", lambda: transfer.learning_curve(cnn_model(), None), TypeError, "data",
    "TransferData", "NoneType")
row("plot_learning_curves-results",
    lambda: transfer.plot_learning_curves([10, 20], {"frozen": [[0.5]]}), ValueError,
    "results['frozen']", "(2, n_seeds)", "(1, 1)")
row("plot_learning_curves-chance", lambda: transfer.plot_learning_curves([10], {"a": [[0.5]]},
                                                                         chance=1.5),
    ValueError, "chance", "[0, 1]", "1.5")
row("plot_target_regions-X-3d", lambda: transfer.plot_target_regions(cnn_model(), IMAGES[:, 0], Y5),
    ValueError, "X", "4-D")


# --------------------------------------------------------------------------- keras_bridge
# Imported only by these rows: Keras takes seconds to load and the rest needs none of it.
def keras_bridge():
    # nbcode.keras_bridge chooses the JAX backend before it imports Keras.
    return pytest.importorskip("nbcode.keras_bridge")


KERAS_ROWS: list = []
KERAS_SCALARS = [
    ("ProgressLog", "every", "count", lambda v: keras_bridge().ProgressLog(every=v)),
    ("classifier_loss", "n_outputs", "count", lambda v: keras_bridge().classifier_loss(v)),
    ("keras mlp", "n_inputs", "count", lambda v: keras_bridge().build_mlp(v)),
    ("keras mlp", "n_outputs", "count", lambda v: keras_bridge().build_mlp(2, n_outputs=v)),
    ("keras mlp", "n_hidden", "count", lambda v: keras_bridge().build_mlp(2, hidden=(v,))),
    ("keras mlp", "dropout", "rate", lambda v: keras_bridge().build_mlp(2, dropout=v)),
    ("keras mlp", "l2", "nonneg", lambda v: keras_bridge().build_mlp(2, l2=v)),
    ("keras cnn", "filters", "count", lambda v: keras_bridge().build_cnn(filters=v)),
    ("keras cnn", "n_classes", "count", lambda v: keras_bridge().build_cnn(n_classes=v)),
    ("keras cnn", "dropout", "rate", lambda v: keras_bridge().build_cnn(dropout=v)),
]
for _owner, _name, _kind, _call in KERAS_SCALARS:
    for _value, _error, _word in BAD[_kind]:
        KERAS_ROWS.append(pytest.param((lambda c=_call, v=_value: c(v)), _error, (_name, _word),
                                       id=f"{_owner}-{_name}={_value!r}"))
for _id, _call, _error, _words in [
    ("from_nbcode-conv", lambda: keras_bridge().from_nbcode(cnn_model()), ValueError,
     ("model", "Dense", "Conv2D")),
    ("from_nbcode-type", lambda: keras_bridge().from_nbcode(3), ValueError, ("model", "int")),
    ("KerasSnapshot-model", lambda: keras_bridge().KerasSnapshot(mlp()), TypeError,
     ("model", "Keras", "Sequential")),
    ("BoundaryRecorder-epochs", lambda: keras_bridge().BoundaryRecorder(epochs=[1.5]), TypeError,
     ("epochs", "integer", "1.5")),
    ("keras_counts-model", lambda: keras_bridge().keras_counts(3), TypeError, ("model", "Keras", "int")),
    ("ProgressLog-print_fn", lambda: keras_bridge().ProgressLog(print_fn="print"), TypeError,
     ("print_fn", "callable", "str")),
    ("keras cnn-input_shape", lambda: keras_bridge().build_cnn(input_shape=(8, 8)), ValueError,
     ("input_shape", "(height, width, channels)", "(8, 8)")),
]:
    KERAS_ROWS.append(pytest.param(_call, _error, _words, id=_id))


@pytest.mark.parametrize(("call", "error", "words"), ROWS + KERAS_ROWS)
def test_bad_input_is_refused_with_a_message_that_teaches(call, error, words):
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    # Every message says what was received (a RuntimeError about order of calls
    # need not: there is no bad value, only a missing step).
    expected = (*words, "received") if error is not RuntimeError else words
    missing = [w for w in expected if w.lower() not in message.lower()]
    assert not missing, f"message lacks {missing}: {message!r}"
    plt.close("all")


# --------------------------------------------------------------------------- must not raise
GOOD = [
    ("Sequential.fit-two-examples", lambda: mlp().fit(X[:2], Y01[:2], epochs=1, batch_size=1)),
    ("Sequential.predict-one-row", lambda: fitted().predict(X[:1])),
    ("Sequential.fit-float32", lambda: mlp().fit(X.astype(np.float32), Y01, epochs=1)),
    ("Sequential.fit-integer-X", lambda: mlp().fit(np.arange(16).reshape(8, 2), Y01, epochs=1)),
    ("Sequential.fit-lists", lambda: mlp().fit(X.tolist(), Y01.tolist(), epochs=1)),
    ("Sequential.fit-pm-labels", lambda: mlp().fit(X, YPM, epochs=1)),
    ("Sequential.fit-string-labels", lambda: mlp().fit(X, np.array(["a", "b"] * 4), epochs=1)),
    ("Sequential.fit-epochs-0", lambda: mlp().fit(X, Y01, epochs=0)),
    ("Sequential.fit-numpy-int-epochs", lambda: mlp().fit(X, Y01, epochs=np.int64(1))),
    ("Sequential.fit-float-labels-3", lambda: mlp(3).fit(X, (np.arange(8) % 3).astype(float), 1)),
    ("Sequential.fit-squared-column", lambda: mlp(1).fit(X, YREG[:, None], 1, loss="squared")),
    ("LinearRegressionGD.fit-n1", lambda: linear.LinearRegressionGD(n_epochs=1).fit(X[:1], YREG[:1])),
    ("LinearRegressionGD.fit-lists", lambda: linear.LinearRegressionGD(n_epochs=1).fit(
        X.tolist(), YREG.tolist())),
    ("ols_closed_form-integer-X", lambda: linear.ols_closed_form(np.arange(16).reshape(8, 2), YREG)),
    ("logistic_loss-float32", lambda: linear.logistic_loss(BETA, X.astype(np.float32), YPM)),
    ("Neuron.fit-float32", lambda: neuron.Neuron(n_epochs=1).fit(X.astype(np.float32), Y01)),
    ("Neuron.fit-real-targets", lambda: neuron.Neuron(n_epochs=1).fit(X, np.full(8, 0.3))),
    ("Perceptron.fit-n1", lambda: neuron.Perceptron(n_epochs=1).fit(X[:1], YPM[:1])),
    ("softmax_cross_entropy-float-labels",
     lambda: nn.softmax_cross_entropy(O3, np.array([0.0, 1.0, 2.0] * 2 + [0.0, 1.0]))),
    ("one_hot-list", lambda: nn.one_hot([0, 2, 1], 3)),
    ("binary_cross_entropy-column", lambda: nn.binary_cross_entropy(P[:, None], Y01[:, None])),
    ("binary_cross_entropy-soft-labels", lambda: nn.binary_cross_entropy(P, np.full(8, 0.3))),
    ("squared_error-scalars", lambda: nn.squared_error(1.0, 2.0)),
    ("dense_forward-float32", lambda: nn.dense_forward(X.astype(np.float32), W_DENSE, B_DENSE)),
    ("dense_forward-lists", lambda: nn.dense_forward(X.tolist(), W_DENSE.tolist(), [0.0] * 4)),
    ("conv2d_forward-one-image", lambda: nn.conv2d_forward(IMG[:1], WC, BC, padding=1)),
    ("maxpool2d_forward-overlap", lambda: nn.maxpool2d_forward(IMG, 3, 1)),
    ("relu-scalar", lambda: nn.relu.value(0.0)),
    ("sigmoid-nan-propagates", lambda: nn.sigmoid.value(np.array([NAN]))),
    ("Dropout-rate-0", lambda: nn.Dropout(0.0)),
    ("Dropout-numpy-rate", lambda: nn.Dropout(np.float64(0.2))),
    ("SGD-numpy-learning-rate", lambda: nn.SGD(np.float32(0.1))),
    ("make_moons-n1", lambda: data.make_moons(1)),
    ("make_moons-noise-0", lambda: data.make_moons(noise=0)),
    ("make_moons-numpy-seed", lambda: data.make_moons(seed=np.int64(3))),
    ("to_plus_minus-bool", lambda: data.to_plus_minus(np.array([True, False]))),
    ("soft_threshold-scalar", lambda: regularization.soft_threshold(2.0, 0.5)),
    ("penalized_loss-float-labels", lambda: regularization.penalized_loss(mlp(), X, Y01 * 1.0)),
    ("input_gradient-images", lambda: analysis.input_gradient(cnn_model(), IMAGES, Y5)),
    ("fgsm-epsilon-0", lambda: analysis.fgsm(mlp(), X, Y01, 0)),
    ("decision_grid-one-point", lambda: plots.decision_grid(X[:1])),
    ("plot_descent_path-diverging", lambda: plots.plot_descent_path(np.array([[0, 0], [INF, 1.0]]))),
    ("gradient_descent-diverging", lambda: linear.gradient_descent(lambda b: -10 * b, [1.0], 1, 400,
                                                                   loss=lambda b: float(b @ b))),
    ("parse_hidden-empty", lambda: playground.parse_hidden("")),
    ("PlaygroundConfig-noise-none", lambda: playground.PlaygroundConfig(noise=None)),
    ("shift_image-large-shift", lambda: cnn.shift_image(np.ones((4, 4)), 9, 0)),
    ("sample_labels-list", lambda: transfer.sample_labels(Y5.tolist(), 5)),
]


@pytest.mark.parametrize("call", [pytest.param(c, id=i) for i, c in GOOD])
def test_valid_edge_case_is_accepted(call):
    with np.errstate(all="ignore"):
        call()
    plt.close("all")


def test_the_table_is_large():
    assert len(ROWS) + len(KERAS_ROWS) >= 300
