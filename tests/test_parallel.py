"""nbcode.parallel: the cores a process may use, and a map over processes equal to one core's."""

import operator

import numpy as np
import pytest

from nbcode import parallel


def test_usable_cpus_reads_the_cgroup_quota(tmp_path, monkeypatch):
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n")              # 1.5 CPUs: one usable
    assert parallel._cgroup_quota(v2) == 1.5
    (v2 / "cpu.max").write_text("max 100000\n")
    assert parallel._cgroup_quota(v2) is None
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("200000\n")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert parallel._cgroup_quota(v1) == 2.0
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert parallel._cgroup_quota(v1) is None
    assert parallel._cgroup_quota(tmp_path / "absent") is None
    # A container granting 1.5 CPUs of a many-core host: one process.
    monkeypatch.setattr(parallel, "_cgroup_quota", lambda: 1.5)
    assert parallel.usable_cpus() == 1
    monkeypatch.setattr(parallel, "_cgroup_quota", lambda: 0.5)
    assert parallel.usable_cpus() == 1
    monkeypatch.setattr(parallel, "_cgroup_quota", lambda: None)
    assert parallel.usable_cpus() >= 1


def test_n_jobs_follows_scikit_learns_convention(monkeypatch):
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    assert [parallel.resolve_n_jobs(n) for n in (None, 1, 3, -1, -2, -4, -9)] == [1, 1, 3, 4, 3, 1, 1]


def test_map_cells_in_processes_equals_one_process():
    items = list(range(7))
    # state = int("3") (the initializer), result = state * item, for each item, in order
    one = parallel.map_cells(operator.mul, items, n_jobs=1, initializer=int, initargs=("3",))
    two = parallel.map_cells(operator.mul, items, n_jobs=2, initializer=int, initargs=("3",))
    assert one == two == [3 * k for k in items]
    # Without an initializer the state is initargs itself; numpy results come back intact.
    state = (np.arange(4.0), "x")
    picked = parallel.map_cells(operator.getitem, [1, 0], n_jobs=2, initargs=state)
    assert picked[0] == "x" and np.array_equal(picked[1], np.arange(4.0))
    assert parallel.map_cells(operator.mul, [], initializer=int, initargs=("3",)) == []


def test_map_cells_errors_teach():
    with pytest.raises(ValueError, match="top level of a module"):
        parallel.map_cells(lambda state, item: item, [1, 2], n_jobs=2)
    for bad in (0, 1.5, "2", True):
        with pytest.raises(ValueError, match="n_jobs"):
            parallel.map_cells(operator.mul, [1, 2], n_jobs=bad)
    with pytest.raises(TypeError, match="initargs"):
        parallel.map_cells(operator.mul, [1, 2], initargs=3)
    with pytest.raises(TypeError, match="function"):
        parallel.map_cells("mul", [1, 2])
    # One process: a lambda is fine there (nothing is sent to a worker).
    assert parallel.map_cells(lambda state, item: item + len(state), [1, 2], n_jobs=1) == [1, 2]
    # A worker's exception reaches the caller as itself.
    with pytest.raises(ZeroDivisionError):
        parallel.map_cells(operator.truediv, [0, 1], n_jobs=2, initializer=int, initargs=("1",))


def test_map_cells_leaves_no_helper_process_behind():
    # A Jupyter kernel with children left at shutdown waits for them (multiprocessing's
    # resource tracker ignores SIGTERM): map_cells stops the helpers it started.
    psutil = pytest.importorskip("psutil")
    me = psutil.Process()
    before, children = parallel._running_helpers(), {p.pid for p in me.children(recursive=True)}
    assert parallel.map_cells(operator.mul, [1, 2, 3], n_jobs=2, initializer=int,
                              initargs=("2",)) == [2, 4, 6]
    assert parallel._running_helpers() == before
    assert {p.pid for p in me.children(recursive=True)} <= children
