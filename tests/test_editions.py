"""Student editions: solutions are removed, and the edition runs with checks saying "not done yet".

The execution tests run every chapter's student edition, English and French, from top to
bottom (marker `notebooks`): no cell may fail, every check must report "not done yet" (in
French: "pas encore fait"), and no solution text may survive.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bookbuild.editions import BEGIN, END, stub_code, student_notebook

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_stub_inside_a_function_raises_not_implemented():
    source = f"def f(x):\n    {BEGIN}\n    y = 2 * x\n    return y\n    {END}\n"
    stubbed = stub_code(source)
    assert "2 * x" not in stubbed
    namespace = {}
    exec(stubbed, namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


def test_stub_at_top_level_assigns_ellipsis_to_each_name():
    source = f"{BEGIN}\nn_params = 3 * 4\na, b = 1, 2\n{END}\nprint(n_params)"
    stubbed = stub_code(source)
    assert stubbed.splitlines() == ["n_params = ...  # your answer", "a = ...  # your answer",
                                    "b = ...  # your answer", "print(n_params)"]


def test_unclosed_marker_is_an_error():
    with pytest.raises(ValueError, match="no matching"):
        stub_code(f"{BEGIN}\nx = 1\n")


def test_student_notebook_removes_solutions_and_outputs():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    solved = code(f"def f(x):\n    {BEGIN}\n    return x\n    {END}")
    solved.outputs = [nbformat.v4.new_output("stream", text="42")]
    nb = notebook(
        md("# Chapter\n```{exercise-start}\n:label: ex-a\n```\nDo it.\n```{exercise-end}\n```"),
        md("```{solution-start} ex-a\n:class: dropdown\n```\nThe idea is SECRET-IDEA."),
        solved,
        code("extra_demo = 'SECRET-DEMO'"),
        md("SECRET-EXPLANATION\n```{solution-end}\n```"),
        md("```{solution} ex-b\n:class: dropdown\nSECRET-ANSWER\n```"),
        code("tagged = 'SECRET-TAGGED'"),
        code("check(f)"),
    )
    nb.cells[6].metadata["tags"] = ["solution"]
    student = student_notebook(nb, chapter_name="Chapter")
    text = "\n".join(cell.source for cell in student.cells)
    assert "SECRET" not in text
    assert "raise NotImplementedError" in text and "check(f)" in text
    assert "**Exercise**" in text and "{exercise" not in text and "Do it." in text
    assert all(not cell.get("outputs") for cell in student.cells if cell.cell_type == "code")
    assert student.cells[0].source.startswith("**Student edition of Chapter.**")
    assert "SECRET-IDEA" in nb.cells[1].source  # the teacher's notebook is untouched


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_solutions_to_remove(path):
    nb = nbformat.read(path, as_version=4)
    markers = sum(cell.source.count(BEGIN) for cell in nb.cells if cell.cell_type == "code")
    assert markers >= 2, f"{path.name} has {markers} coding exercises with solution markers"
    student = student_notebook(nb)
    assert not any(BEGIN in cell.source for cell in student.cells)


#: What a check prints before the student has written anything, in each edition.
NOT_DONE = {"en": "not done yet", "fr": "pas encore fait"}


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_edition_runs_and_checks_say_not_done(path, language, tmp_path):
    from bookbuild.i18n import prose_catalogue

    full = nbformat.read(path, as_version=4)
    # The French edition: its prose from the page's catalogue, its first cell sets the
    # language, and its checkers answer in French.
    student = student_notebook(full, prose=prose_catalogue(f"chapters/{path.stem}", language),
                               language=language)
    client = NotebookClient(student, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, with the cell, if any cell fails
    verdicts = [text for cell in student.cells if cell.cell_type == "code"
                for output in cell.outputs for text in _texts(output)
                if text.startswith(("✓", "✗", "…"))]
    full_verdicts = [text for cell in full.cells if cell.cell_type == "code"
                     for output in cell.outputs for text in _texts(output)
                     if text.startswith(("✓", "✗", "…"))]
    n_exercises = sum(cell.source.count(BEGIN) for cell in full.cells if cell.cell_type == "code")
    assert len(verdicts) >= 2
    assert len(verdicts) == len(full_verdicts)
    assert all(NOT_DONE[language] in v for v in verdicts), verdicts
    assert all(v.startswith("✓") for v in full_verdicts), full_verdicts
    assert n_exercises >= len(verdicts) - 1


def _texts(output):
    if output.get("output_type") == "stream":
        return [line for line in output.get("text", "").splitlines()]
    text = output.get("data", {}).get("text/plain", "")
    return [" ".join(text.strip("'\"").split())]  # a verdict, wrapped over several lines


def test_myst_roles_become_plain_markdown(tmp_path):
    from bookbuild.editions import MystContext, bibliography_names

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{smith2020,\n  author = {Smith, Ann and Jones, Bob and Lee, Cy},\n"
                   "  title = {T},\n  year = {2020}\n}\n\n@book{doe1999,\n"
                   "  author = {Doe, John},\n  title = {U},\n  year = {1999}\n}\n")
    glued = nbformat.v4.new_code_cell("glue('acc', 0.9)")
    glued.outputs = [nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "'91.3%'"},
        metadata={"scrapbook": {"name": "acc"}})]
    md = nbformat.v4.new_markdown_cell(
        "$$\na = b\n$$ (eq-first)\n\nBy {eq}`eq-first`, accuracy {glue:}`acc` "
        "{cite:p}`smith2020,doe1999`; {cite:t}`doe1999` said so, see "
        "{ref}`the exercise <ex-a>` and {doc}`03_mlp`.")
    nb = notebook(md, glued)
    context = MystContext(nb, chapter=2, citations=bibliography_names([bib]))
    text = context.plain(md.source)
    assert "\\tag{2.1}$$" in text and "By (2.1)," in text
    assert "accuracy 91.3%" in text
    assert "(Smith et al., 2020; Doe, 1999)" in text and "Doe (1999) said so" in text
    assert "the exercise and [chapter 3](03_mlp.ipynb)." in text
