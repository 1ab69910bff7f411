"""The French edition: the command behind `make translations` and `make book` (the code is
bookbuild.i18n).

    python scripts/i18n.py update   # extract the text of every page, update locales/fr/LC_MESSAGES/*.po
    python scripts/i18n.py check    # list the messages that lack a French translation (or are fuzzy)
    python scripts/i18n.py build    # build the French site into _build/html/fr (after the English build)
"""

import sys
from pathlib import Path

# bookbuild is a folder of the repository (installed in .venv by requirements-dev.txt, but
# not in Binder's image): the repository's root makes it importable either way.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bookbuild.i18n import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
