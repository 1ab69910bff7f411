"""Execute the chapters into the build's execution cache, several at a time.

    python scripts/execute_cache.py            # every chapter of _toc.yml not yet cached
    python scripts/execute_cache.py --jobs 1   # one at a time
    python scripts/execute_cache.py --language fr   # the French execution, into _build/.jupyter_cache_fr

Jupyter Book (``execute_notebooks: cache``) executes a notebook whose code is not in
``_build/.jupyter_cache`` when Sphinx reads it: one chapter after the other, one core
busy. This fills the same cache first, running as many chapters at once as there are
usable cores (:func:`nbcode.parallel.usable_cpus`), the longest first (by the cell
timings each committed notebook stores); the HTML, French and PDF builds then find every
chapter cached. A notebook is executed exactly as myst-nb would (jupyter-cache's
``single_nb_execution``, in the notebook's folder, with ``_config.yml``'s timeout); an
error fails the command with the chapter's traceback.

``--language fr`` executes the same notebooks for the French edition, into a cache of its
own: the kernels start with ``NBCODE_LANG=fr`` and an IPython start-up file that installs
:func:`nbcode.i18n.install_kernel_translation` (each cell's displayed literals are
translated before it runs) and :func:`nbcode.i18n.record_figure_texts` (every text drawn
by matplotlib is written to ``_build/i18n/fr/<chapter>.texts.jsonl``, for the tests).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

import nbformat
import yaml

# bookbuild/ sits at the root of the repository, next to nbcode/.
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
TEXTS = ROOT / "_build" / "i18n"


def cache_path(language: str = "en") -> Path:
    """The execution cache of an edition: _build/.jupyter_cache, or _build/.jupyter_cache_<language>."""
    return CACHE if language == "en" else CACHE.with_name(f"{CACHE.name}_{language}")


_STARTUP = """\
# Written by bookbuild.cache: the kernels of the book's {language} execution.
import os

from nbcode.i18n import install_kernel_translation, record_figure_texts, set_language

set_language(os.environ["NBCODE_LANG"])
install_kernel_translation()
if os.environ.get("NBCODE_TEXT_LOG"):
    record_figure_texts(os.environ["NBCODE_TEXT_LOG"])
"""


def kernel_environment(language: str) -> dict[str, str]:
    """Environment variables under which a kernel executes the chapters in ``language``.

    Writes the IPython profile (_build/ipython-<language>) whose start-up file installs
    the translation; English needs nothing.
    """
    if language == "en":
        return {}
    folder = ROOT / "_build" / f"ipython-{language}"
    startup = folder / "profile_default" / "startup" / "00-nbcode-language.py"
    startup.parent.mkdir(parents=True, exist_ok=True)
    startup.write_text(_STARTUP.format(language=language))
    return {"NBCODE_LANG": language, "IPYTHONDIR": str(folder)}


def chapters(root: Path = ROOT) -> list[Path]:
    """The notebooks of the table of contents, in its order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    files = [toc["root"]] + [entry["file"] for part in toc.get("parts", [])
                             for entry in part.get("chapters", [])]
    return [root / f"{name}.ipynb" for name in files if (root / f"{name}.ipynb").is_file()]


def stored_seconds(notebook) -> float:
    """The sum of the cell times stored by the notebook's last execution (0 if none)."""
    total = 0.0
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if start and end:
            total += (datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))
                      - datetime.datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    return total


def _execute(state, path: str):
    """Worker: execute one notebook as myst-nb does; (notebook, seconds, traceback or None)."""
    from jupyter_cache.executors.utils import single_nb_execution

    timeout, language = state
    if language != "en":   # the kernel this worker starts inherits its environment
        log = TEXTS / language / f"{Path(path).stem}.texts.jsonl"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.unlink(missing_ok=True)
        os.environ["NBCODE_TEXT_LOG"] = str(log)
    notebook = nbformat.read(path, as_version=4)
    result = single_nb_execution(notebook, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    return result.nb, result.time, result.exc_string


def main(argv: list[str] | None = None) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from nbcode.parallel import map_cells, usable_cpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"chapters executed at once (default: the usable cores, {usable_cpus()})")
    parser.add_argument("--language", choices=["en", "fr"], default="en",
                        help="the edition: en (default) or fr (French outputs, cache of its own)")
    parser.add_argument("--cache", type=Path, default=None,
                        help=f"default: {CACHE} (English), {cache_path('fr')} (French)")
    args = parser.parse_args(argv)
    args.cache = args.cache or cache_path(args.language)
    os.environ.update(kernel_environment(args.language))   # inherited by the workers' kernels
    config = yaml.safe_load((ROOT / "_config.yml").read_text()).get("execute", {})
    if config.get("execute_notebooks", "cache") != "cache":
        print("_config.yml does not execute into a cache: nothing to do")
        return 0
    cache = get_cache(str(args.cache))
    pending = []
    for path in chapters():
        notebook = nbformat.read(path, as_version=4)
        if not any(cell.cell_type == "code" for cell in notebook.cells):
            continue
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            pending.append((stored_seconds(notebook), path))
    if not pending:
        print(f"every chapter is in the cache ({args.cache})")
        return 0
    pending = [path for _, path in sorted(pending, key=lambda item: -item[0])]  # longest first
    jobs = min(args.jobs or usable_cpus(), len(pending))
    if jobs < 1:
        parser.error(f"--jobs must be at least 1; received {args.jobs}")
    print(f"executing {len(pending)} chapter(s), {jobs} at a time: "
          + ", ".join(path.stem for path in pending), flush=True)
    start = time.perf_counter()
    results = map_cells(_execute, [str(path) for path in pending], n_jobs=jobs,
                        initargs=(config.get("timeout", 300), args.language))
    failed = 0
    for path, (notebook, seconds, error) in zip(pending, results, strict=True):
        if error is not None:
            failed += 1
            print(f"{path.relative_to(ROOT)}: FAILED after {seconds:.1f} s\n{error}", file=sys.stderr)
            continue
        cache.cache_notebook_bundle(CacheBundleIn(notebook, str(path),
                                                  data={"execution_seconds": seconds}),
                                    check_validity=False, overwrite=True)
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s")
    print(f"{len(pending) - failed} chapter(s) cached in {time.perf_counter() - start:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":   # workers import _execute by name: run it from bookbuild.cache
    from bookbuild.cache import main as _main

    raise SystemExit(_main())
