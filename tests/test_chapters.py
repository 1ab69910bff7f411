"""Conventions every chapter keeps (see CONTRIBUTING.md), checked on the committed notebooks.

These read the notebooks; nbval (run on chapters/ by the test command) re-executes them
and compares every output.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_NOTEBOOK_WIDGET_STATE = 1_000_000  # bytes of base64 frames; the page budget is 1.5 MB


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def markdown(nb):
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def chapter(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_chapters():
    assert len(CHAPTERS) >= 1


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {entry["file"] for part in toc["parts"] for entry in part["chapters"]}
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in files, f"{path.name} is missing from _toc.yml"


def test_chapter_is_executed_with_widget_state(chapter):
    path, nb = chapter
    cells = code_cells(nb)
    assert all(cell.execution_count is not None for cell in cells), \
        f"{path.name} has unexecuted cells: run `make execute CHAPTER={path.relative_to(ROOT)}`"
    has_widgets = any(WIDGET_VIEW in output.get("data", {})
                      for cell in cells for output in cell.outputs)
    assert has_widgets, f"{path.name} shows no widget (every chapter has a TrainingPlayer)"
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json")
    assert state and state.get("state"), f"{path.name} was executed without saving widget state"
    size = len(json.dumps(state))
    assert size <= MAX_NOTEBOOK_WIDGET_STATE, f"{path.name}: widget state is {size / 1e6:.2f} MB"


def test_no_errors_in_outputs(chapter):
    path, nb = chapter
    errors = [output for cell in code_cells(nb) for output in cell.outputs
              if output.output_type == "error"]
    assert not errors, f"{path.name} has an error output: {errors[0].get('ename')}"


def test_setup_comes_first(chapter):
    path, nb = chapter
    first = code_cells(nb)[0].source
    assert "setup(" in first, f"{path.name}: the first code cell must call nbcode.notebook.setup()"


def test_no_trailing_semicolons(chapter):
    """nbval ignores a trailing `;`, so a hidden value would appear on re-execution."""
    path, nb = chapter
    offenders = [cell.source.splitlines()[-1] for cell in code_cells(nb)
                 if cell.source.strip() and cell.source.rstrip().endswith(";")]
    assert not offenders, f"{path.name}: cells end with ';': {offenders}"


def test_structure(chapter):
    path, nb = chapter
    text = markdown(nb)
    assert re.search(r"^# ", text, re.M), f"{path.name} has no title"
    assert "## Summary" in text, f"{path.name} has no '## Summary'"
    assert "## Exercises" in text, f"{path.name} has no '## Exercises'"
    exercises = len(re.findall(r"\{exercise(-start)?\}", text))
    assert exercises >= 3, f"{path.name} has {exercises} exercises (at least 3)"
    for label in re.findall(r"\{solution(?:-start)?\}\s*(\S+)", text):
        assert re.search(rf":label:\s*{re.escape(label)}\b", text), f"solution of unknown {label}"
    solutions = re.findall(r"\{solution(?:-start)?\}[^\n]*\n((?::[^\n]*\n)*)", text)
    assert all(":class: dropdown" in options for options in solutions), \
        f"{path.name}: every solution must be hidden (:class: dropdown)"


def test_figures_have_captions_and_alt_text(chapter):
    path, nb = chapter
    for cell in code_cells(nb):
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})
                  and WIDGET_VIEW not in o.get("data", {})]
        if not images:
            continue
        options = cell.metadata.get("mystnb", {})
        caption = options.get("figure", {}).get("caption", "")
        alt = options.get("image", {}).get("alt", "")
        first_line = cell.source.splitlines()[0] if cell.source else ""
        assert caption.strip(), f"{path.name}: figure without caption (cell starting {first_line!r})"
        assert alt.strip(), f"{path.name}: figure without alt text (cell starting {first_line!r})"


def test_no_download_at_run_time(chapter):
    path, nb = chapter
    source = "\n".join(cell.source for cell in code_cells(nb))
    for pattern in (r"keras\.datasets", r"fetch_openml", r"urlopen", r"requests\.get",
                    r"weights\s*=\s*['\"]imagenet['\"]\s*\)"):
        hits = [m.group(0) for m in re.finditer(pattern, source)]
        # the transfer chapter shows (without running) the line that loads ImageNet weights
        assert not hits or "# not run" in source, f"{path.name} downloads at run time: {hits}"


def test_bibliography_keys_are_unique_across_chapters():
    """Each chapter has its own .bib file; a key defined twice breaks the build."""
    seen = {}
    for path in sorted((ROOT / "chapters" / "references").glob("*.bib")):
        for key in re.findall(r"^@\w+\{([^,\s]+),", path.read_text(), re.M):
            assert key not in seen, (f"{key} is defined in {seen[key]} and {path.name}: keep one "
                                     "and cite it from both chapters")
            seen[key] = path.name


def test_exercise_titles_are_in_the_body(chapter):
    """Directive arguments are not extracted for translation: titles go in the body."""
    path, nb = chapter
    titled = re.findall(r"\{exercise(?:-start)?\}[ \t]+(\S[^\n]*)", markdown(nb))
    assert not titled, f"{path.name}: exercise titles given as arguments: {titled}"
