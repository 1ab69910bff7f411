"""The French edition: every message of every page is translated, and the catalogues
match the current text (a changed sentence in a chapter shows up here as untranslated).

`make book` writes the current messages into _build/gettext (scripts/i18n.py build);
the translations live in locales/fr/LC_MESSAGES. The browser tests of test_site.py visit
the French pages (_build/html/fr) as well as the English ones.
"""

import re
from pathlib import Path

import polib
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "locales" / "fr" / "LC_MESSAGES"
POT = ROOT / "_build" / "gettext"

pytestmark = pytest.mark.site


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [toc["root"]] + [entry["file"] for part in toc["parts"] for entry in part["chapters"]]


@pytest.mark.parametrize("page", toc_pages())
def test_every_message_is_translated(page):
    path = CATALOGUES / f"{page}.po"
    assert path.is_file(), f"no French catalogue for {page}: run `make translations`"
    catalogue = polib.pofile(str(path))
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if not e.obsolete and "fuzzy" in e.flags]
    assert not untranslated, f"{page}: {len(untranslated)} untranslated, e.g. {untranslated[0]!r}"
    assert not fuzzy, f"{page}: {len(fuzzy)} fuzzy (the English changed), e.g. {fuzzy[0]!r}"


@pytest.mark.parametrize("page", toc_pages())
def test_catalogue_matches_the_current_text(page):
    template = POT / f"{page}.pot"
    if not template.is_file():
        pytest.fail(f"no {template}: `make book` extracts the current messages", pytrace=False)
    current = {e.msgid for e in polib.pofile(str(template)) if e.msgid}
    translated = {e.msgid for e in polib.pofile(str(CATALOGUES / f"{page}.po"))
                  if not e.obsolete and e.translated() and "fuzzy" not in e.flags}
    missing = sorted(current - translated)
    assert not missing, (f"{page}: {len(missing)} messages of the current text have no "
                         f"translation (run `make translations`), e.g. {missing[0]!r}")


def protected_spans(text):
    """What a translation must keep: math, code, and the targets of MyST roles.

    The visible text of a role with an explicit title (``{ref}`the exercise <ex-a>` ``)
    is translated; its target is not.
    """
    spans = re.findall(r"\$\$.+?\$\$|\$[^$]+\$", text, re.S)
    for role, body in re.findall(r"(\{[\w:-]+\})?`([^`]+)`", text):
        target = re.search(r"<([^<>]+)>\s*$", body) if role else None
        spans.append(role + (target.group(1) if target else body))
    return sorted(spans)


def test_translations_keep_math_code_and_references():
    problems = []
    for path in sorted(CATALOGUES.rglob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.translated() and protected_spans(entry.msgid) != protected_spans(entry.msgstr):
                problems.append(f"{path.name}: {entry.msgid[:60]!r}")
    assert not problems, f"{len(problems)} translations change math, code or references: {problems[:3]}"


def test_french_terminology():
    text = "\n".join(entry.msgstr for path in CATALOGUES.rglob("*.po")
                     for entry in polib.pofile(str(path)))
    for term in ("descente de gradient", "rétropropagation", "fonction d'activation",
                 "sur-apprentissage", "apprentissage par transfert", "taux d'apprentissage",
                 "perte"):
        assert term in text.lower().replace("’", "'"), f"the French edition never says {term!r}"


def test_french_site_is_built_and_linked():
    page = ROOT / "_build" / "html" / "fr" / "chapters" / "01_regression.html"
    assert page.is_file(), "the French site is missing: `make book` builds it into _build/html/fr"
    html = page.read_text()
    assert '<html lang="fr"' in html
    assert 'href="../../chapters/01_regression.html" hreflang="en"' in html
    english = (ROOT / "_build" / "html" / "chapters" / "01_regression.html").read_text()
    assert 'href="../fr/chapters/01_regression.html" hreflang="fr"' in english


@pytest.mark.parametrize("page", [p for p in toc_pages() if p.startswith("chapters/0")])
def test_french_pages_show_the_glued_numbers(page):
    """Numbers glued into the prose appear in the translated sentences too, written the
    French way (the French execution glues 0,25 where the English one glues 0.25).

    The French page shows the French execution's values: the same numbers, except the
    times that chapter 7 measures (``time_*``), which each execution measures anew.
    """
    from nbcode.i18n import prose_number

    english = (ROOT / "_build" / "html" / f"{page}.html").read_text()
    french = (ROOT / "_build" / "html" / "fr" / f"{page}.html").read_text()
    glued = re.compile(r'<span class="output text_plain">([^<]*)</span>')
    from collections import Counter

    assert glued.findall(english)
    english_values, french_values = executed_glue(page, "en"), executed_glue(page, "fr")
    assert set(english_values) == set(french_values)
    times = {name for name in english_values if name.startswith("time_")}
    for name, value in english_values.items():
        if name not in times:
            assert french_values[name] == prose_number(value, "fr"), (page, name)
    expected = Counter(prose_number(text, "fr") for text in glued.findall(english))
    shown = Counter(glued.findall(french))
    measured = {prose_number(english_values[n], "fr") for n in times} | {french_values[n] for n in times}
    assert set((expected - shown) + (shown - expected)) <= measured, (
        f"{page}: the French page's glued numbers differ: {sorted((expected - shown) + (shown - expected))}")


def executed_glue(page, language):
    """name -> glued text of a chapter, from the execution cache of ``language``."""
    import nbformat
    from jupyter_cache import get_cache

    from bookbuild.cache import cache_path

    notebook = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
    cache = get_cache(str(cache_path(language)))
    executed = cache.get_cache_bundle(cache.match_cache_notebook(notebook).pk).nb
    return {output["metadata"]["scrapbook"]["name"]:
            output["data"]["application/papermill.record/text/plain"].strip("'\"")
            for cell in executed.cells for output in cell.get("outputs", [])
            if output.get("metadata", {}).get("scrapbook")}
