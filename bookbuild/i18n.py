"""The French edition: the same chapters, translated through Sphinx's gettext catalogues.

    python scripts/i18n.py update   # extract the text of every page, update locales/fr/LC_MESSAGES/*.po
    python scripts/i18n.py check    # list the messages that lack a French translation (or are fuzzy)
    python scripts/i18n.py build    # build the French site into _build/html/fr (after the English build);
                                    # also writes the current messages to _build/gettext for the tests
    python scripts/i18n.py nbcode [FILE ...]   # extract nbcode's messages (_(), N_(), ngettext())
                                    # into nbcode/locale/fr/<module>.po (every module, or FILE's)
    python scripts/i18n.py code [CHAPTER ...]  # extract the literals the chapters' code cells show
                                    # into nbcode/locale/fr/chapters/<chapter>.po

One source, two languages. The prose is translated through Sphinx's catalogues
(locales/fr). What the code produces is French too: the French build executes the same
notebooks with ``NBCODE_LANG=fr`` into a cache of its own (bookbuild.cache), so nbcode's
figures, widgets, printed lines and verdicts come from its catalogues (nbcode/locale/fr,
nbcode.i18n), and the literals the chapters' cells show from nbcode/locale/fr/chapters.
After a change to a chapter's text, `update` marks the changed messages as fuzzy or new
(untranslated): translate them in locales/fr/LC_MESSAGES/chapters/<chapter>.po, and
`check` (and the test suite) passes again. (Also ``python -m bookbuild.i18n ...`` from the
repository's root; the Makefile runs the script.)
"""

from __future__ import annotations

import argparse
import contextlib
import re
import subprocess
import sys
from pathlib import Path

# The book this package builds: bookbuild/ sits at the root of the repository.
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCALES = ROOT / "locales"
LANGUAGE = "fr"
TITLE = "Réseaux de neurones — notes de cours exécutables"  # the site's title in French
AUTHOR = "Les auteurs du cours (master de statistique, Rennes)"  # _config.yml's author


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


def sphinx_build(builder: str, out: Path, *options: str, strict: bool = True,
                 language: str = "en") -> None:
    """Run sphinx-build on the book; ``strict`` turns warnings into errors.

    ``language`` picks the execution cache (the French edition has its own, executed by
    ``python scripts/execute_cache.py --language fr``); a chapter missing from it would
    execute in that language too.
    """
    import os

    from .cache import cache_path, kernel_environment

    command = [str(BIN / "sphinx-build"), "-b", builder, *(["-W"] if strict else []),
               "--keep-going", "-q",
               "-D", f"nb_execution_cache_path={cache_path(language)}", *options, str(ROOT), str(out)]
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, **kernel_environment(language)})


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


NBCODE_LOCALE = ROOT / "nbcode" / "locale" / LANGUAGE


def catalogue_paths() -> list[Path]:
    """Every French catalogue: the prose's, nbcode's messages' and the chapters' code's."""
    return sorted((LOCALES / LANGUAGE / "LC_MESSAGES").rglob("*.po")) + sorted(NBCODE_LOCALE.rglob("*.po"))


def nbcode_messages(path: Path) -> list[tuple[str, str | None, int]]:
    """(msgid, msgid_plural or None, line) of every ``_()``, ``N_()`` and ``ngettext()`` of a module."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        args = node.args
        strings = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id in ("_", "N_") and len(args) == 1 and len(strings) == 1:
            found.append((strings[0], None, node.lineno))
        elif node.func.id == "ngettext" and len(strings) >= 2:
            found.append((strings[0], strings[1], node.lineno))
        # _(NAME) of a variable translates a message marked elsewhere with N_("..."): skipped.
    return sorted(found, key=lambda item: item[2])


def module_catalogue(path: Path) -> Path:
    """nbcode/checks/ch01.py -> nbcode/locale/fr/checks.ch01.po"""
    relative = path.resolve().relative_to(ROOT / "nbcode").with_suffix("")
    return NBCODE_LOCALE / (".".join(relative.parts) + ".po")


def update_catalogue(target: Path, messages: list[tuple[str, str | None, str]]) -> tuple[int, int]:
    """Bring ``target`` in line with ``messages`` (msgid, plural, where); (new, removed).

    Translations of messages that remain are kept; messages that are gone are removed.
    """
    import polib

    if target.is_file():
        catalogue = polib.pofile(str(target))
    else:
        catalogue = polib.POFile()
        catalogue.metadata = {"Project-Id-Version": "nbcode", "Language": LANGUAGE,
                              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=utf-8",
                              "Content-Transfer-Encoding": "8bit",
                              "Plural-Forms": "nplurals=2; plural=(n > 1);"}
    wanted: dict[tuple[str, str | None], list[str]] = {}
    for msgid, plural, where in messages:
        wanted.setdefault((msgid, plural), []).append(where)
    existing = {(e.msgid, e.msgid_plural or None): e for e in catalogue}
    new = 0
    for (msgid, plural), where in wanted.items():
        entry = existing.get((msgid, plural))
        if entry is None:
            entry = polib.POEntry(msgid=msgid, msgstr="")
            if plural:
                entry.msgid_plural, entry.msgstr_plural = plural, {0: "", 1: ""}
            if "{" in msgid:
                entry.flags.append("python-brace-format")
            catalogue.append(entry)
            new += 1
        entry.occurrences = [(w.rsplit(":", 1)[0], w.rsplit(":", 1)[1]) for w in where]
    removed = [e for key, e in existing.items() if key not in wanted]
    for entry in removed:
        catalogue.remove(entry)
    target.parent.mkdir(parents=True, exist_ok=True)
    catalogue.wrapwidth = 100
    catalogue.save(str(target))
    return new, len(removed)


def update_nbcode(files: list[Path] | None = None) -> None:
    """Extract nbcode's messages into one catalogue per module (modules without any: none)."""
    files = files or sorted((ROOT / "nbcode").rglob("*.py"))
    for path in files:
        messages = [(m, p, f"{path.resolve().relative_to(ROOT)}:{line}")
                    for m, p, line in nbcode_messages(path)]
        target = module_catalogue(path)
        if messages or target.is_file():
            new, removed = update_catalogue(target, messages)
            print(f"{target.relative_to(ROOT)}: {len({m[:2] for m in messages})} messages "
                  f"({new} new, {removed} removed)")


def update_code(notebooks: list[Path] | None = None) -> None:
    """Extract what the chapters' code cells show (print, titles, labels...) into their catalogues."""
    import nbformat

    from nbcode.i18n import display_literals

    notebooks = notebooks or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        messages = []
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type == "code":
                messages += [(text, None, f"{path.resolve().relative_to(ROOT)}:{index}")
                             for text in display_literals(cell.source)]
        target = NBCODE_LOCALE / "chapters" / f"{path.stem}.po"
        new, removed = update_catalogue(target, messages)
        print(f"{target.relative_to(ROOT)}: {len({m[0] for m in messages})} messages "
              f"({new} new, {removed} removed)")


def prose_catalogue(page: str, language: str = LANGUAGE) -> dict[str, str]:
    """msgid -> translation of a page's prose catalogue (chapters/01_regression -> its .po)."""
    import polib

    path = LOCALES / language / "LC_MESSAGES" / f"{page}.po"
    if not path.is_file():
        return {}
    return {e.msgid: e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[*+-]|\d+[.)])\s+(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")
#: Directives whose content is not prose: copied as it is.
VERBATIM_DIRECTIVES = frozenset({"math", "code", "code-block", "code-cell", "raw", "mermaid"})


def translate_markdown(source: str, messages: dict[str, str]) -> tuple[str, int, int]:
    """A Markdown cell's MyST source with each block replaced by its translation.

    Blocks are what Sphinx's gettext extraction makes messages of: headings, paragraphs,
    list items, table cells and directive titles, each looked up with its lines joined by
    spaces. Math, code, labels and directive options are kept as they are. Returns the
    translated source, the number of blocks translated and the number left as they were.
    """
    out: list[str] = []
    found = missed = 0
    paragraph: list[str] = []
    prefix = ""

    def lookup(text: str) -> str | None:
        nonlocal found, missed
        text = " ".join(part.strip() for part in text.splitlines()).strip()
        if not re.search(r"[A-Za-z]{2}", text):
            return None
        if text in messages:
            found += 1
            return messages[text]
        missed += 1
        return None

    def flush():
        nonlocal paragraph, prefix
        if paragraph:
            translation = lookup("\n".join(paragraph))
            if translation is None:
                out.extend(([prefix + paragraph[0].lstrip()] if prefix else [paragraph[0]])
                           + paragraph[1:])
            else:
                out.append(prefix + translation)
        paragraph, prefix = [], ""

    fences: list[str] = []   # the open directives' fences (their content is prose)
    verbatim = None          # the line that closes the math or code block being copied
    for line in source.splitlines():
        stripped = line.strip()
        if verbatim is not None:
            out.append(line)
            if stripped.startswith(verbatim) and (verbatim == "$$" or not stripped.strip(verbatim[0])):
                verbatim = None
            continue
        fence = _FENCE.match(line)
        if not stripped:
            flush()
            out.append(line)
        elif stripped.startswith("$$"):
            flush()
            out.append(line)
            if not re.match(r"^\$\$.+\$\$", stripped):   # not a one-line display
                verbatim = "$$"
        elif fence:
            flush()
            marks = fence.group(1)
            directive = re.match(r"^(\s*[`:]{3,}\{(?P<name>[\w:-]+)\})\s*(?P<title>.*)$", line)
            if directive and directive.group("name") not in VERBATIM_DIRECTIVES:
                fences.append(marks)
                title = directive.group("title")
                translation = lookup(title) if re.search(r"\s", title) else None
                out.append(f"{directive.group(1)} {translation}" if translation else line)
            elif stripped == marks and fences and fences[-1] == marks:
                fences.pop()
                out.append(line)
            else:   # code, or a directive whose content is not prose
                out.append(line)
                verbatim = marks
        elif re.match(r"^:[\w-]+:", stripped) or re.match(r"^\([\w-]+\)=$", stripped):
            flush()
            out.append(line)
        elif heading := re.match(r"^(#+\s+)(.*)$", stripped):
            flush()
            translation = lookup(heading.group(2))
            out.append(heading.group(1) + translation if translation else line)
        elif stripped.startswith("|"):
            flush()
            cells = stripped.strip("|").split("|")
            if all(re.fullmatch(r"\s*:?-+:?\s*", cell) for cell in cells):
                out.append(line)
            else:
                out.append("| " + " | ".join(lookup(cell) or cell.strip() for cell in cells) + " |")
        elif item := _ITEM.match(line):
            flush()
            prefix = f"{item.group('indent')}{item.group('marker')} "
            paragraph = [item.group("text")]
        else:
            paragraph.append(line)
    flush()
    return "\n".join(out), found, missed


def untranslated() -> dict[str, list[str]]:
    """Messages without a French translation (or marked fuzzy), per catalogue."""
    import polib

    problems = {}
    for path in catalogue_paths():
        catalogue = polib.pofile(str(path))
        missing = [entry.msgid for entry in catalogue
                   if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]
        missing = [m for m in missing if m]
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
    from .cache import main as execute

    extract()  # so that the tests can check the catalogues against the current text
    if execute(["--language", LANGUAGE]) != 0:   # the French execution (cached)
        raise SystemExit("the French execution of the chapters failed")
    with sphinx_conf():
        sphinx_build("html", ROOT / "_build" / "html" / LANGUAGE, "-n", "-D", f"language={LANGUAGE}",
                     "-D", f"html_title={TITLE}", "-D", f"author={AUTHOR}",
                     "-d", str(ROOT / "_build" / f".doctrees-{LANGUAGE}"), language=LANGUAGE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["update", "check", "build", "nbcode", "code"])
    parser.add_argument("files", nargs="*", type=Path, help="nbcode and code: the files to extract")
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "nbcode":
        update_nbcode(args.files or None)
    elif args.command == "code":
        update_code(args.files or None)
    elif args.command == "check":
        return check()
    else:
        build()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
