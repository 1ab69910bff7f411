"""Optimisers and learning-rate schedules: updates checked against hand-computed steps and
against Keras 3's optimisers on the same problem."""

import math
import os

import numpy as np
import pytest
from optional_jax import jax

from nbcode.nn import (
    SGD,
    Adam,
    CosineDecay,
    LinearWarmup,
    RMSProp,
    Schedule,
    StepDecay,
    get_optimizer,
)

# Keras is optional like JAX (`make test-fast` runs without it), on the JAX backend. Its
# variables here are float64 (optional_jax enables it); floatx stays float32, as other tests
# expect, so Keras's learning-rate variable rounds 0.1 to float32 (1e-9 relative).
try:
    if jax is None:
        raise ImportError("keras runs on jax here")
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras
except ImportError:
    keras = None
needs_keras = pytest.mark.skipif(keras is None or keras.backend.backend() != "jax",
                                 reason="keras (JAX backend) is not installed")


def test_sgd_step_is_minus_learning_rate_times_gradient():
    w, b = np.array([1.0, 2.0]), np.array([0.5])
    SGD(0.1).step([w, b], [np.array([10.0, -20.0]), np.array([1.0])])
    np.testing.assert_allclose(w, [0.0, 4.0])
    np.testing.assert_allclose(b, [0.4])


def test_sgd_momentum_two_steps_by_hand():
    w = np.array([1.0])
    opt = SGD(0.1, momentum=0.9)
    opt.step([w], [np.array([2.0])])  # v = -0.2, w = 0.8
    np.testing.assert_allclose(w, [0.8])
    opt.step([w], [np.array([2.0])])  # v = 0.9 * -0.2 - 0.2 = -0.38, w = 0.42
    np.testing.assert_allclose(w, [0.42])
    np.testing.assert_allclose(opt.state[0]["velocity"], [-0.38])


def test_adam_first_two_steps_by_hand():
    w, b = np.array([1.0, -2.0]), np.array([3.0])
    opt = Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, eps=1e-8)
    # Step 1: m = 0.1 g, v = 0.001 g^2, so m_hat = g and v_hat = g^2:
    # each parameter moves by learning_rate * g / (|g| + eps), i.e. about 0.1 against its sign.
    opt.step([w, b], [np.array([0.5, -1.0]), np.array([0.0])])
    np.testing.assert_allclose(w, [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 1.0 / (1.0 + 1e-8)],
                               rtol=1e-14)
    np.testing.assert_allclose(b, [3.0])  # zero gradient: no move
    np.testing.assert_allclose(opt.state[0]["m"], [0.05, -0.1])
    np.testing.assert_allclose(opt.state[0]["v"], [0.00025, 0.001])
    # Step 2 with g = (1, 1):
    # m = 0.9 m + 0.1 g = (0.145, 0.01); v = 0.999 v + 0.001 g^2 = (0.00124975, 0.001999)
    # m_hat = m / (1 - 0.9^2) = m / 0.19; v_hat = v / (1 - 0.999^2) = v / 0.001999
    opt.step([w, b], [np.array([1.0, 1.0]), np.array([0.0])])
    np.testing.assert_allclose(opt.state[0]["m"], [0.145, 0.01])
    np.testing.assert_allclose(opt.state[0]["v"], [0.00124975, 0.001999])
    m_hat = np.array([0.145, 0.01]) / 0.19
    v_hat = np.array([0.00124975, 0.001999]) / 0.001999
    after_one = np.array([1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 / (1.0 + 1e-8)])
    np.testing.assert_allclose(w, after_one - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8), rtol=1e-13)
    assert w[0] == pytest.approx(0.9 - 0.1 * (0.145 / 0.19) / 0.79068757, rel=1e-6)
    assert opt.t == 2


def test_adam_state_is_per_position_with_parameter_shapes():
    W, b = np.zeros((3, 2)), np.zeros(2)
    opt = Adam()
    opt.step([W, b], [np.ones((3, 2)), np.ones(2)])
    assert opt.state[0]["m"].shape == (3, 2) and opt.state[1]["v"].shape == (2,)
    opt.reset()
    assert opt.t == 0 and opt.state == []


def test_optimiser_refuses_another_model_until_reset():
    opt = SGD(0.1, momentum=0.5)
    opt.step([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match=r"used with 1 parameter arrays and now receives 2"):
        opt.step([np.zeros(2), np.zeros(1)], [np.ones(2), np.ones(1)])
    opt.reset()
    opt.step([np.zeros(2), np.zeros(1)], [np.ones(2), np.ones(1)])


def test_adam_minimises_a_quadratic():
    w = np.array([5.0, -3.0])
    opt = Adam(learning_rate=0.1)
    for _ in range(500):
        opt.step([w], [2 * w])
    np.testing.assert_allclose(w, 0.0, atol=1e-2)


def test_validation_and_lookup():
    with pytest.raises(ValueError, match=r"learning_rate must be > 0; received -0.1"):
        SGD(-0.1)
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\); received 1.5"):
        SGD(0.1, momentum=1.5)
    with pytest.raises(ValueError, match=r"beta2 must be in \[0, 1\); received 1.0"):
        Adam(beta2=1.0)
    with pytest.raises(ValueError, match=r"optimizer must be 'sgd', 'momentum', 'rmsprop', "
                                         r"'adam'.*received 'adagrad'"):
        get_optimizer("adagrad")
    assert repr(get_optimizer("rmsprop")) == "RMSProp(learning_rate=0.001, rho=0.9, eps=1e-07)"
    assert repr(get_optimizer("momentum")) == "SGD(learning_rate=0.01, momentum=0.9)"
    assert get_optimizer("momentum", 0.05).learning_rate == 0.05
    assert repr(get_optimizer(None)) == "SGD(learning_rate=0.1, momentum=0.0)"
    assert get_optimizer("adam", 0.01).learning_rate == 0.01
    opt = Adam()
    assert get_optimizer(opt) is opt


def test_adam_copy_keeps_its_state():
    import copy

    w = np.array([1.0, 2.0])
    opt = Adam(0.1)
    opt.step([w], [np.array([1.0, -1.0])])
    clone, w_clone = copy.deepcopy(opt), w.copy()
    opt.step([w], [np.array([1.0, -1.0])])
    clone.step([w_clone], [np.array([1.0, -1.0])])
    np.testing.assert_array_equal(w, w_clone)
    np.testing.assert_array_equal(clone.state[0]["m"], opt.state[0]["m"])


@pytest.mark.parametrize("make", [lambda: Adam(0.1), lambda: SGD(0.1, momentum=0.9)])
def test_reset_gives_the_steps_of_a_new_optimiser_on_another_model(make):
    used = make()
    used.step([np.zeros(3), np.zeros(1)], [np.ones(3), np.ones(1)])
    used.reset()
    fresh = make()
    w_used, w_fresh = np.array([[1.0, -2.0]]), np.array([[1.0, -2.0]])
    for _ in range(3):
        used.step([w_used], [w_used ** 3])
        fresh.step([w_fresh], [w_fresh ** 3])
    np.testing.assert_array_equal(w_used, w_fresh)
    assert used.t == 3


def test_each_optimiser_resets_its_own_state():
    # Adam keeps its moments in flat vectors outside ``state``: its own reset drops them.
    assert "reset" in vars(Adam)
    opt = Adam()
    opt.step([np.zeros(2)], [np.ones(2)])
    opt.reset()
    assert opt._m is None and opt._bounds is None and opt.state == []


# --------------------------------------------------------------------------- RMSProp, by hand


def test_rmsprop_two_steps_by_hand():
    w = np.array([1.0, -2.0])
    opt = RMSProp(learning_rate=0.01, rho=0.9, eps=1e-7)
    g1 = np.array([2.0, -0.5])
    opt.step([w], [g1])
    v1 = 0.1 * g1 ** 2                                    # (0.4, 0.025)
    np.testing.assert_allclose(opt.state[0]["v"], [0.4, 0.025], rtol=1e-15)
    after_one = np.array([1.0, -2.0]) - 0.01 * g1 / np.sqrt(v1 + 1e-7)
    # the first step is about learning_rate / sqrt(1 - rho) = 3.16 learning_rate against the sign
    np.testing.assert_allclose(w, [1.0 - 0.0316227, -2.0 + 0.0316227], rtol=1e-5)
    np.testing.assert_allclose(w, after_one, rtol=1e-15)
    g2 = np.array([1.0, 1.0])
    opt.step([w], [g2])
    v2 = 0.9 * v1 + 0.1 * g2 ** 2                         # (0.46, 0.1225)
    np.testing.assert_allclose(opt.state[0]["v"], [0.46, 0.1225], rtol=1e-14)
    np.testing.assert_allclose(w, after_one - 0.01 * g2 / np.sqrt(v2 + 1e-7), rtol=1e-15)


def test_rmsprop_step_is_invariant_to_the_gradient_scale():
    # dividing by the running RMS: gradients 1000 times larger give (almost) the same steps
    small, large = np.array([1.0, 1.0]), np.array([1.0, 1.0])
    opt_small, opt_large = RMSProp(0.01, eps=1e-12), RMSProp(0.01, eps=1e-12)
    for _ in range(5):
        opt_small.step([small], [np.array([0.003, -0.2]) * small])
        opt_large.step([large], [np.array([3.0, -200.0]) * large])
    # equal up to eps / v ~ 1e-12 / 1e-6 (the small gradients' v): far from a 1000-fold change
    np.testing.assert_allclose(small, large, rtol=1e-6)
    assert not np.allclose(small, 1.0, rtol=1e-3)


# --------------------------------------------------------------------------- schedules, by hand


def test_step_decay_halves_every_few_steps():
    schedule = StepDecay(0.8, drop=0.5, every=3)
    assert [schedule(t) for t in range(8)] == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2]


def test_cosine_decay_values():
    schedule = CosineDecay(1.0, decay_steps=100, final=0.1)
    assert schedule(0) == 1.0
    assert schedule(50) == pytest.approx(0.55, rel=1e-15)                  # cos(pi / 2) = 0
    assert schedule(25) == pytest.approx(0.1 + 0.9 * (1 + math.sqrt(0.5)) / 2, rel=1e-15)
    assert schedule(100) == pytest.approx(0.1) and schedule(1000) == pytest.approx(0.1)


def test_linear_warmup_then_cosine():
    schedule = LinearWarmup(CosineDecay(0.4, decay_steps=10), warmup_steps=4, start=0.0)
    assert [schedule(t) for t in range(5)] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])
    assert schedule(4 + 5) == pytest.approx(0.2)                            # half-way down
    assert schedule(4 + 10) == pytest.approx(0.0, abs=1e-15)
    constant = LinearWarmup(0.3, warmup_steps=3, start=0.15)
    assert [constant(t) for t in range(5)] == pytest.approx([0.15, 0.2, 0.25, 0.3, 0.3])


def test_schedules_are_called_with_the_number_of_updates_made():
    rates = []

    def schedule(step):
        rates.append(step)
        return 0.1 / (1 + step)

    w = np.array([1.0])
    opt = SGD(schedule)                   # tried once at step 0 when given
    for _ in range(3):
        opt.step([w], [np.array([1.0])])
    assert rates == [0, 0, 1, 2]
    np.testing.assert_allclose(w, [1.0 - 0.1 - 0.05 - 0.1 / 3], rtol=1e-15)
    opt.reset()
    assert opt.current_learning_rate() == 0.1


@pytest.mark.parametrize("make", [lambda lr: SGD(lr), lambda lr: SGD(lr, momentum=0.9),
                                  lambda lr: Adam(lr), lambda lr: RMSProp(lr)])
def test_a_constant_schedule_gives_exactly_the_steps_of_the_float(make):
    w_float, w_schedule = np.array([1.0, -3.0]), np.array([1.0, -3.0])
    by_float, by_schedule = make(0.05), make(lambda step: 0.05)
    for _ in range(10):
        by_float.step([w_float], [w_float ** 3 - 1])
        by_schedule.step([w_schedule], [w_schedule ** 3 - 1])
    np.testing.assert_array_equal(w_float, w_schedule)
    assert isinstance(by_float.learning_rate, float) and by_float.learning_rate == 0.05


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize("bad, error, message", [
    (float("nan"), ValueError, r"learning_rate must be a finite number.*nan"),
    (float("inf"), ValueError, r"learning_rate must be a finite number.*inf"),
    (-0.1, ValueError, r"learning_rate must be > 0; received -0.1 \(a negative rate climbs"),
    (0.0, ValueError, r"learning_rate must be > 0; received 0.0"),
    ("0.1", TypeError, r"learning_rate must be a number > 0 or a schedule .*received '0.1' \(str\)"),
    (True, TypeError, r"learning_rate must be a number > 0 or a schedule"),
    (None, TypeError, r"learning_rate must be a number > 0 or a schedule"),
    (lambda step: -0.1, ValueError, r"learning_rate\(0\) returned -0.1"),
    (lambda step: float("nan"), ValueError, r"finite learning rate ≥ 0; learning_rate\(0\) returned nan"),
    (lambda step: "fast", TypeError, r"must return one number for each step; learning_rate\(0\) "
                                     r"returned 'fast'"),
    (lambda step: np.array([0.1, 0.2]), TypeError, r"must return one number"),
])
@pytest.mark.parametrize("kind", [SGD, Adam, RMSProp])
def test_bad_learning_rates_are_refused_with_a_sentence(kind, bad, error, message):
    with pytest.raises(error, match=message):
        kind(bad)


def test_a_schedule_that_goes_wrong_later_is_caught_at_that_step():
    opt = SGD(lambda step: 0.1 if step < 2 else -1.0)
    w = np.array([1.0])
    opt.step([w], [w])
    opt.step([w], [w])
    with pytest.raises(ValueError, match=r"learning_rate\(2\) returned -1.0"):
        opt.step([w], [w])


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError, match=r"drop must be in \(0, 1\]"):
        StepDecay(0.1, drop=2.0)
    with pytest.raises(ValueError, match=r"every must be > 0; received 0"):
        StepDecay(0.1, every=0)
    with pytest.raises(TypeError, match=r"every must be an integer > 0; received 2.5"):
        StepDecay(0.1, every=2.5)
    with pytest.raises(ValueError, match=r"final must be at most initial"):
        CosineDecay(0.1, 10, final=0.5)
    with pytest.raises(ValueError, match=r"initial must be > 0; received -1"):
        CosineDecay(-1, 10)
    with pytest.raises(ValueError, match=r"warmup_steps must be > 0; received 0"):
        LinearWarmup(0.1, 0)
    with pytest.raises(ValueError, match=r"after must be > 0; received -0.1"):
        LinearWarmup(-0.1, 5)
    with pytest.raises(ValueError, match=r"step must be ≥ 0"):
        StepDecay(0.1)(-1)
    with pytest.raises(TypeError, match=r"step must be an integer"):
        CosineDecay(0.1, 10)(1.5)
    assert isinstance(LinearWarmup(CosineDecay(0.1, 10), 5), Schedule)


# --------------------------------------------------------------------------- against Keras


def _least_squares():
    """A small least-squares problem with an uncentred feature (a narrow valley)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 4, size=40)
    y = 1 + 2 * x + rng.normal(size=40)
    X1 = np.column_stack([np.ones_like(x), x])

    def gradient(beta):
        return -X1.T @ (y - X1 @ beta) / len(y)

    return gradient


def _engine_path(optimizer, gradient, n_steps=60):
    beta = np.array([-3.0, 0.5])
    path = [beta.copy()]
    for _ in range(n_steps):
        optimizer.step([beta], [gradient(beta)])
        path.append(beta.copy())
    return np.array(path)


def _keras_path(optimizer, gradient, n_steps=60):
    beta = keras.Variable(np.array([-3.0, 0.5]), dtype="float64")
    path = [np.asarray(beta).copy()]
    for _ in range(n_steps):
        optimizer.apply_gradients([(gradient(np.asarray(beta)), beta)])
        path.append(np.asarray(beta).copy())
    return np.array(path)


def _relative(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@needs_keras
@pytest.mark.parametrize("ours, theirs", [
    (lambda: SGD(0.1), lambda: keras.optimizers.SGD(0.1)),
    (lambda: SGD(0.05, momentum=0.9), lambda: keras.optimizers.SGD(0.05, momentum=0.9)),
    (lambda: RMSProp(0.05), lambda: keras.optimizers.RMSprop(0.05)),   # rho 0.9, eps 1e-7 both
    (lambda: RMSProp(0.02, rho=0.5, eps=1e-3),
     lambda: keras.optimizers.RMSprop(0.02, rho=0.5, epsilon=1e-3)),
    # Keras's epsilon is added before v's bias correction (Adam's docstring): with epsilons
    # negligible next to sqrt(v_hat), the two are the same algorithm
    (lambda: Adam(0.1, eps=1e-12), lambda: keras.optimizers.Adam(0.1, epsilon=1e-12)),
    (lambda: Adam(0.05, beta1=0.8, beta2=0.99, eps=1e-12),
     lambda: keras.optimizers.Adam(0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-12)),
], ids=["sgd", "momentum", "rmsprop", "rmsprop-eps", "adam", "adam-betas"])
def test_the_same_trajectories_as_keras(ours, theirs):
    gradient = _least_squares()
    assert _relative(_engine_path(ours(), gradient), _keras_path(theirs(), gradient)) < 1e-6


@needs_keras
def test_keras_adam_epsilon_is_the_papers_epsilon_hat():
    """With a large epsilon the two differ, and Keras's update is the engine's with
    eps = epsilon / sqrt(1 - beta2^t): the documented difference, and nothing else."""
    gradient, epsilon = _least_squares(), 1e-2
    theirs = _keras_path(keras.optimizers.Adam(0.1, epsilon=epsilon), gradient)
    assert _relative(_engine_path(Adam(0.1, eps=epsilon), gradient), theirs) > 1e-4
    beta, m, v, path = np.array([-3.0, 0.5]), np.zeros(2), np.zeros(2), [np.array([-3.0, 0.5])]
    for t in range(1, 61):
        g = gradient(beta)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g ** 2
        eps_t = epsilon / math.sqrt(1 - 0.999 ** t)
        beta = beta - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + eps_t)
        path.append(beta)
    assert _relative(np.array(path), theirs) < 1e-6


@needs_keras
@pytest.mark.parametrize("ours, theirs", [
    (lambda: StepDecay(0.2, drop=0.5, every=7),
     lambda: keras.optimizers.schedules.ExponentialDecay(0.2, 7, 0.5, staircase=True)),
    (lambda: CosineDecay(0.2, 50, final=0.02),
     lambda: keras.optimizers.schedules.CosineDecay(0.2, 50, alpha=0.1)),
    (lambda: LinearWarmup(CosineDecay(0.25, 40), warmup_steps=10, start=0.01),
     lambda: keras.optimizers.schedules.CosineDecay(0.01, 40, warmup_target=0.25,
                                                    warmup_steps=10)),
], ids=["step", "cosine", "warmup-cosine"])
def test_schedules_match_keras(ours, theirs):
    schedule, reference = ours(), theirs()
    rates = np.array([schedule(t) for t in range(60)])
    # Keras evaluates its cosine with a float32 pi: agreement relative to the largest rate
    assert _relative(rates, np.array([float(reference(t)) for t in range(60)])) < 1e-6
    gradient = _least_squares()
    engine = _engine_path(SGD(ours(), momentum=0.5), gradient)
    assert _relative(engine, _keras_path(keras.optimizers.SGD(theirs(), momentum=0.5),
                                         gradient)) < 1e-6
