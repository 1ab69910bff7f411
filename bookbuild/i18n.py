"""The French edition: the same chapters, translated through Sphinx's gettext catalogues.

    python scripts/i18n.py update   # extract the text of every page, update locales/fr/LC_MESSAGES/*.po
    python scripts/i18n.py check    # list the messages that lack a French translation (or are fuzzy)
    python scripts/i18n.py build    # build the French site into _build/html/fr (after the English build);
                                    # also writes the current messages to _build/gettext for the tests

One source, two languages: code and outputs come from the same executed notebooks (the
French build reuses the English build's execution cache); only the prose is translated.
After a change to a chapter's text, `update` marks the changed messages as fuzzy or new
(untranslated): translate them in locales/fr/LC_MESSAGES/chapters/<chapter>.po, and
`check` (and the test suite) passes again. (Also ``python -m bookbuild.i18n ...`` from the
repository's root; the Makefile runs the script.)
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
from pathlib import Path

# The book this package builds: bookbuild/ sits at the root of the repository.
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCALES = ROOT / "locales"
LANGUAGE = "fr"
TITLE = "Réseaux de neurones — notes de cours exécutables"  # the site's title in French
CACHE = ROOT / "_build" / ".jupyter_cache"


@contextlib.contextmanager
def sphinx_conf():
    """Write the conf.py that Jupyter Book derives from _config.yml, for sphinx-build."""
    conf = ROOT / "conf.py"
    subprocess.run([str(BIN / "jupyter-book"), "config", "sphinx", str(ROOT)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        yield conf
    finally:
        conf.unlink(missing_ok=True)


def sphinx_build(builder: str, out: Path, *options: str, strict: bool = True) -> None:
    """Run sphinx-build on the book; ``strict`` turns warnings into errors."""
    command = [str(BIN / "sphinx-build"), "-b", builder, *(["-W"] if strict else []),
               "--keep-going", "-q",
               "-D", f"nb_execution_cache_path={CACHE}", *options, str(ROOT), str(out)]
    subprocess.run(command, check=True, cwd=ROOT)


POT = ROOT / "_build" / "gettext"


def extract() -> None:
    """Write the message templates (.pot) of every page into _build/gettext."""
    with sphinx_conf():
        # Extraction only: the HTML builds are the strict ones.
        sphinx_build("gettext", POT, "-d", str(ROOT / "_build" / ".doctrees-gettext"),
                     strict=False)


def update() -> None:
    extract()
    pot = POT
    subprocess.run([str(BIN / "sphinx-intl"), "update", "-p", str(pot), "-l", LANGUAGE,
                    "-d", str(LOCALES)], check=True, cwd=ROOT)


def untranslated() -> dict[str, list[str]]:
    """Messages without a French translation (or marked fuzzy), per catalogue."""
    import polib

    problems = {}
    for path in sorted((LOCALES / LANGUAGE / "LC_MESSAGES").rglob("*.po")):
        catalogue = polib.pofile(str(path))
        missing = [entry.msgid for entry in catalogue
                   if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]
        if missing:
            problems[str(path.relative_to(ROOT))] = missing
    return problems


def check() -> int:
    problems = untranslated()
    for path, messages in problems.items():
        print(f"{path}: {len(messages)} untranslated or fuzzy, e.g. {messages[0][:70]!r}")
    if not problems:
        print("every message has a French translation")
    return 1 if problems else 0


def build() -> None:
    extract()  # so that the tests can check the catalogues against the current text
    with sphinx_conf():
        sphinx_build("html", ROOT / "_build" / "html" / LANGUAGE, "-n", "-D", f"language={LANGUAGE}",
                     "-D", f"html_title={TITLE}",
                     "-d", str(ROOT / "_build" / f".doctrees-{LANGUAGE}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "check", "build"])
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "check":
        return check()
    else:
        build()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
