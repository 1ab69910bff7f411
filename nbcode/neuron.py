"""One neuron: a smooth neuron trained by gradient descent, and Rosenblatt's perceptron.

In the notes' notation a neuron computes, for example ``i`` with features
``x_i1, ..., x_ip``,

    o_i = beta_0 + sum_j beta_j x_ij          (pre-activation)
    a_i = yhat_i = f(o_i)                     (activation)

:class:`Neuron` trains ``beta`` by (mini-)batch gradient descent on the squared loss
``L_i = 1/2 (y_i - a_i)^2`` or, for a sigmoid output read as P(y_i = 1), on the binary
cross-entropy ``L_i = -(y_i log a_i + (1 - y_i) log(1 - a_i))`` (the Bernoulli negative
log-likelihood), with a forward pass that keeps a cache and a backward pass that returns
the gradient, exactly as the chapter derives them.
:class:`Perceptron` is Rosenblatt's neuron with a step activation, trained by his
mistake-driven rule on labels in {-1, +1}. Chapter 3 reuses both.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from . import train
from ._validation import (
    as_array,
    check_choice,
    check_labels,
    check_positive,
    check_same_length,
    check_seed,
    check_unit_interval_labels,
)
from .i18n import _
from .nn.activations import get_activation
from .nn.losses import binary_cross_entropy_with_logits
from .train import Callback

__all__ = ["Neuron", "Perceptron", "squared_loss", "cross_entropy_loss", "neuron_gradient",
           "draw_neuron", "LOSSES"]

# The losses a Neuron can descend. The cross-entropy needs outputs in (0, 1) read as
# probabilities, hence the sigmoid.
LOSSES = ("squared", "cross_entropy")


def _check_fitted_features(X, beta) -> np.ndarray:
    """X as a 2-D array with as many features as the fitted ``beta`` (shape (p + 1,)) expects."""
    X = as_array(X, "X", ndim=2)
    if X.shape[1] != beta.size - 1:
        raise ValueError(_("X must have {p} features (columns), as in fit; "
                           "received shape {shape}.").format(p=beta.size - 1, shape=X.shape))
    return X


def _check_X_beta(X, beta):
    X = as_array(X, "X", ndim=2)
    beta = as_array(beta, "beta", ndim=1)
    if beta.size != X.shape[1] + 1:
        raise ValueError(
            _("beta must have p + 1 = {size} entries (beta_0, then one per feature of "
              "X, which has shape {shape}); received {received}.").format(
                size=X.shape[1] + 1, shape=X.shape, received=beta.size))
    return X, beta


def _check_targets(y, X) -> np.ndarray:
    y = as_array(y, "y", ndim=1)
    check_same_length(X, y, "X", "y")
    return y


def _check_loss(loss, activation) -> str:
    """``loss`` as one of :data:`LOSSES`; the cross-entropy only with the sigmoid activation."""
    check_choice(loss, "loss", set(LOSSES))
    name = get_activation(activation).name
    if loss == "cross_entropy" and name != "sigmoid":
        raise ValueError(
            _("loss='cross_entropy' needs activation 'sigmoid', whose output in (0, 1) is read "
              "as P(y = 1); received activation {name!r}. Use loss='squared' for that "
              "activation.").format(name=name))
    return loss


def _check_01_targets(y, X) -> np.ndarray:
    y = _check_targets(y, X)
    check_unit_interval_labels(y, "y")
    return y


def squared_loss(beta, X, y, activation="sigmoid") -> float:
    """Summed squared loss ``L = sum_i 1/2 (y_i - f(o_i))^2`` of one neuron.

    Parameters
    ----------
    beta : ndarray, shape (p + 1,)
        ``beta[0]`` is the intercept beta_0, ``beta[1:]`` the weights beta_1..beta_p.
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,)
    activation : str or activation object (see :func:`nbcode.nn.get_activation`)
    """
    X, beta = _check_X_beta(X, beta)
    y = _check_targets(y, X)
    f = get_activation(activation)
    a = f.value(beta[0] + X @ beta[1:])
    return float(0.5 * np.sum((y - a) ** 2))


def cross_entropy_loss(beta, X, y) -> float:
    """Summed binary cross-entropy ``L = -sum_i (y_i log a_i + (1 - y_i) log(1 - a_i))``
    of a sigmoid neuron, ``a_i = sigmoid(o_i)``: the Bernoulli negative log-likelihood.

    Computed from the logits ``o_i`` (never ``log(0)``).

    Parameters
    ----------
    beta : ndarray, shape (p + 1,)
    X : ndarray, shape (n, p)
    y : ndarray, shape (n,), labels in {0, 1} (or probabilities of class 1)
    """
    X, beta = _check_X_beta(X, beta)
    y = _check_01_targets(y, X)
    mean = binary_cross_entropy_with_logits(beta[0] + X @ beta[1:], y)[0]
    return float(mean * len(y))


def neuron_gradient(beta, X, y, activation="sigmoid", loss: str = "squared") -> np.ndarray:
    """Gradient of :func:`squared_loss` (or :func:`cross_entropy_loss`) with respect to beta.

    Per example, ``delta_i = dL_i/do_i = -(y_i - a_i) f'(o_i)`` for the squared loss and
    ``delta_i = a_i - y_i`` for the cross-entropy of a sigmoid neuron (its
    ``dL_i/da_i = (a_i - y_i) / (a_i (1 - a_i))`` cancels ``sigmoid' = a_i (1 - a_i)``); then
    ``dL/dbeta_0 = sum_i delta_i`` and ``dL/dbeta_j = sum_i delta_i x_ij``. Shape (p + 1,).

    ``loss`` is ``"squared"`` or ``"cross_entropy"`` (the latter with ``activation="sigmoid"``).
    """
    _check_loss(loss, activation)
    X, beta = _check_X_beta(X, beta)
    y = _check_01_targets(y, X) if loss == "cross_entropy" else _check_targets(y, X)
    f = get_activation(activation)
    o = beta[0] + X @ beta[1:]
    delta = _delta(o, y, f, loss)
    return np.concatenate([[delta.sum()], X.T @ delta])


def _delta(o: np.ndarray, y: np.ndarray, f, loss: str) -> np.ndarray:
    """The error signal dL_i/do_i, shape (n,), of validated arrays."""
    if loss == "cross_entropy":
        return f.value(o) - y
    return -(y - f.value(o)) * f.derivative(o)


class Neuron:
    """A single neuron ``a = f(beta_0 + X beta)`` fitted by gradient descent.

    Parameters
    ----------
    activation : str or activation object
        ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"step"``, ``"identity"`` (see
        :func:`nbcode.nn.get_activation`).
    learning_rate : float
        Step size applied to the gradient of the *mean* loss over a batch.
    n_epochs : int
        Number of passes over the data.
    batch_size : int or None
        None for full-batch gradient descent, 1 for per-example (stochastic) updates,
        anything in between for mini-batches.
    seed : int or None
        Seeds the initial weights and the shuffling of mini-batches.
    init_scale : float
        Initial beta_1..beta_p are drawn from N(0, init_scale^2); beta_0 starts at 0.
    loss : {"squared", "cross_entropy"}
        ``"squared"``: ``L_i = 1/2 (y_i - a_i)^2``, any activation. ``"cross_entropy"``:
        ``L_i = -(y_i log a_i + (1 - y_i) log(1 - a_i))``, the Bernoulli negative
        log-likelihood, for the sigmoid activation and targets in [0, 1] only.

    Attributes
    ----------
    beta_ : ndarray, shape (p + 1,)
        beta_0 first, then beta_1..beta_p.
    history_ : nbcode.train.History
        Mean loss (of ``loss``) after every epoch (epoch 0 = before training) and the metric
        ``"updates"``, the number of parameter updates made so far.
    loss_name : str
        The ``loss`` argument (the method :meth:`loss` computes it).
    cache_ : dict
        What the last :meth:`forward` computed: ``"X"`` (n, p), ``"o"`` (n,), ``"a"`` (n,).

    For classification use targets y in {0, 1}: :meth:`predict` thresholds ``a`` at 1/2.
    """

    def __init__(self, activation="sigmoid", learning_rate: float = 0.5, n_epochs: int = 100,
                 batch_size: int | None = None, seed: int | None = 0, init_scale: float = 0.1,
                 loss: str = "squared"):
        self.activation = get_activation(activation)
        self.loss_name = _check_loss(loss, self.activation)
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.n_epochs = check_positive(n_epochs, "n_epochs", integer=True, allow_zero=True)
        if batch_size is not None:
            check_positive(batch_size, "batch_size", integer=True)
        self.batch_size = batch_size
        self.seed = check_seed(seed)
        self.init_scale = check_positive(init_scale, "init_scale", allow_zero=True)
        self.beta_: np.ndarray | None = None
        self.cache_: dict = {}

    # -- the model -------------------------------------------------------------------
    def _check_fitted(self):
        if self.beta_ is None:
            raise RuntimeError(
                _("This {model} has no weights yet: call fit(X, y) first, or set "
                  "beta_ (shape (p + 1,)) yourself.").format(model=type(self).__name__))

    def _check_X(self, X) -> np.ndarray:
        self._check_fitted()
        return _check_fitted_features(X, self.beta_)

    def forward(self, X) -> np.ndarray:
        """Forward pass: ``o = beta_0 + X beta``, ``a = f(o)``; returns a, shape (n,).

        Keeps ``X``, ``o`` and ``a`` in ``cache_`` for :meth:`backward`.
        """
        X = self._check_X(X)
        o = self.beta_[0] + X @ self.beta_[1:]
        a = self.activation.value(o)
        self.cache_ = {"X": X, "o": o, "a": a}
        return a

    def backward(self, y) -> dict:
        """Backpropagation for the summed loss ``L = sum_i L_i`` of the last forward pass.

        Returns a dict with ``"delta"`` (n,), the per-example ``dL_i/do_i``: ``-(y_i - a_i)
        f'(o_i)`` for the squared loss, ``a_i - y_i`` for the cross-entropy; ``"beta_0"``
        (float), ``dL/dbeta_0 = sum_i delta_i``; and ``"beta"`` (p,), ``dL/dbeta_j = sum_i
        delta_i x_ij``.
        """
        if not self.cache_:
            raise RuntimeError(_("backward needs the cache of a forward pass: call forward(X) "
                                 "first."))
        X, o = self.cache_["X"], self.cache_["o"]
        y = as_array(y, "y", shape=(len(X),))
        delta = _delta(o, y, self.activation, self.loss_name)
        return {"delta": delta, "beta_0": float(delta.sum()), "beta": X.T @ delta}

    def gradient(self, X, y) -> np.ndarray:
        """Forward then backward: the gradient of the summed loss as one vector, shape (p + 1,)."""
        self.forward(X)
        grads = self.backward(y)
        return np.concatenate([[grads["beta_0"]], grads["beta"]])

    def loss(self, X, y) -> float:
        """Mean loss: ``1/n sum_i 1/2 (y_i - a_i)^2``, or the mean binary cross-entropy."""
        a = self.forward(X)
        y = as_array(y, "y", shape=a.shape)
        if self.loss_name == "cross_entropy":
            return binary_cross_entropy_with_logits(self.cache_["o"], y)[0]
        return float(0.5 * np.mean((y - a) ** 2))

    # -- training --------------------------------------------------------------------
    def fit(self, X, y, callbacks: Iterable[Callback] | None = None, beta0=None) -> Neuron:
        """Run ``n_epochs`` passes of (mini-)batch gradient descent; returns ``self``.

        The loop is :func:`nbcode.train.fit`; each update is ``beta <- beta - learning_rate *
        (gradient over the batch) / batch size``, with the gradient of :meth:`backward`.
        Every callback gets a :class:`nbcode.train.Progress` once before training (epoch 0)
        and after each epoch; training stops when one returns True.

        Parameters
        ----------
        X : ndarray, shape (n, p)
        y : ndarray, shape (n,)
            Targets (0/1 for classification; in [0, 1] for the cross-entropy).
        beta0 : ndarray, shape (p + 1,), optional
            Starting weights; default beta_0 = 0 and beta_j ~ N(0, init_scale^2).
        """
        X = as_array(X, "X", ndim=2)
        y = as_array(y, "y", ndim=1)
        check_same_length(X, y, "X", "y")
        if self.loss_name == "cross_entropy":
            check_unit_interval_labels(y, "y")
        n, p = X.shape
        rng = np.random.default_rng(self.seed)
        if beta0 is None:
            self.beta_ = np.concatenate([[0.0], self.init_scale * rng.standard_normal(p)])
        else:
            self.beta_ = as_array(beta0, "beta0", shape=(p + 1,)).copy()

        def update(batch):  # beta <- beta - learning_rate * (gradient over the batch) / |batch|
            grad = self.gradient(X[batch], y[batch]) / len(batch)
            self.beta_ = self.beta_ - self.learning_rate * grad

        def report(epoch, step, batch_loss):
            return self.loss(X, y), {"updates": step}

        self.history_ = train.fit(self, update, n, epochs=self.n_epochs, batch_size=self.batch_size,
                                  rng=rng, report=report, callbacks=callbacks)
        self.cache_ = {}
        return self

    def get_params(self) -> dict:
        """The weights, for :class:`nbcode.train.EarlyStopping`."""
        return {"beta": None if self.beta_ is None else self.beta_.copy()}

    def set_params(self, params: dict) -> None:
        self.beta_ = np.array(params["beta"], dtype=float)

    # -- prediction ------------------------------------------------------------------
    def decision_function(self, X) -> np.ndarray:
        """The pre-activation ``o = beta_0 + X beta``, shape (n,)."""
        X = self._check_X(X)
        return self.beta_[0] + X @ self.beta_[1:]

    def predict_proba(self, X) -> np.ndarray:
        """Output ``a`` clipped to [0, 1], read as P(y = 1); shape (n, 2): P(0), P(1)."""
        a = np.clip(self.activation.value(self.decision_function(X)), 0.0, 1.0)
        return np.column_stack([1 - a, a])

    def predict(self, X) -> np.ndarray:
        """Class labels 0/1 (``a >= 1/2``), shape (n,)."""
        return (self.activation.value(self.decision_function(X)) >= 0.5).astype(np.int64)

    def score(self, X, y) -> float:
        """Accuracy on (X, y) with 0/1 labels."""
        y = check_labels(y, "y", values={0, 1})
        prediction = self.predict(X)
        check_same_length(prediction, y, "X", "y")
        return float(np.mean(prediction == y))

    def __repr__(self) -> str:
        fitted = "" if self.beta_ is None else f", beta={np.round(self.beta_, 3).tolist()}"
        loss = "" if self.loss_name == "squared" else f", loss={self.loss_name!r}"
        return (f"Neuron(activation={self.activation.name!r}, learning_rate={self.learning_rate}, "
                f"n_epochs={self.n_epochs}, batch_size={self.batch_size}{loss}{fitted})")


class Perceptron:
    """Rosenblatt's perceptron: a step neuron trained by the mistake-driven rule.

    For labels ``y_i`` in {-1, +1}, the examples are visited one at a time; when
    ``y_i o_i <= 0`` (a mistake, or a point on the boundary) the rule updates

        beta_0 <- beta_0 + learning_rate * y_i,    beta_j <- beta_j + learning_rate * y_i x_ij.

    Training stops after the first epoch without a mistake, or after ``n_epochs``.

    Parameters
    ----------
    learning_rate : float
        Size of each correction. From beta = 0 it only rescales beta, so it does not
        change the predictions.
    n_epochs : int
        Largest number of passes over the data.
    shuffle : bool
        Visit the examples in a new random order every epoch.
    seed : int or None
        Seeds the shuffling.

    Attributes
    ----------
    beta_ : ndarray, shape (p + 1,)
    mistakes_ : list of int
        Number of mistakes (updates) made in each epoch.
    converged_ : bool
        True if the last epoch made no mistake.
    path_ : ndarray, shape (n_updates + 1, p + 1)
        beta before the first update and after every update.
    seen_ : ndarray, shape (n_updates + 1,)
        How many examples had been visited at each row of ``path_``.
    history_ : nbcode.train.History
        Training error rate after each epoch (``"loss"``) and ``"mistakes"`` per epoch.
    """

    def __init__(self, learning_rate: float = 1.0, n_epochs: int = 100, shuffle: bool = True,
                 seed: int | None = 0):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.n_epochs = check_positive(n_epochs, "n_epochs", integer=True)
        self.shuffle = shuffle
        self.seed = check_seed(seed)
        self.beta_: np.ndarray | None = None

    def fit(self, X, y, callbacks: Iterable[Callback] | None = None, beta0=None) -> Perceptron:
        """Apply the perceptron rule until an epoch makes no mistake; returns ``self``.

        Parameters
        ----------
        X : ndarray, shape (n, p)
        y : ndarray, shape (n,), labels in {-1, +1}
        callbacks : called with a :class:`nbcode.train.Progress` before training and after
            each epoch (``loss`` is the training error rate, ``step`` the number of examples
            visited; the corrections are ``len(path_) - 1``).
        beta0 : ndarray, shape (p + 1,), optional (default zeros)
        """
        X = as_array(X, "X", ndim=2)
        y = check_labels(y, "y", values={-1, 1}).astype(float)
        check_same_length(X, y, "X", "y")
        n, p = X.shape
        self.beta_ = np.zeros(p + 1) if beta0 is None else as_array(beta0, "beta0", shape=(p + 1,)).copy()
        self.mistakes_, path, seen = [], [self.beta_.copy()], [0]
        self.converged_ = False
        update = self._rule(X, y, path, seen)

        def report(epoch, step, batch_loss):
            mistakes = len(path) - 1 - sum(self.mistakes_)  # the updates of this epoch
            if epoch:
                self.mistakes_.append(mistakes)
            return self.error_rate(X, y), {"mistakes": mistakes}

        def converged(progress):  # the rule's own stopping criterion: an epoch without mistake
            return progress.epoch > 0 and progress.metrics["mistakes"] == 0

        self.history_ = train.fit(self, update, n, epochs=self.n_epochs, batch_size=1,
                                  shuffle=self.shuffle, rng=np.random.default_rng(self.seed),
                                  report=report, callbacks=[*(callbacks or []), converged])
        self.converged_ = bool(self.mistakes_) and self.mistakes_[-1] == 0
        self.path_, self.seen_ = np.array(path), np.array(seen)
        return self

    def _rule(self, X, y, path: list, seen: list):
        """Rosenblatt's rule, the update that :func:`nbcode.train.fit` applies to one example.

        A mistake (``y_i o_i <= 0``) moves ``beta_`` in place and appends the new beta to
        ``path`` and the number of examples visited so far to ``seen``.
        """
        visited = 0

        def update(batch):
            nonlocal visited
            (i,) = batch
            visited += 1
            beta = self.beta_
            if y[i] * (beta[0] + X[i] @ beta[1:]) <= 0:
                beta[0] += self.learning_rate * y[i]
                beta[1:] += self.learning_rate * y[i] * X[i]
                path.append(beta.copy())
                seen.append(visited)

        return update

    def _check_X(self, X) -> np.ndarray:
        if self.beta_ is None:
            raise RuntimeError(_("This {model} is not fitted yet: call fit(X, y) first.").format(
                model="Perceptron"))
        return _check_fitted_features(X, self.beta_)

    def decision_function(self, X) -> np.ndarray:
        """``o = beta_0 + X beta``, shape (n,)."""
        X = self._check_X(X)
        return self.beta_[0] + X @ self.beta_[1:]

    def predict(self, X) -> np.ndarray:
        """Labels in {-1, +1} (``+1`` where ``o >= 0``, the step function), shape (n,)."""
        return np.where(self.decision_function(X) >= 0, 1, -1)

    def predict_proba(self, X) -> np.ndarray:
        """Hard 0/1 "probabilities" of the step neuron, shape (n, 2): columns -1, +1."""
        plus = (self.decision_function(X) >= 0).astype(float)
        return np.column_stack([1 - plus, plus])

    def error_rate(self, X, y) -> float:
        """Fraction of examples misclassified (a point on the boundary counts as an error)."""
        y = check_labels(y, "y", values={-1, 1})
        o = self.decision_function(X)
        check_same_length(o, y, "X", "y")
        return float(np.mean(y * o <= 0))

    def score(self, X, y) -> float:
        """Accuracy on (X, y) with labels in {-1, +1}."""
        y = check_labels(y, "y", values={-1, 1})
        prediction = self.predict(X)
        check_same_length(prediction, y, "X", "y")
        return float(np.mean(prediction == y))

    def get_params(self) -> dict:
        return {"beta": None if self.beta_ is None else self.beta_.copy()}

    def set_params(self, params: dict) -> None:
        self.beta_ = np.array(params["beta"], dtype=float)

    def __repr__(self) -> str:
        fitted = "" if self.beta_ is None else (
            f", beta={np.round(self.beta_, 3).tolist()}, epochs={len(self.mistakes_)}, "
            f"converged={self.converged_}")
        return f"Perceptron(learning_rate={self.learning_rate}, n_epochs={self.n_epochs}{fitted})"


def draw_neuron(ax=None, n_inputs: int = 3, activation_label: str = "f"):
    """Draw the diagram of one neuron: inputs x_ij, weights beta_j, the sum o_i, then a_i = f(o_i).

    Parameters
    ----------
    ax : matplotlib axis, optional
    n_inputs : int
        How many inputs to draw (the last one is labelled x_ip).
    activation_label : str
        Text in the activation box.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, FancyBboxPatch

    check_positive(n_inputs, "n_inputs", integer=True)
    ax = ax or plt.gca()
    ys = np.linspace(1.6, -1.6, n_inputs + 1)  # first row: the constant input 1 (for beta_0)
    names = ["$1$"] + [f"$x_{{i{j}}}$" for j in range(1, n_inputs)] + ["$x_{ip}$"]
    weights = [r"$\beta_0$"] + [rf"$\beta_{j}$" for j in range(1, n_inputs)] + [r"$\beta_p$"]
    body, act = (2.4, 0.0), (4.1, 0.0)
    for k, (y, name, weight) in enumerate(zip(ys, names, weights, strict=True)):
        ax.add_patch(Circle((0, y), 0.28, fc="#F2F2F2" if k == 0 else "white", ec="black"))
        ax.text(0, y, name, ha="center", va="center", fontsize=11)
        ax.annotate("", xy=(body[0] - 0.5, body[1]), xytext=(0.3, y),
                    arrowprops={"arrowstyle": "->", "color": "0.35", "lw": 1})
        ax.text(1.05, y + 0.55 * (body[1] - y) / 2 + 0.12, weight, ha="center", fontsize=10,
                color="#0072B2")
        if k == n_inputs - 1 and n_inputs > 2:
            ax.text(0, (y + ys[-1]) / 2, r"$\vdots$", ha="center", va="center", fontsize=12)
    ax.add_patch(Circle(body, 0.5, fc="#FFF3D6", ec="black"))
    ax.text(*body, r"$o_i = \sum$", ha="center", va="center", fontsize=10)
    ax.add_patch(FancyBboxPatch((act[0] - 0.45, -0.35), 0.9, 0.7, boxstyle="round,pad=0.05",
                                fc="#E4F2EC", ec="black"))
    ax.text(*act, f"${activation_label}$", ha="center", va="center", fontsize=12)
    ax.annotate("", xy=(act[0] - 0.5, 0), xytext=(body[0] + 0.5, 0),
                arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.annotate("", xy=(6.0, 0), xytext=(act[0] + 0.5, 0), arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.text(6.1, 0, r"$a_i = \hat y_i = f(o_i)$", ha="left", va="center", fontsize=11)
    ax.text(body[0], -0.85, _("pre-activation"), ha="center", fontsize=8, color="0.3")
    ax.text(act[0], -0.75, _("activation"), ha="center", fontsize=8, color="0.3")
    ax.set_xlim(-0.5, 8.3)
    ax.set_ylim(-2.0, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
