"""The printable PDF (built by `make book` through scripts/build_pdf.py).

It must hold every chapter, resolve every cross-reference (no "??"), print the exercise
statements and (by default) their solutions, and show each training widget as a strip of
frames rather than as a blank box or raw widget text.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / "latex" / "book.pdf"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def pdf():
    from pypdf import PdfReader

    if not PDF.is_file():
        pytest.fail(f"no PDF at {PDF}: build it with `make pdf` (make book builds it too)",
                    pytrace=False)
    reader = PdfReader(PDF)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, text


def chapter_title(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else []:
            if line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{path.name} has no title")


def outline_titles(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def test_every_chapter_is_in_the_pdf(pdf):
    reader, _ = pdf
    titles = outline_titles(reader)
    missing = [chapter_title(p) for p in CHAPTERS if chapter_title(p) not in titles]
    assert not missing, f"chapters missing from the PDF's table of contents: {missing}"
    assert "Exercises" in titles and "Summary" in titles


def test_no_unresolved_references(pdf):
    _, text = pdf
    assert "??" not in text, "an unresolved reference prints as ?? in the PDF"


def test_exercises_and_solutions_are_printed(pdf):
    _, text = pdf
    for number, path in enumerate(CHAPTERS, start=1):
        assert re.search(rf"Exercise\s*{number}\.[\d.]+", text), \
            f"no exercise statement of {path.name}"
    assert re.search(r"Solution\s*to\s*Exercise", text)


def test_widgets_print_as_frame_strips(pdf):
    reader, text = pdf
    players = 0
    figures = 0
    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if WIDGET_VIEW in data:
                    assert "image/png" in data, f"a widget in {path.name} has no print strip"
                    players += 1
                elif "image/png" in data:
                    figures += 1
    images = sum(len(page.images) for page in reader.pages)
    assert players >= len(CHAPTERS)
    assert images >= players + figures, f"{images} images for {players} widgets + {figures} figures"
    assert "TrainingPlayer(" not in text and "VBox(" not in text, "a widget printed as raw text"


def test_the_site_links_the_pdf():
    site_pdf = ROOT / "_build" / "html" / "book.pdf"
    assert site_pdf.is_file() and site_pdf.read_bytes() == PDF.read_bytes()
    intro = (ROOT / "_build" / "html" / "chapters" / "intro.html").read_text()
    assert 'href="../book.pdf"' in intro


def test_solutions_setting_reaches_the_build_config():
    import yaml

    from bookbuild import pdf as build_pdf

    config = yaml.safe_load(build_pdf.pdf_config("omit").read_text())
    assert config["sphinx"]["config"]["book_solutions"] == "omit"
    assert config["title"] == yaml.safe_load((ROOT / "_config.yml").read_text())["title"]


def test_omit_removes_gated_and_plain_solutions():
    from docutils import nodes
    from sphinx_exercise.nodes import solution_end_node, solution_node

    from bookbuild.sphinxext import omit_solutions

    class App:
        class config:
            book_solutions = "omit"

    tree = nodes.section()
    tree += nodes.paragraph(text="Exercise statement")
    tree += solution_node("", nodes.paragraph(text="the answer"))
    tree += solution_end_node()
    omit_solutions(App, tree)
    assert tree.astext() == "Exercise statement"
    App.config.book_solutions = "include"
    tree += solution_node("", nodes.paragraph(text="kept"))
    omit_solutions(App, tree)
    assert "kept" in tree.astext()
