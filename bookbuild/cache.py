"""Execute the chapters into the build's execution cache, several at a time.

    python scripts/execute_cache.py            # every chapter of _toc.yml not yet cached
    python scripts/execute_cache.py --jobs 1   # one at a time

Jupyter Book (``execute_notebooks: cache``) executes a notebook whose code is not in
``_build/.jupyter_cache`` when Sphinx reads it: one chapter after the other, one core
busy. This fills the same cache first, running as many chapters at once as there are
usable cores (:func:`nbcode.parallel.usable_cpus`), the longest first (by the cell
timings each committed notebook stores); the HTML, French and PDF builds then find every
chapter cached. A notebook is executed exactly as myst-nb would (jupyter-cache's
``single_nb_execution``, in the notebook's folder, with ``_config.yml``'s timeout); an
error fails the command with the chapter's traceback.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

import nbformat
import yaml

# bookbuild/ sits at the root of the repository, next to nbcode/.
ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"


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

    (timeout,) = state
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
    parser.add_argument("--cache", type=Path, default=CACHE, help=f"default: {CACHE}")
    args = parser.parse_args(argv)
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
                        initargs=(config.get("timeout", 300),))
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
