"""The book's two languages: every sentence that nbcode shows a reader, in English or French.

A reader-facing string of nbcode (a figure's title or axis label, a widget's description,
a printed line, a checker's verdict) is written in English and wrapped at the place it is
shown::

    from nbcode.i18n import _, ngettext
    ax.set_title(_("epoch {epoch}, loss {loss:.2f}").format(epoch=epoch, loss=loss))
    ngettext("{n} mistake", "{n} mistakes", n).format(n=n)

:func:`_` returns the translation in the current language (the English text itself in
English). Translate at the time of use, never at import: a module constant is marked with
:func:`N_` (which only marks it for extraction) and passed through :func:`_` where it is
shown. Placeholders are named (``{loss:.2f}``), so a translation may reorder them.

The catalogues are gettext ``.po`` files in ``nbcode/locale/<language>/``, one per module
(``checks.ch01.po`` holds the messages of ``nbcode/checks/ch01.py``); ``python
scripts/i18n.py nbcode`` extracts the messages into them. Numbers stay as Python prints
them in code output (``0.25``); in the prose, :func:`prose_number` writes them the
French way (``0,25``), which ``nbcode.notebook.glue`` applies to glued values.

The chapters' own code cells print and label things too (``print("after 200 steps:",
...)``). Those literals are translated from ``nbcode/locale/fr/chapters/<chapter>.po`` by
:func:`translate_code`, which rewrites the literal in the cell's source: the French
student editions are written that way, the French site shows its cells that way, and a
kernel started with ``NBCODE_LANG=fr`` under :func:`install_kernel_translation` executes
them that way (so the book's French execution runs the same notebooks).

The language is ``NBCODE_LANG`` from the environment (``en`` if unset) until
:func:`set_language` changes it.
"""

from __future__ import annotations

import ast
import functools
import io
import os
import re
import string
import tokenize
from collections.abc import Iterable
from pathlib import Path

__all__ = ["LANGUAGES", "language", "set_language", "_", "N_", "ngettext", "prose_number",
           "catalogue", "code_catalogue", "display_literals", "translate_code",
           "install_kernel_translation", "record_figure_texts"]

#: The languages of the book; English is the source language.
LANGUAGES = ("en", "fr")
#: Where the catalogues live: locale/<language>/<module>.po and locale/<language>/chapters/.
LOCALE = Path(__file__).resolve().parent / "locale"

_state = {"language": None}


def _checked(code: str) -> str:
    code = str(code).strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ValueError(f"the book speaks {' and '.join(LANGUAGES)}; received language {code!r} "
                         "(set NBCODE_LANG, or call nbcode.set_language('fr'))")
    return code


def language() -> str:
    """The current language: ``"en"`` or ``"fr"``."""
    if _state["language"] is None:
        _state["language"] = _checked(os.environ.get("NBCODE_LANG") or "en")
    return _state["language"]


def set_language(code: str) -> None:
    """Show nbcode's figures, widgets, printed lines and checkers' verdicts in ``code``.

    ``set_language("fr")`` in a notebook switches what follows to French;
    ``set_language("en")`` back to English.
    """
    _state["language"] = _checked(code)


def _read_po(path: Path) -> dict:
    """msgid -> msgstr (or msgid -> [msgstr[0], msgstr[1], ...] for plurals) of one .po file.

    Entries without a translation, fuzzy ones and obsolete ones are left out, so that the
    English text shows rather than a stale translation.
    """
    import polib

    messages = {}
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            if all(forms):
                messages[(entry.msgid, entry.msgid_plural)] = forms
        elif entry.msgstr:
            messages[entry.msgid] = entry.msgstr
    return messages


@functools.cache
def catalogue(code: str) -> dict:
    """Every translated message of nbcode in language ``code`` (empty for English)."""
    messages: dict = {}
    folder = LOCALE / _checked(code)
    if code != "en" and folder.is_dir():
        for path in sorted(folder.glob("*.po")):
            messages.update(_read_po(path))
    return messages


def _(message: str) -> str:
    """``message`` in the current language (``message`` itself in English)."""
    if language() == "en":
        return message
    return catalogue(language()).get(message, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (for module constants)."""
    return message


def _plural_index(code: str, n: int) -> int:
    # English and French have two forms; French uses the singular for 0 and 1.
    if code == "fr":
        return 0 if abs(n) < 2 else 1
    return 0 if n == 1 else 1


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that goes with the count ``n``, in the current language."""
    forms = catalogue(language()).get((singular, plural)) if language() != "en" else None
    if forms:
        return forms[min(_plural_index(language(), n), len(forms) - 1)]
    return singular if _plural_index("en", n) == 0 else plural


_PROSE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?%)?(?![\w])")


def prose_number(text: str, code: str | None = None) -> str:
    """Numbers of ``text`` written for the prose of language ``code`` (default: current).

    In French the decimal point becomes a comma, a thousands comma a narrow no-break
    space, and a percent sign is preceded by a narrow no-break space::

        >>> prose_number("0.25, 12,000 and 3.5%", "fr")
        '0,25, 12\\u202f000 and 3,5\\u202f%'

    English text is returned as it is.
    """
    code = _checked(code or language())
    if code == "en":
        return text

    def french(match: re.Match) -> str:
        whole, decimals, percent = match.group(1), match.group(2) or "", match.group(3)
        out = whole.replace(",", "\u202f") + decimals.replace(".", ",")
        return out + ("\u202f%" if percent else "")

    return _PROSE_NUMBER.sub(french, text)


# --- the chapters' code cells -------------------------------------------------------------

#: Keyword arguments whose string values are shown to the reader.
DISPLAY_KEYWORDS = frozenset({
    "title", "titles", "xlabel", "ylabel", "label", "labels", "legends", "names",
    "description", "text", "suptitle", "header", "caption", "tooltip", "placeholder",
    "class_names", "axis_labels", "row_titles", "col_titles", "legend_title", "xticklabels",
    "yticklabels", "message"})
#: Functions and methods whose positional string arguments are shown to the reader.
DISPLAY_CALLS = frozenset({
    "print", "set_title", "set_xlabel", "set_ylabel", "xlabel", "ylabel", "title",
    "suptitle", "text", "annotate", "set_text", "figtext", "Markdown", "HTML",
    "set_xticklabels", "set_yticklabels", "set_label", "set_ylabel_text"})
#: Names that, assigned a literal (or a list, tuple, dict or comprehension of them), hold
#: text shown to the reader (``titles = [f"filter {k}" for k in ...]``).
DISPLAY_NAME = re.compile(
    r"(^|_)(titles?|labels?|legends?|names|captions?|headers?|verdicts?|messages?|notes?|status)($|_)")


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _string_nodes(node: ast.AST) -> Iterable[ast.AST]:
    """The string literals of a displayed expression (through lists, tuples, dicts' values,
    comprehensions, conditional expressions and string concatenation)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        yield node
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            yield from _string_nodes(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _string_nodes(value)
    elif isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        yield from _string_nodes(node.elt)
    elif isinstance(node, ast.DictComp):
        yield from _string_nodes(node.value)
    elif isinstance(node, ast.IfExp):
        yield from _string_nodes(node.body)
        yield from _string_nodes(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        yield from _string_nodes(node.left)
        if isinstance(node.op, ast.Add):
            yield from _string_nodes(node.right)
    elif isinstance(node, ast.Call) and _call_name(node) == "format" \
            and isinstance(node.func, ast.Attribute):
        yield from _string_nodes(node.func.value)
    elif isinstance(node, ast.Call) and _call_name(node) == "join" and node.args:
        yield from _string_nodes(node.args[0])   # ", ".join(f"{n} labels ..." for n in ...)


def _displayed(tree: ast.AST) -> list[ast.AST]:
    found: dict[tuple, ast.AST] = {}

    def add(expression):
        for literal in _string_nodes(expression):
            found[(literal.lineno, literal.col_offset)] = literal

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node)
            if name in DISPLAY_CALLS:
                for argument in node.args:
                    add(argument)
            if name == "agreement" and len(node.args) >= 4:
                add(node.args[3])
            for keyword in node.keywords:
                if keyword.arg in DISPLAY_KEYWORDS:
                    add(keyword.value)
            # A dictionary given to a plotting function names its curves (the legend).
            if name.startswith("plot"):
                for argument in node.args:
                    if isinstance(argument, ast.Dict):
                        for key in _display_keys(argument, every=True):
                            add(key)
        elif isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and DISPLAY_NAME.search(t.id) for t in node.targets):
                add(node.value)
        elif isinstance(node, ast.Dict | ast.DictComp):
            for key in _display_keys(node):
                add(key)
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.List | ast.Tuple | ast.Call):
            # for name, model in [("softmax regression", ...), ...]: the names are printed
            inside = {id(part) for f in ast.walk(node.iter) if isinstance(f, ast.JoinedStr)
                      for part in f.values}
            for literal in ast.walk(node.iter):
                if id(literal) not in inside and _is_phrase(literal):
                    add(literal)
    return sorted(found.values(), key=lambda n: (n.lineno, n.col_offset))


def _is_phrase(node: ast.AST) -> bool:
    """A literal that reads as words ("too small", f"{k} hidden"), not as an identifier."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value.strip()
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.Constant) and " " in v.value for v in node.values)
    return False


def _display_keys(node: ast.Dict | ast.DictComp, every: bool = False) -> list[ast.AST]:
    """The keys of a dictionary that names what a cell prints or draws.

    A key that is a phrase ("too small", "step decay (halve every 5 epochs)") names a row or
    a curve; so do the other string keys of a dictionary that has one ("cosine" beside
    "warm-up (2 epochs), then cosine"). A dictionary of identifier-like keys only
    ({"relu": ...}) is code, unless ``every`` (a dictionary given to a plotting function).
    """
    keys = [node.key] if isinstance(node, ast.DictComp) else [k for k in node.keys if k is not None]
    if not (every or any(_is_phrase(key) for key in keys)):
        return []
    return [key for key in keys if isinstance(key, ast.JoinedStr)
            or isinstance(key, ast.Constant) and isinstance(key.value, str)]


def _phrase_uses(tree: ast.AST, messages: dict[str, str]) -> list[ast.AST]:
    """Other plain literals equal to a translated dictionary key, renamed with it so that
    the code still finds them (``rates["too small"]``, ``excess["cosine"]``).

    Phrases are renamed wherever they appear; a one-word key only in the cell whose
    dictionary displays it (a word such as "frozen" may also be an argument that nbcode
    compares, elsewhere in the chapter).
    """
    words = {key.value for node in ast.walk(tree) if isinstance(node, ast.Dict | ast.DictComp)
             for key in _display_keys(node) if isinstance(key, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _call_name(node).startswith("plot"):
            for argument in node.args:
                if isinstance(argument, ast.Dict):
                    words |= {k.value for k in _display_keys(argument, every=True)
                              if isinstance(k, ast.Constant)}
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value in messages and (" " in node.value.strip() or node.value in words)]


def _segment(lines: list[bytes], node: ast.AST) -> tuple[int, int, int, int]:
    return node.lineno - 1, node.col_offset, node.end_lineno - 1, node.end_col_offset


def _source_of(lines: list[bytes], node: ast.AST) -> str:
    first, start, last, end = _segment(lines, node)
    if first == last:
        return lines[first][start:end].decode()
    parts = [lines[first][start:]] + lines[first + 1:last] + [lines[last][:end]]
    return b"".join(parts).decode()


def _literal_parts(source: str) -> list[tuple[str, str, str]] | None:
    """(prefix, quote, inner text) of each string token of a literal's source, or None."""
    parts = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def offset(position: tuple[int, int]) -> int:
        return starts[position[0] - 1] + position[1]

    fstring_start = None   # Python 3.12 and later tokenize an f-string into several tokens
    for token in tokens:
        if token.type == tokenize.STRING and fstring_start is None:
            parts.append(token.string)
        elif token.type == getattr(tokenize, "FSTRING_START", -1):
            fstring_start = token.start
        elif token.type == getattr(tokenize, "FSTRING_END", -2):
            parts.append(source[offset(fstring_start):offset(token.end)])
            fstring_start = None
        elif fstring_start is None and token.type not in (
                tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.COMMENT,
                tokenize.INDENT, tokenize.DEDENT):
            return None
    out = []
    for text in parts:
        match = re.match(r"(?i)([rbuf]*)('''|\"\"\"|'|\")", text)
        if not match or not text.endswith(match.group(2)):
            return None
        prefix, quote = match.groups()
        out.append((prefix, quote, text[len(prefix) + len(quote):len(text) - len(quote)]))
    return out or None


def display_literals(source: str) -> list[str]:
    """The text of every string literal that a cell's ``source`` shows the reader.

    Each is the literal's text as written between its quotes (an f-string keeps its
    ``{expression:format}`` fields; implicitly concatenated literals are joined): the
    message a translator translates, and the key :func:`translate_code` looks up.
    """
    return [text for _, _, text in _translatable(source)]


def _translatable(source: str, messages: dict[str, str] | None = None):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    lines = source.encode().splitlines(keepends=True)
    out = []
    nodes = _displayed(tree)
    if messages:
        seen = {(n.lineno, n.col_offset) for n in nodes}
        nodes += [n for n in _phrase_uses(tree, messages) if (n.lineno, n.col_offset) not in seen]
    for node in nodes:
        parts = _literal_parts(_source_of(lines, node))
        if not parts or any("b" in prefix.lower() for prefix, _, _ in parts):
            continue
        text = "".join(inner for _, _, inner in parts)
        if isinstance(node, ast.JoinedStr):
            own = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        else:
            own = text
        if re.search(r"[A-Za-z]{2}", own):
            out.append((node, parts, text))
    # A literal inside a kept f-string's fields belongs to that f-string's message.
    spans = [(_span(node), node) for node, _, _ in out]
    return [item for item in out
            if not any(other is not item[0] and _inside(_span(item[0]), span) for span, other in spans)]


def _span(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def _inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1] and inner != outer


@functools.cache
def code_catalogue(code: str = "fr") -> dict[str, str]:
    """Translations of the chapters' displayed literals (inner source text -> translation)."""
    messages: dict[str, str] = {}
    folder = LOCALE / _checked(code) / "chapters"
    if code != "en" and folder.is_dir():
        for path in sorted(folder.glob("*.po")):
            messages.update(_read_po(path))
    return messages


def translate_code(source: str, messages: dict[str, str] | None = None) -> str:
    """``source`` with each displayed literal replaced by its translation in ``messages``.

    Literals without a translation stay as written; the rest of the code is untouched
    (same lines, same names), so the cell computes exactly what it did. A translation
    keeps the literal's prefix (``f``, ``r``) and quotes; one whose text contains that
    quote is refused (``ValueError``), since it would end the literal early.
    """
    if messages is None:
        messages = code_catalogue(language()) if language() != "en" else {}
    if not messages:
        return source
    lines = source.encode().splitlines(keepends=True)
    edits = []
    for node, parts, text in _translatable(source, messages):
        translation = messages.get(text)
        if not translation or translation == text:
            continue
        prefix = "".join(sorted({c for p, _, _ in parts for c in p.lower()}, key="rfu".find))
        quote = parts[0][1]
        if quote in translation or "\n" in translation and len(quote) == 1:
            raise ValueError(f"the translation of {text!r} contains its quote {quote}: {translation!r}")
        edits.append((_segment(lines, node), f"{prefix}{quote}{translation}{quote}".encode()))
    for (first, start, last, end), replacement in sorted(edits, reverse=True):
        head, tail = lines[first][:start], lines[last][end:]
        lines[first:last + 1] = [head + replacement + tail]
    return b"".join(lines).decode()


def placeholders(message: str, widths: bool = True) -> list[str]:
    """The replacement fields of a message, as ``str.format`` reads them (sorted).

    >>> placeholders("epoch {epoch}, loss {loss:.2f}")
    ['epoch', 'loss:.2f']

    With ``widths=False`` a field's width is left out (``{name:10s}`` reads ``name:s``):
    a translation of a chapter's printed line may widen a column for longer words.
    """
    fields = []
    try:
        for _, field, spec, conversion in string.Formatter().parse(message):
            if field is not None:
                if not widths and spec:
                    spec = re.sub(r"^([^<>=^]?[<>=^])?([+\- ]?)(\d+)", r"\1\2", spec)
                fields.append(field + (f"!{conversion}" if conversion else "")
                              + (f":{spec}" if spec else ""))
    except ValueError:
        return ["<unbalanced braces>"]
    return sorted(fields)


# --- a kernel that runs the chapters in French --------------------------------------------

def install_kernel_translation(shell=None) -> None:
    """Translate the displayed literals of every cell this IPython kernel runs next.

    The book's French execution starts its kernels with ``NBCODE_LANG=fr`` and this
    installed from IPython's start-up: the notebooks are the English ones (their code, and
    so their execution cache key, unchanged), their outputs are French.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None or language() == "en":
        return

    def translate(lines: list[str]) -> list[str]:
        source = "".join(lines)
        try:
            translated = translate_code(source)
        except ValueError:
            return lines
        return translated.splitlines(keepends=True)

    if not any(getattr(t, "__name__", "") == "nbcode_translate" for t in shell.input_transformers_post):
        translate.__name__ = "nbcode_translate"
        shell.input_transformers_post.append(translate)


def record_figure_texts(path: str | os.PathLike) -> None:
    """Append every text drawn by matplotlib in this process to ``path`` (one JSON per line).

    The French execution records them so that a test can find English left in a figure
    or a frame of a player (both are drawn by Agg's canvas).
    """
    import json

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    original = FigureCanvasAgg.draw
    if getattr(original, "_nbcode_recording", False):
        return
    seen: set[str] = set()

    def draw(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        new = []
        for artist in self.figure.findobj(Text):
            text = artist.get_text()
            if text and text.strip() and artist.get_visible() and text not in seen:
                seen.add(text)
                new.append(text)
        if new:
            with open(path, "a", encoding="utf-8") as log:
                for text in new:
                    log.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
        return result

    draw._nbcode_recording = True
    FigureCanvasAgg.draw = draw
