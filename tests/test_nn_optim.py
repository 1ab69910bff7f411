"""Optimisers: updates checked against hand-computed steps."""

import numpy as np
import pytest

from nbcode.nn import SGD, Adam, get_optimizer


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
    with pytest.raises(ValueError, match=r"optimizer must be 'sgd', 'adam'.*received 'rmsprop'"):
        get_optimizer("rmsprop")
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
