"""bookbuild.sphinxext.compact_figure: a figure served as a palette PNG only where it looks the same."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from bookbuild.sphinxext import FIGURE_MEAN_ERROR, compact_figure  # noqa: E402


def figure_png(path, transparent=False):
    fig = Figure(figsize=(4, 3), dpi=90)
    ax = fig.subplots()
    xs = np.linspace(-2, 2, 80)
    ax.contourf(xs, xs, np.add.outer(xs ** 2, np.sin(3 * xs)), levels=30)
    ax.plot(xs, np.sin(xs), color="#E69F00", lw=2)
    ax.set_title("a contour plot and a line")
    fig.savefig(path, format="png", transparent=transparent)
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def test_a_full_colour_figure_becomes_a_palette_png_that_looks_the_same(tmp_path):
    path = tmp_path / "figure.png"
    before = figure_png(path)
    size = path.stat().st_size
    assert len(np.unique(before.reshape(-1, 3), axis=0)) > 256
    assert compact_figure(path)
    image = Image.open(path)
    assert image.mode == "P" and path.stat().st_size < 0.7 * size
    after = np.asarray(image.convert("RGB")).astype(int)
    assert np.abs(after - before).max(axis=-1).mean() <= FIGURE_MEAN_ERROR
    # The class colour of the line is kept exactly.
    assert (after == [0xE6, 0x9F, 0x00]).all(axis=-1).sum() >= (before == [0xE6, 0x9F, 0x00]).all(
        axis=-1).sum() * 0.99
    assert not compact_figure(path)              # already compact: left as it is


def test_transparent_and_other_images_are_left_alone(tmp_path):
    path = tmp_path / "clear.png"
    figure_png(path, transparent=True)
    data = path.read_bytes()
    assert not compact_figure(path) and path.read_bytes() == data
    jpeg = tmp_path / "photo.png"
    Image.new("RGB", (20, 20), "red").save(jpeg, format="JPEG")
    assert not compact_figure(jpeg)
    noise = tmp_path / "noise.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)).save(noise)
    data = noise.read_bytes()
    assert not compact_figure(noise) and noise.read_bytes() == data   # 256 colours would show
