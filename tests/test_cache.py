"""bookbuild.cache: the chapters executed into the build's cache, as myst-nb then finds them."""

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from bookbuild import cache as book_cache


def test_the_chapters_are_the_notebooks_of_the_toc_in_order():
    names = [path.name for path in book_cache.chapters()]
    assert names == sorted(names) and len(names) == 7          # 01_regression ... 07_keras
    assert names[0] == "01_regression.ipynb" and names[-1] == "07_keras.ipynb"


def test_stored_seconds_adds_the_cell_timings():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("1", metadata={"execution": {
            "iopub.execute_input": "2026-12-02T10:00:00.000000Z",
            "shell.execute_reply": "2026-12-02T10:00:01.500000Z"}}),
        nbformat.v4.new_code_cell("2", metadata={"execution": {
            "iopub.execute_input": "2026-12-02T10:00:02.000000Z",
            "shell.execute_reply": "2026-12-02T10:00:04.250000Z"}}),
        nbformat.v4.new_code_cell("never run"),
        nbformat.v4.new_markdown_cell("text")])
    assert book_cache.stored_seconds(notebook) == 3.75


def test_an_execution_cached_here_is_the_one_myst_nb_finds(tmp_path):
    path = tmp_path / "tiny.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    executed, seconds, error = book_cache._execute((60, "en"), str(path))
    assert error is None and seconds > 0
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    store = get_cache(str(tmp_path / "cache"))
    store.cache_notebook_bundle(CacheBundleIn(executed, str(path)), check_validity=False,
                                overwrite=True)
    # What myst-nb does on reading the page: match the unexecuted file, merge the outputs.
    as_read = nbformat.read(path, as_version=4)
    assert store.match_cache_notebook(as_read) is not None
    _, merged = store.merge_match_into_notebook(as_read)
    assert merged.cells[0].outputs[0]["text"] == "42\n"
    failing = tmp_path / "failing.ipynb"
    notebook.cells[0].source = "1 / 0"
    nbformat.write(notebook, failing)
    _, _, error = book_cache._execute((60, "en"), str(failing))
    assert "ZeroDivisionError" in error


def test_the_french_execution_runs_the_same_notebook_with_french_outputs(tmp_path, monkeypatch):
    from nbcode.i18n import code_catalogue

    # A literal the chapters print, with its French translation from the real catalogue.
    english, french = next((m, t) for m, t in sorted(code_catalogue("fr").items())
                           if "{" not in m and '"' not in m and "\\" not in m)
    path = tmp_path / "tiny_fr.ipynb"
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from nbcode.i18n import language\nprint(language())"),
        nbformat.v4.new_code_cell(f'print("{english}")'),
        nbformat.v4.new_code_cell("import matplotlib\nmatplotlib.use('agg')\n"
                                  "import matplotlib.pyplot as plt\n"
                                  "fig, ax = plt.subplots()\nax.set_title('drawn in French')\n"
                                  "fig.canvas.draw()")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, path)
    for name, value in book_cache.kernel_environment("fr").items():
        monkeypatch.setenv(name, value)
    log = book_cache.TEXTS / "fr" / "tiny_fr.texts.jsonl"
    try:
        executed, _, error = book_cache._execute((60, "fr"), str(path))
        assert error is None
        assert executed.cells[0].outputs[0]["text"] == "fr\n"
        assert executed.cells[1].outputs[0]["text"] == french + "\n"
        assert executed.cells[1].source == f'print("{english}")'   # the notebook is unchanged
        assert '{"text": "drawn in French"}' in log.read_text().splitlines()
    finally:
        log.unlink(missing_ok=True)
    assert book_cache.cache_path("fr").name == ".jupyter_cache_fr"
    assert book_cache.kernel_environment("en") == {}
