"""The exercise checkers of chapters 4-7 in French (issue 20: "the French edition entirely
in French").

Under ``set_language("fr")`` a checker names the mistake in French, and every answer of the
chapters' batteries (tests/battery.py, the chapters' own lists of clever wrong answers) is
judged as in English (passed, failed, "not done yet", KeyboardInterrupt let through) with a
verdict that raises nothing and holds no English of these checkers. Text a verdict quotes
and that is the same in both languages (the student's own exception, a shape, a formula)
is left out of that search. The catalogues nbcode/locale/fr/checks.ch04.po ... ch07.po are
complete, keep every field, and their translations hold no English.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import io
import re
from pathlib import Path

import numpy as np
import polib
import pytest
from battery import judge, wrong_answers

from nbcode.checks import ch04, ch05, ch06, ch07
from nbcode.checks.core import NOT_DONE
from nbcode.i18n import _, language, placeholders, set_language

CATALOGUES = [Path(__file__).resolve().parent.parent / "nbcode" / "locale" / "fr" / f"checks.{m}.po"
              for m in ("ch04", "ch05", "ch06", "ch07")]

#: Common English words that no French verdict may hold (as words, not as parts of
#: identifiers such as ``model.layers``).
ENGLISH = re.compile(r"(?<![\w.])(the|your|you|should|expected|must|with|and|of|is|are|not|has|"
                     r"have|layer|layers|weights|returned|received|case|instead|only|every)"
                     r"(?![\w(]|\.\w)", re.I)


@pytest.fixture
def french():
    previous = language()
    set_language("fr")
    yield
    set_language(previous)


def english_words(text: str) -> list[str]:
    """The English words of ``text``, outside `code` and {fields}."""
    return ENGLISH.findall(re.sub(r"`[^`]*`|\{[^{}]*\}", " ", text))


def french_only(french_text: str, english_text: str, shortest: int = 15) -> str:
    """``french_text`` with what it shares with ``english_text`` blanked out (runs of at
    least ``shortest`` characters: a quoted exception, a formula, a shape, the inputs)."""
    kept = list(french_text)
    matcher = difflib.SequenceMatcher(None, french_text, english_text, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size >= shortest:
            kept[block.a:block.a + block.size] = " " * block.size
    return "".join(kept)


def verdict(checker, answer, code: str):
    """(problem or None, result) of ``checker`` on a battery answer in language ``code``."""
    set_language(code)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            result = checker(answer.answer)
    except BaseException as error:  # noqa: BLE001 - judged below
        if answer.propagates is not None and isinstance(error, answer.propagates):
            return None, None
        return f"the checker raised {type(error).__name__}: {error}", None
    # The phrases a battery asks for are English: the French verdict is judged without them.
    return judge(lambda _answer: result, dataclasses.replace(answer, phrases=())), result


def core_speaks_french() -> bool:
    """Whether nbcode/checks/core.py's messages have their French catalogue."""
    previous = language()
    set_language("fr")
    try:
        return _(NOT_DONE) != NOT_DONE
    finally:
        set_language(previous)


def french_battery_problems(checker, answers) -> list[str]:
    """What goes wrong when the checker judges ``answers`` in French (empty if nothing)."""
    previous = language()
    problems = []
    try:
        for answer in answers:
            english_problem, english = verdict(checker, answer, "en")
            problem, result = verdict(checker, answer, "fr")
            if problem is not None or english_problem is not None:
                problems.append(f"{answer.label}: {problem or english_problem}")
                continue
            if result is None:   # KeyboardInterrupt, let through in both languages
                continue
            if (result.passed, result.not_done) != (english.passed, english.not_done):
                problems.append(f"{answer.label}: judged otherwise in French: {result.message}")
            text = result.text()
            # A verdict all of core's (not a function, a stub, ...) is French once core's own
            # catalogue is: until then only its exercise name, which is these checkers', is.
            same = result.message == english.message and core_speaks_french()
            if same or result.exercise == english.exercise:
                problems.append(f"{answer.label}: not translated: {text}")
            # Core's "not done yet" heads some of these checkers' sentences: core's to translate.
            message = result.message.replace(_(NOT_DONE), " ")
            words = english_words(result.exercise) + english_words(
                french_only(message, english.message))
            if words:
                problems.append(f"{answer.label}: English {words} in: {text}")
    finally:
        set_language(previous)
    return problems


# ------------------------------------------------------------------ the batteries
def _answers(right, specific, generic=wrong_answers):
    return list(generic(right) if generic is not None else []) + list(specific)


def numpy_batteries():
    import test_battery_ch01_04 as b14
    import test_battery_ch05_07 as b57
    import test_checks_ch04 as c04
    import test_checks_ch05 as c05
    import test_checks_ch06 as c06

    suites = []
    for name in ("weight_decay_step", "soft_threshold", "dropout_forward"):
        checker, right, specific = b14.CHECKERS[name]
        suites.append((name, checker, _answers(right, specific)))
    suites.append(("lasso_orthonormal", ch04.check_lasso_orthonormal,
                   _answers(c04.lasso_right, c04.LASSO)))
    for name, checker, right, specific, generic in b57.CHECKERS:
        suites.append((name.removeprefix("check_"), checker, _answers(right, specific, generic)))
    suites.append(("conv_param_grads", ch05.check_conv_param_grads,
                   _answers(c05.right_param_grads, c05.PARAM_GRADS_CASES)))
    suites.append(("ridge_probe", ch06.check_ridge_probe,
                   _answers(c06.right_ridge_probe, c06.RIDGE_PROBE_CASES)))
    return suites


NUMPY_BATTERIES = numpy_batteries()


@pytest.mark.parametrize("name, checker, answers", NUMPY_BATTERIES,
                         ids=[suite[0] for suite in NUMPY_BATTERIES])
def test_the_battery_is_judged_in_french(name, checker, answers):
    assert len(answers) >= 20
    problems = french_battery_problems(checker, answers)
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("nbcode.keras_bridge").keras


def test_the_keras_batteries_are_judged_in_french(keras):
    import test_battery_ch05_07 as b57
    import test_checks_ch07 as c07

    right_builder = b57.cnn(keras, lambda: keras.layers.MaxPooling2D(2), keras.layers.Flatten,
                            lambda: keras.layers.Dense(10))
    callbacks, right_callback = b57.callback_answers(keras)
    suites = [
        (ch07.check_digit_cnn,
         b57.builder_battery(right_builder, keras) + b57.digit_cnn_answers(keras)),
        (ch07.check_epoch_recorder, _answers(right_callback, callbacks,
                                             lambda r: [b57.right("the solution", r)])),
        (ch07.check_kernel_gradient_norms, _answers(c07.right_norms, c07.GRADIENT_NORM_CASES)),
    ]
    problems = []
    for checker, answers in suites:
        assert len(answers) >= 25
        problems += [f"{checker.__name__}: {p}" for p in french_battery_problems(checker, answers)]
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ named mistakes, in French
def test_chapter_4_names_its_mistakes_in_french(french):
    result = ch04.check_weight_decay_step(lambda W, g, lr, l2: W - lr * g)
    assert result.exercise == "un pas de SGD avec décroissance des poids"
    assert result.message.startswith("votre pas ignore la pénalité : le gradient de l2/2")
    result = ch04.check_weight_decay_step(lambda W, g, lr, l2: (1 - lr * l2) * W - lr * g)
    assert result.passed and result.message.startswith("correct : W est multiplié par")
    result = ch04.check_lasso_orthonormal(lambda X, y, lam: X.T @ y / len(y))
    assert "l'estimateur des moindres carrés X^T y / n" in result.message
    # A value check of core's, with this checker's own words for what is judged.
    result = ch04.check_lasso_orthonormal(lambda X, y, lam: None)
    assert result.message.startswith("le vecteur des poids w ")
    if core_speaks_french():
        assert "(cas de test 1 sur 3" in result.message


def test_chapter_5_names_its_mistakes_in_french(french):
    import test_checks_ch05 as c05

    result = ch05.check_output_size(lambda n, k, p, s: (n + 2 * p - k) // s)
    assert result.exercise == "taille de sortie d'une convolution"
    assert result.message == "il vous en manque une : la première fenêtre est en position 0, ajoutez donc 1."
    result = ch05.check_output_size(lambda n, k, p, s: float((n + 2 * p - k) // s + 1))
    assert result.message.startswith("les valeurs sont justes, mais ce ne sont pas des entiers "
                                     "(vous avez renvoyé float)")
    result = ch05.check_correlate2d(lambda x, w, s, p: np.zeros((2, 2)))
    assert "(cas de test 1 sur 5 : x=" in result.message
    result = ch05.check_conv_param_grads(
        lambda *a: (c05.right_param_grads(*a)[0], np.asarray(a[1]).sum(axis=(2, 3))))
    assert result.message.startswith("db a la forme (2, 1) : vous avez sommé G sur les axes 2 et 3 "
                                     "seulement (les positions). Il y a un biais par filtre")
    result = ch05.check_conv_param_grads(c05.right_param_grads)
    assert result.passed and result.message.startswith("correct : dW et db coïncident")


def test_chapter_6_names_its_mistakes_in_french(french):
    import test_battery_ch05_07 as b57

    result = ch06.check_freeze(b57.keras_habit)
    assert result.exercise == "geler les premières couches"
    assert result.message.endswith("Modifier model.trainable n'a aucun effet dans nbcode : "
                                   "chaque couche a son propre attribut.")
    result = ch06.check_n_trainable(lambda model: 3)
    assert result.message.startswith("vous avez donné 3 ; les couches entraînables contiennent ")
    result = ch06.check_new_classifier(lambda model, k, seed=0: ch06.Sequential(model.layers[:1]))
    assert result.message.startswith("le nouveau modèle a 1 couche ; il devrait en avoir autant")
    result = ch06.check_new_classifier(lambda model, k, seed=0: [1, 2])
    assert result.message == "renvoyez un Sequential ; reçu : un objet list ([1, 2])."
    result = ch06.check_ridge_probe(lambda F, y, k, a: (np.zeros((k, np.shape(F)[1])), np.zeros(k)))
    assert result.message.startswith("W a la forme (3, 4) : il envoie les 4 caractéristiques sur "
                                     "les 3 classes")


def test_chapter_7_names_its_mistakes_in_french(french, keras):
    import test_battery_ch05_07 as b57
    import test_checks_ch07 as c07

    L = keras.layers
    softmax = b57.cnn(keras, lambda: L.MaxPooling2D(2), L.Flatten,
                      lambda: L.Dense(10, activation="softmax"))
    result = ch07.check_digit_cnn(softmax)
    assert result.exercise == "un CNN Keras pour les chiffres 8x8"
    assert result.message.startswith("les sorties sont des probabilités (chaque ligne a pour somme 1)")
    two_dense = b57.cnn(keras, lambda: L.MaxPooling2D(2), L.Flatten, lambda: L.Dense(8),
                        lambda: L.Dense(10))
    assert ch07.check_digit_cnn(two_dense).message.startswith("le modèle a 2 couches Dense ;")

    class InitStub(keras.callbacks.Callback):
        def __init__(self):
            raise NotImplementedError

    result = ch07.check_epoch_recorder(InitStub)
    assert result.not_done
    assert result.message == _(NOT_DONE) + " : écrivez __init__ et on_epoch_end."
    result = ch07.check_kernel_gradient_norms(lambda *a: c07.right_norms(*a) ** 2)
    assert result.exercise == "normes des gradients selon la profondeur"
    assert result.message.startswith("vous avez renvoyé les normes au carré")
    result = ch07.check_kernel_gradient_norms(lambda *a: c07.right_norms(*a)[1:])
    assert result.message.endswith("(un MLP à activation sigmoid avec 7 couches Dense, "
                                   "initialisation de Glorot ; attendu : "
                                   + ch07._describe(np.zeros(7)) + ".)")


def test_english_is_unchanged():
    import test_battery_ch05_07 as b57

    assert language() == "en"
    assert ch06.check_freeze(b57.keras_habit).text(width=10_000) == (
        "✗ freezing the first layers: your function changed no layer's trainable flag: set "
        "layer.trainable for every layer of model.layers. Setting model.trainable does nothing "
        "in nbcode: each layer has its own flag.")
    assert ch05.check_output_size(lambda n, k, p, s: float((n + 2 * p - k) // s + 1)).message == (
        "the values are right but not integers (you returned float): return an int (use `//`, "
        "not `/`, or int(...)).")
    assert ch06.check_n_trainable(lambda model: 3).message.startswith(
        "you gave 3; the trainable layers hold ")


# ------------------------------------------------------------------ the catalogues
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_every_message_is_translated_keeps_its_fields_and_holds_no_english(path):
    entries = [e for e in polib.pofile(str(path)) if not e.obsolete]
    assert len(entries) >= 30
    for entry in entries:
        assert entry.translated() and "fuzzy" not in entry.flags, entry.msgid
        forms = ([entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
                 if entry.msgid_plural else [entry.msgstr])
        for translation in forms:
            assert translation != entry.msgid, f"left in English: {entry.msgid!r}"
            assert placeholders(translation) == placeholders(entry.msgid), entry.msgid
            values = {re.split(r"[!:\[.]", field)[0]: 1 for field in placeholders(entry.msgid)}
            translation.format(**values)   # raises on a field the English does not pass
            assert not english_words(translation), (translation, english_words(translation))
