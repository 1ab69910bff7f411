"""Which other CPU kernel families this machine can run, so nbval can test for CPUs it is not.

    python scripts/kernel_families.py            # e.g. "Haswell AVX2" and "Sandybridge SSE4_2"
    python scripts/kernel_families.py --check Haswell   # exit 1 unless numpy really uses it

OpenBLAS (inside numpy's wheel) picks its kernels per processor, and XLA (under JAX) its
instruction set: a number printed on one machine can differ in the last bits on another.
``OPENBLAS_CORETYPE`` forces another OpenBLAS kernel family and
``XLA_FLAGS=--xla_cpu_max_isa=...`` caps XLA's instruction set, so one machine can re-execute
the chapters as other CPUs would. A family can only be forced if the processor has its
instructions: this script lists, in order of preference, the families the CPU supports other
than the one OpenBLAS chose by default, each with an XLA instruction-set cap to pair it with.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

# OpenBLAS kernel family -> CPU flags it needs (from /proc/cpuinfo) and an XLA ISA cap that
# differs from a modern default. In order of preference: the most common CPUs first.
FAMILIES = {
    "Haswell": ({"avx2", "fma"}, "AVX2"),
    "Sandybridge": ({"avx"}, "SSE4_2"),
    "SkylakeX": ({"avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd"}, "AVX2"),
    "Nehalem": ({"sse4_2"}, "SSE4_2"),
}


def cpu_flags() -> set[str]:
    """The processor's feature flags, as Linux lists them."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def openblas_family(coretype: str | None = None) -> str:
    """The kernel family numpy's OpenBLAS uses, optionally with OPENBLAS_CORETYPE forced.

    Asked of a fresh interpreter, since OpenBLAS reads the variable once, when it loads.
    """
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    code = ("import numpy, threadpoolctl; print(next(i.get('architecture') for i in "
            "threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas'))")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    return result.stdout.strip()


def other_families(count: int = 2) -> list[tuple[str, str]]:
    """Up to ``count`` (OpenBLAS family, XLA ISA cap) pairs this CPU supports, default excluded."""
    flags = cpu_flags()
    default = openblas_family().lower()
    chosen = [(name, isa) for name, (needs, isa) in FAMILIES.items()
              if needs <= flags and name.lower() != default]
    return chosen[:count]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2)
    parser.add_argument("--check", metavar="FAMILY",
                        help="exit 1 unless numpy's OpenBLAS really runs FAMILY when forced")
    args = parser.parse_args(argv)
    if args.check:
        used = openblas_family(args.check)
        if used.lower() != args.check.lower():
            print(f"OPENBLAS_CORETYPE={args.check} was ignored: OpenBLAS runs {used}",
                  file=sys.stderr)
            return 1
        return 0
    for name, isa in other_families(args.count):
        print(name, isa)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
