"""Execute chapters in place, storing their outputs and widget state.

    python scripts/execute_chapters.py                      # every chapters/*.ipynb
    python scripts/execute_chapters.py chapters/01_regression.ipynb

The committed notebooks carry their outputs: readers on GitHub and in Binder see
results before running anything, and nbval in CI checks that re-execution
reproduces every printed number.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path, timeout: int = 600) -> float:
    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}},
                   store_widget_state=True).execute()
    elapsed = time.perf_counter() - start
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        elapsed = execute(path)
        print(f"{path}: executed in {elapsed:.1f} s, {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
