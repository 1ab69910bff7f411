"""Optimisers: rules that turn gradients into parameter updates.

Interface: ``optimizer.step(params, grads)`` with two lists of arrays of matching
shapes; each ``params[i]`` is updated **in place** (so layers see the change), and
any state (momentum, Adam's moments) is kept per position ``i`` in the list. Call
``reset()`` to forget that state, e.g. before training a new model.

Every optimiser's ``learning_rate`` is a number > 0 or a **schedule**: a callable
``step -> learning rate`` called with the number of updates made so far (0 for the
first update, as Keras does). :class:`StepDecay`, :class:`CosineDecay` and
:class:`LinearWarmup` are such schedules, and compose: ``LinearWarmup(CosineDecay(0.1,
900), 100)`` warms up for 100 steps, then decays along a cosine.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .._validation import check_integer, check_positive, check_rate
from ..i18n import _

__all__ = ["Optimizer", "SGD", "Adam", "RMSProp", "get_optimizer", "Schedule", "StepDecay",
           "CosineDecay", "LinearWarmup", "check_learning_rate"]


# --------------------------------------------------------------------------- schedules


class Schedule:
    """A learning-rate schedule: ``schedule(step)`` is the rate of update number ``step + 1``.

    ``step`` counts the updates made so far (0, 1, 2, ...), as Keras's schedules do.
    Subclasses define :meth:`rate`; calling the schedule checks the step first.
    """

    def rate(self, step: int) -> float:
        raise NotImplementedError

    def __call__(self, step) -> float:
        step = check_integer(step, "step")
        if step < 0:
            raise ValueError(_("step must be ≥ 0 (the number of updates made so far); "
                               "received {step}.").format(step=step))
        return self.rate(step)


def _start_rate(value, name: str):
    """A rate where a schedule begins or ends: a number ≥ 0 (a float or a schedule for warm-up)."""
    return check_positive(value, name, allow_zero=True)


class StepDecay(Schedule):
    """Step decay: ``initial * drop ** floor(step / every)``.

    The rate is divided by ``1 / drop`` every ``every`` updates (Keras:
    ``ExponentialDecay(initial, every, drop, staircase=True)``).

    Parameters
    ----------
    initial : float > 0
    drop : float in (0, 1]
        Factor applied every ``every`` steps (0.5 halves the rate).
    every : int > 0
    """

    def __init__(self, initial: float, drop: float = 0.5, every: int = 100):
        self.initial = check_positive(initial, "initial")
        self.drop = check_positive(drop, "drop")
        if self.drop > 1:
            raise ValueError(_("drop must be in (0, 1] (a factor that lowers the rate); received "
                               "{drop!r}.").format(drop=drop))
        self.every = check_positive(every, "every", integer=True)

    def rate(self, step: int) -> float:
        return self.initial * self.drop ** (step // self.every)

    def __repr__(self) -> str:
        return f"StepDecay(initial={self.initial}, drop={self.drop}, every={self.every})"


class CosineDecay(Schedule):
    """Cosine decay from ``initial`` to ``final`` over ``decay_steps`` updates, then constant.

    ``final + (initial - final) * (1 + cos(pi * min(step, decay_steps) / decay_steps)) / 2``
    (Loshchilov & Hutter, 2017; Keras: ``CosineDecay(initial, decay_steps,
    alpha=final / initial)``).

    Parameters
    ----------
    initial : float > 0
    decay_steps : int > 0
    final : float in [0, initial]
    """

    def __init__(self, initial: float, decay_steps: int, final: float = 0.0):
        self.initial = check_positive(initial, "initial")
        self.decay_steps = check_positive(decay_steps, "decay_steps", integer=True)
        self.final = _start_rate(final, "final")
        if self.final > self.initial:
            raise ValueError(_("final must be at most initial ({initial!r}): a decay goes down; "
                               "received {final!r}.").format(initial=initial, final=final))

    def rate(self, step: int) -> float:
        fraction = min(step, self.decay_steps) / self.decay_steps
        return self.final + (self.initial - self.final) * 0.5 * (1.0 + math.cos(math.pi * fraction))

    def __repr__(self) -> str:
        return (f"CosineDecay(initial={self.initial}, decay_steps={self.decay_steps}, "
                f"final={self.final})")


class LinearWarmup(Schedule):
    """Linear warm-up for ``warmup_steps`` updates, then ``after`` (a rate or a schedule).

    For ``step < warmup_steps`` the rate goes linearly from ``start`` to the rate ``after``
    begins with, ``start + (target - start) * step / warmup_steps`` with ``target = after(0)``;
    from then on it is ``after(step - warmup_steps)``, so the schedule after the warm-up starts
    afresh (Goyal et al., 2017; Keras: ``CosineDecay(start, decay_steps,
    warmup_target=target, warmup_steps=warmup_steps)`` for ``after = CosineDecay(target, ...)``).

    Parameters
    ----------
    after : float > 0 or schedule
    warmup_steps : int > 0
    start : float ≥ 0
    """

    def __init__(self, after, warmup_steps: int, start: float = 0.0):
        self.after = check_learning_rate(after, "after")
        self.warmup_steps = check_positive(warmup_steps, "warmup_steps", integer=True)
        self.start = _start_rate(start, "start")

    def _after(self, step: int) -> float:
        return self.after if isinstance(self.after, float) else _evaluate(self.after, step, "after")

    def rate(self, step: int) -> float:
        if step < self.warmup_steps:
            return self.start + (self._after(0) - self.start) * step / self.warmup_steps
        return self._after(step - self.warmup_steps)

    def __repr__(self) -> str:
        return (f"LinearWarmup(after={self.after!r}, warmup_steps={self.warmup_steps}, "
                f"start={self.start})")


def _evaluate(schedule, step: int, name: str) -> float:
    """``schedule(step)``, checked: a finite number ≥ 0 (a decay may end at 0)."""
    value = schedule(step)
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.ndarray) \
            or np.ndim(value) != 0:
        raise TypeError(_("{name} is a schedule and must return one number for each step; "
                          "{name}({step}) returned {value!r} ({kind}).").format(
                              name=name, step=step, value=value, kind=type(value).__name__))
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(_("{name} is a schedule and must return a finite learning rate ≥ 0; "
                           "{name}({step}) returned {value!r}.").format(
                               name=name, step=step, value=value))
    return value


def check_learning_rate(learning_rate, name: str = "learning_rate"):
    """A learning rate: a finite number > 0 (returned as given) or a schedule ``step -> rate``.

    A callable is tried once, at step 0, so that a wrong schedule fails where it is given
    and not in the middle of training.
    """
    if callable(learning_rate):
        _evaluate(learning_rate, 0, name)
        return learning_rate
    if isinstance(learning_rate, numbers.Real) and not isinstance(learning_rate, bool) \
            and -math.inf < learning_rate < 0:
        raise ValueError(_("{name} must be > 0; received {learning_rate!r} (a negative rate "
                           "climbs the loss instead of descending it).").format(
                               name=name, learning_rate=learning_rate))
    try:
        check_positive(learning_rate, name)
    except TypeError:
        raise TypeError(_("{name} must be a number > 0 or a schedule (a function step -> "
                          "learning rate, e.g. nn.CosineDecay(0.1, 1000)); received "
                          "{learning_rate!r} ({kind}).").format(
                              name=name, learning_rate=learning_rate,
                              kind=type(learning_rate).__name__)) from None
    return learning_rate


# --------------------------------------------------------------------------- optimisers


class Optimizer:
    """Base class: holds the learning rate (a number or a schedule) and per-parameter state."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.reset()

    @property
    def learning_rate(self):
        """What was given: a number > 0, or a schedule ``step -> rate``."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = check_learning_rate(value, "learning_rate")

    def current_learning_rate(self) -> float:
        """The rate of the next update: the number, or the schedule at step ``t`` (the number
        of updates made so far)."""
        rate = self._learning_rate
        return rate if not callable(rate) else _evaluate(rate, self.t, "learning_rate")

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
                _("params and grads must be lists of the same length; received "
                  "{n_params} and {n_grads}.").format(n_params=len(params), n_grads=len(grads))
            )
        if not self.state:
            # Shapes are checked once, when the state is made (the first step), not at
            # every step: numpy would broadcast a (3,) gradient into a (2, 3) parameter.
            for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
                if np.shape(grad) != np.shape(param):
                    raise ValueError(
                        _("grads[{i}] must have the shape of params[{i}], {expected}; "
                          "received shape {shape}.").format(i=i, expected=np.shape(param),
                                                            shape=np.shape(grad))
                    )
            self.state = [self._init_state(p) for p in params]
        elif len(self.state) != len(params):
            raise ValueError(
                _("this optimiser was used with {n_before} parameter arrays and now "
                  "receives {n_now}; call reset() before using it on another model.").format(
                    n_before=len(self.state), n_now=len(params))
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
    learning_rate : float > 0 or schedule
    momentum : float in [0, 1)
    """

    def __init__(self, learning_rate=0.1, momentum: float = 0.0):
        self.momentum = check_rate(momentum, "momentum")
        super().__init__(learning_rate)

    def _init_state(self, param):
        return {"velocity": np.zeros_like(param)} if self.momentum else {}

    def step(self, params, grads):
        self._check(params, grads)
        lr, mu = self.current_learning_rate(), self.momentum
        self.t += 1
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
    learning_rate : float > 0 or schedule
    beta1, beta2 : float in [0, 1)
    eps : float > 0

    Notes
    -----
    ``eps`` is added to ``sqrt(v_hat)``, as in the paper's Algorithm 1. Keras's ``epsilon``
    is added to ``sqrt(v)`` before the bias correction of ``v`` (the paper's "epsilon hat",
    Section 2): Keras's ``epsilon`` is this ``eps`` times ``sqrt(1 - beta2^t)``, the same
    update when both are negligible next to ``sqrt(v_hat)``.
    """

    def __init__(self, learning_rate=1e-3, beta1: float = 0.9, beta2: float = 0.999,
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
        lr = self.current_learning_rate()
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
        buffer *= lr / correction1
        for param, a, b in zip(params, self._bounds[:-1], self._bounds[1:], strict=True):
            param -= buffer[a:b].reshape(param.shape)

    def __repr__(self) -> str:
        return (f"Adam(learning_rate={self.learning_rate}, beta1={self.beta1}, "
                f"beta2={self.beta2}, eps={self.eps})")


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton, 2012): each coordinate's step divided by a running RMS.

    At each step, for each parameter ``beta`` with gradient ``g``::

        v <- rho v + (1 - rho) g^2                        # running mean of squared gradients
        beta <- beta - learning_rate * g / sqrt(v + eps)

    ``eps`` inside the square root and the defaults ``rho = 0.9``, ``eps = 1e-7`` are
    Keras's (``keras.optimizers.RMSprop``); PyTorch adds its ``eps`` to ``sqrt(v)`` instead.
    Either only keeps the division finite where a gradient has been 0.

    Parameters
    ----------
    learning_rate : float > 0 or schedule
    rho : float in [0, 1)
    eps : float > 0
    """

    def __init__(self, learning_rate=1e-3, rho: float = 0.9, eps: float = 1e-7):
        self.rho = check_rate(rho, "rho")
        self.eps = check_positive(eps, "eps")
        super().__init__(learning_rate)

    def _init_state(self, param):
        return {"v": np.zeros_like(param, dtype=float)}

    def step(self, params, grads):
        self._check(params, grads)
        lr, rho = self.current_learning_rate(), self.rho
        self.t += 1
        for param, grad, state in zip(params, grads, self.state, strict=True):
            v = state["v"]
            v *= rho
            v += (1.0 - rho) * (grad * grad)
            param -= lr * grad / np.sqrt(v + self.eps)

    def __repr__(self) -> str:
        return f"RMSProp(learning_rate={self.learning_rate}, rho={self.rho}, eps={self.eps})"


_NAMES = "'sgd', 'momentum', 'rmsprop', 'adam'"


def get_optimizer(optimizer, learning_rate=None) -> Optimizer:
    """Return an optimiser from ``None`` (SGD 0.1), a name or an instance.

    Names: ``"sgd"`` (``SGD(0.1)``), ``"momentum"`` (``SGD(0.01, momentum=0.9)``: the
    heavy ball's steps are about ``1 / (1 - 0.9) = 10`` times larger, hence the smaller
    default), ``"rmsprop"`` (``RMSProp(1e-3)``) and ``"adam"`` (``Adam(1e-3)``).
    ``learning_rate`` (a number or a schedule) applies to names only.
    """
    if optimizer is None:
        optimizer = "sgd"
    if isinstance(optimizer, str):
        name = optimizer.lower()
        makers = {"sgd": (SGD, 0.1, {}), "momentum": (SGD, 0.01, {"momentum": 0.9}),
                  "rmsprop": (RMSProp, 1e-3, {}), "adam": (Adam, 1e-3, {})}
        if name in makers:
            kind, default, options = makers[name]
            return kind(default if learning_rate is None else learning_rate, **options)
        raise ValueError(
            _("optimizer must be {names}, None or an optimiser object such as "
              "SGD(learning_rate=0.1); received {optimizer!r}.").format(
                names=_NAMES, optimizer=optimizer)
        )
    if callable(getattr(optimizer, "step", None)):
        return optimizer
    raise TypeError(
        _("optimizer must be {names}, None or an object with a step(params, grads) "
          "method; received {kind}.").format(names=_NAMES, kind=type(optimizer).__name__)
    )
