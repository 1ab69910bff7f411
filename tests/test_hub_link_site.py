"""The "open on your course's JupyterHub" link on the chapter pages (marker `site`).

Two sources of pages:

* a one-chapter book built here in a temporary folder with the book's own extension
  (bookbuild.sphinxext) and theme, in English and in French, with and without a hub set:
  no notebook is executed, so it takes seconds. With the hub, the practise box holds
  exactly one hub link, built by ``jupyterhub_url`` from the settings, in the page's
  language, and the theme's own JupyterHub button (which would pull the full chapters)
  is gone; without it, there is no hub link anywhere on the page.
* the built site (``_build/html`` and ``_build/html/fr``): every chapter page of both
  editions has the link exactly when ``_config.yml`` sets ``launch_buttons.jupyterhub_url``
  (the published book leaves it unset: a course sets its own hub).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import ROOT

from bookbuild.sphinxext import TEXT, jupyterhub_url

pytestmark = pytest.mark.site

HUB = "https://hub.example.edu/course"
REPOSITORY = "https://github.com/org/book"

CONF = """\
extensions = ["myst_nb", "bookbuild.sphinxext"]
html_theme = "sphinx_book_theme"
html_theme_options = {{
    "repository_url": "{repository}", "repository_branch": "main",
    "launch_buttons": {launch},
}}
nb_execution_mode = "off"
exclude_patterns = ["_build"]
"""


class _HubLinks(HTMLParser):
    """The (href, text) of every <a class="student-hub-link"> of a page."""

    def __init__(self, page: str):
        super().__init__()
        self.links: list[list[str]] = []
        self._open = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "student-hub-link" in (attrs.get("class") or "").split():
            self.links.append([attrs.get("href") or "", ""])
            self._open = True

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = False

    def handle_data(self, data):
        if self._open:
            self.links[-1][1] += data


def hub_links(page: str) -> list[tuple[str, str]]:
    return [(href, text.strip()) for href, text in _HubLinks(page).links]


def _notebook() -> str:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# A chapter\n\nSome text."},
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
         "source": "x = 1"},
    ]
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5})


def _build(tmp: Path, language: str, hub: str | None) -> str:
    """Build the one-chapter book; return the chapter page's HTML."""
    launch = {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"}
    if hub is not None:
        launch["jupyterhub_url"] = hub
    src = tmp / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text(CONF.format(repository=REPOSITORY, launch=repr(launch)))
    (src / "index.md").write_text("# Book\n\n```{toctree}\nchapters/01_demo\n```\n")
    (src / "chapters" / "01_demo.ipynb").write_text(_notebook())
    out = tmp / "html"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W",
                           "-D", f"language={language}", str(src), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return (out / "chapters" / "01_demo.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_practise_box_links_to_the_hub_when_it_is_set(tmp_path, language):
    page = _build(tmp_path, language, HUB)
    edition = "01_demo.ipynb" if language == "en" else f"{language}/01_demo.ipynb"
    assert hub_links(page) == [(jupyterhub_url(HUB, REPOSITORY, edition), TEXT[language]["hub"])]
    box = re.search(r'<div class="[^"]*practise-box.*?</div>', page, re.S).group(0)
    assert "student-hub-link" in box and "student-binder-link" in box
    # The theme's own button would pull the main branch: it is left out, Binder's stays.
    assert "logo_jupyterhub.svg" not in page and "Launch on JupyterHub" not in page
    assert "logo_binder.svg" in page


def test_no_hub_link_when_no_hub_is_set(tmp_path):
    page = _build(tmp_path, "en", None)
    assert "student-binder-link" in page, "the practise box is missing"
    assert hub_links(page) == [] and "git-pull" not in page
    assert TEXT["en"]["hub"] not in html.unescape(page)


def _chapter_pages(site: Path) -> list[Path]:
    return sorted((site / "chapters").glob("[0-9][0-9]_*.html"))


def test_built_site_has_the_link_exactly_when_config_sets_a_hub(built_site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    hub = (config.get("launch_buttons") or {}).get("jupyterhub_url")
    repository = config["repository"]["url"]
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    for site in (built_site, built_site / "fr"):
        pages = _chapter_pages(site)
        assert [p.stem for p in pages] == chapters, f"{site}: chapter pages {pages}"
        for page in pages:
            text = page.read_text(encoding="utf-8")
            hrefs = [href for href, _ in hub_links(text)]
            if hub:
                assert hrefs == [jupyterhub_url(hub, repository, page.stem + ".ipynb")], page
            else:
                assert not hrefs and "git-pull" not in text, f"{page}: a hub link, but no hub is set"
