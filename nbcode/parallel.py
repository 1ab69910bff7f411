"""Independent runs of an experiment on several cores, with the result a single core gives.

A chapter's experiments are often a grid of independent cells (a number of labels and a
seed, say), each a few hundred small training steps whose cost is Python overhead, not
arithmetic: one BLAS call cannot use a second core for them, but a second process can.
:func:`map_cells` runs ``function(state, item)`` for every item, in ``n_jobs`` worker
processes (scikit-learn's convention: -1 for every usable core), and returns the results
in the order of the items, so the result is the same, bit for bit, whatever the number
of processes: each cell draws its random numbers from its own seed, never from a shared
generator, and each worker uses the BLAS thread counts of the process that started it.

``function`` and ``initializer`` must be functions defined at the top level of a module
(workers import them by name): not lambdas, and not functions defined in a notebook.
"""

from __future__ import annotations

import gc
import multiprocessing
import numbers
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ._validation import check_callable
from .i18n import N_, _

__all__ = ["usable_cpus", "resolve_n_jobs", "map_cells"]

#: What a worker holds: the state its initializer returned (one per process).
_STATE = None


def _cgroup_quota(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """CPUs allowed by the container's cgroup CPU quota, or None if there is no quota."""
    try:   # cgroup v2: "max 100000" (no quota) or "200000 100000" (2 CPUs)
        quota, period = (root / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:   # cgroup v1: cfs_quota_us is -1 without a quota
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
        return None if quota <= 0 else quota / period
    except (OSError, ValueError):
        return None


def usable_cpus() -> int:
    """The number of CPUs this process may keep busy (at least 1).

    The CPUs it may run on (its affinity mask), capped by the CPU quota of its container
    when there is one: Binder, a JupyterHub or a CI runner often shows the host's many
    cores but grants one or two, and ``os.cpu_count()`` sees only the former.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:   # macOS, Windows
        cpus = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        cpus = min(cpus, max(1, int(quota)))
    return max(1, cpus)


def resolve_n_jobs(n_jobs: int | None) -> int:
    """scikit-learn's ``n_jobs``, as a number of processes: ``None`` → 1, ``k >= 1`` → k,
    ``-1`` → :func:`usable_cpus`, ``-2`` → one fewer, ... (at least 1)."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral) or n_jobs == 0:
        raise ValueError(_("n_jobs must be a non-zero integer (1: this process only; -1: every "
                           "usable core, -2: all but one) or None (1); received {n_jobs!r}.").format(
                               n_jobs=n_jobs))
    return int(n_jobs) if n_jobs > 0 else max(1, usable_cpus() + 1 + int(n_jobs))


def _thread_counts() -> dict:
    """This process's BLAS/OpenMP thread count per library (threadpoolctl), {} without it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return {}
    return {info["prefix"]: info["num_threads"] for info in threadpool_info()}


def _start_worker(initializer, initargs, thread_counts):
    global _STATE
    # A worker uses the BLAS thread counts of the process that started it: a product
    # split among another number of threads can round differently, and the cells must
    # give the numbers one process gives.
    if thread_counts:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=thread_counts)
    _STATE = initializer(*initargs)


def _run_cell(function, item):
    return function(_STATE, item)


def _context(function):
    """forkserver on Linux (a fresh process that has imported ``function``'s module, forked
    once per worker: safe in a kernel that runs threads, and quick), spawn elsewhere."""
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        module = getattr(function, "__module__", None)
        if module and module != "__main__":
            context.set_forkserver_preload([module])
        return context
    return multiprocessing.get_context("spawn")


def map_cells(function: Callable, items: Iterable, n_jobs: int | None = None,
              initializer: Callable | None = None, initargs: tuple = ()) -> list:
    """``[function(state, item) for item in items]``, the items shared among processes.

    Parameters
    ----------
    function : ``(state, item) -> result``, a top-level function of a module.
    items : the cells, each small to send (indices, seeds); the big shared inputs go
        through ``initargs`` instead, sent once per process.
    n_jobs : int, optional
        Processes to use, as in scikit-learn: ``None`` or 1 runs everything in this process
        (no worker is started), -1 uses every usable core (:func:`usable_cpus`), -2 all but
        one, and so on. Never more than the number of items. In a script (not a notebook),
        code that starts workers must sit under ``if __name__ == "__main__":`` (Python's
        rule for worker processes; see "Safe importing of main module" in its
        ``multiprocessing`` documentation).
    initializer : ``(*initargs) -> state``, a top-level function of a module, called once
        per process; default: the state is ``initargs`` itself.

    Returns
    -------
    list : the results, in the order of ``items``, equal to those of ``n_jobs=1``.
    """
    check_callable(function, "function", N_("(state, item) -> result"))
    if initializer is not None:
        check_callable(initializer, "initializer", N_("(*initargs) -> state"))
    if not isinstance(initargs, tuple):
        raise TypeError(_("initargs must be a tuple (the initializer's arguments); received "
                          "{kind}.").format(kind=type(initargs).__name__))
    items = list(items)
    n_jobs = min(resolve_n_jobs(n_jobs), len(items))
    make_state = initializer if initializer is not None else _as_state
    if n_jobs <= 1:
        state = make_state(*initargs)
        return [function(state, item) for item in items]
    for name, f in (("function", function), ("initializer", initializer)):
        if f is not None and (getattr(f, "__module__", "__main__") == "__main__"
                              or "<lambda>" in getattr(f, "__qualname__", "<lambda>")
                              or "<locals>" in getattr(f, "__qualname__", "")):
            raise ValueError(_("{name} must be defined at the top level of a module, so that "
                               "worker processes can import it; {function!r} is not. Move it "
                               "into a module, or pass n_jobs=1 to run in this process.").format(
                                   name=name, function=f))
    helpers = _running_helpers()
    try:
        return _map_in_pool(function, items, n_jobs, make_state, initargs)
    except BrokenProcessPool as error:
        raise RuntimeError(_("a worker process died ({error}). Either the machine ran out of "
                             "memory, or a script started workers from code that is not under "
                             "`if __name__ == \"__main__\":` (each worker imports the script "
                             "again). Pass n_jobs=1 to run in this process.").format(
                                 error=error)) from None
    finally:
        # The pool is gone, and with it its semaphores (collected, so that they are
        # unregistered from the resource tracker before it stops).
        gc.collect()
        _stop_helpers_started_since(helpers)


def _map_in_pool(function, items, n_jobs, make_state, initargs) -> list:
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=_context(function),
                             initializer=_start_worker,
                             initargs=(make_state, initargs, _thread_counts())) as pool:
        return list(pool.map(_run_cell, [function] * len(items), items))


def _running_helpers() -> dict:
    """Which of multiprocessing's helper processes run now: the fork server (it forks the
    workers) and the resource tracker (it frees what a dead worker leaves)."""
    from multiprocessing import forkserver, resource_tracker

    server = getattr(forkserver, "_forkserver", None)
    tracker = getattr(resource_tracker, "_resource_tracker", None)
    return {"server": getattr(server, "_forkserver_pid", None) is not None,
            "tracker": getattr(tracker, "_fd", None) is not None}


def _stop_helpers_started_since(before: dict) -> None:
    """Stop the helper processes this call started, once its workers are gone.

    Left running, they are children of a Jupyter kernel when it shuts down: the resource
    tracker ignores SIGTERM, and ipykernel waits for its children (about 2.5 s of every
    chapter run by nbclient or nbval). What ran before the call is left as it was. The
    stop methods are multiprocessing's own (private, so looked up with care)."""
    from multiprocessing import forkserver, resource_tracker

    for name, owner, attribute in (("server", forkserver, "_forkserver"),
                                   ("tracker", resource_tracker, "_resource_tracker")):
        helper = getattr(owner, attribute, None)
        if not before.get(name) and hasattr(helper, "_stop"):
            try:
                helper._stop()
            except (OSError, RuntimeError, ChildProcessError):
                pass


def _as_state(*args):
    return args
