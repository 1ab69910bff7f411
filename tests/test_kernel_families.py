"""scripts/kernel_families.py: the other CPU kernel families the test command re-runs the chapters under."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("kernel_families", ROOT / "scripts" / "kernel_families.py")
kernel_families = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kernel_families)


def test_other_families_exclude_the_default_and_fit_the_cpu():
    flags = kernel_families.cpu_flags()
    if not flags:
        pytest.skip("no /proc/cpuinfo flags on this system")
    default = kernel_families.openblas_family()
    others = kernel_families.other_families(count=4)
    assert others, "an x86-64 CPU with AVX supports at least one other family"
    for name, isa in others:
        assert name.lower() != default.lower()
        assert kernel_families.FAMILIES[name][0] <= flags
        assert isa in {"AVX2", "SSE4_2"}


def test_a_forced_family_is_really_used():
    others = kernel_families.other_families(count=1)
    if not others:
        pytest.skip("no other family on this CPU")
    name, _ = others[0]
    assert kernel_families.openblas_family(name).lower() == name.lower()
    assert kernel_families.main(["--check", name]) == 0
