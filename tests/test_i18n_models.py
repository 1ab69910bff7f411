"""The French edition of chapters 5-7's helpers: nbcode.cnn, nbcode.transfer, nbcode.keras_bridge.

Under ``set_language("fr")`` their figures, panels, tables, progress lines and the errors
that teach speak French, and none of the English originals is left; English is restored
after each test (and the English tests of the three modules check the English text).
"""

import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polib  # noqa: E402
import pytest  # noqa: E402

import nbcode.i18n  # noqa: E402
from nbcode import cnn, nn  # noqa: E402
from nbcode import transfer as tr  # noqa: E402
from nbcode.i18n import LOCALE, placeholders  # noqa: E402

MODULES = ("cnn", "transfer", "keras_bridge")


@pytest.fixture
def french():
    nbcode.i18n.set_language("fr")
    yield
    nbcode.i18n.set_language("en")


def no_english(texts, *english):
    """Assert that none of ``english`` (words or phrases) appears in ``texts``."""
    joined = "\n".join(texts)
    for phrase in english:
        assert not re.search(rf"(?<![\w_]){re.escape(phrase)}(?![\w_])", joined), \
            f"English {phrase!r} left in {joined!r}"


def axes_texts(ax) -> list[str]:
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.get_xticklabels()]
    legend = ax.get_legend()
    if legend is not None:
        texts += [t.get_text() for t in legend.get_texts()]
    return texts


# --------------------------------------------------------------------------- the catalogues


@pytest.mark.parametrize("module", MODULES)
def test_every_message_is_translated_with_the_same_fields(module):
    catalogue = polib.pofile(str(LOCALE / "fr" / f"{module}.po"))
    assert len(catalogue) >= 10
    for entry in catalogue:
        assert not entry.obsolete and "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            assert all(forms), entry.msgid
            assert all(placeholders(f) == placeholders(entry.msgid_plural) for f in forms)
        else:
            assert entry.msgstr, entry.msgid
            assert entry.msgstr != entry.msgid or entry.msgid == "source", entry.msgid  # the same word
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), entry.msgid


# --------------------------------------------------------------------------- chapter 5


def test_mistake_mosaic_counts_in_french(french):
    images = np.random.default_rng(0).random((40, 8, 8))
    y_true = np.arange(40) % 10
    fig, ax = plt.subplots()
    mosaic = cnn.MistakeMosaic(ax, images, n_columns=3, n_rows=2)
    wrong = y_true.copy()
    wrong[:8] = (wrong[:8] + 1) % 10
    mosaic.update(y_true, wrong)
    assert ax.get_title() == "8 erreurs sur 40 (les 6 premières)"
    one = y_true.copy()
    one[0] = 3
    mosaic.update(y_true, one)
    assert ax.get_title() == "1 erreur sur 40"
    mosaic.update(y_true, y_true)
    assert ax.get_title() == "0 erreur sur 40"
    plt.close(fig)


def test_feature_space_axes_in_french(french):
    model = cnn.make_cnn(seed=0)
    images = np.random.default_rng(1).random((30, 1, 8, 8))
    y = np.arange(30) % 10
    fig, ax = plt.subplots()
    cnn.plot_feature_space(model, images, y, ax=ax, resolution=10)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("caractéristique 1", "caractéristique 2")
    no_english(axes_texts(ax), "feature")
    plt.close(fig)


def test_kernel_explorer_in_french(french):
    image = np.random.default_rng(2).random((20, 24))
    kernels = {"Sobel x": np.array([[-1.0, 0.0, 1.0]] * 3), "box": np.ones((3, 3)) / 9}
    panel = cnn.kernel_explorer(image, kernels)
    descriptions = {name: control.description for name, control in panel.controls.items()}
    assert descriptions == {"kernel": "noyau", "padding": "remplissage", "stride": "pas"}
    assert panel.description == "un filtre, son remplissage et son pas"
    assert panel.controls["kernel"].value == "Sobel x"     # the values the code compares stay
    fig = panel._draw(**panel.values())                    # the figure the panel shows
    titles = [ax.get_title() for ax in fig.axes]
    plt.close(fig)
    assert titles == ["entrée 20 × 24", "Sobel x, remplissage 1, pas 1 : 20 × 24"]
    no_english(titles + list(descriptions.values()), "input", "padding", "stride", "kernel")


def test_cnn_errors_teach_in_french(french):
    with pytest.raises(ValueError, match="kernel_size doit être impair"):
        cnn.make_cnn(kernel_size=4)
    with pytest.raises(ValueError, match=r"image_size doit valoir au moins \(4, 4\).*reçu \(3, 8\)"):
        cnn.make_cnn(image_size=(3, 8))
    with pytest.raises(TypeError, match="model doit être un Sequential d'au moins deux couches"):
        cnn.split_cnn("a model")
    with pytest.raises(ValueError, match="kernels doit nommer au moins un noyau.*'blur'.*reçu {}"):
        cnn.kernel_explorer(np.zeros((8, 8)), {})
    with pytest.raises(ValueError, match="margin ne laisse aucun pixel"):
        cnn.equivariance_gap(lambda im: im, np.zeros((6, 6)), 0, 0, margin=3)


# --------------------------------------------------------------------------- chapter 6


def small_grid():
    """A GridResult by hand (no training): two sources, two label counts, three seeds."""
    rng = np.random.default_rng(0)
    accuracy = {(source, n, regime): rng.uniform(0.3, 0.9, 3)
                for source in tr.SOURCES for n in (10, 250) for regime in tr.REGIMES}
    return tr.GridResult(accuracy, {}, (10, 250), (0, 1, 2), tr.SOURCES)


def test_display_names_translate_at_display_only(french):
    assert [tr.display_name(r) for r in tr.REGIMES] == ["gelé", "ajustement fin", "depuis zéro"]
    assert [tr.display_name(s) for s in tr.SOURCES] == ["similaire", "dissemblable"]
    assert tr.display_name("my source") == "my source"
    assert tr.REGIMES == ("frozen", "fine-tune", "scratch")            # the keys stay
    assert small_grid().difference("similar", 10, "frozen")[2] in ("ahead", "behind", "tie")


def test_grid_table_in_french(french):
    table = small_grid().table()
    lines = table.splitlines()
    assert lines[0].split() == ["source", "étiquettes", "gelé", "ajustement", "fin", "depuis", "zéro"]
    assert lines[1].split()[:2] == ["similaire", "10"] and lines[-1].split()[:2] == ["dissemblable", "250"]
    # the rows line up with the header: the labels column ends where its header ends
    assert len({line.index(" ", line.index(line.split()[1])) for line in lines}) == 1
    no_english([table], "labels", "frozen", "fine-tune", "scratch", "similar", "dissimilar")


def test_grid_table_in_english_is_unchanged():
    table = small_grid().table()
    grid = small_grid()
    expected = [f"{'source':>10s} {'labels':>6s}" + "".join(f"{r:>15s}" for r in grid.regimes)]
    for source in grid.sources:
        for n in grid.label_counts:
            cells = "".join("{:>9.2f} ± {:.2f}".format(*grid.mean_sd(source, n, r))
                            for r in grid.regimes)
            expected.append(f"{source:>10s} {n:>6d}{cells}")
    assert table == "\n".join(expected)


def test_plot_grid_and_learning_curves_in_french(french):
    grid = small_grid()
    axes = tr.plot_grid(grid, 10, 250)
    assert axes[0, 0].get_title() == "source similaire, 10 étiquettes"
    assert axes[1, 1].get_title() == "source dissemblable, 250 étiquettes"
    assert axes[0, 0].get_ylabel() == "exactitude en test sur la cible"
    assert [t.get_text() for t in axes[0, 0].get_xticklabels()] == ["gelé", "ajustement fin",
                                                                    "depuis zéro"]
    texts = [text for ax in axes.ravel() for text in axes_texts(ax)]
    plt.close("all")
    fig, ax = plt.subplots()
    tr.plot_learning_curves(grid.label_counts, grid.curves("similar"), ax=ax)
    assert ax.get_xlabel() == "nombre d'exemples cibles étiquetés (échelle log)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(legend) == ["ajustement fin (toutes les couches)",
                              "caractéristiques gelées + nouvelle tête", "depuis zéro", "hasard"]
    texts += axes_texts(ax)
    plt.close(fig)
    no_english(texts, "labels", "target", "accuracy", "frozen", "fine-tune", "scratch",
               "similar", "dissimilar", "chance", "from scratch", "number")


@pytest.fixture(scope="module")
def transfer_setup():
    data = tr.split_digits(test_fraction=0.3, seed=0)
    pretrained = tr.pretrain(data.X_source[:200], data.y_source[:200], n_features=2, epochs=1, seed=0)
    return data, pretrained


def test_transfer_explorer_and_target_regions_in_french(french, transfer_setup):
    data, pretrained = transfer_setup
    panel = tr.transfer_explorer(pretrained, data, label_options=(5, 10), n_steps=4)
    descriptions = [control.description for control in panel.controls.values()]
    assert descriptions == ["étiquettes", "graine"]
    assert panel.description == "nombre d'étiquettes et graine, avec réentraînement"
    assert panel.controls["labels"].value == 10 and panel.controls["labels"].options == (5, 10)
    fig = panel._draw(**panel.values())
    titles = [ax.get_title() for ax in fig.axes]
    labels = [ax.get_xlabel() for ax in fig.axes] + [ax.get_ylabel() for ax in fig.axes]
    plt.close(fig)
    assert re.fullmatch(r"ajustement fin, 10 étiquettes :\nexactitude \d\.\d\d", titles[0]), titles
    assert re.fullmatch(r"depuis zéro, 10 étiquettes :\nexactitude \d\.\d\d", titles[1]), titles
    assert set(labels) == {"caractéristique 1", "caractéristique 2"}
    no_english(titles + labels + descriptions, "labels", "seed", "accuracy", "fine-tune", "scratch",
               "feature")


def test_transfer_errors_teach_in_french(french, transfer_setup):
    data, pretrained = transfer_setup
    with pytest.raises(TypeError, match="model n'a pas de couche Flatten"):
        tr.body_size(nn.Sequential([nn.Dense(2, 3)]))
    with pytest.raises(ValueError, match="n_labels doit être au plus égal à la taille de la réserve"):
        tr.sample_labels(np.zeros(5, dtype=int), 6)
    one_seed = tr.GridResult({("s", 10, r): np.array([0.5]) for r in tr.REGIMES}, {}, (10,), (0,), ("s",))
    with pytest.raises(ValueError, match="une comparaison appariée demande au moins 2 graines ; "
                                         "la grille en a 1"):
        one_seed.difference("s", 10, "frozen")
    with pytest.raises(ValueError, match="n_many doit être l'un des nombres d'étiquettes"):
        tr.plot_grid(small_grid(), 10, 50)
    with pytest.raises(ValueError, match=r"une par sortie de la tête"):
        tr.TargetRegions(plt.gca(), pretrained, data.X_target_test[:5], np.full(5, 7))
    plt.close("all")
    with pytest.raises(ValueError, match="il lui faut donc aussi 'frozen'"):
        tr.transfer_grid({"similar": pretrained}, data, regimes=("fine-tune",))


# --------------------------------------------------------------------------- chapter 7


@pytest.fixture(scope="module")
def keras_bridge():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("keras")
    from nbcode import keras_bridge

    return keras_bridge


def test_snapshot_titles_and_progress_lines_in_french(french, keras_bridge):
    assert keras_bridge.snapshot_title((0, None, float("nan"))) == "époque 0"
    assert keras_bridge.snapshot_title((5, None, 0.69123)) == "époque 5, perte 0.691"
    lines = []
    log = keras_bridge.ProgressLog(every=2, print_fn=lines.append,
                                   metrics=["loss", "accuracy", "val_loss", "val_accuracy", "val_ce"])
    log.set_params({"epochs": 12})
    log.on_train_begin()
    logs = {"loss": 0.25, "accuracy": 0.9, "val_loss": 0.5, "val_accuracy": 0.75, "val_ce": 0.4}
    for epoch in range(3):
        log.on_epoch_end(epoch, logs)
    log.set_model(type("Stopped", (), {"stop_training": True})())
    log.on_train_end()
    assert lines == [
        "époque  2/12  perte 0.25  exactitude 0.9  perte (validation) 0.5  "
        "exactitude (validation) 0.75  ce (validation) 0.4",
        "époque  3/12  perte 0.25  exactitude 0.9  perte (validation) 0.5  "
        "exactitude (validation) 0.75  ce (validation) 0.4",
        "arrêt après l'époque 3"]
    no_english(lines, "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "stopped", "after")


def test_progress_lines_in_english_are_unchanged(keras_bridge):
    lines = []
    log = keras_bridge.ProgressLog(every=1, print_fn=lines.append, metrics=["loss", "val_accuracy"])
    log.set_params({"epochs": 150})
    log.on_epoch_end(19, {"loss": 0.123456, "val_accuracy": 0.5})
    assert lines == ["epoch  20/150  loss 0.123  val_accuracy 0.5"]


def test_keras_player_in_french(french, keras_bridge, monkeypatch):
    import keras

    from nbcode import data, frames

    X, y = data.make_moons(n_samples=32, noise=0.2, seed=0)
    model = keras_bridge.build_mlp(2, (4,), n_outputs=2, seed=0)
    loss, metric = keras_bridge.classifier_loss(1)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss, metrics=[metric])
    recorder = keras_bridge.BoundaryRecorder(epochs=[0, 2])
    with pytest.raises(ValueError, match="pas encore d'instantané"):
        recorder.player(X, y)
    model.fit(X, y, epochs=2, batch_size=16, verbose=0, callbacks=[recorder])
    titles = []
    update = frames.DecisionRegions.update

    def recording(self, model, *args, title=None, **kwargs):
        titles.append(title)
        return update(self, model, *args, title=title, **kwargs)

    monkeypatch.setattr(frames.DecisionRegions, "update", recording)
    player = recorder.player(X, y, resolution=10, class_names=["0", "1"])
    assert player.labels == ["époque 0", "époque 2"]
    assert titles[0] == "époque 0" and re.fullmatch(r"époque 2, perte \S+", titles[1]), titles
    no_english(player.labels + titles, "epoch", "loss")


def test_keras_errors_teach_in_french(french, keras_bridge):
    with pytest.raises(TypeError, match="model doit être un modèle Keras ; reçu str"):
        keras_bridge.KerasSnapshot("a model")
    with pytest.raises(ValueError, match=r"input_shape doit être \(hauteur, largeur, canaux\)"):
        keras_bridge.build_cnn(input_shape=(8, 8))
    with pytest.raises(ValueError, match="reçu un Sequential qui commence par Conv2D"):
        keras_bridge.from_nbcode(nn.Sequential([nn.Conv2D(1, 2, 3), nn.Flatten()]))
    with pytest.raises(ValueError, match="reçu la couche 1, de type Flatten"):
        keras_bridge.from_nbcode(nn.Sequential([nn.Dense(2, 3), nn.Flatten()]))
    with pytest.raises(TypeError, match="avec trainable_weights"):
        keras_bridge.keras_counts(3)
