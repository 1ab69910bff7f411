#!/usr/bin/env bash
# Run the whole test suite (called by `make test` after the book is built):
#   - nbcode's unit tests and the checkers' tests           (tests/test_*.py)
#   - every chapter re-executed and compared by nbval         (chapters/*.ipynb)
#   - the student editions executed                           (tests/test_editions.py)
#   - the built site, offline, in headless Chromium           (tests/test_site.py)
# pytest's exit code 5 ("no tests collected") is a failure here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."

.venv/bin/pytest -p no:cacheprovider -n 2 --dist loadfile \
  tests chapters --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
