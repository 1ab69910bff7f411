"""A whole class on a course's JupyterHub: the student branch, and a real hub, offline.

Two parts.

* The branch (fast, git only): ``scripts/publish_student.py`` writes the student editions
  into a branch of a bare repository. Its notebooks are the ones Binder's ``postBuild``
  writes (the same bytes);
  publishing again without a change makes no commit, and a change makes one commit on
  top of the previous one that touches only the changed lines.
* The real thing (markers ``live``, ``browser``, ``slow``): a JupyterHub started here on
  127.0.0.1 (the ``jupyterhub`` package, its dummy authenticator, the simple local process
  spawner with one home folder per student in a temporary folder, configurable-http-proxy
  from npm), whose single-user servers run from this project's ``.venv`` (so the kernel
  has nbcode and the server has nbgitpuller). Two students log in with headless Chromium
  and follow chapter 1's hub link, built by the function that writes it on the chapter
  page, pulling from a local bare repository. The first runs the whole student edition
  (every check says "not done yet"), solves an exercise and saves; the second sees none
  of it. After a new commit on the branch, the first student follows the link again:
  nbgitpuller's merge brings the change and keeps the solution.

Everything is started and stopped here; processes the hub left behind are killed and
reported. Nothing skips: a missing proxy or a hub that does not answer is a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from browser import ROOT, open_page, screenshot, screenshot_dir
from live_env import LAB_SETTINGS, SERVER_CONFIG, _free_port, _processes_using
from test_live import (
    assert_no_errors,
    cell_index,
    cells,
    check_not_done,
    output_of,
    paste_into_cell,
    run_all,
    run_cell,
    solution_source,
    wait_for_notebook,
)

from bookbuild.sphinxext import jupyterhub_url, repository_folder

sys.path.insert(0, str(ROOT / "scripts"))
from publish_student import publish  # noqa: E402

CHAPTERS = ROOT / "chapters"
VENV_BIN = Path(sys.executable).parent
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
CHAPTER = "01_regression.ipynb"
STUDENTS = ("alice", "bob")
TIMINGS: dict[str, float] = {}


def _git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def _copy_chapters(target: Path) -> Path:
    return shutil.copytree(CHAPTERS, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))


def _changed_chapters(chapters: Path, tmp: Path, sentence: str) -> Path:
    """A copy of ``chapters`` in which chapter 1's title cell ends with ``sentence``."""
    copy = shutil.copytree(chapters, tmp / "chapters-changed")
    notebook = nbformat.read(copy / CHAPTER, as_version=4)
    title = next(c for c in notebook.cells if c.cell_type == "markdown"
                 and c.source.startswith("# "))
    title.source = title.source.rstrip() + "\n\n" + sentence
    nbformat.write(notebook, copy / CHAPTER)
    return copy


# --------------------------------------------------------------------------- the branch
@pytest.fixture(scope="module")
def chapters(tmp_path_factory) -> Path:
    """A snapshot of chapters/: the working tree is shared, and may change during the tests."""
    return _copy_chapters(tmp_path_factory.mktemp("snapshot") / "chapters")


@pytest.fixture(scope="module")
def course_repo(tmp_path_factory, chapters) -> Path:
    """A bare repository with the student branch published once from the chapters."""
    repo = tmp_path_factory.mktemp("course") / "course.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    done = publish(repo, chapters=chapters)
    assert done.created and done.parent is None
    return repo


def test_published_branch_holds_what_postbuild_writes(course_repo, chapters, tmp_path):
    binder = tmp_path / "binder"
    binder.mkdir()
    (binder / "chapters").symlink_to(chapters)
    shutil.copy2(ROOT / "postBuild", binder / "postBuild")
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(["bash", "postBuild"], cwd=binder, env=env, check=True, capture_output=True)
    written = sorted(p.relative_to(binder / "student").as_posix()
                     for p in (binder / "student").rglob("*.ipynb"))
    published = sorted(n for n in _git("ls-tree", "-r", "--name-only", "student", cwd=course_repo)
                       .split() if n.endswith(".ipynb"))
    names = sorted(p.name for p in chapters.glob("*.ipynb"))
    assert published == written == sorted(names + [f"fr/{name}" for name in names])
    for name in written:
        ours = _git("show", f"student:{name}", cwd=course_repo)
        binders = (binder / "student" / name).read_text(encoding="utf-8")
        assert ours == binders, f"{name}: the published edition is not what postBuild writes"


def test_republishing_builds_on_the_previous_commit(course_repo, chapters, tmp_path):
    first = _git("rev-parse", "student", cwd=course_repo).strip()
    again = publish(course_repo, chapters=chapters)
    assert (again.created, again.commit) == (False, first), "an unchanged publication made a commit"

    sentence = "A sentence added by the teacher after the course began."
    changed = publish(course_repo, chapters=_changed_chapters(chapters, tmp_path, sentence))
    assert changed.created and changed.parent == first
    assert _git("rev-parse", "student", cwd=course_repo).strip() == changed.commit
    assert _git("rev-parse", f"{changed.commit}^", cwd=course_repo).strip() == first
    numstat = [line.split("\t") for line in
               _git("diff", "--numstat", first, changed.commit, cwd=course_repo).splitlines()]
    # One chapter, and in it only the title cell's last line; in the French edition too
    # (that paragraph, without a translation yet, shows in English until it gets one).
    assert [(name, deleted) for _, deleted, name in numstat] == [(CHAPTER, "1"), (f"fr/{CHAPTER}", "1")], \
        numstat
    assert sentence in _git("show", f"student:{CHAPTER}", cwd=course_repo)


# --------------------------------------------------------------------------- the hub
def _descendants(pid: int) -> set[int]:
    """Every running process below ``pid`` (children, grandchildren...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1]
                                               .split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


HUB_CONFIG = """\
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.ConfigurableHTTPProxy.command = ["{proxy}"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.pid_file = "{base}/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "{password}"
c.Authenticator.allowed_users = {students!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/homes/{{username}}"
c.Spawner.cmd = ["{venv_bin}/jupyterhub-singleuser"]
c.Spawner.args = {args!r}
c.Spawner.ip = "127.0.0.1"
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
"""


class Hub:
    """A running JupyterHub: its address, the students' homes and its log."""

    def __init__(self, base: Path, url: str, process: subprocess.Popen, password: str):
        self.base, self.url, self.process, self.password = base, url, process, password
        self.log = base / "jupyterhub.log"

    def home(self, student: str) -> Path:
        return self.base / "homes" / student

    def log_tail(self, n: int = 6000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


def _prepare_home(home: Path) -> None:
    """The test harness's JupyterLab settings (every cell in the page, no news checks)."""
    settings = home / ".jupyter" / "lab" / "user-settings"
    for name, value in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))
    (home / ".jupyter" / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))


def _stop(process: subprocess.Popen, base: Path) -> list[int]:
    """Stop the hub (it stops the proxy and the servers); kill what it left; return those pids."""
    started = _descendants(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    deadline = time.monotonic() + 15
    leftovers = set()
    while time.monotonic() < deadline:
        leftovers = {p for p in started | set(_processes_using(base)) if _alive(p)}
        if not leftovers:
            break
        time.sleep(0.5)
    for pid in leftovers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return sorted(leftovers)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    if not PROXY.is_file():
        pytest.fail(f"{PROXY} is missing: install the npm packages (`npm ci`, which "
                    "`make assets` runs).", pytrace=False)
    base = tmp_path_factory.mktemp("hub")
    for student in STUDENTS:
        _prepare_home(base / "homes" / student)
    port, password = _free_port(), secrets.token_hex(8)
    config = base / "jupyterhub_config.py"
    config.write_text(HUB_CONFIG.format(
        port=port, hub_port=_free_port(), proxy_port=_free_port(), base=base, proxy=PROXY,
        password=password, students=set(STUDENTS), venv_bin=VENV_BIN,
        args=["--allow-root"] if os.geteuid() == 0 else []))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON", "PYTEST", "MPLCONFIGDIR", "KERAS"))}
    env.update(PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
               VIRTUAL_ENV=str(VENV_BIN.parent), PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    with open(base / "jupyterhub.log", "w") as log:
        process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(config)], cwd=base,
                                   env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    running = Hub(base, f"http://127.0.0.1:{port}", process, password)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited with {process.returncode}:\n{running.log_tail()}")
            try:
                with urllib.request.urlopen(f"{running.url}/hub/api/", timeout=5) as answer:
                    assert json.loads(answer.read())["version"]
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterHub did not answer within 120 s:\n{running.log_tail()}")
                time.sleep(0.5)
        _record("hub_startup_s", time.perf_counter() - start)
        yield running
    finally:
        killed = _stop(process, base)
    assert not killed, f"processes outlived the hub and were killed: pids {killed}"


@contextlib.contextmanager
def follow_link(hub: Hub, chromium, student: str, url: str, request):
    """A fresh browser for ``student``: open the hub link, log in, wait for the notebook."""
    failures_before = request.session.testsfailed
    with open_page(chromium, url, viewport=(1400, 1000), wait_until="domcontentloaded") as (page, log):
        try:
            page.locator("#username_input").fill(student)
            page.locator("#password_input").fill(hub.password)
            page.locator("#login_submit").click()
            page.wait_for_url(re.compile(rf"/user/{student}/lab/tree/"), timeout=240_000)
            yield page, log
        finally:
            if request.session.testsfailed > failures_before or sys.exc_info()[0]:
                with contextlib.suppress(Exception):
                    screenshot(page, screenshot_dir() / "hub" / f"{student}.png")


def _record(name: str, seconds: float) -> None:
    TIMINGS[name] = round(seconds, 1)
    print(f"hub timing: {name} = {seconds:.1f}", flush=True)


def _cell_source(path: Path, index: int) -> str:
    return nbformat.read(path, as_version=4).cells[index].source


def _wait_for_file(page, path: Path, text: str, timeout: float = 60) -> None:
    """Wait until ``path`` holds ``text``. The page's clock, not ``time.sleep``: the page's
    requests go through the test's routing callback, which runs only while Playwright does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and text in path.read_text(encoding="utf-8"):
            return
        page.wait_for_timeout(500)
    raise AssertionError(f"{path} does not contain {text!r} after {timeout:.0f} s")


@pytest.mark.live
@pytest.mark.browser
@pytest.mark.slow
def test_a_class_on_a_local_jupyterhub(hub, course_repo, chapters, chromium, request, tmp_path):
    start = time.perf_counter()
    url = jupyterhub_url(hub.url, str(course_repo), CHAPTER)
    folder = repository_folder(str(course_repo))
    alice_copy, bob_copy = (hub.home(s) / folder / CHAPTER for s in STUDENTS)
    published = nbformat.reads(_git("show", f"student:{CHAPTER}", cwd=course_repo), as_version=4)
    stub = cell_index(published, "def my_ols_gradient")
    checker = cell_index(published, "check_ols_gradient(my_ols_gradient)")
    solution = solution_source(chapters / CHAPTER, "def my_ols_gradient")
    solution_line = next(line.strip() for line in solution.splitlines()
                         if line.strip() and not line.lstrip().startswith(("def ", "#", '"')))

    # Alice: the link clones the branch into her home and opens the chapter in JupyterLab.
    with follow_link(hub, chromium, "alice", url, request) as (page, log):
        wait_for_notebook(page, alice_copy)
        _record("alice_first_pull_and_open_s", time.perf_counter() - start)
        n_code = sum(c.cell_type == "code" for c in published.cells)
        _record("alice_run_all_s", run_all(page, n_code))
        assert_no_errors(page, published, f"alice's {CHAPTER}")
        check_not_done(page, published, f"alice's {CHAPTER}")
        paste_into_cell(page, stub, solution)
        assert run_cell(page, stub).strip() == "", "defining the solution printed something"
        verdict = run_cell(page, checker)
        assert verdict.lstrip().startswith("✓"), f"alice's solution did not pass: {verdict!r}"
        page.keyboard.press("Control+s")
        _wait_for_file(page, alice_copy, solution_line)
        assert not log.blocked, f"the hub's pages asked for third-party resources: {log.blocked}"
    assert "NotImplementedError" not in _cell_source(alice_copy, stub)

    # Bob: his own copy, in his own home; Alice's work is nowhere in it.
    with follow_link(hub, chromium, "bob", url, request) as (page, log):
        wait_for_notebook(page, bob_copy)
        first_code = next(i for i, c in enumerate(published.cells) if c.cell_type == "code")
        run_cell(page, first_code, timeout=180_000)
        assert "raise NotImplementedError" in cells(page).nth(stub).locator(".cm-content").inner_text()
        run_cell(page, stub)
        assert "not done yet" in run_cell(page, checker), output_of(page, checker).all_inner_texts()
    assert bob_copy.resolve() != alice_copy.resolve()
    assert "raise NotImplementedError" in _cell_source(bob_copy, stub)
    assert solution_line not in bob_copy.read_text(encoding="utf-8")
    _record("through_bob_s", time.perf_counter() - start)

    # The teacher publishes a change; Alice follows the link again: nbgitpuller merges it
    # into her copy and keeps her solution.
    sentence = "A sentence the teacher added after the first class."
    update = publish(course_repo, chapters=_changed_chapters(chapters, tmp_path, sentence))
    assert update.created
    with follow_link(hub, chromium, "alice", url, request) as (page, log):
        wait_for_notebook(page, alice_copy)
        assert sentence in page.locator(".jp-Notebook").inner_text()
        assert solution_line in cells(page).nth(stub).locator(".cm-content").inner_text()
    merged = alice_copy.read_text(encoding="utf-8")
    assert sentence in merged and solution_line in merged
    history = _git("log", "--format=%s", cwd=alice_copy.parent)
    assert "Automatic commit by nbgitpuller" in history and "Merge" in history, history
    assert sentence not in bob_copy.read_text(encoding="utf-8"), "bob did not pull, yet changed"
    _record("test_s", time.perf_counter() - start)
