"""Shared Playwright helpers for the site tests: a local HTTP server on the built site
and a headless Debian Chromium that blocks, and records, every request that leaves
localhost. Never downloads a browser (uses /usr/bin/chromium, or $CHROMIUM)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parent.parent


def site_dir() -> Path:
    """The built site: $BOOK_HTML, default _build/html (relative to the repository)."""
    path = Path(os.environ.get("BOOK_HTML", "_build/html"))
    return path if path.is_absolute() else ROOT / path


def screenshot_dir() -> Path:
    """_build/screenshots, next to the site's html folder."""
    return site_dir().parent / "screenshots"


LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "file", "chrome", "devtools"}


def chromium_path() -> str:
    """The system Chromium; the tests never let Playwright download one."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium not found: install Debian's `chromium` or set $CHROMIUM")


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep test output clean
        pass


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (a free port) in a thread; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class PageLog:
    """What happened while a page was open."""

    blocked: list[str] = field(default_factory=list)  # third-party requests (all blocked)
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions
    console_errors: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)  # local requests that 404/failed

    def summary(self) -> str:
        return (
            f"third-party requests: {self.blocked}\npage errors: {self.page_errors}\n"
            f"console errors: {self.console_errors}\nfailed local requests: {self.failed_local}"
        )


@contextlib.contextmanager
def launch_browser():
    """A headless system Chromium (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def open_page(browser, url: str, *, viewport=(1280, 900), wait_until: str = "load"):
    """Open `url` in a fresh context in which every non-localhost request is aborted and
    recorded. Yields (page, PageLog)."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
    )
    log = PageLog()

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            log.blocked.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None,
    )

    def on_response(resp):
        if is_local(resp.url) and resp.status >= 400:
            log.failed_local.append(f"{resp.status} {resp.url}")

    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda req: log.failed_local.append(f"{req.failure} {req.url}") if is_local(req.url) else None,
    )
    try:
        page.goto(url, wait_until=wait_until)
        yield page, log
    finally:
        context.close()


def screenshot(page, path: Path, *, full_page: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


# ------------------------------------------------------------------ accessibility
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.1 A and AA (axe-core's tags for them).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    """axe-core's script, installed from npm by `make assets` (never fetched by the tests)."""
    if not AXE_JS.is_file():
        raise RuntimeError(f"{AXE_JS} is missing: run `make assets` (npm ci installs axe-core)")
    return AXE_JS.read_text(encoding="utf-8")


def run_axe(page, tags=AXE_TAGS) -> list[dict]:
    """axe-core's violations (WCAG 2.1 A/AA and label-content-name-mismatch) on the page
    as it is now: a list of
    {id, impact, help, nodes: [html of each failing element, ...], targets: [...]}."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(
        """async (tags) => {
             const r = await axe.run(document, {
               runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
               // WCAG 2.5.3 (name contains the visible label): axe files it as experimental.
               rules: {'label-content-name-mismatch': {enabled: true}},
               // No CSSOM preload: axe would re-fetch the theme's @import from the wrong
               // folder (a 404 of its own making); only css-orientation-lock needs it.
               preload: false});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => n.html.slice(0, 160)),
               targets: v.nodes.map(n => n.target.join(' '))}));
           }""",
        tags,
    )
