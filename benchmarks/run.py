"""Measure the book's speed, weight and memory against the budgets of DESIGN.md.

    make bench                                  # everything (about 10 min on 2 cores)
    .venv/bin/python benchmarks/run.py --quick  # no fresh install, no cold build
    .venv/bin/python benchmarks/run.py --only mlp --only playground

Sections: chapters, build, pages, mlp, playground, install (see ``--help``). Writes
``benchmarks/RESULTS.md`` (and ``benchmarks/results.json``, from which a partial run
keeps the sections it did not measure). Nothing here is a test: the figures depend on
the machine and on its load; the script reports, it does not fail on a MISS
(``--strict`` makes it exit 1 on any MISS or ERROR).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from benchlib import (  # noqa: E402
    BUDGETS,
    SECTIONS,
    Row,
    baseline_rows,
    dumps,
    format_bytes,
    merge_results,
    parse_sections,
    render,
    render_log_rows,
    row_to_dict,
    summarize,
)

BIN = Path(sys.executable).parent
os.environ.setdefault("KERAS_BACKEND", "jax")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------- machine
def cpu_speed() -> str:
    """Two fixed workloads, best of 3: how fast this machine runs the kind of code the
    chapters run (Python loops; many numpy calls on small arrays). Two sessions' tables
    compare only on machines of the same speed: on one 2.5x slower, every time is ~2.5x."""
    import numpy as np

    def python_loop():
        total = 0
        for i in range(3_000_000):
            total += i
        return total

    a = np.linspace(-2.0, 2.0, 32 * 64).reshape(32, 64)

    def small_numpy():
        for _ in range(20_000):
            np.tanh(a)

    best = []
    for work in (python_loop, small_numpy):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        best.append(min(times))
    return (f"3 M Python additions {best[0]:.2f} s; 20,000 np.tanh of a 32x64 array "
            f"{best[1]:.2f} s (best of 3)")


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    os_name = platform.platform()
    try:
        release = Path("/etc/os-release").read_text()
        match = re.search(r'^PRETTY_NAME="?([^"\n]*)', release, re.M)
        if match:
            os_name = f"{match.group(1)} ({platform.system()} {platform.release()})"
    except OSError:
        pass
    versions = []
    for package in ("numpy", "scikit-learn", "keras", "jax", "jaxlib", "matplotlib",
                    "ipywidgets", "nbclient", "jupyter-book", "myst-nb", "sphinx"):
        try:
            versions.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{package} (not installed)")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                                capture_output=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "chapters", "nbcode"],
                               cwd=ROOT, text=True, capture_output=True).stdout.strip()
        commit += " (chapters/ or nbcode/ modified)" if dirty else ""
    except OSError:
        commit = "unknown"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": cpu,
        "cores": f"{psutil.cpu_count(logical=False)} physical, {os.cpu_count()} logical",
        "CPU speed": cpu_speed(),
        "RAM": format_bytes(psutil.virtual_memory().total),
        "OS": os_name,
        "Python": f"{platform.python_version()} ({sys.executable})",
        "packages": ", ".join(versions),
        "git commit": commit or "unknown",
        "load average at start (1, 5, 15 min)": load,
    }


# ---------------------------------------------------------------------- helpers
class PeakRSS:
    """Peak resident memory of this process's descendants (a kernel), polled in a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak = interval, 0
        self._stop = threading.Event()
        self._me = psutil.Process()

    def _poll(self):
        while not self._stop.is_set():
            total = 0
            for child in self._me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def dir_size(path: Path) -> tuple[int, int]:
    """(apparent bytes, bytes on disk) of a directory tree (symlinks not followed)."""
    apparent = disk = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            apparent += st.st_size
            disk += st.st_blocks * 512
    return apparent, disk


def chapter_notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


# ---------------------------------------------------------------------- chapters
#: The kernel families the chapters are timed under: the machine's default, and one forced
#: (OpenBLAS and XLA pick kernels per CPU; a reader's CPU is not ours).
FAMILIES = {"default kernels": {},
            "Haswell + AVX2": {"OPENBLAS_CORETYPE": "Haswell", "XLA_FLAGS": "--xla_cpu_max_isa=AVX2"}}
RENDER_LOG_CELL = ("import json as _json\nfrom nbcode.frames import render_log as _render_log\n"
                   "print('RENDER-LOG' + _json.dumps(_render_log()))")


def _execute(path: Path, env: dict) -> tuple[float, int, str, list[dict]]:
    """Execute one chapter in a fresh kernel with ``env`` added; (seconds, peak RSS, error, render log)."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(RENDER_LOG_CELL))
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)  # the kernel inherits the environment it is started with
    try:
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}},
                                store_widget_state=True)
        error = ""
        with PeakRSS() as memory:
            start = time.perf_counter()
            try:
                client.execute()
            except Exception as exc:  # report, carry on with the next chapter
                error = f"failed: {type(exc).__name__}: {str(exc).strip().splitlines()[-1][:150]}"
            seconds = time.perf_counter() - start
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    log_entries = []
    for output in notebook.cells[-1].get("outputs", []):
        text = output.get("text", "")
        if text.startswith("RENDER-LOG"):
            log_entries = json.loads(text[len("RENDER-LOG"):])
    return seconds, memory.peak, error, log_entries


def bench_chapters(args, state) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    state["render_logs"] = {}
    for family, env in FAMILIES.items():
        for path in chapter_notebooks():
            log(f"chapters: executing {path.name} ({family})")
            seconds, peak, error, render_log = _execute(path, env)
            suffix = "" if not env else f" ({family})"
            rows.append(Row("chapters", f"{path.name}: execution time{suffix}",
                            None if error else seconds, "s", BUDGETS["chapter_seconds"], error))
            if not env:
                rows.append(Row("chapters", f"{path.name}: kernel peak memory (RSS)",
                                peak or None, "B", None, ""))
                state["render_logs"][path.stem] = render_log
            log(f"chapters: {path.name} {seconds:.1f} s, peak {format_bytes(peak)} {error}")
    if args.baseline:
        previous = json.loads(Path(args.baseline).read_text())
        label = args.baseline_label or previous.get("machine", {}).get("git commit", "baseline")
        rows += baseline_rows(previous, label)
        notes.append(f"Rows marked \"before\" come from {args.baseline} (commit {label}, the same "
                     f"machine): the chapters' times before the frame pipeline of issue 24.")
    notes.append("Time from kernel start to the last cell (kernel start-up, about 1-2 s, "
                 "included), under the machine's default BLAS/XLA kernels and under one forced "
                 "family (" + ", ".join(f"{k}={v}" for k, v in FAMILIES["Haswell + AVX2"].items())
                 + "). Memory: peak resident set of the kernel process and its children, "
                 "polled every 50 ms. Notebooks are executed in memory; nothing is written.")
    return rows, notes


def bench_french(args, state) -> tuple[list[Row], list[str]]:
    """Each chapter executed in English and in French (issue 20: the French costs no more)."""
    sys.path.insert(0, str(ROOT))
    from bookbuild.cache import kernel_environment

    french = kernel_environment("fr")
    rows, english_total, french_total = [], 0.0, 0.0
    for path in chapter_notebooks():
        log(f"french: executing {path.name} in English, then in French")
        english, _, error_en, _ = _execute(path, {})
        seconds, _, error_fr, _ = _execute(path, french)
        error = error_en or error_fr
        ratio = None if error else seconds / english
        english_total, french_total = english_total + english, french_total + seconds
        rows.append(Row("french", f"{path.name}: French execution / English "
                        f"({seconds:.1f} s / {english:.1f} s)", ratio, "x",
                        BUDGETS["french_ratio"], error))
    rows.append(Row("french", f"all chapters: French / English ({french_total:.1f} s / "
                    f"{english_total:.1f} s)", french_total / english_total, "x",
                    BUDGETS["french_ratio"], ""))
    return rows, ["Each chapter in a fresh kernel (default kernels), English then French, one "
                  "after the other: the French kernel has NBCODE_LANG=fr and the start-up file of "
                  "bookbuild.cache (each cell's displayed literals translated before it runs). "
                  "Budget: at most 1.1 x the English time (one run each; the noise of a run is "
                  "a few percent)."]


def bench_frames(args, state) -> tuple[list[Row], list[str]]:
    """Every player's cost per frame, from the render log of the chapters' execution."""
    logs = state.get("render_logs")
    if logs is None:  # run alone: execute the chapters once, default kernels
        logs = {path.stem: _execute(path, {})[3] for path in chapter_notebooks()}
    rows = [row for chapter, entries in logs.items() for row in render_log_rows(chapter, entries)]
    notes = ["Median time per frame of each TrainingPlayer (the moving pieces updated, blitted, "
             "drawn at 2 pixels per CSS pixel and encoded as a lossless WebP overlay of what differs "
             "from the last frame, one palette per player; nbcode.frames), as the chapters ran "
             "under the default kernels; read from nbcode.frames.render_log() in the chapter's "
             "kernel. Names are the players' titles or their first and last frame labels."]
    return rows, notes


# ---------------------------------------------------------------------- build
BUILD_COMMAND = ["build", ".", "--builder", "html", "--warningiserror", "--nitpick",
                 "--keep-going"]
COPY_IGNORE = shutil.ignore_patterns(".git", ".venv", "_build", "node_modules", ".pytest_cache",
                                     ".ruff_cache", "__pycache__", ".ipynb_checkpoints",
                                     ".jupyter_cache")


def add_missing_chapters(toc_path: Path) -> list[str]:
    """Add every chapters/*.ipynb missing from a toc to its "Chapters" part (in name order)."""
    import yaml

    toc = yaml.safe_load(toc_path.read_text())
    parts = toc.get("parts") or []
    part = next((p for p in parts if p.get("caption") == "Chapters"), parts[0] if parts else None)
    if part is None:
        return []
    listed = {entry.get("file") for p in parts for entry in p.get("chapters", [])}
    added = [f"chapters/{p.stem}" for p in sorted((toc_path.parent / "chapters").glob("*.ipynb"))
             if f"chapters/{p.stem}" not in listed]
    if added:
        part["chapters"] = sorted(part.get("chapters", []) + [{"file": f} for f in added],
                                  key=lambda entry: entry.get("file", ""))
        toc_path.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    return [Path(f).name for f in added]


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _jupyter_book(book: Path) -> tuple[float | None, str]:
    """Run the build as `make book` does: the chapters executed into the cache on the usable
    cores (scripts/execute_cache.py), then Jupyter Book; (seconds, note). With --keep-going a
    build that exits 1 on warnings (-W) still renders everything, so its time counts; the
    note says so."""
    start = time.perf_counter()
    proc = subprocess.run([str(BIN / "python"), "scripts/execute_cache.py"], cwd=book, text=True,
                          capture_output=True)
    if proc.returncode != 0:
        tail = ANSI.sub("", proc.stdout + proc.stderr).strip().splitlines()[-3:]
        return None, f"execution failed (exit {proc.returncode}): {' / '.join(tail)[:300]}"
    proc = subprocess.run([str(BIN / "jupyter-book"), *BUILD_COMMAND], cwd=book, text=True,
                          capture_output=True)
    seconds = time.perf_counter() - start
    if proc.returncode == 0:
        return seconds, ""
    output = ANSI.sub("", proc.stdout + proc.stderr)
    warnings_ = [line.split("WARNING:", 1)[1].strip() for line in output.splitlines()
                 if "WARNING:" in line]
    if (book / "_build" / "html" / "index.html").is_file() and warnings_:
        return seconds, (f"built, but exit {proc.returncode}: {len(warnings_)} warning(s) under "
                         f"-W, e.g. {'; '.join(sorted(set(warnings_))[:2])}"[:300])
    tail = output.strip().splitlines()[-3:]
    return None, f"failed (exit {proc.returncode}): {' / '.join(tail)[:300]}"


def bench_build(args, state) -> tuple[list[Row], list[str]]:
    rows, notes = [], []
    if not (ROOT / "book_static" / "vendor").is_dir():
        notes.append("book_static/vendor/ is missing: run `make assets` (or `make book`) first.")
    work = Path(tempfile.mkdtemp(prefix="nnbook-bench-"))
    state["tmp_dirs"].append(work)
    book = work / "book"
    shutil.copytree(ROOT, book, ignore=COPY_IGNORE, symlinks=True)
    added = [] if args.toc_as_is else add_missing_chapters(book / "_toc.yml")
    log(f"build: cold build in {book}" + (f" (added to the toc: {added})" if added else ""))
    cold, note = _jupyter_book(book)
    if added:
        note = (f"{len(added)} chapter(s) not in _toc.yml added for the measurement: "
                + ", ".join(added) + (f". {note}" if note else ""))
    rows.append(Row("build", "cold build: every chapter executed + HTML", cold, "s",
                    BUDGETS["cold_build_seconds"], note))
    if cold is not None:
        site_copy = work / "html-cold"
        shutil.copytree(book / "_build" / "html", site_copy)
        state["site"] = site_copy
        log(f"build: cold {cold:.1f} s; rebuild, nothing changed")
        again, note = _jupyter_book(book)
        rows.append(Row("build", "rebuild, nothing changed (incremental)", again, "s", None,
                        note))
        # A full re-render that reuses the execution cache: what a clean build costs
        # once the notebooks' outputs are cached (e.g. CI with a cached _build/.jupyter_cache).
        for name in ("html", ".doctrees", "jupyter_execute"):
            shutil.rmtree(book / "_build" / name, ignore_errors=True)
        log("build: rebuild reusing the jupyter cache (html and doctrees removed)")
        cached, note = _jupyter_book(book)
        rows.append(Row("build", "cached rebuild: HTML redone, notebooks from the jupyter cache",
                        cached, "s", None, note))
    notes.append(f"The build runs `jupyter-book {' '.join(BUILD_COMMAND)}` (as `make book`) in a "
                 "temporary copy of the working tree (no .git, .venv, _build), so the jupyter "
                 "cache starts empty and the user's _build is untouched. Every chapters/*.ipynb "
                 "is built: those not yet listed in `_toc.yml` are added to the copy's toc "
                 "(`--toc-as-is` builds the toc unchanged). With `--keep-going` a build that "
                 "fails only on warnings (-W) still executes and renders every page: its time "
                 "is reported, with the warnings in the note.")
    return rows, notes


# ---------------------------------------------------------------------- pages
WIDGET_STATE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)
LOCAL_SRC = re.compile(r'<img[^>]*?\ssrc="([^"#?:]+)"')


def page_weights(site: Path) -> list[dict]:
    """For each HTML page: its bytes, its widget state's bytes, and its own images' bytes."""
    pages = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site)
        if {"_static", "_sources", "student"} & set(rel.parts) or rel.name in ("genindex.html",
                                                                                "search.html"):
            continue
        text = html.read_text(encoding="utf-8", errors="replace")
        state = sum(len(m.encode()) for m in WIDGET_STATE.findall(text))
        images = 0
        for src in set(LOCAL_SRC.findall(text)):
            target = (html.parent / src).resolve()
            if target.is_file() and "_static" not in target.parts:
                images += target.stat().st_size
        size = html.stat().st_size
        pages.append({"page": str(rel), "html": size, "widget_state": state, "images": images,
                      "total": size + images})
    return pages


def bench_pages(args, state) -> tuple[list[Row], list[str]]:
    site = args.site or state.get("site") or ROOT / "_build" / "html"
    notes = []
    if not (site / "index.html").is_file():
        return [Row("pages", "built site", None, "B", None,
                    f"no site at {site}: run `make book` or the build section")], notes
    where = "the cold build of this run" if state.get("site") else f"the existing {site}"
    rows = []
    for page in page_weights(site):
        note = (f"HTML {format_bytes(page['html'])} (widget state "
                f"{format_bytes(page['widget_state'])}) + images {format_bytes(page['images'])}")
        rows.append(Row("pages", page["page"], page["total"], "B", BUDGETS["page_bytes"], note))
    apparent, disk = dir_size(site)
    parts = []
    for name in ("_static", "_images", "student", "_sources"):
        if (site / name).is_dir():
            parts.append(f"{name} {format_bytes(dir_size(site / name)[0])}")
    rows.append(Row("pages", "whole site", apparent, "B", None,
                    f"{format_bytes(disk)} on disk; of which " + ", ".join(parts)))
    notes.append(f"Site measured: {where}. A page's weight is its HTML (widget state inline) "
                 "plus the images it alone references (_images/); the theme, MathJax and the "
                 "widget manager under _static/ are shared by every page and counted only in "
                 "the whole site.")
    return rows, notes


# ---------------------------------------------------------------------- web
# Set in every new document: the time (ms since navigation) at which the first widget
# has a layout box, whichever comes first, a player's Play button or a widget's image.
FIRST_WIDGET_JS = """
(() => {
  const sel = '.cell_output .jupyter-widgets .widget-play, .cell_output .jupyter-widgets img';
  function check() {
    const el = document.querySelector(sel);
    if (el && el.getBoundingClientRect().height > 0) { window.__firstWidget = performance.now(); return; }
    requestAnimationFrame(check);
  }
  requestAnimationFrame(check);
})();
"""
WEB_LOADS = 3
#: Responses a static host sends compressed (gzip); the others (PNG, woff2) as they are.
COMPRESSIBLE = re.compile(r"text/|javascript|json|xml|svg|css", re.I)


def chapter_pages(site: Path) -> list[str]:
    """Chapter pages of both editions, relative to the site."""
    return [str(p.relative_to(site)) for p in sorted(site.glob("chapters/[0-9][0-9]_*.html"))
            + sorted(site.glob("fr/chapters/[0-9][0-9]_*.html"))]


def first_visit(browser, url: str, widgets: bool) -> dict:
    """One cold load (a new browser context: empty cache) of ``url``: every response's
    bytes as sent and gzip-compressed, and the time to the first widget."""
    import gzip

    from browser import is_local

    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")
    context.route("**/*", lambda r: r.continue_() if is_local(r.request.url)
                  else r.abort("blockedbyclient"))
    responses = []
    page = context.new_page()
    page.on("response", lambda response: responses.append(response))
    page.add_init_script(FIRST_WIDGET_JS)
    try:
        page.goto(url, wait_until="load")
        first = None
        if widgets:
            page.wait_for_function("() => window.__firstWidget !== undefined", timeout=60_000)
            first = page.evaluate("() => window.__firstWidget") / 1000
        page.wait_for_timeout(1000)  # what loads late (web fonts, MathJax's fonts)
        raw = packed = 0
        for response in responses:
            if not response.url.startswith(("http:", "https:")):
                continue  # blob: and data: URLs (the widgets' frames) are not transferred
            try:
                body = response.body()
            except Exception:  # a redirect or an aborted request has no body
                continue
            kind = response.headers.get("content-type", "")
            raw += len(body)
            packed += len(gzip.compress(body, 6)) if COMPRESSIBLE.search(kind) else len(body)
        return {"first": first, "raw": raw, "gzip": packed, "requests": len(responses)}
    finally:
        context.close()


def bench_web(args, state) -> tuple[list[Row], list[str]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import launch_browser, serve

    site = args.site or state.get("site") or ROOT / "_build" / "html"
    pages = chapter_pages(site)
    if not pages:
        return [Row("web", "chapter pages", None, "B", None,
                    f"no chapter pages in {site}: run `make book`")], []
    rows = []
    with serve(site) as base, launch_browser() as browser:
        for rel in pages:
            widgets = "application/vnd.jupyter.widget-state+json" in (site / rel).read_text(
                encoding="utf-8")
            loads = []
            for _ in range(WEB_LOADS):
                try:
                    loads.append(first_visit(browser, base + rel, widgets))
                except Exception as exc:  # report the page, carry on
                    loads = []
                    error = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:150]}"
                    break
            if not loads:
                rows.append(Row("web", f"{rel}: first visit, gzip", None, "B",
                                BUDGETS["first_visit_gzip_bytes"], error))
                continue
            load = loads[0]
            rows.append(Row("web", f"{rel}: first visit, gzip", load["gzip"], "B",
                            BUDGETS["first_visit_gzip_bytes"],
                            f"{format_bytes(load['raw'])} uncompressed, {load['requests']} requests"))
            if widgets:
                times = [x["first"] for x in loads]
                rows.append(Row("web", f"{rel}: first widget rendered, median of {WEB_LOADS}",
                                statistics.median(times), "s", BUDGETS["first_widget_seconds"],
                                "loads: " + ", ".join(f"{t:.2f}" for t in times) + " s"))
            log(f"web: {rel} {format_bytes(load['gzip'])} gzip"
                + (f", first widget {statistics.median(times):.2f} s" if widgets else ""))
    where = ("the cold build of this run" if state.get("site") and not args.site
             else f"{site}")
    notes = [f"Site: {where}, served from 127.0.0.1 by Python's http.server; headless system "
             f"Chromium, 1280x900, every non-local request blocked. Each load is cold (a new "
             f"browser context, empty cache). Weight: every response of the first load, "
             f"counted gzip-compressed (level 6) when a static host would compress it (HTML, "
             f"CSS, JavaScript, JSON, SVG) and as sent otherwise (PNG, woff2), until 1 s "
             f"after the load event and the first widget. First widget: the time from "
             f"navigation at which the first Play button or widget image has a layout box "
             f"(performance.now()), median of {WEB_LOADS} cold loads."]
    return rows, notes


# ---------------------------------------------------------------------- mlp
MLP_EPOCHS, MLP_BATCH, MLP_HIDDEN, MLP_REPEATS = 50, 32, (64, 64), 3
OPTIMISERS = {"SGD lr 0.1": ("sgd", 0.1), "Adam lr 1e-3": ("adam", 1e-3)}


def _nbcode_fit(X, y, kind, lr, seed):
    from nbcode.nn import MLP, SGD, Adam

    model = MLP(2, MLP_HIDDEN, 2, activation="relu", init="he", seed=seed)
    optimizer = SGD(lr, momentum=0.0) if kind == "sgd" else Adam(lr)
    start = time.perf_counter()
    model.fit(X, y, epochs=MLP_EPOCHS, batch_size=MLP_BATCH, optimizer=optimizer, seed=seed)
    return time.perf_counter() - start, model, 0.0


def _sklearn_fit(X, y, kind, lr, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=MLP_HIDDEN, activation="relu", solver=kind,
                          learning_rate_init=lr, learning_rate="constant", momentum=0.0,
                          nesterovs_momentum=False, batch_size=MLP_BATCH, max_iter=MLP_EPOCHS,
                          alpha=0.0, tol=0.0, n_iter_no_change=10**9, early_stopping=False,
                          shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
    return time.perf_counter() - start, model, 0.0


def _keras_fit(X, y, kind, lr, seed):
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(MLP_HIDDEN[0], "relu"),
                              keras.layers.Dense(MLP_HIDDEN[1], "relu"),
                              keras.layers.Dense(1, "sigmoid")])
    optimizer = (keras.optimizers.SGD(lr, momentum=0.0) if kind == "sgd"
                 else keras.optimizers.Adam(lr))
    model.compile(optimizer=optimizer, loss="binary_crossentropy")
    optimizer.build(model.trainable_variables)
    weights = model.get_weights()
    opt_values = [v.numpy() for v in optimizer.variables]
    # Warm-up on 40 examples (one batch of 32, one of 8 — the shapes of a full epoch of
    # 1000) traces and compiles the train step; then restore the initial state.
    start = time.perf_counter()
    model.fit(X[:40], y[:40], batch_size=MLP_BATCH, epochs=1, verbose=0, shuffle=False)
    compile_seconds = time.perf_counter() - start
    model.set_weights(weights)
    for variable, value in zip(optimizer.variables, opt_values, strict=True):
        variable.assign(value)
    start = time.perf_counter()
    model.fit(X, y, batch_size=MLP_BATCH, epochs=MLP_EPOCHS, verbose=0, shuffle=True)
    return time.perf_counter() - start, _KerasWrap(model), compile_seconds


class _KerasWrap:
    def __init__(self, model):
        self.model = model

    def score(self, X, y):
        import numpy as np

        p = self.model.predict(X, verbose=0, batch_size=1000)[:, 0]
        return float(np.mean((p > 0.5) == y))


def bench_mlp(args, state) -> tuple[list[Row], list[str]]:
    from nbcode import data

    X, y = data.make_moons(n_samples=1000, noise=0.2, seed=0)
    X_test, y_test = data.make_moons(n_samples=1000, noise=0.2, seed=1)
    impls = {"nbcode": _nbcode_fit, "scikit-learn": _sklearn_fit}
    notes = []
    try:
        import keras  # noqa: F401

        impls["Keras/JAX"] = _keras_fit
    except Exception as exc:
        notes.append(f"Keras unavailable ({type(exc).__name__}: {exc}); not measured.")
    rows = []
    for label, (kind, lr) in OPTIMISERS.items():
        times = {name: [] for name in impls}
        accuracy, compile_times = {}, []
        for repeat in range(MLP_REPEATS):  # interleaved, so a burst of load hits all alike
            for name, fit in impls.items():
                seconds, model, compile_seconds = fit(X, y, kind, lr, seed=0)
                times[name].append(seconds)
                if name == "Keras/JAX":
                    compile_seconds and compile_times.append(compile_seconds)
                if repeat == 0:
                    accuracy[name] = model.score(X_test, y_test)
            log(f"mlp: {label} repeat {repeat + 1}: "
                + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in times.items()))
        best = {name: min(t) for name, t in times.items()}
        for name in impls:
            note = (f"test accuracy {accuracy[name]:.3f}; runs "
                    + ", ".join(f"{t:.2f}" for t in times[name]) + " s")
            if name == "Keras/JAX" and compile_times:
                note += f"; trace+compile (excluded) {min(compile_times):.2f} s"
            rows.append(Row("mlp", f"{label}: {name}, best of {MLP_REPEATS}", best[name], "s",
                            None, note))
        sk = best["scikit-learn"]
        rows.append(Row("mlp", f"{label}: nbcode / scikit-learn time", best["nbcode"] / sk, "×",
                        BUDGETS["mlp_ratio"], "aim ≤ 0.50×"))
        if "Keras/JAX" in best:
            rows.append(Row("mlp", f"{label}: Keras/JAX / scikit-learn time",
                            best["Keras/JAX"] / sk, "×", None, ""))
    notes.append(f"Two moons, n = 1000, noise 0.2 (seed 0; accuracy on another 1000, seed 1); "
                 f"2×64 ReLU, one sigmoid output, binary cross-entropy; batch {MLP_BATCH}, "
                 f"{MLP_EPOCHS} epochs, shuffled; SGD without momentum or Adam. scikit-learn: "
                 "alpha=0, tol=0, n_iter_no_change=10^9, early_stopping=False. Times are fit() "
                 "only, best of 3 interleaved runs, all in this process. Keras: verbose=0; "
                 "the train step is traced and compiled on a warm-up fit, then the weights and "
                 "optimiser state are restored and the 50 epochs timed.")
    return rows, notes


# ---------------------------------------------------------------------- playground
PLAYGROUND_CODE = r"""
import json, time, statistics
import numpy as np
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
t0 = time.perf_counter()
from nbcode.playground import Playground
pg = Playground()
construct = time.perf_counter() - t0
pg.dataset.value, pg.hidden.value, pg.epochs.value = "moons", "16, 16", 100
runs = []
for _ in range(%(runs)d):
    start = time.perf_counter()
    pg.train()                         # a whole run at once, then its picture
    runs.append(time.perf_counter() - start)
accuracy = pg.last_accuracy
plays = {}
for name, pace in (("paced", 40.0), ("flat out", None)):
    pg.runner.max_steps_per_second = pace
    pg.dataset.value, pg.hidden.value, pg.epochs.value = "spirals", "16, 16", 200
    images = []
    pg.image.observe(lambda change: images.append(len(change["new"])), names="value")
    start = time.perf_counter()
    pg.play_button.click()             # what Play runs: training in a thread, redraws
    pg.runner.wait(120)
    seconds = time.perf_counter() - start
    pg.image.unobserve_all()
    gaps = np.diff(pg.runner.redraw_seconds)
    plays[name] = {"seconds": seconds, "redraws": len(pg.runner.redraw_seconds),
                   "per_second": pg.runner.redraws_per_second,
                   "median_gap": float(np.median(gaps)), "slowest_gap": float(gaps.max()),
                   "png": statistics.median(images), "epoch": pg.runner.session.epoch}
draws = []
for _ in range(10):
    start = time.perf_counter()
    pg._draw_session(pg.runner.session)
    draws.append(time.perf_counter() - start)
# Chapter 7's panel: the same builder (LiveTraining) around a Keras model (KerasSession).
import os
os.environ.setdefault("KERAS_BACKEND", "jax")
import keras
from nbcode import data, keras_bridge, nn
from nbcode.widgets import slider
X, y = data.make_spirals(n_samples=300, n_classes=3, noise=0.2, seed=0)
loss_fn, accuracy_metric = keras_bridge.classifier_loss(3)
def spiral_run(epochs):
    keras.utils.set_random_seed(0)
    model = keras_bridge.from_nbcode(nn.MLP(2, (64, 64), n_outputs=3, seed=1))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss_fn, metrics=[accuracy_metric],
                  steps_per_execution=10)
    return keras_bridge.KerasSession(model, X, y, epochs=epochs, batch_size=30)
recorder = keras_bridge.BoundaryRecorder(epochs=[0, 1])
spiral_run(1).model.fit(X, y, epochs=1, batch_size=30, verbose=0, callbacks=[recorder])
panel = keras_bridge.live_training(recorder.player(X, y, resolution=40), spiral_run,
                                   {"epochs": slider(150, 10, 300)}, X, y, resolution=40)
panel.step_button.click()              # the first run compiles its programs: not timed
panel.step_button.click()
panel.controls["epochs"].value = 150   # a new run (compiled programs reused)
images = []
panel.picture().observe(lambda change: images.append(len(change["new"])), names="value")
start = time.perf_counter()
panel.play_button.click()
panel.runner.wait(300)
seconds = time.perf_counter() - start
gaps = np.diff(panel.runner.redraw_seconds)
plays["Keras, chapter 7, paced"] = {"seconds": seconds, "redraws": len(panel.runner.redraw_seconds),
                             "per_second": panel.runner.redraws_per_second,
                             "median_gap": float(np.median(gaps)), "slowest_gap": float(gaps.max()),
                             "png": statistics.median(images), "epoch": panel.runner.session.epoch}
print("BENCH" + json.dumps({"construct": construct, "runs": runs, "accuracy": accuracy,
                            "plays": plays, "draw": statistics.median(draws),
                            "neurons": len(pg.neurons.value)}))
"""


def bench_playground(args, state) -> tuple[list[Row], list[str]]:
    from jupyter_client.manager import start_new_kernel

    runs = 5
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "chapters"))
    out = []
    try:
        kc.execute_interactive(
            PLAYGROUND_CODE % {"runs": runs}, timeout=600,
            output_hook=lambda msg: out.append(msg["content"].get("text", ""))
            if msg["msg_type"] == "stream" else None)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(out)
    if "BENCH" not in text:
        return [Row("playground", "live play", None, "s", BUDGETS["playground_redraw_seconds"],
                    f"no result from the kernel: {text[-200:]}")], []
    result = json.loads(text.split("BENCH", 1)[1].strip().splitlines()[0])
    rows = []
    for name, play in result["plays"].items():
        rows.append(Row(
            "playground", f"Play ({name}): time between redraws, median", play["median_gap"], "s",
            BUDGETS["playground_redraw_seconds"],
            f"{play['per_second']:.1f} redraws/s; {play['redraws']} redraws over "
            f"{play['epoch']} epochs in {play['seconds']:.2f} s; slowest gap "
            f"{play['slowest_gap'] * 1000:.0f} ms; frame PNG {format_bytes(play['png'])}"))
    times = result["runs"]
    rows += [
        Row("playground", "one redraw (regions, losses, neuron maps, PNGs)", result["draw"], "s",
            None, f"neuron maps {format_bytes(result['neurons'])}"),
        Row("playground", f"train(): a whole run, then its picture, median of {runs}",
            statistics.median(times), "s", BUDGETS["playground_seconds"],
            f"first {times[0]:.2f} s, slowest {max(times):.2f} s; test accuracy "
            f"{result['accuracy']:.3f}"),
        Row("playground", "Playground() built (default run + its animation frames)",
            result["construct"], "s", None, "includes importing nbcode.playground"),
    ]
    notes = ["In a live ipykernel started for the purpose, timed inside the kernel. Play: the "
             "Play button's handler on spirals (300 points, half held out), hidden \"16, 16\" "
             "(ReLU), 200 epochs, Adam lr 0.01, batch 32: training runs in a background thread "
             "(`nbcode.widgets.LiveRunner`), and each redraw updates the regions, both loss "
             "curves and the title (blitted on one canvas, `frames.FrameCanvas`), encodes the "
             "PNG (`frames.live_png`), draws the 32 hidden units' maps and the status line. "
             "*Paced* is the Playground's default (40 epochs a second, so that a run can be "
             "watched); *flat out* trains as fast as the kernel can, and the redraws share "
             "the interpreter with it. Budget: at least 10 redraws a second (issue 23), a "
             "redraw every 0.1 s. `train()`: moons, hidden \"16, 16\", 100 epochs at once, then "
             "one picture. *Keras, chapter 7*: chapter 7's live panel "
             "(`keras_bridge.live_training`, the same `LiveTraining` builder), its spiral MLP "
             "(64, 64) in Keras on JAX, Adam 0.01, batches of 30, 150 epochs at the panel's pace "
             "(40 epochs a second), one "
             "`fit(epochs=1)` call per step (`keras_bridge.KerasSession`); a first run compiles "
             "the programs and is not timed."]
    return rows, notes


# ---------------------------------------------------------------------- install
def bench_install(args, state) -> tuple[list[Row], list[str]]:
    work = Path(tempfile.mkdtemp(prefix="nnbook-install-"))
    state["tmp_dirs"].append(work)
    venv = work / "venv"
    pip_cache = Path(os.environ.get("PIP_CACHE_DIR", Path.home() / ".cache" / "pip"))
    cache_before = dir_size(pip_cache)[0] if pip_cache.is_dir() else 0
    base_python = getattr(sys, "_base_executable", None) or shutil.which("python3")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("VIRTUAL_ENV", None)
    log(f"install: python -m venv + pip install -r requirements.txt into {venv}")
    start = time.perf_counter()
    steps = [[base_python, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-r",
              str(ROOT / "requirements.txt")]]
    error = ""
    for step in steps:
        # cwd=ROOT: the "-e ." line of requirements.txt is the repository (nbcode)
        proc = subprocess.run(step, cwd=ROOT, env=env, text=True, capture_output=True)
        if proc.returncode != 0:
            error = f"`{' '.join(step[-3:])}` failed: " + " / ".join(
                (proc.stdout + proc.stderr).strip().splitlines()[-2:])[:300]
            break
    seconds = time.perf_counter() - start
    apparent, disk = dir_size(venv) if venv.is_dir() else (None, None)
    cache_state = (f"pip cache warm ({format_bytes(cache_before)} in {pip_cache} before)"
                   if cache_before > 1e6 else f"pip cache cold (empty {pip_cache} before)")
    config = subprocess.run([sys.executable, "-m", "pip", "config", "list"], text=True,
                            capture_output=True, env=env).stdout
    sources = sorted({line.split("=", 1)[1].strip("'") for line in config.splitlines()
                      if re.search(r"\.(find-links|index-url|extra-index-url)=", line)})
    if sources:
        cache_state += "; pip also reads local wheels/indexes: " + ", ".join(sources)
    rows = [Row("install", "python -m venv + pip install -r requirements.txt: wall time",
                None if error else seconds, "s", None, error or cache_state),
            Row("install", "the new venv's size", apparent, "B", None,
                f"{format_bytes(disk)} on disk")]
    notes = [f"Python {platform.python_version()} (`{base_python} -m venv`), the venv's bundled "
             "pip, no upgrade, this machine's pip configuration: packages come from PyPI over "
             "the network unless a local find-links or index listed in the row has them, and "
             "from the pip cache when warm (both stated in the row), so a Binder user without "
             "them waits longer (downloads) and Binder adds its own image build.  The size is "
             "the files' apparent size (bytes on disk in its note)."]
    return rows, notes


# ---------------------------------------------------------------------- main
RUNNERS = {"chapters": bench_chapters, "frames": bench_frames, "french": bench_french,
           "build": bench_build,
           "pages": bench_pages, "web": bench_web, "mlp": bench_mlp, "playground": bench_playground,
           "install": bench_install}


def write_results(output: Path, results: dict) -> None:
    """Merge with the previous results.json (sections not run now are kept); write both files."""
    results["machine"]["load average at end (1, 5, 15 min)"] = ", ".join(
        f"{x:.1f}" for x in os.getloadavg())
    output.parent.mkdir(parents=True, exist_ok=True)
    json_path = output.with_name("results.json")
    previous = None
    if json_path.is_file():
        try:
            previous = json.loads(json_path.read_text())
        except ValueError:
            previous = None
    merged = merge_results(previous, results)
    json_path.write_text(dumps(merged) + "\n")
    output.write_text(render(merged), encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="skip the fresh install and the cold build (pages: the existing "
                             "_build/html)")
    parser.add_argument("--only", action="append", choices=SECTIONS, metavar="SECTION",
                        help=f"run only this section (repeatable): {', '.join(SECTIONS)}")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md",
                        help="the Markdown results file (default: benchmarks/RESULTS.md)")
    parser.add_argument("--note", action="append", default=[],
                        help="a line to add to the results (e.g. 'machine shared at the time')")
    parser.add_argument("--toc-as-is", action="store_true",
                        help="build only the chapters listed in _toc.yml (default: add the others "
                             "to a temporary copy of the toc)")
    parser.add_argument("--site", type=Path, default=None,
                        help="the built site the web section loads (default: the cold build of "
                             "this run, else _build/html)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("--strict", action="store_true", help="exit 1 on any MISS or ERROR")
    parser.add_argument("--baseline", default=None,
                        help="a results.json of an earlier run whose chapter times are shown as "
                             "\"before\" rows")
    parser.add_argument("--baseline-label", default=None,
                        help="what the baseline is (default: its git commit)")
    parser.add_argument("--render-only", action="store_true",
                        help="measure nothing: rewrite RESULTS.md from results.json")
    args = parser.parse_args(argv)
    if args.render_only:
        results_file = args.output.with_name("results.json")
        merged = json.loads(results_file.read_text())
        if args.note:  # a line about the measurements already there (kept in results.json)
            merged["notes"] = [*merged.get("notes", []), *args.note]
            results_file.write_text(dumps(merged) + "\n")
        args.output.write_text(render(merged), encoding="utf-8")
        return 0
    sections = parse_sections(args.only, args.quick)
    command = " ".join(["python benchmarks/run.py"] + (["--quick"] if args.quick else [])
                       + [f"--only {o}" for o in args.only or []]
                       + (["--toc-as-is"] if args.toc_as_is else [])
                       + (["--note ... (below)"] if args.note else []))
    results = {"command": command.strip(), "machine": machine_info(), "sections": {},
               "notes": list(args.note)}
    state = {"tmp_dirs": []}
    # Stopped (kill PID): still remove the temporary copies, via the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    start_all = time.perf_counter()
    all_rows = []
    try:
        for name in sections:
            log(f"section {name}")
            start = time.perf_counter()
            try:
                rows, notes = RUNNERS[name](args, state)
            except Exception as exc:  # one broken section must not lose the others
                rows = [Row(name, "section", None, "", None,
                            f"crashed: {type(exc).__name__}: {exc}"[:300])]
                notes = []
            results["sections"][name] = {
                "measured": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
                "seconds": time.perf_counter() - start,
                "rows": [row_to_dict(r) for r in rows], "notes": notes}
            all_rows += rows
            for row in rows:
                log(f"  {row.status:5} {row.item}: {row.value}")
            results["seconds"] = time.perf_counter() - start_all
            write_results(args.output, results)  # after each section: a stopped run keeps them
    finally:
        if not args.keep:
            for path in state["tmp_dirs"]:
                shutil.rmtree(path, ignore_errors=True)
    results["seconds"] = time.perf_counter() - start_all
    write_results(args.output, results)
    counts = summarize(all_rows)
    log(f"done in {results['seconds']:.0f} s: {counts} -> {args.output}")
    return 1 if args.strict and (counts["MISS"] or counts["ERROR"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
