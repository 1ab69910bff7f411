"""The checkers of chapters 1-3 and their machinery (nbcode.checks.core) speak French.

Under ``set_language("fr")`` every verdict a student sees (the exercise's name, the
message, "not done yet", the "✓ exercise : message" line, the descriptions of values) is
French, and the checkers judge exactly as in English: the same answers pass, the same are
"not done yet", and the same diagnosis is made (``CheckResult.kind``), since no logic reads
a message. The clever-wrong-answer batteries of chapters 1-3 (tests/battery.py and the
chapters' lists) are run in both languages to prove it, and no French verdict may hold a
common English word.
"""

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import polib
import pytest
import test_battery_ch01_04 as chapters
import test_checks_ch01
import test_checks_ch02
import test_checks_ch03
from battery import _collect, wrong_answers, wrong_values

from nbcode import linear
from nbcode.checks import ch01, ch02, ch03
from nbcode.checks.core import (
    NOT_DONE,
    CheckResult,
    call_student,
    check_array_answer,
    check_function,
    check_tuple_answer,
    check_value,
)
from nbcode.i18n import _, placeholders, set_language

LOCALE = Path(__file__).resolve().parent.parent / "nbcode" / "locale" / "fr"
CATALOGUES = ["checks.core", "checks.ch01", "checks.ch02", "checks.ch03"]
ENGLISH = (" the ", " your ", " should ", " expected ", "not done", " is ", " of ", " with ",
           " you ", " and ", " must ", " returned ", " received ", " function ", " mistake")


@pytest.fixture
def french():
    set_language("fr")
    try:
        yield
    finally:
        set_language("en")


def in_language(code, function, *args):
    set_language(code)
    try:
        return function(*args)
    finally:
        set_language("en")


# ------------------------------------------------------------------ the catalogues
@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_is_translated_with_its_fields(name):
    catalogue = polib.pofile(str(LOCALE / f"{name}.po"))
    assert len(catalogue) > 0
    for entry in catalogue:
        assert "fuzzy" not in entry.flags, entry.msgid
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert all(forms), f"{name}: untranslated {entry.msgid!r}"
        for form in forms:
            assert placeholders(form) == placeholders(entry.msgid), (entry.msgid, form)
            assert form.count("`") == entry.msgid.count("`"), (entry.msgid, form)


def test_not_done_stays_an_english_constant_shown_through_the_catalogue(french):
    assert NOT_DONE == "not done yet"
    assert _(NOT_DONE) == "pas encore fait"


# ------------------------------------------------------------------ the core in French
def test_the_verdict_line(french):
    result = CheckResult("démo", True, "bien.")
    assert result.text() == "✓ démo : bien."
    assert repr(CheckResult("démo", False, "faux.", not_done=True)) == "… démo : faux."
    # French puts a space before ":" and ";": a wrapped line never starts with one.
    long = CheckResult("démo", False, "un mot ; " * 30 + "fin : oui")
    assert all(not line.lstrip().startswith((":", ";")) for line in long.text(40).splitlines())


@pytest.mark.parametrize(("answer", "phrase"), [
    (None, "vaut None : avez-vous oublié l'instruction `return` ?"),
    ("abc", "est la chaîne de caractères 'abc', pas un nombre"),
    (np.zeros((3, 1)), "Le nombre d'éléments est le bon : vérifiez l'orientation"),
    (np.zeros(4), "x a la forme (4,) ; la forme attendue est (3,)."),
    (-np.array([1.0, 2.0, 3.0]), "x a le mauvais signe"),
    (2 * np.array([1.0, 2.0, 3.0]), "diffère de la bonne réponse d'un facteur 2"),
    (7 * np.array([1.0, 2.0, 3.0]), "dans un rapport constant de 7 avec la bonne réponse"),
    (np.array([1.0, 2.0, 4.0]), "le plus grand écart est 1 à l'indice (2,) (vous avez donné 4,"),
    (np.array([1.0, np.nan, 3.0]), "contient des valeurs NaN ou infinies"),
    ((1.0, None, 3.0), "x est un tuple de 3 éléments ; un seul tableau était attendu"),
    ([1.0, None, 3.0], "x contient None à l'indice (1,) : chaque élément doit être un nombre."),
    (np.array([True, False, True]), "contient des booléens (True/False)"),
    (print, "est une fonction (print), pas des nombres : appelez-la"),
    ({"a": 1.0}, "x est un objet dict ; des nombres étaient attendus"),
])
def test_array_diagnoses_in_french(french, answer, phrase):
    message = check_array_answer(answer, np.array([1.0, 2.0, 3.0]), what="x")
    assert phrase in message


def test_defaults_plurals_and_descriptions(french):
    assert check_array_answer(None, 1.0).startswith("votre résultat vaut None")
    assert "un tuple de 1 élément ;" in check_array_answer((None,), 1.0)
    assert "un tuple de 0 élément ;" in check_array_answer((), 1.0)
    assert check_tuple_answer([1, 2, 3], 2, "une paire") == (
        "renvoyez une paire ; reçu : un objet list de 3 éléments.")
    assert check_tuple_answer((None,), 2, "une paire").endswith("1 élément (contenant None).")
    assert check_tuple_answer(7, 2, "une paire") == "renvoyez une paire ; reçu : int 7."
    value = check_value(..., 3.0, exercise="valeur")
    assert value.not_done and value.message == "pas encore fait : remplacez `...` par votre réponse."
    assert check_value(3.0, 3.0, exercise="valeur").message == "correct."
    assert check_value(2.0, 3.0, exercise="valeur").message.startswith("votre réponse ne correspond pas")


def test_calling_the_student_in_french(french):
    def stub(x):
        raise NotImplementedError

    def broken(x):
        return x.undefined

    result = check_function(stub, lambda x: x, [(np.ones(2),)], exercise="démo")
    assert result.not_done and result.kind == "not done"
    assert result.text() == ("… démo : pas encore fait : remplacez `raise NotImplementedError` "
                             "par votre code.")
    result = check_function(broken, lambda x: x, [(np.ones(2),)], exercise="démo")
    assert result.kind == "raised" and "votre fonction a levé AttributeError" in result.message
    assert "Elle a été appelée avec un tableau de forme (2,)." in result.message
    result = check_function(lambda x: x * 3, lambda x: x, [(np.ones(2),), (np.ones(3),)],
                            exercise="démo")
    assert result.kind == "proportional" and result.message.endswith(
        "(cas de test 1 sur 2, entrées : un tableau de forme (2,))")

    def centre(X):
        X -= X.mean(axis=0)
        return X

    _, failure = call_student(centre, (np.arange(6.0).reshape(3, 2),), "démo")
    assert failure.kind == "in place"
    assert "votre fonction a modifié son argument X sur place (éléments modifiés : 6 sur 6" \
        in failure.message and "`X = X.copy()`" in failure.message
    _, failure = call_student(lambda items: items.append(1), ([0],), "démo")
    assert "sa longueur est passée de 1 à 2" in failure.message
    _, failure = call_student(print, (1.0,), "démo")
    assert failure.kind == "printed" and "a affiché son résultat" in failure.message
    assert call_student(42, (), "démo")[1].message == "une fonction était attendue ; reçu : int 42."


def test_english_is_back_after_french():
    in_language("fr", ch01.check_gradient_step, lambda b, g, lr: b + lr * g)
    result = ch01.check_gradient_step(lambda b, g, lr: b + lr * g)
    assert result.text().startswith("✗ one gradient-descent step: your step goes *up*")


# ------------------------------------------------------------------ the chapters in French
def test_chapter_verdicts_in_french(french):
    assert ch01.check_ols_gradient(linear.ols_gradient).text(200) == (
        "✓ gradient de la perte quadratique : correct : votre gradient concorde avec la formule "
        "et avec les différences finies.")
    step = ch01.check_gradient_step(lambda b, g, lr: b - g)
    assert step.message == ("votre pas ne tient pas compte du taux d'apprentissage : il faut "
                            "beta - learning_rate × gradient.")
    logistic = ch01.check_logistic_gradient(
        lambda b, X, y: -chapters.ones_and(X).T @ (y - chapters.sigmoid(b[0] + X @ b[1:])))
    assert "{0, 1}" in logistic.message and "{{" not in logistic.message
    X = chapters.X3
    eta = ch01.check_learning_rate_limit(chapters.ETA / 2, X)
    assert eta.exercise == "plus grand taux d'apprentissage stable"
    assert eta.message.startswith("c'est 1 / lambda_max, décalé d'un facteur 0.5")
    adam = ch01.check_adam_step(test_checks_ch01.without_correction)
    assert adam.message.startswith("c'est le pas d'Adam sans la correction du biais")
    assert "beta est juste, mais le nouveau m" in ch01.check_adam_step(
        test_checks_ch01.old_moments).message
    assert ch02.check_perceptron_epoch(chapters.perceptron_variant(strict=True)).message \
        .startswith("vous ne mettez à jour que si y_i o_i < 0")
    assert "la paire est dans le mauvais ordre" in ch02.check_perceptron_epoch(
        lambda *a: chapters.perceptron_right(*a)[::-1]).message
    probit = ch02.check_probit_gradient(lambda *case: -test_checks_ch02.right_probit_gradient(*case))
    assert probit.exercise == "entropie croisée d'un neurone probit"
    assert "le gradient a le mauvais signe" in probit.message
    hidden = ch03.check_hidden_layer_gradients(
        lambda *case: ch03.reference_hidden_layer_gradients(*case, mean=False))
    assert hidden.message.startswith("dW1 est le gradient de la perte sommée")
    assert hidden.message.endswith("(cas de test 1 sur 3)")
    node = ch03.check_sigmoid_node(test_checks_ch03.NODE_MISTAKES[0].answer)
    assert node.message.startswith("x.grad est affecté au lieu d'être accumulé")
    assert node.message.endswith("(graphe 3 sur 4 : sigmoid(x) * x, x = 0.9 : x utilisé deux fois)")
    assert ch03.check_sigmoid_node(test_checks_ch03.RIGHT_NODE).message.endswith(
        "votre sigmoïde est un seul nœud avec sa propre règle locale.")


def test_the_finite_differences_diagnosis_is_reached_in_french(french):
    """The comparison with finite differences follows a generic mismatch (its kind, not its
    English words): it is made in French too."""
    squared = ch01.check_ols_gradient(
        lambda b, X, y: -chapters.ones_and(X).T @ (y - chapters.ones_and(X) @ b) ** 2)
    assert squared.message.startswith("votre gradient ne correspond pas aux différences finies sur")
    neuron = ch02.check_neuron_gradient(
        lambda b, X, y, act: chapters.neuron_right(b, X, y, "sigmoid"))
    assert neuron.message.startswith("avec l'activation 'tanh', votre gradient ne correspond pas "
                                     "aux différences finies sur")


# ------------------------------------------------------------------ the batteries in both languages
def _battery():
    """(checker name, checker, Answer) for every answer of the chapter 1-3 batteries."""
    items = []
    for name, (checker, right, specific) in chapters.CHECKERS.items():
        if checker.__module__ in (ch01.__name__, ch02.__name__, ch03.__name__):
            items += [(name, checker, a) for a in _collect(right, specific, wrong_answers)]
    items += [("learning_rate_limit", lambda v: ch01.check_learning_rate_limit(v, chapters.X3), a)
              for a in _collect(chapters.ETA, chapters.ETA_MISTAKES, wrong_values)]
    items += [("adam_step", ch01.check_adam_step, a)
              for a in _collect(test_checks_ch01.adam_step, test_checks_ch01.CASES, wrong_answers)]
    items += [("probit_gradient", ch02.check_probit_gradient, a)
              for a in _collect(test_checks_ch02.right_probit_gradient,
                                test_checks_ch02.PROBIT_MISTAKES, wrong_answers)]
    items += [("sigmoid_node", ch03.check_sigmoid_node, a)
              for a in _collect(test_checks_ch03.RIGHT_NODE, test_checks_ch03.NODE_MISTAKES,
                                test_checks_ch03.node_answers)]
    return items


BATTERY = _battery()


def _judge(code, checker, answer):
    set_language(code)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return checker(answer.answer)
    except BaseException as error:  # noqa: BLE001 - what it raised is the verdict
        return error
    finally:
        set_language("en")


def _own_words(message):
    """The message without what is not the checker's: code between backticks, and the text
    of an exception that the student's code (or a library it called) raised."""
    message = re.sub(r"`[^`]*`", "``", message)
    return re.sub(r"a levé \w+(: .*?)?(?= \(ligne \d+ :|\. Elle a été appelée| \(graphe )", "a levé",
                  message, flags=re.S)


def test_the_battery_is_the_whole_battery():
    assert len(BATTERY) >= 450
    assert {name for name, _, _ in BATTERY} >= {
        "ols_gradient", "gradient_step", "logistic_gradient", "learning_rate_limit", "adam_step",
        "sigmoid_derivative", "neuron_gradient", "perceptron_epoch", "probit_gradient",
        "softmax_ce_gradient", "hidden_layer_gradients", "fgsm_step", "sigmoid_node"}


@pytest.mark.parametrize(("name", "checker", "answer"),
                         [pytest.param(*item, id=f"{item[0]}-{item[2].label}") for item in BATTERY])
def test_battery_in_french(name, checker, answer):
    english, french = _judge("en", checker, answer), _judge("fr", checker, answer)
    if answer.propagates is not None:
        assert isinstance(english, answer.propagates) and isinstance(french, answer.propagates)
        return
    assert isinstance(french, CheckResult), f"the checker raised in French: {french!r}"
    assert isinstance(english, CheckResult)
    # The same judgement in both languages: no logic reads the (translated) message.
    assert (french.passed, french.not_done, french.kind) == (
        english.passed, english.not_done, english.kind), (english.message, french.message)
    assert french.message.strip() and "Traceback" not in french.message
    text = in_language("fr", french.text)
    assert text.startswith(f"{text[0]} {french.exercise} : ")
    assert french.exercise != english.exercise and french.message != english.message, text
    own = _own_words(" " + text.replace("\n  ", " ") + " ")
    found = [word for word in ENGLISH if word in own]
    assert not found, f"English {found} in: {text}"
    if answer.not_done:
        assert "pas encore fait" in french.message
