"""The nbgitpuller link of the practise box (bookbuild.sphinxext.jupyterhub_url).

The link must be what nbgitpuller's own handler reads: the repository to clone, the
branch, the folder it clones into (``targetpath``) and the page to open afterwards
(``urlpath``), which must lie inside that folder. The live test (tests/test_hub.py)
follows such a link on a real hub; these tests pin down its parts.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bookbuild.sphinxext import STUDENT_BRANCH, jupyterhub_url, repository_folder


def _query(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, strict_parsing=True)
    assert all(len(v) == 1 for v in parsed.values()), parsed
    return {k: v[0] for k, v in parsed.items()}


def test_link_names_repository_branch_folder_and_notebook():
    url = jupyterhub_url("https://hub.example.edu", "https://github.com/org/book",
                         "03_mlp.ipynb")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https", "hub.example.edu", "/hub/user-redirect/git-pull")
    assert _query(url) == {"repo": "https://github.com/org/book", "branch": "student",
                           "targetpath": "book-student",
                           "urlpath": "lab/tree/book-student/03_mlp.ipynb"}


def test_hub_under_a_prefix_and_with_a_trailing_slash():
    url = jupyterhub_url("https://uni.example.edu/jupyter/", "https://github.com/org/book.git",
                         "01_regression.ipynb", branch="autumn")
    assert url.startswith("https://uni.example.edu/jupyter/hub/user-redirect/git-pull?")
    query = _query(url)
    assert query["branch"] == "autumn"
    assert query["targetpath"] == "book-autumn"  # ".git" is not part of the folder's name
    assert query["urlpath"] == "lab/tree/book-autumn/01_regression.ipynb"


def test_a_local_repository_and_characters_that_need_quoting():
    url = jupyterhub_url("http://127.0.0.1:8765", "/srv/course repos/book.git",
                         "01 regression & more.ipynb")
    assert " " not in url and url.count("&") == 3
    assert _query(url) == {"repo": "/srv/course repos/book.git", "branch": STUDENT_BRANCH,
                           "targetpath": "book-student",
                           "urlpath": "lab/tree/book-student/01 regression & more.ipynb"}


def test_folder_is_named_after_repository_and_branch():
    assert repository_folder("https://github.com/org/neural-networks-book/") == \
        "neural-networks-book-student"
    assert repository_folder("/tmp/x/student.git", "main") == "student-main"
    with pytest.raises(ValueError, match="repository must name a repository; received '/'"):
        repository_folder("/")


@pytest.mark.parametrize("hub", ["", "hub.example.edu", "ftp://hub.example.edu", "https://"])
def test_a_hub_that_is_not_an_address_is_refused_with_the_setting_named(hub):
    with pytest.raises(ValueError, match=r"launch_buttons\.jupyterhub_url must be the hub's "
                                         rf"address.*received {hub!r}"):
        jupyterhub_url(hub, "https://github.com/org/book", "01_regression.ipynb")


@pytest.mark.parametrize("path", ["", "/01_regression.ipynb"])
def test_path_must_be_inside_the_branch(path):
    with pytest.raises(ValueError, match=rf"path must be a notebook's path.*received {path!r}"):
        jupyterhub_url("https://hub.example.edu", "https://github.com/org/book", path)
