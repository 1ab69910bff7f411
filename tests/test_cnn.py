"""nbcode.cnn: the chapter 5 CNN builder, image helpers and plots."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import scipy.signal  # noqa: E402

from nbcode import cnn  # noqa: E402
from nbcode.nn import Conv2D, Dense  # noqa: E402


def test_make_cnn_shapes_and_counts():
    model = cnn.make_cnn(seed=0)
    assert model.n_params == 3424
    summary = model.summary(input_shape=(1, 8, 8))
    assert summary.rows[-2][1] == (2,) and summary.rows[-1][1] == (10,)
    X = np.random.default_rng(0).random((5, 1, 8, 8))
    assert model.forward(X).shape == (5, 10)
    assert cnn.cnn_features(model, X).shape == (5, 2)
    assert isinstance(model.layers[0], Conv2D) and isinstance(model.layers[-1], Dense)


def test_make_cnn_options_and_errors():
    model = cnn.make_cnn(n_classes=3, channels=(4, 6), n_hidden=0, n_features=5,
                         image_size=(12, 16), in_channels=3, kernel_size=5, seed=1)
    assert model.forward(np.zeros((2, 3, 12, 16))).shape == (2, 3)
    with pytest.raises(ValueError, match="odd"):
        cnn.make_cnn(kernel_size=4)
    with pytest.raises(ValueError, match="channels"):
        cnn.make_cnn(channels=(4,))
    with pytest.raises(ValueError, match="image_size"):
        cnn.make_cnn(image_size=(3, 8))


def test_make_cnn_is_deterministic_and_learns():
    a, b = cnn.make_cnn(seed=3), cnn.make_cnn(seed=3)
    assert all(np.array_equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    from nbcode import data
    images, y = data.load_digits(n_class=3)
    X = cnn.as_image_batch(images[:150])
    model = cnn.make_cnn(n_classes=3, seed=0).fit(X, y[:150], epochs=8, optimizer="adam",
                                                   learning_rate=0.01)
    assert model.score(X, y[:150]) > 0.9


def test_split_cnn_shares_layers():
    model = cnn.make_cnn(seed=0)
    features, head = cnn.split_cnn(model)
    X = np.random.default_rng(1).random((4, 1, 8, 8))
    assert np.allclose(head.forward(features.forward(X)), model.forward(X))
    assert features.layers[0] is model.layers[0]
    with pytest.raises(TypeError):
        cnn.split_cnn("not a model")


def test_grey_downsample_photo():
    rgb = np.zeros((4, 6, 3))
    rgb[..., 1] = 255
    assert np.allclose(cnn.to_grey(rgb), 0.587)
    image = np.arange(24.0).reshape(4, 6)
    assert np.allclose(cnn.downsample(image, 2), [[3.5, 5.5, 7.5], [15.5, 17.5, 19.5]])
    photo = cnn.load_photo(factor=4)
    assert photo.shape == (106, 160) and 0 <= photo.min() and photo.max() <= 1


def test_shift_and_equivariance():
    image = np.arange(20.0).reshape(4, 5)
    shifted = cnn.shift_image(image, 1, -2)
    assert np.allclose(shifted[1:, :3], image[:-1, 2:]) and np.all(shifted[0] == 0)
    assert np.all(cnn.shift_image(image, 9, 0) == 0)
    kernel = np.random.default_rng(0).normal(size=(3, 3))
    photo = np.random.default_rng(1).random((20, 30))

    def conv(x):
        return scipy.signal.correlate2d(x, kernel, mode="same")

    assert cnn.equivariance_gap(conv, photo, 3, -4, margin=1) < 1e-12
    assert cnn.equivariance_gap(np.sqrt, photo, 3, -4, margin=0) < 1e-12
    assert cnn.equivariance_gap(lambda x: x.T.T[::-1], photo, 2, 1, margin=1) > 0.1
    with pytest.raises(ValueError, match="size"):
        cnn.equivariance_gap(lambda x: x[1:], photo, 1, 1, margin=1)


def test_plots_run():
    model = cnn.make_cnn(seed=0)
    X = np.random.default_rng(0).random((30, 1, 8, 8))
    y = np.arange(30) % 10
    fig, axes = plt.subplots(1, 2)
    cnn.plot_feature_space(model, X, y, ax=axes[0], resolution=10)
    cnn.plot_mistakes(X, y, model.predict(X), ax=axes[1])
    cnn.plot_filters(model.layers[0].params["W"])
    cnn.plot_feature_maps(model.layers[0].forward(X[:1])[0])
    lim = cnn.feature_limits(np.random.default_rng(0).normal(size=(50, 2)))
    assert lim[0][0] < lim[0][1]
    plt.close("all")
    with pytest.raises(ValueError, match="2 units"):
        cnn.plot_feature_space(cnn.make_cnn(n_features=3), X, y)


def test_kernel_explorer_draws_and_reacts():
    image = np.random.default_rng(0).random((21, 30))
    box = cnn.kernel_explorer(image, {"blur": np.ones((3, 3)) / 9, "edge": np.array([[-1, 1]])})
    choice, padding, stride = box.children[0].children
    picture = box.children[1]
    first = picture.value
    assert first[:4] == b"\x89PNG"
    stride.value = 4                       # 21 + 2 - 3 = 20 is a multiple of 4; 30 is not
    choice.value = "edge"
    padding.value = 0
    assert picture.value != first
    plt.close("all")
    with pytest.raises(ValueError, match="kernels"):
        cnn.kernel_explorer(image, {})
