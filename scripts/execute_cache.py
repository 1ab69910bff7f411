"""Execute the chapters into the build's cache, several at a time (the code is bookbuild.cache).

    python scripts/execute_cache.py            # every chapter not yet cached, on the usable cores
    python scripts/execute_cache.py --jobs 1   # one at a time
"""

import sys
from pathlib import Path

# bookbuild and nbcode are folders of the repository: its root makes them importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bookbuild.cache import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
