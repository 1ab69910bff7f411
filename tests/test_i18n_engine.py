"""The French edition of nbcode's engine: validation errors, the layers, the models, the
training loop, chapter 1-4 helpers (issue 20).

Under French, the errors that teach a student (NaN in X, a wrong label set, a wrong shape,
a bad learning rate...) are French and still name the problem: the argument, the offending
value or shape. English stays byte-identical (tests/test_bad_inputs.py matches it). The
catalogues of these modules are complete and in step with the code.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import polib  # noqa: E402
import pytest  # noqa: E402

from nbcode import analysis, data, i18n, linear, neuron, nn, parallel, regularization, train  # noqa: E402
from nbcode._validation import as_array, check_callable, check_shape  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["_validation.py", "nn/__init__.py", "nn/activations.py", "nn/layers.py",
           "nn/losses.py", "nn/models.py", "nn/optim.py", "train.py", "linear.py", "neuron.py",
           "regularization.py", "analysis.py", "data.py", "parallel.py"]

X = np.random.default_rng(0).normal(size=(8, 2))
Y01 = np.array([0, 1] * 4)
YPM = 2 * Y01 - 1


@pytest.fixture
def french():
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


def message_of(call, error=(TypeError, ValueError)):
    with pytest.raises(error) as info:
        call()
    return str(info.value) if not isinstance(info.value, KeyError) else info.value.args[0]


def assert_french(message, *shown):
    """French (its words, the French colon), with no English left, naming ``shown``."""
    assert re.search(" [;:] ", message), f"no French punctuation in {message!r}"
    english = re.findall(r"\b(must|received|expected|should|the|with|one per)\b", message)
    assert not english, f"English left ({english}) in {message!r}"
    for text in shown:
        assert text in message, f"{text!r} not in {message!r}"


# --------------------------------------------------------------------------- validation errors
def test_nan_in_X_is_refused_in_french_with_its_index(french):
    X_nan = X.copy()
    X_nan[3, 1] = math.nan
    message = message_of(lambda: nn.MLP(2, (3,)).fit(X_nan, Y01, epochs=1))
    assert message.startswith("X ne doit contenir que des nombres finis ; reçu : 1 valeur(s) NaN")
    assert_french(message, "l’indice (3, 1)")


def test_infinite_learning_rate_and_negative_rate(french):
    assert_french(message_of(lambda: nn.SGD(math.inf)),
                  "learning_rate doit être un nombre fini (un nombre > 0)", "inf")
    message = message_of(lambda: nn.SGD(-0.1))
    assert_french(message, "learning_rate doit être > 0 ; reçu : -0.1", "un taux négatif")
    assert_french(message_of(lambda: nn.Adam("0.1")),
                  "learning_rate doit être un nombre > 0 ou un calendrier", "'0.1' (str)")
    assert_french(message_of(lambda: linear.LinearRegressionGD(learning_rate=0)),
                  "learning_rate doit être > 0 ; reçu : 0")


def test_a_wrong_label_set_says_how_to_convert(french):
    message = message_of(lambda: linear.LogisticRegressionGD(n_epochs=1).fit(X, Y01))
    assert_french(message, "y ne doit contenir que les étiquettes [-1, 1]", "[0, 1]",
                  "Convertissez des étiquettes 0/1 avec 2 * y - 1.")
    message = message_of(lambda: neuron.Neuron(loss="cross_entropy").fit(X, YPM))
    assert_french(message, "des valeurs de -1 à 1", "(y + 1) // 2")
    assert_french(message_of(lambda: data.to_plus_minus(YPM)),
                  "y est déjà dans {-1, +1} : utilisez-le tel quel.")
    assert_french(message_of(lambda: nn.one_hot([0, 3], 3)), "0, ..., 2 (n_classes = 3)",
                  "des étiquettes de 0 à 3")
    model = nn.MLP(2, (3,)).fit(X, Y01, epochs=1)
    assert_french(message_of(lambda: model.score(X, Y01 + 5)), "classes_ = [0, 1]", "[5, 6]")


def test_wrong_shapes_name_the_shapes(french):
    assert_french(message_of(lambda: nn.dense_forward(X, np.zeros((3, 4)), np.zeros(4))),
                  "W doit avoir la forme (n_in, n_out) = (2, n_out)", "(8, 2)", "(3, 4)")
    assert_french(message_of(lambda: nn.dense_forward(X, np.zeros((2, 4)), np.zeros(3))),
                  "b doit avoir la forme (4,) (un biais par unité, c’est-à-dire par colonne de W)",
                  "(3,)")
    message = message_of(lambda: nn.softmax_cross_entropy(np.zeros((8, 3)), Y01[:, None]))
    assert_french(message, "y doit être un tableau 1-D", "(8, 1) (2-D)",
                  "Vouliez-vous écrire y.ravel()")
    message = message_of(lambda: nn.binary_cross_entropy(np.full(8, 0.5), Y01[:, None]))
    assert_french(message, "p et y doivent avoir la même forme", "(8,) et (8, 1)",
                  "Redimensionnez avec y = y.reshape(p.shape)")
    assert_french(message_of(lambda: nn.MLP(3, (4,)).fit(X, Y01, epochs=1)),
                  "X doit avoir la forme (n, 3) pour ce modèle", "(8, 2)")
    assert_french(message_of(lambda: linear.ols_loss([0.0, 1.0], X, X[:, 0])),
                  "beta doit avoir la forme (p + 1,) = (3,)", "terme constant", "(2,)")
    assert_french(message_of(lambda: nn.Conv2D(1, 2).forward(np.zeros((2, 3, 6, 6)))),
                  "Conv2D(in_channels=1) attend x de forme (n, 1, hauteur, largeur)",
                  "(2, 3, 6, 6)")
    assert_french(message_of(lambda: nn.conv_output_size(6, 3, 0, 2)),
                  "ne parcourt pas exactement l’entrée", "= 3 n’est pas un multiple de stride")
    assert_french(message_of(lambda: as_array(np.zeros((2, 3)), "Z", shape=(2, 4))),
                  "Z doit avoir la forme (2, 4)", "l’axe 1 est de longueur 3 au lieu de 4")


def test_layers_and_models_refuse_misuse_in_french(french):
    assert_french(message_of(lambda: nn.Dropout(1.5)),
                  "rate doit être dans [0, 1) (la probabilité d’annuler une unité) ; reçu : 1.5")
    assert_french(message_of(lambda: nn.MLP(2, (3, 2.5))),
                  "n_hidden (chaque élément de hidden) doit être un entier > 0", "2.5")
    assert_french(message_of(lambda: nn.get_activation("relux")),
                  "activation doit être l’un des noms", "'relux'")
    assert_french(message_of(lambda: nn.Sequential().fit(X, Y01)),
                  "le modèle n’a aucune couche (reçu : Sequential([]))")
    message = message_of(lambda: nn.Dense(2, 3).backward(np.zeros((1, 3))), RuntimeError)
    assert message == "Dense.backward appelé avant forward."
    message = message_of(lambda: linear.LinearRegressionGD().predict(X), RuntimeError)
    assert message == "Ce modèle LinearRegressionGD n’est pas encore entraîné : appelez d’abord fit(X, y)."
    assert_french(message_of(lambda: nn.MLP(2, (3,), 3).fit(X, Y01 * 1.5, epochs=1)),
                  "y doit contenir des indices de classe entiers 0, ..., 2",
                  "(1.5 n’est pas un entier)")


def test_fragments_passed_by_callers_are_translated_where_the_message_is_made(french):
    # A caller marks its piece with N_(); the validator translates it (not the name: code).
    assert_french(message_of(lambda: check_callable(3, "gradient", "beta -> the gradient at beta")),
                  "gradient doit être appelable (beta -> le gradient en beta) ; reçu : 3 (int)")
    assert_french(message_of(lambda: check_callable(3, "f")), "(une fonction)")
    assert_french(message_of(lambda: check_shape(np.zeros(2), (3,), "b",
                                                 " (one bias per filter, W.shape[0])")),
                  "b doit avoir la forme (3,) (un biais par filtre, W.shape[0])")


def test_the_training_loop_speaks_french(french):
    stopper = train.EarlyStopping(patience=2)
    message = message_of(lambda: nn.MLP(2, (3,)).fit(X, Y01, epochs=3, callbacks=[stopper]),
                         KeyError)
    assert_french(message, "EarlyStopping surveille 'val_loss'", "données de validation à fit()")
    assert_french(message_of(lambda: train.Recorder(epochs=[1], steps=[2])),
                  "donnez à Recorder epochs ou steps, pas les deux")
    assert_french(message_of(lambda: train.Recorder(steps=[-1])),
                  "steps (chaque nombre de mises à jour) doit être ≥ 0 ; reçu : -1")
    assert_french(message_of(lambda: train.fit(None, 3, 4, epochs=1)),
                  "update doit être appelable (un lot d’indices -> la perte du lot (ou None))")
    assert_french(message_of(lambda: nn.CosineDecay(0.1, 10, final=0.5)),
                  "final doit être au plus égal à initial (0.1)", "0.5")
    assert_french(message_of(lambda: nn.SGD(lambda step: -1.0)),
                  "learning_rate est un calendrier", "learning_rate(0) a renvoyé -1.0")


def test_helpers_of_chapters_1_to_4_speak_french(french):
    assert_french(message_of(lambda: data.make_spirals(n_classes=1)),
                  "n_classes doit valoir au moins 2 ; reçu : 1")
    assert_french(message_of(lambda: data.make_circles(factor=1.2)),
                  "(le rayon du cercle intérieur divisé par celui du cercle extérieur)", "1.2")
    assert_french(message_of(lambda: regularization.penalized_loss(nn.MLP(2, (3,), 3), X, Y01)),
                  "model doit avoir 1 unité de sortie", "un modèle à 3 sorties")
    assert_french(message_of(lambda: analysis.hidden_representation(nn.MLP(2, ()), X)),
                  "model n’a pas de couche cachée", "1 couche(s) Dense")
    assert_french(message_of(lambda: parallel.resolve_n_jobs(0)),
                  "n_jobs doit être un entier non nul", "reçu : 0")


# --------------------------------------------------------------------------- what is shown
def test_model_summary_table_is_french(french):
    text = str(nn.MLP(2, (4,), 3).summary())
    lines = text.splitlines()
    assert lines[0].split() == ["Couche", "(type)", "Forme", "de", "sortie", "Paramètres"]
    assert lines[2].startswith("dense_1 (Dense)") and lines[2].endswith("12")
    assert lines[-3:] == ["Paramètres au total : 27", "Paramètres entraînables : 27",
                          "Paramètres non entraînables : 0"]


def test_accuracy_table_headers_are_french(french):
    table = regularization.accuracy_table({"L2, lambda = 0.01": (0.9, 0.8, 0.75)})
    head, rule, row = table.splitlines()
    assert head.split() == ["méthode", "entraînement", "validation", "test"]
    assert row.split() == ["L2,", "lambda", "=", "0.01", "90.0%", "80.0%", "75.0%"]
    assert len(head) == len(rule) == len(row)   # the columns stay aligned
    assert head.index("entraînement") + len("entraînement") == row.index("90.0%") + len("90.0%")


def test_figures_are_french(french):
    model = nn.MLP(2, (4,))
    axes = regularization.plot_weight_histograms({"L2": model})
    assert axes[0].get_title() == "L2\nnuls : 0%, |w| < 0.001 : 0%"
    assert axes[0].get_xlabel() == "valeur du poids w"
    assert axes[0].get_ylabel() == "nombre de poids (log)"
    result = {"lambdas": np.array([0.01, 0.1]), "bias2": np.array([0.1, 0.2]),
              "variance": np.array([0.2, 0.1]), "noise2": 0.09, "error": np.array([0.4, 0.4])}
    ax = regularization.plot_bias_variance(result)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "biais²", "variance", "bruit σ²", "biais² + variance + σ²", "erreur de test mesurée"]
    assert ax.get_xlabel() == "intensité ridge lambda (échelle log ; plus flexible à droite)"
    assert ax.get_ylabel() == "erreur quadratique"
    ax = neuron.draw_neuron(plt.subplots()[1])
    texts = [t.get_text() for t in ax.texts]
    assert "pré-activation" in texts and "activation" in texts and "pre-activation" not in texts
    plt.close("all")


def test_english_is_unchanged():
    assert i18n.language() == "en"
    X_nan = X.copy()
    X_nan[3, 1] = math.nan
    assert message_of(lambda: nn.MLP(2, (3,)).fit(X_nan, Y01, epochs=1)) == (
        "X must contain only finite numbers; received 1 NaN or infinite value(s), the first at "
        "index (3, 1).")
    assert message_of(lambda: nn.Dropout(1.5)) == (
        "rate must be in [0, 1) (the probability of dropping a unit); received 1.5.")
    assert str(nn.MLP(2, (4,), 3).summary()).splitlines()[-3:] == [
        "Total params: 27", "Trainable params: 27", "Non-trainable params: 0"]


# --------------------------------------------------------------------------- the catalogues
def test_catalogues_are_complete_and_in_step_with_the_code():
    from bookbuild.i18n import module_catalogue, nbcode_messages

    for module in MODULES:
        path = ROOT / "nbcode" / module
        messages = {(m, p or None) for m, p, _line in nbcode_messages(path)}
        target = module_catalogue(path)
        if not messages:
            assert not target.is_file(), f"{target.name}: {module} has no messages"
            continue
        catalogue = polib.pofile(str(target))
        entries = {(e.msgid, e.msgid_plural or None): e for e in catalogue if not e.obsolete}
        assert set(entries) == messages, f"{target.name} is not in step with {module}: " \
            "run scripts/i18n.py nbcode on it"
        for entry in entries.values():
            assert entry.translated() and "fuzzy" not in entry.flags, entry.msgid
            assert i18n.placeholders(entry.msgid) == i18n.placeholders(entry.msgstr), entry.msgid
            assert entry.msgid.startswith(" ") == entry.msgstr.startswith(" "), entry.msgid
