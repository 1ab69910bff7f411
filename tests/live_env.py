"""A student's Binder session, rebuilt without Docker: the helpers behind tests/test_live.py.

Binder (repo2docker) clones the repository, installs the Python that ``runtime.txt`` names,
``pip install -r requirements.txt`` (which holds ``-e .``, the nbcode package), runs
``postBuild`` (it writes the student editions into ``student/``) and opens JupyterLab. The
same steps here:

1. :func:`copy_repository`: the files Binder would clone (git's tracked and not-ignored
   files of the working tree, so no ``.venv``, ``_build`` or ``student/``) into a new folder;
2. :func:`build_environment`: a fresh virtual environment made with the interpreter
   ``runtime.txt`` asks for, and nothing but ``pip install -r requirements.txt`` in it
   (pip's download cache is reused: set ``PIP_CACHE_DIR`` in CI to keep it between runs);
3. :func:`run_postbuild`: ``postBuild`` run in the copy with the environment on ``PATH``;
4. :func:`jupyter_lab`: JupyterLab from that environment on 127.0.0.1 (free port, random
   token, private Jupyter/IPython/matplotlib folders), stopped with its kernels afterwards.

Nothing here skips: a missing interpreter, a failed install or a server that does not
come up raises :class:`LiveEnvError` with the command's output.

``python tests/live_env.py [DIR]`` builds the environment and times it (a benchmark).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Never copied, even if git is unavailable and the folder is copied as it is.
IGNORED = {".git", ".venv", "_build", "node_modules", "student", "__pycache__", ".pytest_cache",
           ".ruff_cache", ".ipynb_checkpoints", ".jupyter_cache", "tmp"}
IGNORED_SUFFIXES = (".egg-info", ".pyc", ".mo")


class LiveEnvError(RuntimeError):
    """A step of the Binder-like setup failed (the message holds the command's output)."""


def _run(cmd: list[str], *, cwd: Path, env: dict | None = None, timeout: float = 1800,
         what: str = "") -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise LiveEnvError(f"{what or cmd[0]} took more than {timeout:.0f} s: {' '.join(cmd)}\n"
                           f"{(error.output or '')[-4000:]}") from None
    if done.returncode != 0:
        raise LiveEnvError(f"{what or cmd[0]} failed (exit {done.returncode}): {' '.join(cmd)}\n"
                           f"{done.stdout[-6000:]}")
    return done


# --------------------------------------------------------------------------- the repository
def binder_files(root: Path = ROOT) -> list[Path]:
    """The files a clone of the repository holds (relative paths): what Binder sees.

    git's tracked files plus the untracked ones it does not ignore (a working tree about to
    be committed); without git, every file outside the usual build folders.
    """
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
        names = [Path(n) for n in out.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    return sorted(n for n in names
                  if not (set(n.parts) & IGNORED or any(part.endswith(IGNORED_SUFFIXES)
                                                        for part in n.parts))
                  and (root / n).is_file())


def copy_repository(target: Path, root: Path = ROOT) -> Path:
    """Copy the repository's files (see :func:`binder_files`) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in binder_files(root):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target / name)
    for required in ("requirements.txt", "runtime.txt", "postBuild"):
        if not (target / required).is_file():
            raise LiveEnvError(f"{required} is missing from the repository: Binder needs it.")
    return target


# --------------------------------------------------------------------------- the interpreter
def runtime_version(repo: Path) -> str:
    """The Python version ``runtime.txt`` asks for, e.g. ``"3.11"``."""
    text = (repo / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+\.\d+)(\.\d+)?", text)
    if not match:
        raise LiveEnvError(f"runtime.txt should read like 'python-3.11'; it reads {text!r}.")
    return match.group(1)


def find_python(version: str) -> str:
    """An interpreter of ``version``: $LIVE_PYTHON, then python<version> on PATH, then ours."""
    candidates = [os.environ.get("LIVE_PYTHON"), shutil.which(f"python{version}"),
                  getattr(sys, "_base_executable", None), sys.executable]
    for candidate in filter(None, candidates):
        try:
            out = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                 timeout=60).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            continue
        if out == version:
            return candidate
    raise LiveEnvError(f"runtime.txt asks for Python {version}, and no python{version} was found "
                       "(install it, or point $LIVE_PYTHON at one).")


# --------------------------------------------------------------------------- the environment
@dataclass
class LiveEnv:
    """A Binder-like environment: the copied repository and its virtual environment."""

    repo: Path
    venv: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def env(self, home: Path | None = None) -> dict:
        """Environment variables of a process in the session (venv first on PATH)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "JUPYTER", "IPYTHON", "VIRTUAL_ENV", "PYTEST",
                                    "MPLCONFIGDIR", "KERAS", "XLA", "JAX"))}
        env.update(PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
                   VIRTUAL_ENV=str(self.venv), PYTHONNOUSERSITE="1", PYTHONUNBUFFERED="1")
        if home is not None:
            env.update(JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
                       JUPYTER_DATA_DIR=str(home / "jupyter-data"),
                       JUPYTER_RUNTIME_DIR=str(home / "jupyter-runtime"),
                       JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
                       JUPYTERLAB_WORKSPACES_DIR=str(home / "lab-workspaces"),
                       IPYTHONDIR=str(home / "ipython"), MPLCONFIGDIR=str(home / "matplotlib"),
                       KERAS_HOME=str(home / "keras"))
        return env


def build_environment(repo: Path, venv: Path) -> LiveEnv:
    """``python<runtime.txt> -m venv`` + ``pip install -r requirements.txt``, in ``repo``.

    Only the files Binder reads are used; pip's cache is pip's own (``PIP_CACHE_DIR``).
    """
    live = LiveEnv(repo=repo, venv=venv)
    python = find_python(runtime_version(repo))
    start = time.perf_counter()
    _run([python, "-m", "venv", str(venv)], cwd=repo, what="creating the virtual environment")
    env = live.env()
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    _run([str(live.python), "-m", "pip", "install", "--progress-bar", "off", "-r",
          "requirements.txt"], cwd=repo, env=env, what="pip install -r requirements.txt")
    live.timings["build_environment"] = time.perf_counter() - start
    version = _run([str(live.python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                   cwd=repo, env=env).stdout.strip()
    if version != runtime_version(repo):
        raise LiveEnvError(f"the environment runs Python {version}; runtime.txt asks for "
                           f"{runtime_version(repo)}.")
    return live


def run_postbuild(live: LiveEnv) -> list[Path]:
    """Run ``postBuild`` in the copy, as Binder does; return the notebooks it wrote."""
    postbuild = live.repo / "postBuild"
    postbuild.chmod(postbuild.stat().st_mode | 0o111)
    start = time.perf_counter()
    _run([str(postbuild)], cwd=live.repo, env=live.env(), what="postBuild", timeout=600)
    live.timings["postBuild"] = time.perf_counter() - start
    written = sorted((live.repo / "student").glob("*.ipynb"))
    if not written:
        raise LiveEnvError("postBuild ran but wrote no notebook into student/.")
    return written


# --------------------------------------------------------------------------- JupyterLab
# Test-harness settings, not the student's: every cell stays in the page (JupyterLab 4
# otherwise renders only the cells in view), and no news or update checks (no network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}
SERVER_CONFIG = {
    "LabApp": {"check_for_updates_class": "jupyterlab.NeverCheckForUpdate", "news_url": None,
               "extension_manager": "readonly"},
    "ServerApp": {"open_browser": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab: its base URL, token and process."""

    url: str
    token: str
    process: subprocess.Popen
    log: Path
    venv: Path
    root: Path
    killed: list[int] = field(default_factory=list)  # pids left behind, killed at the end

    def lab_url(self, path: str) -> str:
        """Address that opens ``path`` (relative to the repository) in JupyterLab."""
        return f"{self.url}lab/tree/{path}?token={self.token}&reset"

    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(f"{self.url}api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""


def _processes_using(path: Path) -> list[int]:
    """Pids whose command line mentions ``path`` (our kernels and server)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline:
            pids.append(int(entry.name))
    return pids


def stop_server(server: LabServer, timeout: float = 30) -> list[int]:
    """Shut kernels and server down (API first, then signals); return pids that had to be
    killed. Only processes this session started (the server, and kernels run by the
    session's own interpreter) are touched."""
    with contextlib.suppress(Exception):
        for kernel in server.api("GET", "kernels") or []:
            server.api("DELETE", f"kernels/{kernel['id']}", timeout=30)
    with contextlib.suppress(Exception):
        server.api("POST", "shutdown")
    try:
        server.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=10)
    killed = []
    deadline = time.monotonic() + 10
    while _processes_using(server.venv) and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in _processes_using(server.venv):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return killed


@contextlib.contextmanager
def jupyter_lab(live: LiveEnv, home: Path, startup_timeout: float = 180) -> Iterator[LabServer]:
    """JupyterLab from the environment, serving ``live.repo`` on 127.0.0.1 with a token."""
    home.mkdir(parents=True, exist_ok=True)
    env = live.env(home)
    for name, value in LAB_SETTINGS.items():
        path = Path(env["JUPYTERLAB_SETTINGS_DIR"], name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    config_dir = Path(env["JUPYTER_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
    token, port = secrets.token_hex(16), _free_port()
    log = home / "jupyterlab.log"
    cmd = [str(live.bin / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--port-retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={live.repo}"]
    if os.geteuid() == 0:  # CI containers often run as root; Binder does not
        cmd.append("--allow-root")
    with open(log, "w") as log_file:
        process = subprocess.Popen(cmd, cwd=live.repo, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(url=f"http://127.0.0.1:{port}/", token=token, process=process, log=log,
                       venv=live.venv, root=live.repo)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise LiveEnvError(f"JupyterLab exited with {process.returncode}:\n"
                                   f"{server.log_tail()}")
            try:
                server.api("GET", "status", timeout=5)
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise LiveEnvError(f"JupyterLab did not answer within {startup_timeout:.0f} s:"
                                       f"\n{server.log_tail()}") from None
                time.sleep(0.5)
        yield server
    finally:
        server.killed = stop_server(server)


if __name__ == "__main__":  # a benchmark: build the environment and time it
    import tempfile

    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="live-env-"))
    repo = copy_repository(base / "repo")
    live = build_environment(repo, base / "venv")
    run_postbuild(live)
    print(json.dumps({k: round(v, 1) for k, v in live.timings.items()}), base)
