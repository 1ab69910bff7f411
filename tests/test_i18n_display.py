"""The French edition of nbcode's figures, players, widgets and verdicts (issue 20).

Each plot, player and widget of nbcode.plots, frames, widgets and playground is built
under French, and what a reader sees of it (the Axes' titles, labels and legends, the
widgets' descriptions, option labels, placeholders and HTML status) is read back: French,
with none of the English words of the original messages. So are agreement()'s verdicts
(notebook), the boxes of autodiff.draw_graph, and the errors a student meets in autodiff,
gradcheck, frames, widgets and the Playground.
"""

import re
from pathlib import Path

import ipywidgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polib  # noqa: E402
import pytest  # noqa: E402

from nbcode import autodiff, data, frames, gradcheck, i18n, linear, plots, train  # noqa: E402
from nbcode.notebook import agreement  # noqa: E402

LOCALE = Path(i18n.__file__).resolve().parent / "locale" / "fr"
MODULES = ("plots", "widgets", "frames", "playground", "notebook", "autodiff", "gradcheck")


def _entries():
    return [(module, entry) for module in MODULES
            for entry in polib.pofile(str(LOCALE / f"{module}.po"))]


def _words(text):
    """The words of a text, without its fields ({epoch}) and code (loss(), params[i])."""
    text = re.sub(r"\{[^{}]*\}|\w+[(\[]", " ", text)
    return set(re.findall(r"[A-Za-zÀ-ÿ’']{3,}", text))


def _english_words():
    """Words of the English messages that no French translation uses (e.g. "epoch", "loss")."""
    english, french = set(), set()
    for _module, entry in _entries():
        english |= _words(entry.msgid)
        french |= _words(entry.msgstr)
    return english - french


ENGLISH_WORDS = _english_words()


@pytest.fixture
def french():
    i18n.set_language("fr")
    try:
        yield
    finally:
        i18n.set_language("en")
        plt.close("all")


def assert_french(texts):
    """Every text is non-empty and holds none of the English messages' own words."""
    texts = [t for t in texts if t is not None]
    assert texts
    for text in texts:
        left = sorted(_words(text) & ENGLISH_WORDS)
        assert not left, f"English left in {text!r}: {left}"


def axes_texts(ax):
    """What a reader reads on an Axes: title, axis labels, legend (title and entries), texts."""
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    legend = ax.get_legend()
    if legend is not None:
        texts += [legend.get_title().get_text()] + [t.get_text() for t in legend.get_texts()]
    texts += [t.get_text() for t in ax.texts]
    return [t for t in texts if t]


def test_every_message_is_translated_with_its_fields():
    for module, entry in _entries():
        assert entry.msgstr and "fuzzy" not in entry.flags, f"{module}: {entry.msgid!r}"
        assert i18n.placeholders(entry.msgid) == i18n.placeholders(entry.msgstr), \
            f"{module}: {entry.msgid!r} -> {entry.msgstr!r}"
    assert {"epoch", "loss", "training", "accuracy", "frame", "Play", "Train"} <= ENGLISH_WORDS


def test_plots_in_french(french):
    X, y = data.make_moons(60, seed=0)
    model = linear.LogisticRegressionGD(n_epochs=5).fit(X, data.to_plus_minus(y))
    _fig, axes = plt.subplots(1, 2)
    plots.plot_decision_boundary(model, X, y, ax=axes[0], resolution=20, legend=True)
    assert axes[0].get_legend().get_title().get_text() == "classe"
    plots.plot_loss_curves({"a": [1.0, 0.5, 0.25]}, ax=axes[1])
    assert (axes[1].get_xlabel(), axes[1].get_ylabel()) == ("époque", "perte d’entraînement")
    assert_french([axes[0].get_legend().get_title().get_text(), axes[1].get_xlabel(),
                   axes[1].get_ylabel()])
    # what the caller writes is shown as written
    plots.plot_loss_curves({"a": [1.0]}, ax=axes[1], xlabel="pas t", ylabel="perte moyenne")
    assert (axes[1].get_xlabel(), axes[1].get_ylabel()) == ("pas t", "perte moyenne")


def test_player_in_french(french):
    from nbcode.widgets import TrainingPlayer

    X, y = data.make_moons(60, seed=0)
    recorder = train.Recorder(epochs=[0, 5, 10])
    linear.LogisticRegressionGD(n_epochs=10).fit(X, data.to_plus_minus(y), callbacks=[recorder])
    seen = []

    def setup(ax):
        seen.append(ax)
        return frames.DecisionRegions(ax, frames.data_limits(X), X, y, resolution=20)

    player = TrainingPlayer.from_items(recorder.snapshots, lambda regions, s: regions.update(s[1]),
                                       setup=setup)
    assert player.labels == ["image 0", "image 1", "image 2"]
    assert list(player.slider.options) == player.labels
    assert player.play.description == "Lecture"
    assert player.static_text() == "TrainingPlayer(3 images : image 0 … image 2)"
    assert_french([player.play.description, player.static_text(), *player.labels])
    assert player._repr_mimebundle_()["text/plain"] == player.static_text()


def test_live_panel_in_french(french):
    from nbcode.widgets import dropdown, live_panel, log_slider, toggle

    status_while_training = []

    def draw(learning_rate, penalty, strength, dataset, batch):
        if strength > 0.5:
            raise ValueError(i18n._("each hidden layer needs between 1 and 512 units; "
                                    "received {sizes!r}.").format(sizes=(0,)))
        fig, ax = plt.subplots(figsize=(1, 1))
        return fig

    panel = live_panel({"learning_rate": log_slider(0.01, 1e-3, 1.0),
                        "penalty": toggle(["L2", "L1"]),
                        "strength": log_slider(0.01, 1e-5, 1.0),
                        "dataset": dropdown(["separable", "overlapping", "XOR"]),
                        "batch": dropdown([("1", 1), ("full", None)], value=1, label="lot")},
                       draw, description="démo", train=True)
    controls = panel.controls
    assert controls["learning_rate"].description == "taux d’apprentissage"
    assert controls["penalty"].description == "pénalité"
    assert controls["strength"].description == "intensité"
    assert controls["dataset"].description == "jeu de données"
    assert controls["batch"].description == "lot"                    # the caller's label
    # the labels are French, the values the code compares are not
    assert controls["dataset"]._options_labels == ("séparables", "chevauchants", "XOR")
    assert controls["dataset"].value == "separable"
    controls["dataset"].value = "overlapping"
    assert controls["dataset"].label == "chevauchants"
    assert controls["batch"]._options_labels == ("1", "complet")
    controls["batch"].label = "complet"
    assert controls["batch"].value is None
    assert controls["penalty"]._options_labels == ("L2", "L1")                # nothing to translate
    assert panel.values()["dataset"] == "overlapping"
    assert panel.train_button.description == "Entraîner"
    assert panel.static_text() == "LivePanel(démo : exécutez le notebook pour vous en servir)"

    def recording_draw(**values):
        status_while_training.append(panel.status.value)
        return draw(**values)

    panel._draw = recording_draw
    panel.train_button.click()
    assert status_while_training[-1] == "entraînement en cours…"
    assert panel.status.value == ""                                   # done: the line clears
    controls["strength"].value = 0.9
    panel.train_button.click()
    assert "chaque couche cachée doit avoir entre 1 et 512 unités" in panel.status.value
    assert_french([c.description for name, c in controls.items() if name != "batch"]
                  + list(controls["dataset"]._options_labels) + [panel.train_button.description,
                                                          panel.static_text(), panel.status.value,
                                                          status_while_training[-2]])
    assert i18n._("live controls") == "contrôles interactifs"
    bare = ipywidgets.Image(format="png")
    from nbcode.widgets import LivePanel

    assert LivePanel([bare]).description == "contrôles interactifs"


def test_playground_in_french(french):
    from nbcode.playground import Playground, PlaygroundSession, run_view

    pg = Playground(n_frames=3, epochs=5, hidden=(4,))
    labels = {name: control.description for name, control in pg.controls.items()}
    assert labels == {"dataset": "jeu de données", "noise": "bruit", "features": "entrées",
                      "hidden": "unités cachées", "activation": "activation",
                      "learning_rate": "taux d’apprentissage", "batch_size": "taille de lot",
                      "epochs": "époques", "penalty": "pénalité", "strength": "intensité",
                      "dropout": "dropout"}
    assert pg.dataset._options_labels == ("lunes", "cercles", "xor", "spirales", "nuages")
    assert pg.dataset.value == "moons" and pg.activation._options_labels == ("relu", "tanh", "sigmoid")
    assert pg.batch_size._options_labels[-1] == "lot complet"
    assert pg.penalty._options_labels == ("aucune", "L1", "L2")
    assert pg.hidden.placeholder == "ex. 16, 16 (vide : aucune)"
    buttons = [pg.play_button.description, pg.step_button.description, pg.reset_button.description]
    assert buttons == ["Lecture", "Pas", "Réinitialiser"]
    assert pg.player.play.description == "Lecture"
    assert pg.player.labels == ["époque 0", "époque 1", "époque 5"]
    header = pg.children[0].value
    assert header.startswith("<b>Playground</b> : choisissez les données et le réseau, puis "
                             "appuyez sur <i>Lecture</i>")
    assert pg.status.value.startswith("entraînement par défaut (appuyez sur Lecture sous "
                                      "l’animation) : lunes, entrées x₁, x₂, couches cachées (4), "
                                      "relu, exactitude en test <b>")
    assert pg.static_text() == "Playground(lunes, couches cachées (4), relu, 5 époques)"

    # a frame's two axes, drawn by the same piece as the player's frames
    session = PlaygroundSession(epochs=5, hidden=(4,), n_samples=60)
    canvas = frames.FrameCanvas((6.4, 2.9), ncols=2)
    view = run_view(canvas.axes, session)
    session.run()
    view.update(session.network, session.history)
    regions_texts, loss_texts = axes_texts(canvas.axes[0]), axes_texts(canvas.axes[1])
    assert regions_texts[0].startswith("exactitude en entraînement ")
    assert loss_texts[0].startswith("époque 5 : entraînement ")
    assert loss_texts[1:] == ["époque", "perte (entropie croisée)", "entraînement", "test"]
    view.update(session.network, session.history, epoch=-1)
    assert canvas.axes[1].get_title() == "pas encore d’époque"

    pg.dataset.value, pg.hidden.value, pg.epochs.value = "spirals", "3", 3
    pg.play_button.click()
    assert pg.runner.wait(timeout=30)
    assert pg.status.value.startswith("époque 3 sur 3 : perte d’entraînement ")
    assert "exactitude en test <b>" in pg.status.value
    assert pg.neurons_caption.value.startswith("<b>Unités cachées</b> (3) : chaque carte")
    pg.hidden.value = "seize"
    assert "les couches cachées doivent être des nombres entiers séparés par des virgules" \
        in pg.status.value
    assert_french([*labels.values(), *pg.dataset._options_labels, pg.hidden.placeholder, header,
                   *buttons, *pg.player.labels, pg.static_text(), pg.neurons_caption.value,
                   *regions_texts, *loss_texts, pg.status.value])


def test_playground_errors_in_french(french):
    from nbcode.playground import PlaygroundConfig, parse_hidden, train_config

    with pytest.raises(ValueError, match="chaque couche cachée doit avoir entre 1 et 512 unités"):
        parse_hidden("0, 4")
    with pytest.raises(TypeError, match="les couches cachées doivent être des nombres entiers"):
        parse_hidden([1.5])
    with pytest.raises(TypeError, match="réglages du Playground inconnus"):
        PlaygroundConfig(colour="red")
    with pytest.raises(TypeError, match="config doit être un PlaygroundConfig"):
        train_config({"epochs": 3})


def test_agreement_in_french(french):
    text = agreement([1.0, 2.0 + 1e-12], [1.0, 2.0], 1e-8)
    assert text == "formule et différences finies concordent à mieux que 1e-8 près (en valeur relative)"
    # names given by the caller (a chapter's cell, translated there) are used as they are
    assert agreement([3.0], [3.0], 1e-12, names=("nous", "jax.grad")) == \
        "nous et jax.grad concordent à mieux que 1e-12 près (en valeur relative)"
    with pytest.raises(AssertionError) as raised:
        agreement([1.0, 1e-7], [1.0, 0.0], 1e-8)
    assert str(raised.value) == ("formule et différences finies diffèrent de 1.0e-07 (en valeur "
                                 "relative), plus que la borne 1e-8")
    with pytest.raises(ValueError, match="bound doit être un nombre positif"):
        agreement([1.0], [1.0], 0)
    assert_french([text, str(raised.value)])


def test_english_is_unchanged_after_french():
    i18n.set_language("fr")
    assert agreement([1.0], [1.0], 1e-8).startswith("formule")
    i18n.set_language("en")
    assert agreement([1.0], [1.0], 1e-8) == \
        "formula and finite differences agree to better than 1e-8 (relative)"
    from nbcode.widgets import make_controls, slider

    built = make_controls({"learning_rate": slider(1, 0, 3)})
    assert built["learning_rate"].description == "learning rate"


def test_autodiff_in_french(french):
    x = autodiff.Value(2.0, label="x")
    loss = (x * 3.0).tanh()
    loss.backward()
    ax = autodiff.draw_graph(loss)
    boxes = [t.get_text() for t in ax.texts]
    assert any(box.startswith("tanh\n") and "\ngrad " in box for box in boxes)
    with pytest.raises(TypeError, match="data doit être un nombre réel"):
        autodiff.Value("2")
    with pytest.raises(ValueError, match="log demande un nombre positif"):
        autodiff.Value(-1.0).log()
    with pytest.raises(TypeError, match="l’exposant de \\*\\* doit être un nombre constant"):
        x ** x
    with pytest.raises(TypeError, match="l’autre opérande doit être un nombre réel"):
        x + "1"
    with pytest.raises(ZeroDivisionError, match="divise par zéro"):
        autodiff.Value(0.0) ** -1
    with pytest.raises(ValueError, match="le graphe a .* nœuds"):
        autodiff.draw_graph(sum(autodiff.as_values(np.ones(30))), max_nodes=5)
    with pytest.raises(ValueError, match="logits doit avoir la forme"):
        autodiff.mean_cross_entropy(autodiff.as_values(np.ones(3)), np.zeros(3))


def test_gradcheck_and_frames_errors_in_french(french):
    with pytest.raises(TypeError, match="params doit être une liste de tableaux numpy"):
        gradcheck.numerical_gradients(lambda: 0.0, np.ones(2))
    with pytest.raises(TypeError, match="doit être un tableau de flottants"):
        gradcheck.numerical_gradients(lambda: 0.0, [np.ones(2, dtype=int)])
    with pytest.raises(ValueError, match="entries doit contenir des couples"):
        gradcheck.numerical_gradients(lambda: 0.0, [np.ones(2)], entries=[(3, (0,))])
    with pytest.raises(ValueError, match="items doit contenir au moins un élément"):
        frames.render_frames([], lambda scene, item: None)
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="y doit être donné avec X"):
        frames.DecisionRegions(ax, ((0, 1), (0, 1)), X=np.zeros((2, 2)))
    regions = frames.DecisionRegions(ax, ((0, 1), (0, 1)))
    with pytest.raises(ValueError, match="ces régions ont été construites sans points"):
        regions.update(lambda p: np.full(len(p), 0.5), X=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="class_names doit avoir une entrée par classe"):
        frames.scatter_classes(ax, np.zeros((2, 2)), np.array([0, 1]), class_names=["a"])
    with pytest.raises(TypeError, match="model doit avoir une méthode predict_proba"):
        plots.class_probabilities(3, np.zeros((1, 2)))
