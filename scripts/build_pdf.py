"""Build the book as one PDF: the command behind `make pdf` (the code is bookbuild.pdf).

    python scripts/build_pdf.py                    # solutions included, after each chapter's exercises
    python scripts/build_pdf.py --solutions omit   # a student's copy: exercise statements only
"""

import sys
from pathlib import Path

# bookbuild is a folder of the repository (installed in .venv by requirements-dev.txt, but
# not in Binder's image): the repository's root makes it importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bookbuild.pdf import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
