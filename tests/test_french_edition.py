"""The French edition, entirely in French: nbcode's messages, the chapters' printed literals,
and what the French execution produced (outputs, figures, widgets, verdicts).

The first tests need only the repository: every message nbcode shows is in its module's
catalogue (nbcode/locale/fr) with a French translation keeping the same fields, and every
literal the chapters' cells show is translated (nbcode/locale/fr/chapters) by a rewrite
that changes nothing but the literal. The tests marked ``site`` read what `make book` built:
the French execution's cache, the texts its figures drew, the French student editions and
the French PDF; any English left there fails, word by word.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import polib
import pytest

from bookbuild import i18n as book_i18n
from bookbuild.cache import TEXTS, cache_path, chapters
from nbcode import i18n

ROOT = Path(__file__).resolve().parent.parent
NBCODE = ROOT / "nbcode"
MODULES = sorted(p for p in NBCODE.rglob("*.py") if book_i18n.nbcode_messages(p))
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _entries(path: Path):
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]


def _translations(entry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural \
        else [entry.msgstr]


# --- the catalogues ----------------------------------------------------------------------

def test_nbcode_speaks_french_in_many_modules():
    names = {p.relative_to(NBCODE).as_posix() for p in MODULES}
    for module in ("checks/core.py", "checks/ch01.py", "checks/ch07.py", "plots.py", "widgets.py",
                   "_validation.py", "transfer.py", "notebook.py"):
        assert module in names, f"nbcode/{module} shows no message through nbcode.i18n"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.relative_to(NBCODE).as_posix())
def test_every_message_of_a_module_is_in_its_catalogue_and_translated(module):
    wanted = {(m, p) for m, p, _ in book_i18n.nbcode_messages(module)}
    path = book_i18n.module_catalogue(module)
    assert path.is_file(), f"no {path.relative_to(ROOT)}: run `python scripts/i18n.py nbcode {module}`"
    entries = _entries(path)
    present = {(e.msgid, e.msgid_plural or None) for e in entries}
    missing = sorted(wanted - present, key=str)
    assert not missing, (f"{len(missing)} messages of {module.name} are not in "
                         f"{path.name} (run scripts/i18n.py nbcode), e.g. {missing[0]}")
    stale = sorted(present - wanted, key=str)
    assert not stale, f"{path.name} holds {len(stale)} messages {module.name} no longer has: {stale[0]}"
    for entry in entries:
        for translation in _translations(entry):
            assert translation and "fuzzy" not in entry.flags, f"untranslated: {entry.msgid!r}"
            assert i18n.placeholders(translation) == i18n.placeholders(entry.msgid), (
                f"{path.name}: the translation of {entry.msgid!r} has other fields: {translation!r}")


def test_no_catalogue_is_left_without_its_module():
    modules = {book_i18n.module_catalogue(p) for p in MODULES}
    orphans = [p.name for p in (NBCODE / "locale" / "fr").glob("*.po") if p not in modules]
    assert not orphans, f"catalogues of no module: {orphans}"


def _strings_blanked(tree: ast.AST) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = "<text>"
        if isinstance(node, ast.JoinedStr):   # an f-string's fields must stay; its text may change
            node.values = [v for v in node.values if not isinstance(v, ast.Constant)]
    return ast.dump(tree)


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_the_literals_a_chapter_shows_are_translated_and_only_they_change(notebook):
    path = i18n.LOCALE / "fr" / "chapters" / f"{notebook.stem}.po"
    entries = {e.msgid: e for e in _entries(path)}
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    shown = {text for cell in cells for text in i18n.display_literals(cell.source)}
    assert shown <= set(entries), (f"{len(shown - set(entries))} literals are not in {path.name} "
                                   f"(run scripts/i18n.py code), e.g. {sorted(shown - set(entries))[0]!r}")
    assert set(entries) <= shown, f"{path.name} holds literals the chapter no longer shows"
    messages = {}
    for msgid, entry in entries.items():
        assert entry.msgstr and "fuzzy" not in entry.flags, f"untranslated: {msgid!r}"
        # a translated line may widen a column ({name:12s} for {name:10s}), nothing else
        assert i18n.placeholders(entry.msgstr, widths=False) == i18n.placeholders(msgid, widths=False), (
            f"the translation of {msgid!r} has other fields: {entry.msgstr!r}")
        messages[msgid] = entry.msgstr
    for cell in cells:
        translated = i18n.translate_code(cell.source, messages)   # raises on a quote in a translation
        assert _strings_blanked(ast.parse(translated)) == _strings_blanked(ast.parse(cell.source))
        assert not set(i18n.display_literals(translated)) & {m for m, t in messages.items() if m != t}


# --- finding English ---------------------------------------------------------------------

def _words(text: str) -> set[str]:
    """The words of ``text`` outside code: fenced blocks, `code`, math, {fields}, addresses,
    keyword arguments (``converged=True``), attributes and calls are left out."""
    text = re.sub(r"```.*?```|\$\$.*?\$\$", " ", text, flags=re.S)
    text = re.sub(r"\$[^$]*\$|`[^`]*`|\{[^{}]*\}|https?://\S+", " ", text)
    return {w.lower() for w in re.findall(r"(?<![\w.'’-])[A-Za-z][a-z]{2,}(?![\w.(=-])", text)}


def english_vocabulary() -> set[str]:
    """Words of the English messages that no French translation uses.

    The English side: every message of nbcode and every literal of the chapters, plus the
    prose's msgids and a list of common words. What French also writes (proper names,
    code, ``ReLU``, ``test``, ``Adam``) is taken out, so what is left is English only.
    """
    english, french = set(COMMON_ENGLISH), set()
    paths = sorted((NBCODE / "locale" / "fr").rglob("*.po")) + sorted(
        (ROOT / "locales" / "fr" / "LC_MESSAGES").rglob("*.po"))
    for path in paths:
        for entry in _entries(path):
            english |= _words(entry.msgid) | _words(entry.msgid_plural or "")
            for translation in _translations(entry):
                french |= _words(translation)
    # The common words stay English even where the French prose quotes one ("adversarial
    # training"): only FRENCH_TOO says otherwise.
    return (english - french - FRENCH_TOO) | (COMMON_ENGLISH - FRENCH_TOO)


COMMON_ENGLISH = {
    "the", "and", "with", "from", "after", "before", "your", "you", "should", "expected",
    "epoch", "epochs", "step", "steps", "loss", "accuracy", "training", "train", "weights",
    "layer", "layers", "learning", "rate", "not", "done", "yet", "wrong", "got",
    "shape", "must", "than", "less", "more", "each", "every", "which", "this", "that", "are",
    "mean", "best", "first", "last", "stopped", "validation", "features", "hidden", "units",
    "boundary", "decision", "class", "classes", "label", "labels", "update", "updates",
    "frozen", "scratch", "play", "reset", "faster", "slower", "filter", "filters"}
#: English words that are also French, or names the French text keeps.
FRENCH_TOO = {"test", "validation", "classes", "options", "max", "min", "minimum", "maximum",
              "batch", "type", "total", "simple", "moment", "image", "images", "note", "parameters",
              "dropout", "sigmoid",
              "softmax", "tanh", "relu", "keras", "numpy", "jax", "scipy", "adam", "lasso",
              "digits", "moons", "circles", "spirals", "blobs", "xor", "sobel", "china", "mnist",
              "bfgs", "he", "glorot", "rosenblatt", "novikoff", "perceptron", "momentum",
              "rmsprop", "sgd", "pca"}


def _code_names() -> set[str]:
    from nbcode.nn.activations import ACTIVATIONS

    return set(ACTIVATIONS)


#: Texts that are a name the code takes (activation="step"): code, in both editions.
CODE_NAMES = _code_names()


def english_in(text: str, vocabulary: set[str]) -> list[str]:
    if text.strip() in CODE_NAMES:
        return []
    return sorted(_words(text) & vocabulary)


@pytest.fixture(scope="module")
def vocabulary():
    return english_vocabulary()


def test_the_english_finder_finds_english_and_passes_french(vocabulary):
    assert english_in("training loss after 20 epochs: 0.25", vocabulary) == \
        ["after", "epochs", "loss", "training"]
    assert english_in("perte d'entraînement après 20 époques : 0.25", vocabulary) == []
    assert english_in("✓ Exercice 1 : correct, votre gradient est juste (np.mean, `lr`)", vocabulary) == []


# --- what the French execution produced (needs `make book`) ------------------------------

def _french_notebooks():
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path("fr")))
    found = {}
    for path in chapters():
        notebook = nbformat.read(path, as_version=4)
        if not any(c.cell_type == "code" for c in notebook.cells):
            continue
        try:
            record = cache.match_cache_notebook(notebook)
        except KeyError:
            pytest.fail(f"{path.name} is not in the French execution's cache: run `make book`",
                        pytrace=False)
        found[path.stem] = cache.get_cache_bundle(record.pk).nb
    return found


def _output_texts(notebook) -> list[tuple[str, str]]:
    """(where, text) of everything a reader sees of a notebook's outputs and widgets."""
    texts = []
    for index, cell in enumerate(notebook.cells):
        index = f"{index} ({cell.source.splitlines()[0][:40]!r})" if cell.source else index
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                texts.append((f"cell {index}", output["text"]))
            data = output.get("data", {})
            # A reader sees the richest representation; text/plain beside it is a repr.
            richer = any(m in data for m in ("text/html", "text/markdown", "image/png",
                                             "application/vnd.jupyter.widget-view+json"))
            for mime in ("text/plain", "text/html", "text/markdown",
                         "application/papermill.record/text/plain"):
                if mime in data and not (richer and mime == "text/plain"):
                    text = data[mime] if isinstance(data[mime], str) else "".join(data[mime])
                    if mime == "text/html":
                        text = re.sub(r"<style.*?</style>|<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
                        text = re.sub(r"data:image/[^\"' ]+", " ", text)
                    if "Total params:" in text or "Layer (type)" in text:
                        # Keras's own model.summary(): the library's interface, as Keras prints it
                        # (chapter 7 shows it to teach Keras's API), not the book's text.
                        continue
                    texts.append((f"cell {index} ({mime})", text))
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    for model in state.get("state", {}).values():
        values = model.get("state", {})
        for key in ("description", "tooltip", "placeholder", "_options_labels", "value", "alt",
                    "_dom_classes"):
            value = values.get(key)
            if key == "value" and model.get("model_name") not in ("HTMLModel", "LabelModel",
                                                                  "HTMLMathModel"):
                continue
            if key == "_dom_classes":
                continue
            if isinstance(value, list):   # each option on its own (a code name is code)
                texts += [(f"widget {model.get('model_name')} {key}", str(v)) for v in value]
                continue
            if isinstance(value, str) and value:
                value = re.sub(r"<style.*?</style>|<[^>]+>", " ", value, flags=re.S)
                value = re.sub(r"data:image/\S+", " ", value)
                texts.append((f"widget {model.get('model_name')} {key}", value))
    return texts


@pytest.fixture(scope="module")
def french_notebooks():
    return _french_notebooks()


@pytest.mark.site
@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_no_english_in_the_french_outputs_and_widgets(chapter, french_notebooks, vocabulary):
    found = []
    for where, text in _output_texts(french_notebooks[chapter]):
        words = english_in(text, vocabulary)
        if words:
            found.append(f"{where}: {words} in {text.strip()[:160]!r}")
    assert not found, f"{chapter}: English in {len(found)} French outputs:\n" + "\n".join(found[:25])


@pytest.mark.site
@pytest.mark.parametrize("chapter", [p.stem for p in CHAPTERS])
def test_no_english_in_the_french_figures(chapter, vocabulary):
    log = TEXTS / "fr" / f"{chapter}.texts.jsonl"
    assert log.is_file(), f"no {log}: `make book` records the French execution's figure texts"
    texts = [json.loads(line)["text"] for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(texts) > 10, f"{chapter}: only {len(texts)} texts recorded"
    found = [f"{words} in {text!r}" for text in texts if (words := english_in(text, vocabulary))]
    assert not found, f"{chapter}: English in {len(found)} figure texts:\n" + "\n".join(found[:25])


@pytest.mark.site
def test_the_french_student_editions_are_french_and_set_the_language(vocabulary):
    for path in CHAPTERS:
        edition = ROOT / "student" / "fr" / path.name
        assert edition.is_file(), f"no {edition}: `make student` writes the French editions"
        notebook = nbformat.read(edition, as_version=4)
        assert 'set_language("fr")' in notebook.cells[1].source
        prose = book_i18n.prose_catalogue(f"chapters/{path.stem}")
        missed = sum(book_i18n.translate_markdown(c.source, prose)[2]
                     for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
        assert missed == 0, f"{path.name}: {missed} Markdown blocks without a French translation"
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                words = english_in(re.sub(r"\$\$.*?\$\$", " ", cell.source, flags=re.S), vocabulary)
                assert len(words) <= 2, f"{edition.name}: English words {words} in {cell.source[:200]!r}"
        site_copy = ROOT / "_build" / "html" / "student" / "fr" / path.name
        assert site_copy.is_file(), f"the site does not offer {site_copy.name} for download"


@pytest.mark.site
def test_the_french_pages_link_the_french_editions_and_pdf():
    for path in CHAPTERS:
        page = (ROOT / "_build" / "html" / "fr" / "chapters" / f"{path.stem}.html").read_text("utf-8")
        assert f"student/fr/{path.name}" in page, f"the French {path.stem} page links another edition"
    pdf = ROOT / "_build" / "html" / "fr" / "book.pdf"
    english = ROOT / "_build" / "html" / "book.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 500_000
    assert pdf.read_bytes() != english.read_bytes()


def test_jupyterlab_can_speak_french():
    from importlib.metadata import entry_points

    packs = {entry.name for entry in entry_points(group="jupyterlab.languagepack")}
    assert "fr_FR" in packs, "jupyterlab-language-pack-fr-FR is not installed (requirements.txt)"


@pytest.mark.site
def test_the_french_pdf_is_the_french_book():
    from pypdf import PdfReader

    pdf = ROOT / "_build" / "pdf" / "fr" / "book.pdf"
    assert pdf.is_file(), f"no {pdf}: `make pdf` builds the French PDF"
    reader = PdfReader(pdf)
    titles = []

    def walk(items):
        for item in items:
            walk(item) if isinstance(item, list) else titles.append(item.title)

    walk(reader.outline)
    for path in CHAPTERS:
        prose = book_i18n.prose_catalogue(f"chapters/{path.stem}")
        english = next(line[2:].strip() for c in nbformat.read(path, as_version=4).cells
                       if c.cell_type == "markdown" for line in c.source.splitlines()
                       if line.startswith("# "))
        assert prose[english] in titles, f"the French PDF has no chapter {prose[english]!r}"
    assert "Exercices" in titles and "I Chapitres" in titles
    text = "\n".join(page.extract_text() or "" for page in reader.pages[:3])
    assert "Rennes" in text and "authors" not in text
