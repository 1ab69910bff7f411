"""Toy data sets for the book, as plain numpy arrays.

Every generator is deterministic given ``seed`` and returns ``(X, y)`` with
``X`` of shape (n_samples, n_features), float64, and ``y`` of shape (n_samples,),
int64 class labels 0, 1, ... (or float64 targets for regression).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_choice, check_interval, check_positive, check_rate, check_seed
from .i18n import N_, _

__all__ = [
    "make_regression", "curve", "make_curve", "make_moons", "make_circles", "make_xor", "make_spirals",
    "make_blobs", "load_digits", "make_classification_2d", "default_noise", "to_plus_minus", "DATASETS_2D",
]


def _check_common(n_samples, noise, seed, noise_name="noise"):
    check_positive(n_samples, "n_samples", integer=True)
    check_positive(noise, noise_name, allow_zero=True)
    if isinstance(seed, np.random.Generator):
        raise TypeError(_("seed must be an int or None (scikit-learn's data sets take no "
                          "Generator); received {kind}.").format(kind=type(seed).__name__))
    check_seed(seed)


def make_regression(n_samples: int = 100, beta=(1.0, 2.0), noise: float = 1.0,
                    seed: int | None = 0, x_range=(-2.0, 2.0)):
    """Data from the linear model y = beta_0 + sum_j beta_j x_j + noise.

    Parameters
    ----------
    n_samples : int
    beta : sequence of float, length p + 1
        ``beta[0]`` is the intercept, ``beta[1:]`` the slopes of the p features.
    noise : float
        Standard deviation of the Gaussian noise.
    seed : int or None
    x_range : (low, high)
        Features are drawn uniformly in this interval.

    Returns
    -------
    X : ndarray, shape (n_samples, p)
    y : ndarray, shape (n_samples,)
    """
    _check_common(n_samples, noise, seed)
    beta = as_array(beta, "beta", ndim=1)
    if beta.size < 2:
        raise ValueError(_("beta needs an intercept and at least one slope (length p + 1 ≥ 2); "
                           "received {beta}.").format(beta=beta.tolist()))
    x_range = check_interval(x_range, "x_range")
    rng = np.random.default_rng(seed)
    X = rng.uniform(*x_range, size=(n_samples, beta.size - 1))
    y = beta[0] + X @ beta[1:] + noise * rng.standard_normal(n_samples)
    return X, y


def curve(x):
    """The noiseless regression function of :func:`make_curve`, ``f(x) = sin(2 pi x)``.

    ``x`` is any array (or an ``X`` of shape (n, 1)); the result has its shape.
    """
    return np.sin(2 * np.pi * as_array(x, "x", allow_empty=True))


def make_curve(n_samples: int = 30, noise: float = 0.3, seed: int | None = 0,
               x_range=(-1.0, 1.0)):
    """A noisy 1-D curve, y = sin(2 pi x) + noise: the regression data set of bias-variance.

    Parameters
    ----------
    n_samples : int
    noise : float
        Standard deviation of the Gaussian noise (its variance is the irreducible error).
    seed : int or None
    x_range : (low, high)
        The inputs are drawn uniformly in this interval.

    Returns
    -------
    X : ndarray, shape (n_samples, 1)
    y : ndarray, shape (n_samples,), ``curve(X[:, 0]) + noise * N(0, 1)``
    """
    _check_common(n_samples, noise, seed)
    x_range = check_interval(x_range, "x_range")
    rng = np.random.default_rng(seed)
    X = rng.uniform(*x_range, size=(n_samples, 1))
    y = curve(X[:, 0]) + noise * rng.standard_normal(n_samples)
    return X, y


def make_moons(n_samples: int = 200, noise: float = 0.2, seed: int | None = 0):
    """Two interleaving half circles (scikit-learn's generator), labels 0/1."""
    _check_common(n_samples, noise, seed)
    from sklearn import datasets  # imported here: scikit-learn takes 0.5 s to import

    X, y = datasets.make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return X.astype(np.float64), y.astype(np.int64)


def make_circles(n_samples: int = 200, noise: float = 0.1, factor: float = 0.5,
                 seed: int | None = 0):
    """A small circle (label 1) inside a large one (label 0), from scikit-learn."""
    _check_common(n_samples, noise, seed)
    check_rate(factor, "factor", N_(" (the inner circle's radius over the outer one's)"))
    from sklearn import datasets

    X, y = datasets.make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return X.astype(np.float64), y.astype(np.int64)


def make_xor(n_samples: int = 200, noise: float = 0.3, seed: int | None = 0):
    """Four Gaussian clusters at (±1, ±1); label 1 where the signs of x1 and x2 differ.

    No straight line separates the classes: the data set on which a single
    perceptron fails.
    """
    _check_common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    centres = rng.choice([-1.0, 1.0], size=(n_samples, 2))
    X = centres + noise * rng.standard_normal((n_samples, 2))
    y = (np.sign(centres[:, 0]) != np.sign(centres[:, 1])).astype(np.int64)
    return X, y


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2,
                 turns: float = 1.0, seed: int | None = 0):
    """Interleaved spiral arms, one per class: linearly inseparable, several classes.

    Parameters
    ----------
    n_samples : int
        Total number of points, split as evenly as possible over the arms.
    n_classes : int
        Number of arms (and classes), at least 2.
    noise : float
        Standard deviation of the angular noise (radians, scaled by 4).
    turns : float
        How many turns each arm makes.

    Returns
    -------
    X : ndarray, shape (n_samples, 2), roughly in [-1, 1]^2
    y : ndarray, shape (n_samples,), labels 0..n_classes-1
    """
    _check_common(n_samples, noise, seed)
    check_positive(n_classes, "n_classes", integer=True)
    check_positive(turns, "turns")
    if n_classes < 2:
        raise ValueError(_("n_classes must be at least 2; received {n_classes}.").format(
            n_classes=n_classes))
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    radius = rng.uniform(0.05, 1.0, n_samples)
    angle = (2 * np.pi * turns * radius + 2 * np.pi * y / n_classes
             + noise * rng.standard_normal(n_samples))
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    order = rng.permutation(n_samples)
    return X[order], y[order].astype(np.int64)


def make_blobs(n_samples: int = 200, n_classes: int = 2, spread: float = 1.0,
               radius: float = 2.5, seed: int | None = 0):
    """Gaussian clusters, one per class, with centres evenly spaced on a circle.

    The centres are ``radius`` away from the origin (at a random rotation), so with
    two classes they are ``2 * radius`` apart: with ``spread`` (the standard deviation
    of each cluster) well below ``radius`` the classes are linearly separable.

    Returns
    -------
    X : ndarray, shape (n_samples, 2)
    y : ndarray, shape (n_samples,), labels 0..n_classes-1
    """
    _check_common(n_samples, spread, seed, noise_name="spread")
    check_positive(n_classes, "n_classes", integer=True)
    check_positive(radius, "radius")
    rng = np.random.default_rng(seed)
    angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(n_classes) / n_classes
    centres = radius * np.column_stack([np.cos(angles), np.sin(angles)])
    y = rng.permutation(np.arange(n_samples) % n_classes)
    X = centres[y] + spread * rng.standard_normal((n_samples, 2))
    return X, y.astype(np.int64)


def make_classification_2d(name: str, n_samples: int = 200, noise: float | None = None,
                           seed: int | None = 0):
    """Any of the 2-D data sets by name: "moons", "circles", "xor", "spirals", "blobs"."""
    check_choice(name, "name", DATASETS_2D)
    if noise is not None:
        check_positive(noise, "noise", allow_zero=True)  # before it is renamed spread for blobs
    kwargs = {} if noise is None else ({"spread": noise} if name == "blobs" else {"noise": noise})
    return DATASETS_2D[name](n_samples=n_samples, seed=seed, **kwargs)


def default_noise(name: str) -> float:
    """The noise :func:`make_classification_2d` gives the data set ``name`` when ``noise`` is
    None (its generator's default: ``spread`` for the blobs)."""
    import inspect

    check_choice(name, "name", DATASETS_2D)
    parameters = inspect.signature(DATASETS_2D[name]).parameters
    return float(parameters["spread" if name == "blobs" else "noise"].default)


def load_digits(n_class: int = 10, scale: bool = True):
    """scikit-learn's 8×8 digit images (1,797 of them, shipped with the package).

    Parameters
    ----------
    n_class : int
        Keep the digits 0..n_class-1.
    scale : bool
        Divide pixel values (0..16) by 16 so that they lie in [0, 1].

    Returns
    -------
    images : ndarray, shape (n_samples, 8, 8)
    y : ndarray, shape (n_samples,)
    """
    check_positive(n_class, "n_class", integer=True)
    if n_class > 10:
        raise ValueError(_("n_class must be at most 10 (the digits 0..9); received "
                           "{n_class}.").format(n_class=n_class))
    from sklearn import datasets

    digits = datasets.load_digits(n_class=n_class)
    images = digits.images.astype(np.float64)
    if scale:
        images /= 16.0
    return images, digits.target.astype(np.int64)


def to_plus_minus(y) -> np.ndarray:
    """Map 0/1 labels to -1/+1 (the coding logistic regression uses in chapter 1)."""
    y = as_array(y, "y", ndim=1, dtype=None)
    values = set(np.unique(y).tolist())
    if not values <= {0, 1}:
        hint = " " + _("y is already in {labels}: use it as it is.").format(
            labels="{-1, +1}") if values <= {-1, 1} else ""
        raise ValueError(_("y must contain only 0 and 1 (the labels [0, 1]); received labels "
                           "{labels}.{hint}").format(labels=sorted(values)[:5], hint=hint))
    return (2 * y - 1).astype(np.int64)


DATASETS_2D = {
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "spirals": make_spirals,
    "blobs": make_blobs,
}
