"""nbcode.data: shapes, dtypes, determinism, and what each data set is meant to show."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from nbcode import data


@pytest.mark.parametrize("name", sorted(data.DATASETS_2D))
def test_2d_datasets_shapes_and_determinism(name):
    X, y = data.make_classification_2d(name, n_samples=120, seed=3)
    assert X.shape == (120, 2) and X.dtype == np.float64
    assert y.shape == (120,) and y.dtype == np.int64
    X2, y2 = data.make_classification_2d(name, n_samples=120, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = data.make_classification_2d(name, n_samples=120, seed=4)
    assert not np.allclose(X, X3)


def test_xor_and_spirals_are_not_linearly_separable_but_blobs_are():
    def linear_accuracy(X, y):
        return LogisticRegression().fit(X, y).score(X, y)

    assert linear_accuracy(*data.make_xor(400, seed=0)) < 0.7
    assert linear_accuracy(*data.make_spirals(300, seed=0)) < 0.7
    assert linear_accuracy(*data.make_blobs(200, spread=0.5, seed=0)) == 1.0


def test_xor_labels_follow_the_sign_rule_without_noise():
    X, y = data.make_xor(200, noise=0.0, seed=1)
    np.testing.assert_array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(int))


def test_spirals_balanced_classes():
    _, y = data.make_spirals(300, n_classes=3, seed=0)
    assert np.bincount(y).tolist() == [100, 100, 100]


def test_regression_recovers_its_coefficients():
    X, y = data.make_regression(5000, beta=(1.0, 2.0, -3.0), noise=0.1, seed=0)
    X1 = np.column_stack([np.ones(len(X)), X])
    beta = np.linalg.lstsq(X1, y, rcond=None)[0]
    np.testing.assert_allclose(beta, [1.0, 2.0, -3.0], atol=0.01)


def test_digits_shapes_and_scale():
    images, y = data.load_digits()
    assert images.shape == (1797, 8, 8) and y.shape == (1797,)
    assert images.min() == 0.0 and images.max() == 1.0
    images5, y5 = data.load_digits(n_class=5)
    assert set(np.unique(y5)) == {0, 1, 2, 3, 4}


def test_to_plus_minus():
    np.testing.assert_array_equal(data.to_plus_minus(np.array([0, 1, 1])), [-1, 1, 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        data.to_plus_minus(np.array([0, 2]))


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="n_samples must be > 0"):
        data.make_moons(n_samples=0)
    with pytest.raises(TypeError, match="seed must be an int"):
        data.make_moons(seed="zero")
    with pytest.raises(ValueError, match="name must be one of"):
        data.make_classification_2d("donut")
    with pytest.raises(ValueError, match="n_classes must be at least 2"):
        data.make_spirals(n_classes=1)


def test_curve_is_its_mean_and_noise_has_its_standard_deviation():
    X, y = data.make_curve(20_000, noise=0.3, seed=0)
    assert X.shape == (20_000, 1) and y.shape == (20_000,) and X.dtype == np.float64
    assert X.min() >= -1.0 and X.max() <= 1.0
    residual = y - data.curve(X[:, 0])
    assert abs(residual.mean()) < 0.01 and abs(residual.std() - 0.3) < 0.01
    np.testing.assert_allclose(data.curve(np.array([0.0, 0.25, -0.25, 0.5])), [0.0, 1.0, -1.0, 0.0],
                               atol=1e-15)
    X0, y0 = data.make_curve(10, noise=0.0, seed=1, x_range=(2.0, 3.0))
    np.testing.assert_array_equal(y0, np.sin(2 * np.pi * X0[:, 0]))
    assert X0.min() >= 2.0 and X0.max() <= 3.0
    np.testing.assert_array_equal(data.make_curve(5, seed=4)[1], data.make_curve(5, seed=4)[1])
    with pytest.raises(ValueError, match="noise"):
        data.make_curve(10, noise=-1.0)


@pytest.mark.parametrize("name", sorted(data.DATASETS_2D))
def test_default_noise_is_what_no_noise_gives(name):
    noise = data.default_noise(name)
    X, y = data.make_classification_2d(name, n_samples=50, seed=1)
    X2, y2 = data.make_classification_2d(name, n_samples=50, noise=noise, seed=1)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert {"moons": 0.2, "circles": 0.1, "xor": 0.3, "spirals": 0.2, "blobs": 1.0}[name] == noise
