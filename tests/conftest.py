"""Fixtures for the site tests (markers `site` and `browser`).

The built site is taken from $BOOK_HTML (default: _build/html, relative to the
repository root). The test command builds the site first, so a missing site is a
failure, never a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import site_dir


@pytest.fixture(scope="session")
def built_site() -> Path:
    path = site_dir()
    if not (path / "index.html").is_file():
        pytest.fail(
            f"no built site at {path} (index.html missing): build it first, e.g. "
            "`python scripts/build_assets.py && jupyter-book build . -W -n --keep-going`, "
            "or point $BOOK_HTML at a built _build/html",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def site_url(built_site):
    """Base URL of a local HTTP server on the built site (127.0.0.1, free port)."""
    from browser import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    """One headless system Chromium for the session."""
    from browser import launch_browser

    with launch_browser() as browser:
        yield browser
