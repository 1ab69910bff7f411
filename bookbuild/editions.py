"""Student editions of the chapters: the same notebooks with the solutions taken out.

Markers, in the full (teacher's) notebooks:

* In a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  are the solution. Inside a function they become ``raise NotImplementedError``
  (the checker then reports "not done yet"); at the top level of a cell every
  name the solution assigns becomes ``name = ...`` (an unanswered value).
* Markdown between a ``{solution-start}`` and a ``{solution-end}`` directive, and
  ``{solution}`` directives, are the book's worked answers (hidden behind a
  toggle on the site): they are removed. Code cells in that region keep only
  their stubbed form; a code cell without markers there is removed.
* A cell tagged ``solution`` is removed.

Everything else is kept, outputs are cleared, and the exercise directives are
rewritten as plain Markdown so that they read well in JupyterLab.

The French student editions (``student/fr/``) are the same notebooks in French: each
Markdown block is replaced by its translation from the page's prose catalogue
(``locales/fr``, the French site's own text), each literal the code shows by its
translation (:func:`nbcode.i18n.translate_code`), and a first code cell sets nbcode's
language, so that figures, printed lines and the checkers' verdicts come out in French.

Command line, from the repository's root: ``python -m bookbuild.editions chapters student``
writes ``student/<chapter>.ipynb`` and ``student/fr/<chapter>.ipynb`` for every
``chapters/*.ipynb``. Binder's ``postBuild`` runs it with only ``requirements.txt``
installed: this module needs nbformat, polib and nbcode.i18n, which it installs.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB_MESSAGE = "Exercise: replace this line with your code"
#: The words of a student edition, per language.
WORDS = {
    "en": {"stub": STUB_MESSAGE, "answer": "# your answer", "exercise": "Exercise",
           "chapter": "chapter", "figure": "the figure",
           "banner": ("**Student edition{of}.** The solutions are taken out: complete each cell "
                      "that says `raise NotImplementedError` or `... # your answer`, then run the "
                      "check below it. A check that prints *not done yet* is waiting for your code; "
                      "the full chapter, with the solutions, is on the book's site."),
           "of": " of "},
    "fr": {"stub": "Exercice : remplacez cette ligne par votre code", "answer": "# votre réponse",
           "exercise": "Exercice", "chapter": "chapitre", "figure": "la figure",
           "banner": ("**Édition étudiante{of}.** Les solutions sont retirées : complétez chaque "
                      "cellule qui contient `raise NotImplementedError` ou `... # votre réponse`, "
                      "puis exécutez la vérification qui la suit. Une vérification qui affiche "
                      "*pas encore fait* attend votre code ; le chapitre complet, avec les "
                      "solutions, est sur le site du livre."),
           "of": " : ",
           "language_cell": ('from nbcode.i18n import set_language\n\n'
                             'set_language("fr")   # figures, sorties et vérifications en français '
                             '(set_language("en") : en anglais)')},
}

_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<arg>.*)$")

__all__ = ["stub_code", "student_notebook", "write_student_editions", "MystContext",
           "bibliography_names", "BEGIN", "END"]


def _assigned_names(code: str) -> list[str]:
    """Names assigned at the top level of ``code`` (in order, without repeats)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.append(node.name)
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def stub_code(source: str, language: str = "en") -> str:
    """Replace every solution block of a code cell by a stub.

    >>> print(stub_code("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"))
    def f(x):
        raise NotImplementedError("Exercise: replace this line with your code")
    """
    lines = source.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() != BEGIN:
            out.append(line)
            index += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        try:
            end = next(j for j in range(index + 1, len(lines)) if lines[j].strip() == END)
        except StopIteration:
            raise ValueError(f"a '{BEGIN}' marker has no matching '{END}':\n{source}") from None
        block = "\n".join(part[len(indent):] for part in lines[index + 1:end])
        words = WORDS[language]
        if indent:
            out.append(f'{indent}raise NotImplementedError("{words["stub"]}")')
        else:
            names = _assigned_names(block) or ["answer"]
            out.extend(f"{name} = ...  {words['answer']}" for name in names)
        index = end + 1
    return "\n".join(out)


_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<body>[^`]+)`")
_LABELLED_MATH = re.compile(r"\$\$(?P<math>.+?)\$\$[ \t]*\((?P<label>[\w-]+)\)", re.S)


class MystContext:
    """What is needed to write a chapter's MyST roles as plain Markdown for JupyterLab.

    Attributes
    ----------
    glue : dict
        Glued name -> text, read from the full notebook's outputs.
    equations : dict
        Equation label -> number such as "1.3" (labels numbered in order of appearance).
    citations : dict
        Bibliography key -> "Author (year)" text.
    chapter : int or None
        The chapter's number (from its file name, "03_mlp" -> 3).
    language : str
        The edition's language: "en" or "fr" (words such as "chapter", glued numbers'
        decimal comma).
    """

    def __init__(self, notebook, chapter: int | None = None, citations: dict | None = None,
                 language: str = "en"):
        self.chapter = chapter
        self.language = language
        self.citations = citations or {}
        self.glue: dict[str, str] = {}
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                text = output.get("data", {}).get("application/papermill.record/text/plain")
                if name and text is not None:
                    self.glue[name] = str(text).strip("'\"")
        self.equations: dict[str, str] = {}
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                for match in _LABELLED_MATH.finditer(cell.source):
                    number = len(self.equations) + 1
                    prefix = f"{chapter}." if chapter else ""
                    self.equations[match.group("label")] = f"{prefix}{number}"

    def cite(self, keys: str, textual: bool) -> str:
        names = [self.citations.get(key.strip(), key.strip()) for key in keys.split(",")]
        if textual:
            return "; ".join(names)
        return "(" + "; ".join(name.replace(" (", ", ").rstrip(")") for name in names) + ")"

    def role(self, match: re.Match) -> str:
        role, body = match.group("role"), match.group("body")
        titled = re.match(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", body, re.S)
        if role == "glue:" or role == "glue":
            text = self.glue.get(body, "…")
            if self.language != "en":
                from nbcode.i18n import prose_number

                text = prose_number(text, self.language)
            return text
        if role == "eq":
            return f"({self.equations.get(body, body)})"
        if role.startswith("cite"):
            return self.cite(body, textual=role.endswith(":t"))
        if role == "doc":
            target = titled.group("target") if titled else body
            number = re.match(r"^(\d+)_", Path(target).name)
            title = titled.group("title") if titled else (
                f"{WORDS[self.language]['chapter']} {int(number.group(1))}" if number else target)
            return f"[{title}]({Path(target).name}.ipynb)"
        if role == "numref":
            return WORDS[self.language]["figure"] if body.startswith("fig") else body
        return titled.group("title") if titled else body

    def plain(self, text: str) -> str:
        """Equations numbered with \\tag, roles replaced by plain text."""
        def tag(match):
            number = self.equations.get(match.group("label"), match.group("label"))
            return f"$${match.group('math').rstrip()} \\tag{{{number}}}$$"

        return _ROLE.sub(self.role, _LABELLED_MATH.sub(tag, text))


def bibliography_names(paths) -> dict[str, str]:
    """Bibliography key -> "Surname et al. (year)", read from BibTeX files."""
    names = {}
    for path in paths:
        text = Path(path).read_text(encoding="utf-8")
        for entry in re.finditer(r"@\w+\{([^,\s]+),(.*?)\n\}", text, re.S):
            key, body = entry.group(1), entry.group(2)
            author = re.search(r"author\s*=\s*[{\"](.+?)[}\"],?\s*\n", body, re.S)
            year = re.search(r"year\s*=\s*[{\"]?(\d{4})", body)
            authors = [a.strip() for a in (author.group(1) if author else key).split(" and ")]
            surname = authors[0].split(",")[0].strip("{} ") if "," in authors[0] else \
                authors[0].split()[-1].strip("{}")
            surname = re.sub(r"\\.|[{}]", "", surname)
            et_al = " et al." if len(authors) > 2 else (
                f" and {re.sub(r'[{}]', '', authors[1].split(',')[0].strip())}"
                if len(authors) == 2 and "," in authors[1] else "")
            names[key] = f"{surname}{et_al} ({year.group(1) if year else 'n.d.'})"
    return names


def _plain_markdown(source: str, context: MystContext | None = None) -> str:
    """Rewrite MyST as plain Markdown (JupyterLab does not know MyST): exercise
    directives become bold titles, roles become text, labelled equations get a tag."""
    if context is not None:
        source = context.plain(source)
    exercise = WORDS[context.language if context is not None else "en"]["exercise"]
    out: list[str] = []
    for line in source.splitlines():
        match = _DIRECTIVE.match(line.strip())
        if match and match.group("name") in ("exercise", "exercise-start"):
            title = match.group("arg").strip()
            out.append(f"**{exercise}{' — ' + title if title else ''}**")
        elif match and match.group("name") == "exercise-end":
            continue
        elif re.match(r"^:(label|class|nonumber|hidden):", line.strip()):
            continue
        elif line.strip() in ("```", ":::", "````"):
            continue
        else:
            out.append(line)
    return "\n".join(out).strip()


def _starts_directive(cell, name: str) -> bool:
    if cell.cell_type != "markdown":
        return False
    return any((m := _DIRECTIVE.match(line.strip())) and m.group("name") == name
               for line in cell.source.splitlines())


def student_notebook(notebook, chapter_name: str = "",
                     context: MystContext | None = None, prose: dict | None = None,
                     language: str = "en") -> nbformat.NotebookNode:
    """Return the student edition of a notebook (a new object; the input is untouched).

    ``context`` (a :class:`MystContext`) lets MyST roles become plain text; without it
    they are built from the notebook itself (glued values, equation numbers), with
    citation keys left as they are. With ``language="fr"``, ``prose`` is the page's
    French catalogue (msgid -> msgstr) and the code's literals are translated by
    nbcode's French catalogue of the chapters.
    """
    notebook = nbformat.from_dict(notebook)
    if context is None:
        context = MystContext(notebook, language=language)
    words = WORDS[language]
    translate = None
    if language != "en":
        from nbcode.i18n import code_catalogue, translate_code

        from .i18n import translate_markdown

        code_messages = code_catalogue(language)

        def translate(cell):
            if cell.cell_type == "code":
                cell.source = translate_code(cell.source, code_messages)
            elif cell.cell_type == "markdown":
                cell.source = translate_markdown(cell.source, prose or {})[0]
    cells = []
    in_solution = False
    for cell in notebook.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in tags:
            continue
        if _starts_directive(cell, "solution-start"):
            in_solution = not _starts_directive(cell, "solution-end")
            continue
        if _starts_directive(cell, "solution-end"):
            in_solution = False
            continue
        if _starts_directive(cell, "solution"):
            continue
        if translate is not None:
            translate(cell)
        if cell.cell_type == "code":
            has_solution = any(line.strip() == BEGIN for line in cell.source.splitlines())
            if in_solution and not has_solution:
                continue
            cell.source = stub_code(cell.source, language)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
        elif cell.cell_type == "markdown":
            if in_solution:
                continue
            cell.source = _plain_markdown(cell.source, context)
        cells.append(cell)
    banner = nbformat.v4.new_markdown_cell(
        words["banner"].format(of=words["of"] + chapter_name if chapter_name else ""))
    # A fixed id (nbformat would draw a random one): the same chapter always gives the same
    # bytes, so a republished edition differs only where its content does.
    banner.id = "student-edition-banner"
    first = [banner]
    if "language_cell" in words:
        setting = nbformat.v4.new_code_cell(words["language_cell"])
        setting.id = "student-edition-language"
        first.append(setting)
    notebook.cells = [*first, *cells]
    notebook.metadata.pop("widgets", None)
    return notebook


#: The languages of the student editions: English in student/, the others in student/<language>/.
LANGUAGES = ("en", "fr")


def write_student_editions(source_dir: str | Path = "chapters",
                           target_dir: str | Path = "student", language: str = "en") -> list[Path]:
    """Write the student edition of every notebook in ``source_dir`` into ``target_dir``
    (in ``language``: French editions read the page's prose catalogue of ``locales/fr``)."""
    source_dir, target_dir = Path(source_dir), Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    citations = bibliography_names(sorted(source_dir.glob("references/*.bib")))
    written = []
    for path in sorted(source_dir.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        number = re.match(r"^(\d+)_", path.name)
        context = MystContext(notebook, chapter=int(number.group(1)) if number else None,
                              citations=citations, language=language)
        prose = None
        if language != "en":
            from .i18n import prose_catalogue

            # The page's catalogue is named by its place in the book (chapters/<name>),
            # wherever this copy of the chapters is.
            prose = prose_catalogue(f"chapters/{path.stem}", language)
        title = next((line.lstrip("# ").strip() for cell in notebook.cells
                      if cell.cell_type == "markdown" for line in cell.source.splitlines()
                      if line.startswith("# ")), path.stem)
        if prose:
            title = prose.get(title, title)
        out = target_dir / path.name
        nbformat.write(student_notebook(notebook, chapter_name=title, context=context,
                                        prose=prose, language=language), out)
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source, target = (argv + ["chapters", "student"][len(argv):])[:2]
    for language in LANGUAGES:
        folder = Path(target) if language == "en" else Path(target) / language
        for path in write_student_editions(source, folder, language):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
