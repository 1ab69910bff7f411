"""Linear and logistic regression, written as loss minimisation (chapter 1).

Conventions, as in the lecture notes:

* ``X`` has shape (n, p): one row per example, one column per feature. The
  intercept is *not* a column of ``X``; it is ``beta[0]``, and ``beta[1:]`` are
  the p slopes, so ``beta`` has shape (p + 1,).
* Linear regression: ``yhat_i = beta_0 + sum_j beta_j x_ij`` and the loss is
  ``L(beta) = 1/2 sum_i (y_i - yhat_i)^2`` (a sum, not a mean).
* Logistic regression codes the two classes as ``y_i in {-1, +1}``; with
  ``o_i = beta_0 + sum_j beta_j x_ij``, ``P(y_i = +1 | x_i) = sigma(o_i)`` and the
  negative log-likelihood is ``L(beta) = sum_i log(1 + exp(-y_i o_i))``.

The estimators minimise the *mean* loss ``L(beta) / n`` so that a learning rate
works whatever the number of examples; the functions return the sums.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from . import train
from ._validation import (
    as_array,
    check_callable,
    check_labels,
    check_positive,
    check_same_length,
    check_seed,
)
from .gradcheck import numerical_gradient
from .i18n import N_, _
from .nn.activations import sigmoid
from .nn.layers import Dense
from .nn.models import Sequential
from .nn.optim import SGD, check_learning_rate
from .train import Callback

__all__ = [
    "descent_path",
    "add_intercept", "predict_linear", "ols_loss", "ols_gradient", "ols_closed_form",
    "sigmoid", "logistic_loss", "logistic_gradient", "gradient_descent",
    "numerical_gradient", "LinearRegressionGD", "LogisticRegressionGD",
]


def _check_beta_X(beta, X):
    X = as_array(X, "X", ndim=2)
    beta = as_array(beta, "beta", ndim=1)
    if beta.shape[0] != X.shape[1] + 1:
        raise ValueError(
            _("beta must have shape (p + 1,) = ({size},) for X with p = {p} "
              "features (beta[0] is the intercept); received shape {shape}.").format(
                size=X.shape[1] + 1, p=X.shape[1], shape=beta.shape)
        )
    return beta, X


def add_intercept(X) -> np.ndarray:
    """Prepend a column of ones: shape (n, p) -> (n, p + 1), so that yhat = X1 @ beta."""
    X = as_array(X, "X", ndim=2)
    return np.column_stack([np.ones(len(X)), X])


def predict_linear(beta, X) -> np.ndarray:
    """The linear predictor o_i = beta_0 + sum_j beta_j x_ij; shape (n,)."""
    beta, X = _check_beta_X(beta, X)
    return beta[0] + X @ beta[1:]


def ols_loss(beta, X, y) -> float:
    """Squared-error loss L(beta) = 1/2 sum_i (y_i - yhat_i)^2."""
    beta, X = _check_beta_X(beta, X)
    y = as_array(y, "y", ndim=1)
    check_same_length(X, y, "X", "y")
    residual = y - predict_linear(beta, X)
    return 0.5 * float(residual @ residual)


def ols_gradient(beta, X, y) -> np.ndarray:
    """Gradient of :func:`ols_loss`, shape (p + 1,).

    dL/dbeta_0 = -sum_i (y_i - yhat_i) and dL/dbeta_j = -sum_i (y_i - yhat_i) x_ij.
    """
    beta, X = _check_beta_X(beta, X)
    y = as_array(y, "y", ndim=1)
    check_same_length(X, y, "X", "y")
    residual = y - predict_linear(beta, X)
    return -np.concatenate([[residual.sum()], X.T @ residual])


def ols_closed_form(X, y) -> np.ndarray:
    """Least-squares solution of the normal equations, shape (p + 1,)."""
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=1)
    check_same_length(X, y, "X", "y")
    return np.linalg.lstsq(add_intercept(X), y, rcond=None)[0]


def logistic_loss(beta, X, y) -> float:
    """Negative log-likelihood sum_i log(1 + exp(-y_i o_i)) for labels y_i in {-1, +1}."""
    beta, X = _check_beta_X(beta, X)
    y = check_labels(y, "y", values={-1, 1})
    check_same_length(X, y, "X", "y")
    return float(np.logaddexp(0.0, -y * predict_linear(beta, X)).sum())


def logistic_gradient(beta, X, y) -> np.ndarray:
    """Gradient of :func:`logistic_loss`, shape (p + 1,).

    dL/dbeta_j = -sum_i y_i x_ij sigma(-y_i o_i), with x_i0 = 1 for the intercept.
    """
    beta, X = _check_beta_X(beta, X)
    y = check_labels(y, "y", values={-1, 1})
    check_same_length(X, y, "X", "y")
    weight = -y * sigmoid(-y * predict_linear(beta, X))
    return np.concatenate([[weight.sum()], X.T @ weight])


def gradient_descent(gradient: Callable[[np.ndarray], np.ndarray], beta0, learning_rate: float,
                     n_steps: int, loss: Callable[[np.ndarray], float] | None = None):
    """Batch gradient descent beta <- beta - learning_rate * gradient(beta).

    The simplest client of :func:`nbcode.train.fit`: one full batch per epoch, so
    ``n_steps`` epochs are ``n_steps`` steps.

    Parameters
    ----------
    gradient : callable, beta (d,) -> (d,)
    beta0 : array-like, shape (d,)
        Starting point.
    learning_rate : float
    n_steps : int
    loss : callable, optional
        beta -> float; if given, the loss along the path is returned too.

    Returns
    -------
    path : ndarray, shape (n_steps + 1, d)
        Every iterate, beta0 first.
    losses : ndarray, shape (n_steps + 1,)
        Only if ``loss`` is given. A diverging run gives inf, not an error.
    """
    check_callable(gradient, "gradient", N_("beta -> the gradient at beta"))
    beta = as_array(beta0, "beta0", ndim=1).copy()
    check_positive(learning_rate, "learning_rate")
    check_positive(n_steps, "n_steps", integer=True, allow_zero=True)
    if loss is not None:
        check_callable(loss, "loss", N_("beta -> float"))
    path = [beta]

    def update(_batch):
        # one full batch per epoch: gradient() sees all the data, the indices are not needed
        g = gradient(path[-1])
        if len(path) == 1 and np.shape(g) != beta.shape:
            raise _gradient_shape_error(beta.shape, np.shape(g))
        path.append(path[-1] - learning_rate * g)

    with np.errstate(over="ignore", invalid="ignore"):
        train.fit(None, update, 1, epochs=n_steps, shuffle=False)
        path = np.array(path)
        if loss is None:
            return path
        losses = np.array([loss(b) if np.all(np.isfinite(b)) else np.inf for b in path])
    losses[~np.isfinite(losses)] = np.inf
    return path, losses


def _gradient_shape_error(expected: tuple, shape: tuple) -> ValueError:
    return ValueError(_("gradient must return an array of the shape of beta0, {expected}; "
                        "received shape {shape}.").format(expected=expected, shape=shape))


def descent_path(gradient: Callable[[np.ndarray], np.ndarray], beta0, optimizer,
                 n_steps: int) -> np.ndarray:
    """The iterates of an optimiser of :mod:`nbcode.nn` (``nn.SGD``, ``nn.Adam``...) on a
    gradient, through :func:`nbcode.train.fit` like :func:`gradient_descent`.

    Parameters
    ----------
    gradient : callable, beta (d,) -> (d,)
    beta0 : array-like, shape (d,)
    optimizer : an optimiser with ``step(params, grads)`` (its state is reset first)
    n_steps : int

    Returns
    -------
    path : ndarray, shape (n_steps + 1, d)
        Every iterate, beta0 first.
    """
    check_callable(gradient, "gradient", N_("beta -> the gradient at beta"))
    beta = as_array(beta0, "beta0", ndim=1).copy()
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(_("optimizer must be an optimiser of nbcode.nn, e.g. nn.Adam(0.1); "
                          "received {kind}.").format(kind=type(optimizer).__name__))
    check_positive(n_steps, "n_steps", integer=True, allow_zero=True)
    optimizer.reset()
    path = [beta.copy()]

    def update(_batch):
        g = np.asarray(gradient(beta), dtype=float)
        if len(path) == 1 and g.shape != beta.shape:
            raise _gradient_shape_error(beta.shape, g.shape)
        optimizer.step([beta], [g])   # in place
        path.append(beta.copy())

    with np.errstate(over="ignore", invalid="ignore"):
        train.fit(None, update, 1, epochs=n_steps, shuffle=False)
    return np.array(path)


class _LinearModelGD:
    """A one-layer network of :mod:`nbcode.nn`, ``Dense(p, 1)``, trained by plain (mini-)batch
    gradient descent on the mean loss through :func:`nbcode.train.fit`.

    ``beta_`` reads the layer's parameters: ``beta_[0]`` is its bias ``b``, ``beta_[1:]``
    its weights ``W[:, 0]``. Subclasses name the network's loss and the loss reported
    after each epoch (mean over all the training data).
    """

    _loss = staticmethod(ols_loss)
    _network_loss = "squared"

    def __init__(self, learning_rate: float = 0.1, n_epochs: int = 100,
                 batch_size: int | None = None, seed: int | None = 0):
        # a number > 0 or a schedule step -> rate (step: the updates made so far)
        self.learning_rate = check_learning_rate(learning_rate, "learning_rate")
        self.n_epochs = check_positive(n_epochs, "n_epochs", integer=True)
        if batch_size is not None:
            check_positive(batch_size, "batch_size", integer=True)
        self.batch_size = batch_size
        self.seed = check_seed(seed)
        self.network_ = None

    @property
    def beta_(self) -> np.ndarray | None:
        """(b, W[:, 0]) of the network's Dense layer, shape (p + 1,); None before fit."""
        if self.network_ is None:
            return None
        dense = self.network_[0]
        return np.concatenate([dense.params["b"], dense.params["W"][:, 0]])

    @beta_.setter
    def beta_(self, beta) -> None:
        beta = as_array(beta, "beta_", ndim=1)
        self.network_ = Sequential([Dense(beta.size - 1, 1, init="zeros")])
        self.network_[0].params["b"][:] = beta[0]
        self.network_[0].params["W"][:, 0] = beta[1:]

    def _check_y(self, y):
        return as_array(y, "y", ndim=1)

    def fit(self, X, y, callbacks: Iterable[Callback] | None = None, beta0=None):
        """Run ``n_epochs`` passes of (mini-)batch gradient descent from ``beta0`` (zeros).

        After each epoch every callback gets a :class:`nbcode.train.Progress`; it is also
        called once with ``epoch=0`` before the first update. Returns ``self``.
        """
        X = as_array(X, "X", ndim=2)
        y = self._check_y(y)
        check_same_length(X, y, "X", "y")
        n, p = X.shape
        self.beta_ = np.zeros(p + 1) if beta0 is None else as_array(beta0, "beta0", shape=(p + 1,))
        schedule = callable(self.learning_rate)
        optimizer = SGD(1.0 if schedule else self.learning_rate)
        update = self.network_.update_rule(X, y, loss=self._network_loss, optimizer=optimizer)
        # Sequential's update rule multiplies the rate by its L1 weight (0 here) once, when it is
        # built, which a schedule does not support: build it with a number, then give the schedule.
        if schedule:
            optimizer.learning_rate = self.learning_rate

        def report(epoch, step, batch_loss):
            return self._loss(self.beta_, X, y) / n, {}

        self.history_ = train.fit(self, update, n, epochs=self.n_epochs,
                                  batch_size=self.batch_size, rng=np.random.default_rng(self.seed),
                                  report=report, callbacks=callbacks)
        return self

    def _check_fitted(self):
        if self.beta_ is None:
            raise RuntimeError(_("This {model} is not fitted yet: call fit(X, y) first.").format(
                model=type(self).__name__))

    def decision_function(self, X) -> np.ndarray:
        """o_i = beta_0 + sum_j beta_j x_ij, shape (n,)."""
        self._check_fitted()
        X = as_array(X, "X", ndim=2)
        if X.shape[1] != self.beta_.size - 1:
            raise ValueError(_("X must have {p} features (columns), as in fit; "
                               "received shape {shape}.").format(p=self.beta_.size - 1,
                                                                 shape=X.shape))
        return predict_linear(self.beta_, X)

    def __repr__(self) -> str:
        fitted = "" if self.beta_ is None else f", beta={np.round(self.beta_, 3).tolist()}"
        return (f"{type(self).__name__}(learning_rate={self.learning_rate}, n_epochs={self.n_epochs}, "
                f"batch_size={self.batch_size}{fitted})")


class LinearRegressionGD(_LinearModelGD):
    """Least-squares linear regression fitted by (mini-)batch gradient descent.

    It is a one-layer network of :mod:`nbcode.nn`, ``Dense(p, 1)`` with the squared loss,
    trained by plain gradient descent (``nn.SGD``) in the loop :func:`nbcode.train.fit`.

    Parameters
    ----------
    learning_rate : float or schedule
        Step size applied to the gradient of the *mean* loss L(beta) / n, or a schedule
        ``step -> rate`` (``nn.CosineDecay``, ...) over the updates of all the epochs.
    n_epochs : int
        Number of passes over the data.
    batch_size : int or None
        None for full-batch gradient descent, 1 for per-example updates.
    seed : int or None
        Seeds the shuffling of mini-batches.

    Attributes
    ----------
    beta_ : ndarray, shape (p + 1,)
        The network's bias and weights (setting it sets them).
    network_ : nbcode.nn.Sequential
        ``Sequential([Dense(p, 1)])``.
    history_ : nbcode.train.History
    """

    def predict(self, X) -> np.ndarray:
        """Predicted values yhat, shape (n,)."""
        return self.decision_function(X)


class LogisticRegressionGD(_LinearModelGD):
    """Logistic regression with labels in {-1, +1}, fitted by gradient descent.

    Same parameters as :class:`LinearRegressionGD`; the loss is the mean negative
    log-likelihood. The network is the same ``Dense(p, 1)``, whose output is the logit
    ``o``, trained with nbcode.nn's binary cross-entropy (the same loss, for labels 0/1).
    """

    _loss = staticmethod(logistic_loss)
    _network_loss = "cross_entropy"

    def _check_y(self, y):
        return check_labels(y, "y", values={-1, 1})

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n, 2): columns P(y = -1), P(y = +1)."""
        p_plus = sigmoid(self.decision_function(X))
        return np.column_stack([1 - p_plus, p_plus])

    def predict(self, X) -> np.ndarray:
        """Predicted labels in {-1, +1}, shape (n,)."""
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def score(self, X, y) -> float:
        """Accuracy on (X, y)."""
        y = check_labels(y, "y", values={-1, 1})
        prediction = self.predict(X)
        check_same_length(prediction, y, "X", "y")
        return float(np.mean(prediction == y))
