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


# --------------------------------------------------------------------------- the player's pieces

def _pieces_data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 8, 8)), np.arange(n) % 5


def _space_state(space):
    """What a FeatureSpace shows: every artist's data."""
    regions = space.regions
    return {"image": np.asarray(regions.image.get_array()),
            "extent": regions.image.get_extent(),
            "boundary": [np.asarray(s) for s in regions.boundary.get_segments()],
            "points": [np.asarray(s.get_offsets()) for s in regions.scatters],
            "thumbs_xy": [frame.xy for _, _, frame in space.thumbnails],
            "thumbs_xybox": [frame.xybox for _, _, frame in space.thumbnails],
            "thumbs": [np.asarray(box.get_data()) for _, box, _ in space.thumbnails],
            "limits": (regions.ax.get_xlim(), regions.ax.get_ylim()),
            "title": regions.ax.get_title()}


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], list):
            assert len(a[key]) == len(b[key]), key
            for u, v in zip(a[key], b[key], strict=True):
                np.testing.assert_array_equal(np.asarray(u), np.asarray(v), err_msg=key)
        elif isinstance(a[key], np.ndarray):
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:
            assert a[key] == b[key], key


def test_feature_space_puts_points_and_thumbnails_at_the_features():
    from nbcode import frames

    images, y = _pieces_data()
    model = cnn.make_cnn(n_classes=5, seed=2)
    canvas = frames.FrameCanvas()
    space = cnn.FeatureSpace(canvas.axes, model, images, y, resolution=20)
    space.update(model, title="epoch 0")
    features = cnn.cnn_features(model, images)
    for scatter, mask, label in zip(space.regions.scatters, space.regions.masks, range(5),
                                    strict=True):
        assert np.array_equal(mask, y == label)
        np.testing.assert_array_equal(scatter.get_offsets(), features[mask])
    central = space.central_images(features)
    assert [int(y[i]) for i in central] == [0, 1, 2, 3, 4]
    for (label, box, frame), i in zip(space.thumbnails, central, strict=True):
        members = features[y == label]
        distances = np.sum((members - np.median(members, axis=0)) ** 2, axis=1)
        assert np.sum((features[i] - np.median(members, axis=0)) ** 2) == distances.min()
        assert frame.xy == frame.xybox == tuple(features[i])
        np.testing.assert_array_equal(box.get_data(), images[i, 0])
        assert frame.patch.get_edgecolor()[:3] == pytest.approx(
            matplotlib.colors.to_rgb(cnn.CLASS_COLORS[label]))
    limits = cnn.feature_limits(features)  # default: the axes follow the features
    assert canvas.axes.get_xlim() == pytest.approx(limits[0])
    assert canvas.axes.get_ylim() == pytest.approx(limits[1])
    assert canvas.axes.get_title() == "epoch 0" and canvas.axes.title.get_fontsize() >= 9
    moving = space.artists
    assert all(frame in moving for _, _, frame in space.thumbnails)
    assert space.regions.image in moving and canvas.axes.xaxis in moving
    fixed = cnn.FeatureSpace(frames.FrameCanvas().axes, model, images, y, thumbnails=False,
                             limits=((-9.0, 9.0), (-8.0, 8.0)), resolution=20)
    fixed.update(cnn.make_cnn(n_classes=5, seed=4))
    assert fixed.regions.ax.get_xlim() == (-9.0, 9.0) and fixed.thumbnails == []
    assert fixed.regions.ax.xaxis not in fixed.artists  # fixed axes: ticks not redrawn


@pytest.mark.parametrize("limits", [None, ((-4.0, 4.0), (-3.0, 5.0))])
def test_feature_space_updated_for_b_after_a_equals_one_built_for_b(limits):
    from nbcode import frames

    images, y = _pieces_data()
    a, b = cnn.make_cnn(n_classes=5, seed=0), cnn.make_cnn(n_classes=5, seed=1)
    moved = cnn.FeatureSpace(frames.FrameCanvas().axes, a, images, y, limits=limits,
                             resolution=25)
    moved.update(a, title="a")
    before = _space_state(moved)
    moved.update(b, title="b")
    fresh = cnn.FeatureSpace(frames.FrameCanvas().axes, b, images, y, limits=limits,
                             resolution=25)
    fresh.update(b, title="b")
    _assert_same_state(_space_state(moved), _space_state(fresh))
    assert not np.array_equal(before["points"][0], _space_state(moved)["points"][0])
    still = plt.figure().add_subplot()  # the still picture: the same piece, updated once
    cnn.plot_feature_space(b, images, y, ax=still, limits=limits, resolution=25)
    np.testing.assert_array_equal(still.images[0].get_array(), fresh.regions.image.get_array())
    assert still.get_xlim() == fresh.regions.ax.get_xlim()
    plt.close("all")


def test_mistake_mosaic_shows_exactly_the_mistakes_in_order():
    from nbcode import frames

    rng = np.random.default_rng(5)
    images = rng.random((40, 1, 8, 8))
    y = np.arange(40) % 10
    pred = y.copy()
    wrong = [1, 4, 6, 13, 20, 21, 30, 39]
    pred[wrong] = (y[wrong] + 3) % 10
    canvas = frames.FrameCanvas()
    mosaic = cnn.MistakeMosaic(canvas.axes, images, n_columns=3, n_rows=2)
    assert len(mosaic.labels) == 6
    assert mosaic.artists == [mosaic.image, *mosaic.labels, canvas.axes.title]
    shown = mosaic.update(y, pred)
    assert shown.tolist() == wrong[:6]
    assert [t.get_text() for t in mosaic.labels] == [f"{y[i]}→{pred[i]}" for i in wrong[:6]]
    assert canvas.axes.get_title() == "8 mistakes of 40 (first 6)"
    assert all(t.get_fontsize() >= 9 for t in [*mosaic.labels, canvas.axes.title])
    tiles = np.ma.filled(mosaic.image.get_array(), np.nan)
    assert tiles.shape == (2 * (8 + 1 + 3), 3 * (8 + 1))
    for k, i in enumerate(wrong[:6]):
        r, c = divmod(k, 3)
        top, left = r * 12 + 3, c * 9
        np.testing.assert_array_equal(tiles[top:top + 8, left:left + 8], images[i, 0])
        tiles[top:top + 8, left:left + 8] = np.nan
    assert np.isnan(tiles).all()  # nothing else: the gaps and label rows are blank

    few = y.copy()
    few[[7, 9]] = 0
    mosaic.update(y, few)  # fewer mistakes than tiles: the other labels emptied
    assert [t.get_text() for t in mosaic.labels] == ["7→0", "9→0", "", "", "", ""]
    assert canvas.axes.get_title() == "2 mistakes of 40"
    fresh = cnn.MistakeMosaic(frames.FrameCanvas().axes, images, n_columns=3, n_rows=2)
    fresh.update(y, few)
    np.testing.assert_array_equal(np.ma.filled(mosaic.image.get_array(), -1),
                                  np.ma.filled(fresh.image.get_array(), -1))
    assert [t.get_text() for t in mosaic.labels] == [t.get_text() for t in fresh.labels]
    assert [t.get_position() for t in mosaic.labels] == [t.get_position() for t in fresh.labels]
    assert mosaic.ax.get_title() == fresh.ax.get_title()
    mosaic.update(y, y)
    assert all(t.get_text() == "" for t in mosaic.labels)
    assert canvas.axes.get_title() == "0 mistakes of 40"


def test_mistake_mosaic_frames_equal_still_pictures():
    """Blitted frames show what a still plot_mistakes shows (no spines of the hidden axis)."""
    from nbcode import frames

    images, y = _pieces_data(30)
    predictions = [(y + 1) % 5, np.where(np.arange(30) % 4 == 0, (y + 2) % 5, y)]
    movie = frames.render_frames(
        predictions, lambda mosaic, pred: mosaic.update(y, pred),
        lambda ax: cnn.MistakeMosaic(ax, images, n_columns=5, n_rows=3), colors=None)
    for png, pred in zip(movie.frames, predictions, strict=True):
        canvas = frames.FrameCanvas(colors=None)
        cnn.plot_mistakes(images, y, pred, ax=canvas.axes, n_columns=5, n_rows=3)
        np.testing.assert_array_equal(_png_pixels(png), _png_pixels(canvas.png()))


def _png_pixels(png):
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
