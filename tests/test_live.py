"""The live experience, end to end: a student's Binder session, rebuilt without Docker.

A session fixture does what Binder does (see tests/live_env.py): copies the repository's
files into a temporary folder, builds a fresh virtual environment there from
``runtime.txt`` + ``requirements.txt`` alone, runs ``postBuild`` (which writes the student
editions into the copy's ``student/``), and starts JupyterLab from that environment on
127.0.0.1 with a token. Headless Debian Chromium (never a downloaded browser; every
request that leaves 127.0.0.1 is blocked) then works through the notebooks as a student
would: Run → Run All Cells, watch the widgets, press Play and Train, read the checks,
paste an answer into an exercise cell and run it again.

Also checked: every chapter page's "student edition, opened in Binder" link and the
README's Binder badge agree with ``_config.yml`` and open a notebook that postBuild writes.

Nothing skips: a missing interpreter, a failed pip install, a server that does not start
or a chapter that is gone is a failure. The environment is fresh for every session (pip's
download cache is reused); the build, postBuild and each chapter's live run are timed and
written to ``_build/live/timings.json``. Set ``LIVE_ENV_DIR`` to keep the environment in a
folder between local runs (rebuilt when requirements.txt, runtime.txt or pyproject.toml
change).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml
from browser import ROOT, open_page, screenshot, screenshot_dir, site_dir
from live_env import LiveEnv, build_environment, copy_repository, jupyter_lab, run_postbuild, runtime_version

pytestmark = [pytest.mark.live, pytest.mark.browser, pytest.mark.slow]

CHAPTERS = ROOT / "chapters"
TIMINGS: dict[str, float] = {}
CELL_TIMEOUT_MS = 600_000  # a whole chapter, on two shared cores (budget: 60 s alone)
ERROR_MIME = "application/vnd.jupyter.error"


def _timings_file() -> Path:
    return site_dir().parent / "live" / "timings.json"


def _record(name: str, seconds: float) -> None:
    TIMINGS[name] = round(seconds, 1)
    path = _timings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**old, **TIMINGS}, indent=2) + "\n")


# --------------------------------------------------------------------------- fixtures
def _inputs_key() -> str:
    digest = hashlib.sha256()
    for name in ("requirements.txt", "runtime.txt", "pyproject.toml"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def live_env(tmp_path_factory) -> LiveEnv:
    """The copied repository, its fresh environment, and postBuild's student editions."""
    keep = os.environ.get("LIVE_ENV_DIR")
    base = Path(keep) if keep else tmp_path_factory.mktemp("binder")
    repo, venv, stamp = base / "repo", base / "venv", base / "venv" / ".live-env-key"
    if repo.exists():
        shutil.rmtree(repo)
    copy_repository(repo)
    assert not (repo / "student").exists(), "the copy must not hold student/ before postBuild"
    if keep and stamp.is_file() and stamp.read_text() == _inputs_key():
        live = LiveEnv(repo=repo, venv=venv)
    else:
        shutil.rmtree(venv, ignore_errors=True)
        live = build_environment(repo, venv)
        stamp.write_text(_inputs_key())
        _record("build_environment_s", live.timings["build_environment"])
    run_postbuild(live)
    _record("postBuild_s", live.timings["postBuild"])
    return live


@pytest.fixture(scope="session")
def lab(live_env, tmp_path_factory):
    start = time.perf_counter()
    with jupyter_lab(live_env, tmp_path_factory.mktemp("lab-home")) as server:
        _record("jupyterlab_startup_s", time.perf_counter() - start)
        yield server
    assert server.process.poll() is not None, "JupyterLab is still running after the session"
    assert not server.killed, f"kernels outlived the server and were killed: pids {server.killed}"


@pytest.fixture
def lab_page(lab, chromium, request):
    """Open a notebook in JupyterLab: ``lab_page(path)`` -> (page, log). Kernels are shut
    down afterwards, and a screenshot is kept when the test fails."""
    opened, failures_before = [], request.session.testsfailed

    def open_notebook(path: str):
        context = open_page(chromium, lab.lab_url(path), viewport=(1400, 1000),
                            wait_until="domcontentloaded")
        page, log = context.__enter__()
        opened.append((context, page))
        wait_for_notebook(page, lab.root / path)
        return page, log

    yield open_notebook
    failed = request.session.testsfailed > failures_before
    for context, page in opened:
        if failed:
            name = re.sub(r"\W+", "_", request.node.name)
            try:
                screenshot(page, screenshot_dir() / "live" / f"{name}.png")
            except Exception:  # noqa: BLE001 - a screenshot is a bonus
                pass
        context.__exit__(None, None, None)
    for kernel in lab.api("GET", "kernels") or []:
        lab.api("DELETE", f"kernels/{kernel['id']}", timeout=60)


# --------------------------------------------------------------------------- JupyterLab helpers
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


def wait_for_notebook(page, path: str, timeout: float = 300_000) -> None:
    """The notebook is shown with all its cells, and its kernel is idle."""
    notebook = nbformat.read(Path(path), as_version=4)
    n_cells = len(notebook.cells)
    page.wait_for_function(
        f"() => document.querySelectorAll('{NOTEBOOK} .jp-Cell').length === {n_cells}",
        timeout=timeout, polling=500)
    page.locator(".jp-StatusBar-Item", has_text=re.compile(r"\| Idle")).first.wait_for(
        timeout=timeout)


def cells(page):
    return page.locator(f"{NOTEBOOK} .jp-Cell")


def cell_index(notebook, snippet: str, cell_type: str = "code", last: bool = False) -> int:
    found = [i for i, c in enumerate(notebook.cells)
             if c.cell_type == cell_type and snippet in c.source]
    assert found, f"no {cell_type} cell contains {snippet!r}"
    return found[-1] if last else found[0]


PROMPTS_JS = f"""() => Array.from(document.querySelectorAll(
    '{NOTEBOOK} .jp-CodeCell .jp-InputArea-prompt')).map(e => e.textContent.trim())"""


def run_all(page, n_code: int) -> float:
    """Run → Run All Cells; wait until the kernel is done. Returns the seconds it took."""
    assert page.locator(f"{NOTEBOOK} .jp-CodeCell").count() == n_code, \
        "JupyterLab does not show every code cell of the notebook"
    start = time.perf_counter()
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(r"^\s*Run All Cells")).click()
    page.wait_for_function(f"() => ({PROMPTS_JS})().some(p => p.includes('*'))", timeout=30_000)
    page.wait_for_function(
        f"""() => !({PROMPTS_JS})().some(p => p.includes('*')) && document.querySelector(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')
        .dataset.status === 'idle'""", timeout=CELL_TIMEOUT_MS, polling=500)
    return time.perf_counter() - start


def assert_no_errors(page, notebook, where: str) -> None:
    """Every code cell ran (has an execution count) and no output is an error."""
    prompts = page.evaluate(PROMPTS_JS)
    not_run = [i for i, p in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", p)]
    errors = page.locator(f"{NOTEBOOK} .jp-OutputArea-output[data-mime-type='{ERROR_MIME}']")
    texts = [errors.nth(i).inner_text()[-1500:] for i in range(errors.count())]
    assert not texts, f"{where}: error output in the notebook:\n" + "\n---\n".join(texts)
    assert not not_run, f"{where}: code cells that did not run (nth code cell): {not_run}"
    broken = page.locator(f"{NOTEBOOK} .jp-OutputArea-output",
                          has_text=re.compile("Error displaying widget|Error rendering|"
                                              "Loading widget|Model not found"))
    assert broken.count() == 0, f"{where}: a widget failed: {broken.first.inner_text()[:500]}"


def output_of(page, index: int):
    return cells(page).nth(index).locator(".jp-OutputArea-output")


#: The visible frame: a layered player shows its current overlay over a background image
#: (nbcode.widgets.TrainingPlayer); a screenshot of the overlay shows the two composed.
#: A player of several panels (nbcode.frames.panel_cuts) shows one such pair per panel.
FRAME = "img.widget-image:not(.nb-frame-background)"
#: What a player's frames are drawn in: its box of panels, else its one layered panel.
FRAME_AREA = ".nb-panels, .nb-frames"


def visible_images(scope):
    """The visible frame of each of the player's panels (one, unless it has several)."""
    image = scope.locator(f"{FRAME}:visible")
    image.first.wait_for(timeout=30_000)
    panels = scope.locator(".nb-frames").count()
    assert image.count() == max(1, panels), (
        f"expected one visible frame per panel ({max(1, panels)}), found {image.count()}")
    return image


def png_of(scope) -> bytes:
    """A screenshot of the visible frame, every panel of it (retried: a playing Stack swaps
    its children)."""
    for attempt in range(5):
        try:
            image = visible_images(scope)
            area = scope.locator(FRAME_AREA)
            shot = area.first if area.count() else image.first
            shot.scroll_into_view_if_needed(timeout=10_000)
            return shot.screenshot(timeout=10_000)
        except Exception:  # noqa: BLE001 - detached mid-swap: try again
            if attempt == 4:
                raise
            scope.page.wait_for_timeout(500)
    raise AssertionError("unreachable")


def wait_until_still(locator, seconds: float = 2.0, timeout: float = 120.0) -> str:
    """Wait until ``locator``'s text stays the same for ``seconds``; return it."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        text = locator.inner_text()
        if text != last:
            last, since = text, time.monotonic()
        elif time.monotonic() - since >= seconds:
            return text
        time.sleep(0.25)
    raise AssertionError(f"{locator} kept changing for {timeout:.0f} s")


def assert_play_moves_frames(page, index: int, where: str) -> None:
    """The TrainingPlayer in cell ``index`` renders; Play changes the visible frame."""
    out = output_of(page, index)
    play = out.locator(".widget-play button").first
    play.wait_for(timeout=30_000)
    # The player's own readout, in the row of its Play widget (a live panel around the
    # player has sliders of its own, with readouts, above it).
    readout = out.locator(".widget-hbox:has(.widget-play)").last.locator(".widget-readout").first
    before_src = visible_images(out).first.get_attribute("src")
    before, label = png_of(out), readout.inner_text()
    play.click()
    page.wait_for_function(
        f"([el, src]) => {{ const v = Array.from(el.querySelectorAll({FRAME!r}))"
        ".filter(i => i.offsetParent !== null); return v.length > 0 && v[0].src !== src; }",
        arg=[out.first.element_handle(), before_src], timeout=30_000)
    final = wait_until_still(readout)  # played to the end (the players do not repeat)
    assert final != label, f"{where}: the slider's label did not move from {label!r}"
    assert png_of(out) != before, f"{where}: Play did not change the visible frame"


def checker_cells(notebook) -> list[int]:
    return [i for i, c in enumerate(notebook.cells) if c.cell_type == "code"
            and re.search(r"^\s*ch\d\d\.check_\w+\(", c.source.strip().splitlines()[-1])]


def paste_into_cell(page, index: int, code: str) -> None:
    """Replace a cell's code as a student would: click, select all, paste."""
    editor = cells(page).nth(index).locator(".cm-content")
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+a")
    editor.evaluate("""(el, text) => { const data = new DataTransfer();
        data.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                      cancelable: true})); }""", code)
    shown = editor.evaluate("el => Array.from(el.querySelectorAll('.cm-line'))"
                            ".map(l => l.textContent).join('\\n')")
    assert shown.strip() == code.strip(), f"the editor holds:\n{shown}\ninstead of:\n{code}"


def run_cell(page, index: int, timeout: float = 120_000) -> str:
    """Run one cell with Shift+Enter from its editor; return its output text."""
    cell = cells(page).nth(index)
    prompt = cell.locator(".jp-InputArea-prompt")
    before = prompt.inner_text()
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "([el, before]) => { const p = el.querySelector('.jp-InputArea-prompt').textContent.trim();"
        " return /^\\[\\d+\\]:$/.test(p) && p !== before.trim(); }",
        arg=[cell.element_handle(), before], timeout=timeout)
    return "\n".join(cell.locator(".jp-OutputArea-output").all_inner_texts())


def solution_source(chapter: Path, snippet: str) -> str:
    """The solution cell of the full chapter, without its BEGIN/END markers."""
    notebook = nbformat.read(chapter, as_version=4)
    source = notebook.cells[cell_index(notebook, snippet)].source
    assert "### BEGIN SOLUTION" in source, f"{snippet!r}: not a solution cell in {chapter.name}"
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def check_not_done(page, notebook, where: str) -> None:
    indices = checker_cells(notebook)
    assert indices, f"{where}: no checker cell found"
    for i in indices:
        text = output_of(page, i).first.inner_text()
        assert "not done yet" in text, f"{where}: cell {i} ({notebook.cells[i].source!r}) " \
                                       f"should say 'not done yet'; it says {text!r}"


# --------------------------------------------------------------------------- the tests
def test_postbuild_writes_every_student_edition(live_env):
    chapters = sorted(p.name for p in CHAPTERS.glob("*.ipynb"))
    written = sorted(p.name for p in (live_env.repo / "student").glob("*.ipynb"))
    assert written == chapters, "postBuild did not write one student edition per chapter"
    import subprocess

    version = subprocess.run([str(live_env.python), "-c", "import sys; print(sys.version)"],
                             capture_output=True, text=True, check=True).stdout
    assert version.startswith(runtime_version(live_env.repo) + "."), version


def test_student_regression_live(live_env, lab, lab_page):
    """Chapter 1, student edition: runs clean, players play, a stub fails its check, the
    solution pasted in passes it."""
    path = "student/01_regression.ipynb"
    notebook = nbformat.read(live_env.repo / path, as_version=4)
    page, log = lab_page(path)
    n_code = sum(c.cell_type == "code" for c in notebook.cells)
    _record("run_all_student_01_regression_s", run_all(page, n_code))
    assert_no_errors(page, notebook, path)
    assert page.locator(f"{NOTEBOOK} .widget-play").count() >= 2, "the players did not render"
    assert_play_moves_frames(page, cell_index(notebook, "logistic_player", last=True), path)
    check_not_done(page, notebook, path)

    stub = cell_index(notebook, "def my_ols_gradient")
    checker = cell_index(notebook, "check_ols_gradient(my_ols_gradient)")
    assert "not done yet" in output_of(page, checker).first.inner_text()
    paste_into_cell(page, stub, solution_source(CHAPTERS / "01_regression.ipynb",
                                                "def my_ols_gradient"))
    assert run_cell(page, stub).strip() == "", "defining the solution printed something"
    verdict = run_cell(page, checker)
    assert verdict.lstrip().startswith("✓"), f"the checker did not pass: {verdict!r}"
    assert not log.blocked, f"JupyterLab asked for third-party resources: {log.blocked}"


def test_student_mlp_playground_live(live_env, lab, lab_page):
    """Chapter 3, student edition: runs clean; the Playground's Play trains in the kernel
    while the picture changes several times, Pause stops it, the neuron maps appear."""
    path = "student/03_mlp.ipynb"
    notebook = nbformat.read(live_env.repo / path, as_version=4)
    page, log = lab_page(path)
    n_code = sum(c.cell_type == "code" for c in notebook.cells)
    _record("run_all_student_03_mlp_s", run_all(page, n_code))
    assert_no_errors(page, notebook, path)
    check_not_done(page, notebook, path)

    out = output_of(page, cell_index(notebook, "Playground(", last=True))
    play = out.locator("button", has_text=re.compile(r"^\s*(Play|Pause)\s*$"))
    play.wait_for(timeout=30_000)
    status = out.locator(".widget-html", has_text=re.compile(r"default run|epoch \d+ of"))
    out.locator("select").first.select_option("circles")  # the data set control: a new run
    out.locator(".widget-html", has_text="epoch 0 of").wait_for(timeout=60_000)
    live = out.locator("img.widget-image:visible").first
    start = time.perf_counter()
    play.click()
    sources, texts = set(), set()
    while time.perf_counter() - start < 20 and "epoch 100 of 100" not in status.inner_text():
        sources.add(live.get_attribute("src"))
        texts.add(status.inner_text())
        page.wait_for_timeout(100)
    _record("playground_play_100_epochs_s", time.perf_counter() - start)
    assert "epoch 100 of 100" in status.inner_text(), status.inner_text()
    assert len(sources) >= 4, f"the picture changed only {len(sources)} times while it trained"
    assert len(texts) >= 4, f"the status changed only {len(texts)} times while it trained"
    caption = out.locator(".widget-html", has_text="Hidden units")
    assert "(16 + 16)" in caption.inner_text()
    neurons = out.locator("img.widget-image:visible").nth(1)
    assert neurons.evaluate("img => img.naturalWidth") > 0, "the neuron maps did not appear"

    play.click()                       # from the start again (the run was over) ...
    page.wait_for_timeout(800)
    out.locator("button", has_text="Pause").click()   # ... and paused
    out.locator("button", has_text=re.compile(r"^\s*Play\s*$")).wait_for(timeout=10_000)
    paused = status.inner_text()
    page.wait_for_timeout(1500)
    assert status.inner_text() == paused, "training went on after Pause"
    epoch = int(re.search(r"epoch (\d+) of", paused).group(1))
    assert 0 < epoch < 100, paused
    assert not log.blocked, f"JupyterLab asked for third-party resources: {log.blocked}"


def test_full_keras_chapter_live(live_env, lab, lab_page):
    """Chapter 7, full edition: runs clean, the Keras callback's player plays, and every
    exercise check passes."""
    path = "chapters/07_keras.ipynb"
    notebook = nbformat.read(live_env.repo / path, as_version=4)
    page, log = lab_page(path)
    n_code = sum(c.cell_type == "code" for c in notebook.cells)
    _record("run_all_full_07_keras_s", run_all(page, n_code))
    assert_no_errors(page, notebook, path)
    assert_play_moves_frames(page, cell_index(notebook, "recorder.player(", last=True), path)
    checks = checker_cells(notebook)
    assert checks, f"{path}: no checker cell"
    for i in checks:
        text = output_of(page, i).first.inner_text()
        assert text.lstrip().startswith("✓"), f"{path}: check in cell {i} did not pass: {text!r}"
    assert not log.blocked, f"JupyterLab asked for third-party resources: {log.blocked}"


# --------------------------------------------------------------------------- Binder links
def _config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def _expected_binder(path: str) -> str:
    config = _config()
    url = config["repository"]["url"].rstrip("/")
    match = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(\.git)?", url)
    assert match, f"_config.yml repository.url is not a GitHub address: {url}"
    hub = config.get("launch_buttons", {}).get("binderhub_url", "https://mybinder.org").rstrip("/")
    return (f"{hub}/v2/gh/{match.group(1)}/{match.group(2)}/{config['repository']['branch']}"
            f"?urlpath=lab/tree/{path}")


def _urlpath_target(url: str, repo: Path) -> Path:
    urlpath = parse_qs(urlsplit(url).query)["urlpath"][0]
    assert urlpath.startswith("lab/tree/"), url
    return repo / urlpath[len("lab/tree/"):]


def _toc_chapters() -> list[Path]:
    """The notebooks the book's table of contents lists (the pages that are built)."""
    files = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("file"), str):
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    return [ROOT / f"{f}.ipynb" for f in files if (ROOT / f"{f}.ipynb").is_file()]


@pytest.mark.site
def test_chapter_binder_links_open_postbuild_notebooks(built_site, live_env):
    chapters = _toc_chapters()
    assert chapters, "_toc.yml lists no chapter notebook"
    # The English pages open the English editions, the French pages (fr/) the French ones.
    for site, edition in ((built_site, "student"), (built_site / "fr", "student/fr")):
        for chapter in chapters:
            page = site / "chapters" / f"{chapter.stem}.html"
            assert page.is_file(), f"{page} is missing from the built site"
            links = re.findall(r'<a[^>]*class="[^"]*student-binder-link[^"]*"[^>]*>', page.read_text())
            assert len(links) == 1, f"{page}: {len(links)} student Binder links"
            href = re.search(r'href="([^"]+)"', links[0]).group(1).replace("&amp;", "&")
            assert href == _expected_binder(f"{edition}/{chapter.name}"), page
            target = _urlpath_target(href, live_env.repo)
            assert target.is_file(), f"{page}: {target} is not written by postBuild"


def test_readme_binder_badge_matches_config(live_env):
    readme = (ROOT / "README.md").read_text()
    badges = re.findall(r"\]\((https?://[^)\s]*/v2/gh/[^)\s]+)\)", readme)
    assert badges, "README.md has no Binder badge"
    for url in badges:
        base, _, _ = url.partition("?urlpath=")
        assert base == _expected_binder("").partition("?urlpath=")[0], url
        target = _urlpath_target(url, live_env.repo)
        assert target.exists(), f"the badge opens {target}, which postBuild does not write"
        if target.is_dir():
            assert list(target.glob("*.ipynb")), f"{target} holds no notebook"
