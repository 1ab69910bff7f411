"""A Sphinx extension for the book: a "practise" box at the top of every chapter.

The box links to the chapter's student edition (solutions removed, see
:mod:`bookbuild.editions`) in two ways: opened in Binder in one click, and as a
download. The Binder address is built from the repository set once in
``_config.yml`` (``repository.url`` and ``branch``, ``launch_buttons.binderhub_url``);
the student editions are copied into the site under ``student/``.

When ``launch_buttons.jupyterhub_url`` is set, the box also links to the course's
JupyterHub: an nbgitpuller link that pulls the student editions (the ``student``
branch that ``scripts/publish_student.py`` writes) into the student's home and opens
the chapter in JupyterLab. The theme's own JupyterHub button is then left out: it
would pull the full chapters of the main branch, with their solutions, instead.

It also drops the worked solutions when ``book_solutions`` is ``"omit"`` (the
setting of the PDF build, ``scripts/build_pdf.py --solutions omit``), the scripts
of sphinx-thebe, which this book does not use, and the theme's FontAwesome script
(its CSS and web fonts draw the icons).

Enable it in ``_config.yml`` with ``sphinx: extra_extensions: [bookbuild.sphinxext]``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import quote, urlencode

from docutils import nodes

STUDENT_DIR = "student"
#: The branch that holds the student editions for JupyterHub (scripts/publish_student.py).
STUDENT_BRANCH = "student"

#: The words this extension adds to pages, in each edition's language.
TEXT = {
    "en": {
        "practise": "Practise: ",
        "intro": "the exercises of this chapter, without their solutions, are in its ",
        "binder": "student edition, opened in Binder",
        "or": " (or ",
        "download": "downloaded as a notebook",
        "hub_or": ", or ",
        "hub": "opened on your course's JupyterHub",
        "checks": "). Each coding exercise ends with a check that tells you what is right or "
                  "wrong in your answer.",
        "switch": "Version française",
        "switch_lang": "fr",
    },
    "fr": {
        "practise": "S'exercer : ",
        "intro": "les exercices de ce chapitre, sans leurs solutions, sont dans son ",
        "binder": "édition étudiante, à ouvrir dans Binder",
        "or": " (ou à ",
        "download": "télécharger comme notebook",
        "hub_or": ", ou à ",
        "hub": "ouvrir sur le JupyterHub de votre cours",
        "checks": "). Chaque exercice de programmation se termine par une vérification qui dit "
                  "ce qui est juste ou faux dans votre réponse.",
        "switch": "English version",
        "switch_lang": "en",
    },
}


def _text(app) -> dict[str, str]:
    return TEXT.get((app.config.language or "en")[:2], TEXT["en"])


def binder_url(repository_url: str, branch: str, binderhub_url: str, path: str) -> str:
    """Binder link that opens ``path`` (relative to the repository) in JupyterLab.

    >>> binder_url("https://github.com/org/book", "main", "https://mybinder.org",
    ...            "student/01_regression.ipynb")
    'https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/student/01_regression.ipynb'
    """
    repository_url = repository_url.rstrip("/")
    prefix = "https://github.com/"
    if not repository_url.startswith(prefix):
        raise ValueError(f"repository.url must be a GitHub address; received {repository_url!r}.")
    org_repo = repository_url[len(prefix):]
    return (f"{binderhub_url.rstrip('/')}/v2/gh/{org_repo}/{quote(branch)}"
            f"?urlpath=lab/tree/{quote(path)}")


def repository_folder(repository: str, branch: str = STUDENT_BRANCH) -> str:
    """The folder of the student's home that the hub's pull writes into.

    Named after the repository and the branch, so that it never collides with a
    pull of the repository's main branch.

    >>> repository_folder("https://github.com/org/book.git")
    'book-student'
    """
    name = repository.rstrip("/").rsplit("/", 1)[-1]
    name = name[:-len(".git")] if name.endswith(".git") else name
    if not name:
        raise ValueError(f"repository must name a repository; received {repository!r}.")
    return f"{name}-{branch}"


def jupyterhub_url(hub_url: str, repository: str, path: str, branch: str = STUDENT_BRANCH) -> str:
    """nbgitpuller link: pull ``branch`` of ``repository`` into the student's home on the
    hub, then open ``path`` (relative to the branch's root) in JupyterLab.

    ``repository`` is anything ``git clone`` accepts (an https address, or a local
    folder on the hub's machine). Pulling again later merges the new commits of
    ``branch`` and keeps the student's edits (nbgitpuller's automatic merge).

    >>> jupyterhub_url("https://hub.example.edu/", "https://github.com/org/book",
    ...                "01_regression.ipynb")
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A//github.com/org/book&branch=student&targetpath=book-student&urlpath=lab/tree/book-student/01_regression.ipynb'
    """
    if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", hub_url or ""):
        raise ValueError("launch_buttons.jupyterhub_url must be the hub's address, such as "
                         f"'https://hub.example.edu'; received {hub_url!r}.")
    if not path or path.startswith("/"):
        raise ValueError(f"path must be a notebook's path inside the branch; received {path!r}.")
    folder = repository_folder(repository, branch)
    query = urlencode({"repo": repository, "branch": branch, "targetpath": folder,
                       "urlpath": f"lab/tree/{folder}/{path}"}, quote_via=quote, safe="/")
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def take_over_jupyterhub_button(app, config) -> None:
    """Move ``launch_buttons.jupyterhub_url`` from the theme's options to ``book_jupyterhub_url``.

    sphinx-book-theme would otherwise add its own JupyterHub button, which pulls the
    main branch (the full chapters, with their solutions) into a folder of the
    student's home; the practise box links to the student editions instead.
    """
    launch = (config.html_theme_options or {}).get("launch_buttons") or {}
    hub = (launch.pop("jupyterhub_url", "") or "").strip()
    if hub and not config.book_jupyterhub_url:
        config.book_jupyterhub_url = hub


def _settings(app):
    options = app.config.html_theme_options or {}
    launch = options.get("launch_buttons", {}) or {}
    return (options.get("repository_url", ""), options.get("repository_branch", "main"),
            launch.get("binderhub_url", "https://mybinder.org"))


def _is_chapter(app, docname: str) -> bool:
    source = Path(app.srcdir, docname + ".ipynb")
    return docname.startswith("chapters/") and source.exists()


def add_practise_box(app, doctree) -> None:
    docname = app.env.docname
    if not _is_chapter(app, docname):
        return
    name = Path(docname).name + ".ipynb"
    repository, branch, binderhub = _settings(app)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not repository:
        return
    language = (app.config.language or "en")[:2]
    # The French pages open the French student editions (student/fr/, bookbuild.editions).
    edition = name if language == "en" else f"{language}/{name}"
    url = binder_url(repository, branch, binderhub, f"{STUDENT_DIR}/{edition}")
    depth = docname.count("/")
    download = "../" * depth + f"{STUDENT_DIR}/{edition}"
    if language != "en":
        download = "../" + download  # the French site lives in fr/, the files at the root
    text = _text(app)
    box = nodes.container(classes=["practise-box", "admonition", "tip"])
    paragraph = nodes.paragraph()
    paragraph += nodes.strong(text=text["practise"])
    paragraph += nodes.Text(text["intro"])
    paragraph += nodes.reference("", text["binder"], refuri=url, classes=["student-binder-link"])
    paragraph += nodes.Text(text["or"])
    paragraph += nodes.reference("", text["download"], refuri=download,
                                 classes=["student-download-link"])
    if app.config.book_jupyterhub_url:
        hub = jupyterhub_url(app.config.book_jupyterhub_url, repository, edition)
        paragraph += nodes.Text(text["hub_or"])
        paragraph += nodes.reference("", text["hub"], refuri=hub, classes=["student-hub-link"])
    paragraph += nodes.Text(text["checks"])
    box += paragraph
    title_index = next((i for i, child in enumerate(section.children)
                        if isinstance(child, nodes.title)), -1)
    section.insert(title_index + 1, box)


def omit_solutions(app, doctree) -> None:
    """With ``book_solutions = "omit"`` (the PDF for students), drop every worked solution.

    sphinx-exercise's own ``hide_solutions`` leaves the end marker of gated solutions
    (``solution-start`` ... ``solution-end``) in the tree, which the LaTeX writer
    cannot handle; removing the merged solution nodes after reading works for every builder.
    """
    if app.config.book_solutions != "omit":
        return
    from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

    for kind in (solution_node, solution_start_node, solution_end_node):
        for node in list(doctree.findall(kind)):
            node.parent.remove(node)


def translate_toc_captions(app, doctree) -> None:
    """Translate the captions of the table of contents ("Chapters", "Back matter").

    sphinx-external-toc inserts the toctrees after Sphinx has translated the page, so
    their captions would stay in English; they are in the root page's catalogue.
    """
    language = (app.config.language or "en")[:2]
    if language == "en":
        return
    from sphinx import addnodes
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    toctrees = [node for node in doctree.findall(addnodes.toctree) if node.get("caption")]
    if not toctrees:
        return
    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    directories = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    catalogue, found = init_locale(directories, app.config.language, domain)
    if found:
        for node in toctrees:
            node["caption"] = catalogue.gettext(node["caption"])


def copy_pdf(app, exception) -> None:
    """Publish the PDF (built first by ``make book``) at the root of each edition's site."""
    if exception is not None or app.builder.format != "html":
        return
    language = (app.config.language or "en")[:2]
    pdf = Path(app.srcdir, "_build", "pdf", *([] if language == "en" else [language]), "book.pdf")
    if pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir, "book.pdf"))


def copy_student_editions(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or (app.config.language or "en")[:2] != "en":
        return
    source = Path(app.srcdir, STUDENT_DIR)
    if not source.is_dir():
        return
    target = Path(app.outdir, STUDENT_DIR)
    for notebook in source.rglob("*.ipynb"):   # student/ and the French student/fr/
        copy = target / notebook.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, copy)


def translate_code_cells(app, doctree) -> None:
    """On the French pages, show each code cell with the literals it displays in French.

    The French execution runs the cells that way (nbcode.i18n.install_kernel_translation),
    so the code shown is the code whose outputs follow it: ``print("après 200 pas :",
    ...)`` above ``après 200 pas : ...``. Only string literals change
    (nbcode.i18n.translate_code); names and numbers stay.
    """
    language = (app.config.language or "en")[:2]
    if language == "en":
        return
    from nbcode.i18n import code_catalogue, translate_code

    messages = code_catalogue(language)
    for container in doctree.findall(nodes.container):
        if "cell_input" not in container.get("classes", []):
            continue
        for block in container.findall(nodes.literal_block):
            source = block.astext()
            try:
                translated = translate_code(source, messages)
            except ValueError:
                continue
            if translated != source:
                block.children = [nodes.Text(translated)]
                block.rawsource = translated


def drop_thebe_scripts(app, pagename, templatename, context, doctree) -> None:
    """Remove sphinx-thebe's scripts: live code cells are off in this book (launch buttons
    open Binder instead), and Sphinx 7.4 includes its inline script twice, which throws
    "Identifier 'THEBE_JS_URL' has already been declared" on every page."""
    scripts = context.get("script_files")
    if not scripts:
        return
    kept, seen = [], set()
    for script in scripts:
        filename = getattr(script, "filename", str(script)) or ""
        body = (getattr(script, "attributes", {}) or {}).get("body", "")
        if "THEBE_JS_URL" in body or filename.endswith("sphinx-thebe.js"):
            continue
        key = (filename, body)
        if not filename and key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept  # in place: other handlers add page scripts to this same list


#: The theme's FontAwesome script (pydata-sphinx-theme's ``head_js_preload`` macro).
FONTAWESOME_SCRIPT = re.compile(
    r'[ \t]*<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>[ \t]*\n?')


def drop_fontawesome_script(app, exception) -> None:
    """Serve the theme's icons from its CSS and web fonts, not from its 1.5 MB script.

    pydata-sphinx-theme's stylesheet already holds FontAwesome 6's CSS and its web fonts
    (``_static/vendor/fontawesome/webfonts``), which draw every ``<i class="fa-...">`` the
    theme uses. The script it adds on top (for "custom icons") weighs 1.5 MB, replaces
    every icon with an SVG, and broke the widgets' Play button, which keeps references
    to its ``<i>`` elements. The theme writes the script tag in its template, so it is
    taken out of the written pages here, and the script out of ``_static``.
    """
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for page in outdir.rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        html = page.read_text(encoding="utf-8")
        stripped = FONTAWESOME_SCRIPT.sub("", html)
        if stripped != html:
            page.write_text(stripped, encoding="utf-8")
    for name in ("fontawesome.js", "fontawesome.js.map", "fontawesome.js.LICENSE.txt"):
        Path(outdir, "_static", "scripts", name).unlink(missing_ok=True)


#: A figure is served as a palette of this many colours when that changes no pixel by more
#: than FIGURE_MAX_ERROR levels (99.9 % of them) and the mean pixel by FIGURE_MEAN_ERROR.
FIGURE_COLORS = 256
FIGURE_MEAN_ERROR = 1.0
FIGURE_MAX_ERROR = 24


def compact_figure(path: Path) -> bool:
    """Rewrite an opaque PNG figure as a palette PNG if that is smaller and looks the same.

    The notebooks' figures are full-colour PNGs of a few thousand colours (anti-aliased
    lines and text). With 256 colours chosen by :func:`nbcode.frames.png_from_rgb` (the
    book's class colours kept exactly) they weigh a third, within a level or two per pixel.
    A figure with transparency or already few colours is left as it is. Returns whether
    the file was rewritten.
    """
    import io

    import numpy as np
    from PIL import Image

    from nbcode.frames import png_from_rgb

    with Image.open(path) as image:
        if image.format != "PNG" or image.mode not in ("RGB", "RGBA"):
            return False
        pixels = np.asarray(image)
    if pixels.shape[-1] == 4:
        if (pixels[..., 3] != 255).any():
            return False
        pixels = pixels[..., :3]
    pixels = np.ascontiguousarray(pixels)
    smaller = png_from_rgb(pixels, FIGURE_COLORS)
    if len(smaller) >= path.stat().st_size:
        return False
    shown = np.asarray(Image.open(io.BytesIO(smaller)).convert("RGB")).astype(int)
    error = np.abs(shown - pixels).max(axis=-1)
    if error.mean() > FIGURE_MEAN_ERROR or np.percentile(error, 99.9) > FIGURE_MAX_ERROR:
        return False
    path.write_bytes(smaller)
    return True


def compact_figures(app, exception) -> None:
    """Serve the site's PNG figures as palette PNGs where they look the same (issue 21's
    page weight): about a third of the bytes. The notebooks and the PDF keep theirs."""
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted(Path(app.outdir, "_images").glob("*.png")):
        compact_figure(path)


def add_language_switch(app, pagename, templatename, context, doctree) -> None:
    """A link at the top of every page to the same page in the other edition.

    The English site is the root of _build/html and the French one lives in its fr/
    folder, so the link goes down into fr/ or back up from it.
    """
    if app.builder.format != "html" or "body" not in context:
        return
    text = _text(app)
    depth = "../" * pagename.count("/")
    target = (f"{depth}fr/{pagename}.html" if text["switch_lang"] == "fr"
              else f"../{depth}{pagename}.html")
    link = (f'<p class="language-switch"><a href="{target}" hreflang="{text["switch_lang"]}" '
            f'lang="{text["switch_lang"]}">{text["switch"]}</a></p>\n')
    context["body"] = link + context["body"]


def _glue_in_translations() -> None:
    """Let ``{glue:}`` roles work inside translated text (the French edition).

    Sphinx parses each translated message as a small document of its own: there the
    notebook's glued values are missing, and the block-level "mime bundle" node that
    myst-nb's role returns is dropped when the translation is put back into the page.
    Every page is parsed in its own language first, so the role remembers the page's
    glued values then; inside a translated message it returns the value's text as a
    plain inline node.
    """
    from docutils import nodes as docutils_nodes
    from myst_nb.ext.glue import roles as glue_roles
    from myst_nb.ext.glue.utils import glue_warning

    if getattr(glue_roles.PasteRoleAny.run, "bookbuild_patched", False):
        return
    run = glue_roles.PasteRoleAny.run

    def run_in_translations(self):
        env = getattr(self.document.settings, "env", None)
        if "<translated>" not in str(self.document.get("source", "")):
            if env is not None and "nb_renderer" in self.document:
                client = self.document["nb_renderer"].renderer.nb_client
                env.temp_data["bookbuild_glue"] = client.glue_data
            return run(self)
        glue_data = env.temp_data.get("bookbuild_glue", {}) if env is not None else {}
        text = glue_data.get(self.text, {}).get("data", {}).get("text/plain")
        if text is None:
            message = f"No key {self.text!r} found in glue data for this document."
            return [], [glue_warning(message, self.document, self.line)]
        return [docutils_nodes.inline(text, text, classes=["output", "text_plain"])], []

    run_in_translations.bookbuild_patched = True
    glue_roles.PasteRoleAny.run = run_in_translations


def setup(app):
    _glue_in_translations()
    app.add_config_value("book_solutions", "include", "env", types=[str])
    # Set from launch_buttons.jupyterhub_url (see take_over_jupyterhub_button).
    app.add_config_value("book_jupyterhub_url", "", "env", types=[str])
    app.connect("config-inited", take_over_jupyterhub_button)
    app.connect("doctree-read", add_practise_box)
    app.connect("doctree-read", translate_code_cells)
    app.connect("doctree-read", omit_solutions)
    # Before Sphinx collects the table of contents from the page (priority 500).
    app.connect("doctree-read", translate_toc_captions, priority=400)
    # Early: a later handler may return a template name, which ends the event.
    app.connect("html-page-context", drop_thebe_scripts, priority=100)
    app.connect("html-page-context", add_language_switch, priority=110)
    app.connect("build-finished", copy_student_editions)
    app.connect("build-finished", copy_pdf)
    app.connect("build-finished", drop_fontawesome_script)
    app.connect("build-finished", compact_figures)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
