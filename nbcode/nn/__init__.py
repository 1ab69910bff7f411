"""From-scratch neural networks in numpy, written to be read.

Modules, one job each:

* :mod:`~nbcode.nn.activations`: ``a = f(o)`` and ``f'(o)`` (identity, step, sigmoid, tanh, ReLU)
* :mod:`~nbcode.nn.losses`: squared error, (binary) cross-entropy, softmax, with gradients
* :mod:`~nbcode.nn.layers`: Dense, Activation, Dropout, Conv2D, MaxPool2D, Flatten, and
  cs231n-style ``*_forward`` / ``*_backward`` functions
* :mod:`~nbcode.nn.optim`: SGD (with heavy-ball momentum), RMSProp and Adam, and learning-rate
  schedules (step decay, cosine decay, linear warm-up)
* :mod:`~nbcode.nn.models`: :class:`Sequential` (fit / predict / predict_proba) and :func:`MLP`
"""

from .activations import (
    ACTIVATIONS,
    ActivationFunction,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Step,
    Tanh,
    get_activation,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    step,
    tanh,
)
from .layers import (
    Activation,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    Layer,
    MaxPool2D,
    col2im,
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    dense_backward,
    dense_forward,
    im2col,
    init_weights,
    maxpool2d_backward,
    maxpool2d_forward,
)
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_gradient,
    binary_cross_entropy_with_logits,
    log_softmax,
    one_hot,
    softmax,
    softmax_cross_entropy,
    squared_error,
    squared_error_gradient,
)
from .models import MLP, ModelSummary, Sequential
from .optim import (
    SGD,
    Adam,
    CosineDecay,
    LinearWarmup,
    Optimizer,
    RMSProp,
    Schedule,
    StepDecay,
    check_learning_rate,
    get_optimizer,
)

__all__ = [
    "ACTIVATIONS", "ActivationFunction", "Identity", "LeakyReLU", "ReLU", "Sigmoid", "Step",
    "Tanh", "get_activation", "identity", "leaky_relu", "relu", "sigmoid", "step", "tanh",
    "Activation", "Conv2D", "Dense", "Dropout", "Flatten", "Layer", "MaxPool2D", "col2im",
    "conv2d_backward", "conv2d_forward", "conv_output_size", "dense_backward", "dense_forward",
    "im2col", "init_weights", "maxpool2d_backward", "maxpool2d_forward",
    "binary_cross_entropy", "binary_cross_entropy_gradient", "binary_cross_entropy_with_logits",
    "log_softmax", "one_hot", "softmax", "softmax_cross_entropy", "squared_error",
    "squared_error_gradient",
    "MLP", "ModelSummary", "Sequential",
    "SGD", "Adam", "RMSProp", "Optimizer", "get_optimizer", "Schedule", "StepDecay", "CosineDecay",
    "LinearWarmup", "check_learning_rate",
]
