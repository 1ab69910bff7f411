"""Optimisers: rules that turn gradients into parameter updates.

Interface: ``optimizer.step(params, grads)`` with two lists of arrays of matching
shapes; each ``params[i]`` is updated **in place** (so layers see the change), and
any state (momentum, Adam's moments) is kept per position ``i`` in the list. Call
``reset()`` to forget that state, e.g. before training a new model.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_positive, check_rate

__all__ = ["Optimizer", "SGD", "Adam", "get_optimizer"]


class Optimizer:
    """Base class: holds the learning rate and per-parameter state."""

    def __init__(self, learning_rate: float):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.reset()

    def reset(self) -> None:
        """Forget all state (step count, momentum, moments).

        An optimiser that keeps state outside ``state`` extends this method (as
        :class:`Adam` does), so each class resets what it owns.
        """
        self.t = 0
        self.state: list[dict[str, np.ndarray]] = []

    def _check(self, params, grads):
        if len(params) != len(grads):
            raise ValueError(
                f"params and grads must be lists of the same length; received "
                f"{len(params)} and {len(grads)}."
            )
        if not self.state:
            # Shapes are checked once, when the state is made (the first step), not at
            # every step: numpy would broadcast a (3,) gradient into a (2, 3) parameter.
            for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
                if np.shape(grad) != np.shape(param):
                    raise ValueError(
                        f"grads[{i}] must have the shape of params[{i}], {np.shape(param)}; "
                        f"received shape {np.shape(grad)}."
                    )
            self.state = [self._init_state(p) for p in params]
        elif len(self.state) != len(params):
            raise ValueError(
                f"this optimiser was used with {len(self.state)} parameter arrays and now "
                f"receives {len(params)}; call reset() before using it on another model."
            )

    def _init_state(self, param: np.ndarray) -> dict[str, np.ndarray]:
        return {}

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every ``params[i]`` in place using ``grads[i]``."""
        raise NotImplementedError


class SGD(Optimizer):
    """(Mini-batch) gradient descent, optionally with momentum.

    Without momentum: ``beta <- beta - learning_rate * grad``.
    With momentum ``mu``: ``v <- mu v - learning_rate * grad``; ``beta <- beta + v``
    (the "heavy ball" form used by scikit-learn and Keras), so past gradients keep
    pushing in directions where they agree.

    Parameters
    ----------
    learning_rate : float > 0
    momentum : float in [0, 1)
    """

    def __init__(self, learning_rate: float = 0.1, momentum: float = 0.0):
        self.momentum = check_rate(momentum, "momentum")
        super().__init__(learning_rate)

    def _init_state(self, param):
        return {"velocity": np.zeros_like(param)} if self.momentum else {}

    def step(self, params, grads):
        self._check(params, grads)
        self.t += 1
        lr, mu = self.learning_rate, self.momentum
        for param, grad, state in zip(params, grads, self.state, strict=True):
            if mu:
                v = state["velocity"]
                v *= mu
                v -= lr * grad
                param += v
            else:
                param -= lr * grad

    def __repr__(self) -> str:
        return f"SGD(learning_rate={self.learning_rate}, momentum={self.momentum})"


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015, Algorithm 1).

    At step ``t`` (starting at 1), for each parameter ``beta`` with gradient ``g``::

        m <- beta1 m + (1 - beta1) g            # running mean of gradients
        v <- beta2 v + (1 - beta2) g^2          # running mean of squared gradients
        m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t)   # remove the bias towards 0
        beta <- beta - learning_rate * m_hat / (sqrt(v_hat) + eps)

    Parameters
    ----------
    learning_rate : float > 0
    beta1, beta2 : float in [0, 1)
    eps : float > 0
    """

    def __init__(self, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.beta1 = check_rate(beta1, "beta1")
        self.beta2 = check_rate(beta2, "beta2")
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def reset(self) -> None:
        """Forget the step count and both moments (the flat vectors and their views)."""
        super().reset()
        self._m = self._v = self._buffer = None
        self._bounds, self._shapes = None, None

    def _check(self, params, grads):
        if not self.state and len(params) == len(grads):
            Optimizer._check(self, params, grads)  # shapes, before the flat moments are made
            self.state = []
            # All moments live in two flat vectors, so that one step is a dozen
            # vectorised operations whatever the number of parameter arrays (speed);
            # state[i]["m"] and state[i]["v"] are views shaped like params[i].
            sizes = [p.size for p in params]
            self._bounds = np.cumsum([0, *sizes])
            total = int(self._bounds[-1])
            self._shapes = [p.shape for p in params]
            self._m, self._v, self._buffer = np.zeros(total), np.zeros(total), np.empty(total)
            self.state = self._views()
        super()._check(params, grads)

    def _views(self):
        bounds = zip(self._shapes, self._bounds[:-1], self._bounds[1:], strict=True)
        return [{"m": self._m[a:b].reshape(shape), "v": self._v[a:b].reshape(shape)}
                for shape, a, b in bounds]

    def __getstate__(self):
        # copy/deepcopy/pickle: the views in ``state`` would become independent
        # copies, so drop them and rebuild them from the flat vectors.
        state = self.__dict__.copy()
        state["state"] = []
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if state.get("_m") is not None and self.t:
            self.state = self._views()

    def step(self, params, grads):
        self._check(params, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        correction1 = 1.0 - b1 ** self.t
        correction2 = 1.0 - b2 ** self.t
        m, v, buffer = self._m, self._v, self._buffer
        g = np.concatenate([grad.ravel() for grad in grads]) if len(grads) > 1 else \
            grads[0].ravel()
        # m <- beta1 m + (1 - beta1) g, written m += (1 - beta1)(g - m) to reuse buffers
        np.subtract(g, m, out=buffer)
        buffer *= 1.0 - b1
        m += buffer
        # v <- beta2 v + (1 - beta2) g^2
        np.multiply(g, g, out=buffer)
        buffer -= v
        buffer *= 1.0 - b2
        v += buffer
        # update = learning_rate * m_hat / (sqrt(v_hat) + eps)
        np.sqrt(v, out=buffer)
        buffer *= 1.0 / np.sqrt(correction2)
        buffer += self.eps
        np.divide(m, buffer, out=buffer)
        buffer *= self.learning_rate / correction1
        for param, a, b in zip(params, self._bounds[:-1], self._bounds[1:], strict=True):
            param -= buffer[a:b].reshape(param.shape)

    def __repr__(self) -> str:
        return (f"Adam(learning_rate={self.learning_rate}, beta1={self.beta1}, "
                f"beta2={self.beta2}, eps={self.eps})")


def get_optimizer(optimizer, learning_rate: float | None = None) -> Optimizer:
    """Return an optimiser from ``None`` (SGD 0.1), ``"sgd"``, ``"adam"`` or an instance.

    ``learning_rate`` applies to names only (default 0.1 for SGD, 1e-3 for Adam).
    """
    if optimizer is None:
        optimizer = "sgd"
    if isinstance(optimizer, str):
        name = optimizer.lower()
        if name == "sgd":
            return SGD(0.1 if learning_rate is None else learning_rate)
        if name == "adam":
            return Adam(1e-3 if learning_rate is None else learning_rate)
        raise ValueError(
            f"optimizer must be 'sgd', 'adam', None or an optimiser object such as "
            f"SGD(learning_rate=0.1); received {optimizer!r}."
        )
    if callable(getattr(optimizer, "step", None)):
        return optimizer
    raise TypeError(
        f"optimizer must be 'sgd', 'adam', None or an object with a step(params, grads) "
        f"method; received {type(optimizer).__name__}."
    )
