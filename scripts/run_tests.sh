#!/usr/bin/env bash
# Run the whole test suite (called by `make test` after the book is built):
#   - nbcode's unit tests and the checkers' tests           (tests/test_*.py)
#   - every chapter re-executed and compared by nbval         (chapters/*.ipynb)
#   - the student editions executed                           (tests/test_editions.py)
#   - the built site, offline, in headless Chromium           (tests/test_site.py)
# then every chapter again under two other CPU kernel families (OpenBLAS's
# OPENBLAS_CORETYPE and XLA's instruction-set cap, see scripts/kernel_families.py), so that
# this machine also tests for CPUs it is not: every printed number must be the same there.
# pytest's exit code 5 ("no tests collected") is a failure here, not a pass.
set -uo pipefail
cd "$(dirname "$0")/.."

NBVAL=(--nbval --nbval-sanitize-with tests/nbval_sanitize.cfg)
failed=0

run() {  # run pytest; a run that collects nothing fails
  .venv/bin/pytest -p no:cacheprovider -n 2 --dist loadfile "$@"
  local status=$?
  if [ "$status" -eq 5 ]; then
    echo "error: pytest collected no tests" >&2
    status=1
  fi
  [ "$status" -eq 0 ] || failed=1
}

run tests chapters "${NBVAL[@]}" "$@"

# Extra kernel families: chapters only (nbval), unless the caller selected tests.
if [ "${SKIP_KERNEL_FAMILIES:-0}" != 1 ] && [ "$#" -eq 0 ]; then
  families=$(.venv/bin/python scripts/kernel_families.py) || failed=1
  if [ -z "$families" ]; then
    echo "error: this CPU supports no other OpenBLAS kernel family to test under" >&2
    failed=1
  fi
  while read -r family isa; do
    [ -n "$family" ] || continue
    if ! .venv/bin/python scripts/kernel_families.py --check "$family"; then
      failed=1
      continue
    fi
    echo "=== chapters under OPENBLAS_CORETYPE=$family XLA_FLAGS=--xla_cpu_max_isa=$isa ==="
    OPENBLAS_CORETYPE=$family XLA_FLAGS="--xla_cpu_max_isa=$isa" run chapters "${NBVAL[@]}"
  done <<< "$families"
fi
exit "$failed"
