"""Checks on the built HTML site (`jupyter-book build` output, $BOOK_HTML or _build/html).

* static (marker `site`): no page loads anything from a third-party host, every local
  script/stylesheet/image a page references exists, every page fits the 1.5 MB budget,
  solutions are collapsed;
* browser (markers `site` + `browser`, headless system Chromium, every non-localhost
  request blocked and recorded): widgets render and animate with no kernel (Play/slider
  -> jslink -> Stack frame changes), MathJax 3 renders, no JavaScript errors, solutions
  hidden until clicked. Each browser test saves a screenshot in _build/screenshots/.

Tests are parametrised over the pages found at collection time; when none are found
a single failing placeholder is generated, so nothing passes vacuously.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser import screenshot_dir, site_dir

pytestmark = pytest.mark.site

PAGE_BUDGET = 1_500_000  # bytes, HTML including the embedded widget state
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NO_PAGES = "NO-PAGES-FOUND"

# <link rel=...> values that make the browser fetch something (others are navigation).
FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "font",
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?\s*['"]([^'"]+)['"]""")

# No page may throw or log an error. (Sphinx 7.4 + sphinx-thebe duplicated an inline
# script that threw on every page; bookbuild.sphinxext drops thebe's scripts, since thebe is off.)
KNOWN_PAGE_ERRORS: set[str] = set()
KNOWN_CONSOLE_ERRORS: set[str] = set()


# ----------------------------------------------------------------------------- pages


def find_pages(root: Path) -> list[str]:
    """HTML pages of the site, relative posix paths (theme/static folders excluded)."""
    if not root.is_dir():
        return []
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(root).parts[:-1])
    )


@cache
def page_text(rel: str) -> str:
    return (site_dir() / rel).read_text(encoding="utf-8")


def has_widgets(rel: str) -> bool:
    return WIDGET_STATE in page_text(rel)


def has_math(rel: str) -> bool:
    return re.search(r'class="[^"]*\bmath\b', page_text(rel)) is not None


def has_solutions(rel: str) -> bool:
    return re.search(r'class="[^"]*\bsolution\b', page_text(rel)) is not None


def is_chapter(rel: str) -> bool:
    """A chapter page of either edition: chapters/NN_*.html or fr/chapters/NN_*.html."""
    return re.fullmatch(r"(fr/)?chapters/\d\d_[^/]+\.html", rel) is not None


def is_book_page(rel: str) -> bool:
    """A page of the book's text in either edition (chapters, intro, bibliography...)."""
    return re.fullmatch(r"(fr/)?chapters/[^/]+\.html", rel) is not None


SELECTORS = {
    "page": lambda rel: True,
    "chapter_page": is_chapter,
    "book_page": is_book_page,
    "widget_page": has_widgets,
    "math_page": has_math,
    "solution_page": has_solutions,
}


def pytest_generate_tests(metafunc):
    for name, keep in SELECTORS.items():
        if name in metafunc.fixturenames:
            pages = [p for p in find_pages(site_dir()) if keep(p)]
            metafunc.parametrize(name, pages or [NO_PAGES], ids=pages or [NO_PAGES])


def require(rel: str, what: str) -> None:
    if rel == NO_PAGES:
        pytest.fail(
            f"no {what} found in {site_dir()}: the site is missing or the build lost "
            f"them (this test must not pass vacuously)",
            pytrace=False,
        )


# ------------------------------------------------------------------ static analysis


class RefCollector(HTMLParser):
    """Every URL a page makes the browser fetch, with where it came from."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str]] = []  # (kind, url)
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(("script", a["src"]))
        elif tag == "link" and a.get("href"):
            rels = set((a.get("rel") or "").lower().split())
            if rels & FETCHING_RELS:
                self.refs.append((f"link[{' '.join(sorted(rels))}]", a["href"]))
        elif tag in {"img", "source", "video", "audio", "iframe", "embed", "input", "track"}:
            if a.get("src"):
                self.refs.append((tag, a["src"]))
            for item in (a.get("srcset") or "").split(","):
                if item.strip():
                    self.refs.append((f"{tag}[srcset]", item.split()[0]))
        elif tag == "object" and a.get("data"):
            self.refs.append(("object", a["data"]))
        if a.get("style"):
            self.refs += [("style attr url()", m[1]) for m in CSS_URL.findall(a["style"])]
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.refs += [("<style> url()", m[1]) for m in CSS_URL.findall(data)]
            self.refs += [("<style> @import", m) for m in CSS_IMPORT.findall(data)]


def is_third_party(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about", "javascript"}:
        return False
    if url.startswith("//") or parts.scheme in {"http", "https", "ftp", "ws", "wss"}:
        return (parts.hostname or "") not in {"localhost", "127.0.0.1", "::1"}
    return False


def local_target(base_file: Path, url: str) -> Path | None:
    """The file a relative URL points to, or None for data:/fragment-only URLs."""
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//") or not parts.path:
        return None
    root = site_dir().resolve()
    if parts.path.startswith("/"):
        return root / unquote(parts.path.lstrip("/"))
    return (base_file.parent / unquote(parts.path)).resolve()


def refs_of(rel: str) -> list[tuple[str, str]]:
    parser = RefCollector()
    parser.feed(page_text(rel))
    return parser.refs


def css_refs(css_file: Path, seen: set[Path]) -> list[tuple[Path, str, str]]:
    """(css file, kind, url) for every url()/@import in a local CSS file, recursively."""
    if css_file in seen or not css_file.is_file():
        return []
    seen.add(css_file)
    text = css_file.read_text(encoding="utf-8", errors="replace")
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)  # comments are not fetched
    out = [(css_file, "url()", m[1]) for m in CSS_URL.findall(text)]
    out += [(css_file, "@import", m) for m in CSS_IMPORT.findall(text)]
    for _, kind, url in list(out):
        target = local_target(css_file, url)
        if kind == "@import" and target is not None:
            out += css_refs(target, seen)
    return out


def test_no_third_party_resources(page):
    """No <script src>, fetching <link>, <img src>, inline or CSS url() off-site."""
    require(page, "HTML pages")
    page_file = (site_dir() / page).resolve()
    bad = [f"{kind}: {url}" for kind, url in refs_of(page) if is_third_party(url)]
    seen: set[Path] = set()
    for _kind, url in refs_of(page):
        target = local_target(page_file, url.split("?")[0])
        if target is not None and target.suffix == ".css":
            for css, ckind, curl in css_refs(target, seen):
                if is_third_party(curl):
                    bad.append(f"{css.relative_to(site_dir().resolve())} {ckind}: {curl}")
    assert not bad, f"{page} loads from third-party hosts:\n  " + "\n  ".join(bad)


def test_local_resources_exist(page):
    """Every local script, stylesheet, image (and CSS import) a page references exists."""
    require(page, "HTML pages")
    page_file = (site_dir() / page).resolve()
    missing = []
    for kind, url in refs_of(page):
        target = local_target(page_file, url)
        if target is not None and not target.is_file():
            missing.append(f"{kind}: {url}")
        elif target is not None and target.suffix == ".css":
            for css, ckind, curl in css_refs(target, set()):
                if ckind == "@import":
                    t = local_target(css, curl)
                    if t is not None and not t.is_file():
                        missing.append(f"{css.name} @import: {curl}")
    assert not missing, f"{page} references missing files:\n  " + "\n  ".join(missing)


def test_vendored_assets_only_where_needed(page):
    """Only the two entry points of book_static/vendor are loaded as scripts (no CDN
    fallback, and no `_static` folder making jupyter-book add every vendored .js)."""
    require(page, "HTML pages")
    scripts = [urlsplit(u).path for k, u in refs_of(page) if k == "script"]
    vendor = sorted({s.split("_static/vendor/", 1)[1] for s in scripts if "_static/vendor/" in s})
    allowed = {"html-manager/embed.js", "mathjax/tex-chtml.js"}
    assert set(vendor) <= allowed, f"{page} loads unexpected vendored scripts: {vendor}"
    names = [Path(s).name for s in scripts]
    # The theme's 1.5 MB FontAwesome script is never served: its CSS and web fonts draw
    # the icons (bookbuild.sphinxext.drop_fontawesome_script).
    assert "fontawesome.js" not in names, f"{page} loads the theme's FontAwesome script"
    if names:  # (index.html is a bare redirect, with no scripts at all)
        assert "widgets-a11y.js" in names, f"{page} does not load widgets-a11y.js"
    if has_widgets(page):
        assert "embed.js" in names, f"{page} has widget state but does not load embed.js"
        for shim in ("mathjax2-shim.js", "widgets-early.js"):
            assert shim in names and names.index(shim) < names.index("embed.js"), (
                f"{page}: {shim} must be loaded before embed.js (scripts: {names})"
            )
    else:
        assert "embed.js" not in names, f"{page} has no widget state but loads embed.js"


def test_page_size_budget(page):
    """Every page, with everything it shows (its HTML with the embedded widget state, and
    its figures' image files), is at most 1.5 MB."""
    require(page, "HTML pages")
    html = page_text(page)
    size = len(html.encode("utf-8"))
    state = 0
    for m in re.finditer(rf'<script[^>]*type="{re.escape(WIDGET_STATE)}"[^>]*>(.*?)</script>', html, re.S):
        state += len(m[1].encode("utf-8"))
    images = 0
    page_file = (site_dir() / page).resolve()
    for kind, url in refs_of(page):
        target = local_target(page_file, url)
        if kind == "img" and target is not None and target.is_file():
            images += target.stat().st_size
    print(
        f"{page}: {size / 1e6:.3f} MB html ({state / 1e6:.3f} MB widget state), "
        f"+ {images / 1e6:.3f} MB <img> files"
    )
    assert size + images <= PAGE_BUDGET, (
        f"{page} is {size / 1e6:.2f} MB (widget state {state / 1e6:.2f} MB) and its figures "
        f"{images / 1e6:.2f} MB, over the {PAGE_BUDGET / 1e6:.1f} MB budget: make the widget "
        f"frames smaller or fewer"
    )


def test_solutions_collapsed_in_html(solution_page):
    """Every solution is a dropdown (or a closed <details>): hidden by default."""
    require(solution_page, "pages with solutions")
    html = page_text(solution_page)
    bad = []
    for m in re.finditer(r'<(div|details|aside)\b[^>]*class="([^"]*\bsolution\b[^"]*)"[^>]*>', html):
        tag, classes = m[1], m[2].split()
        if "solution" not in classes:
            continue
        if tag == "details" and " open" not in m[0]:
            continue
        if "dropdown" in classes or "toggle" in classes:
            continue
        bad.append(m[0])
    assert not bad, f"{solution_page}: solutions not collapsed (add `:class: dropdown`):\n  " + "\n  ".join(
        bad
    )


def test_site_has_widget_pages():
    """At least one page carries widget state (the book's signature feature)."""
    pages = find_pages(site_dir())
    assert pages, f"no HTML pages under {site_dir()}"
    assert any(has_widgets(p) for p in pages), f"no page with {WIDGET_STATE} in {site_dir()}"


# ------------------------------------------------------------------------- browser


def shot(page, test: str, rel: str) -> Path:
    from browser import screenshot

    name = f"{test}--{rel.replace('/', '_').removesuffix('.html')}.png"
    return screenshot(page, screenshot_dir() / name)


def check_clean(log, rel: str) -> None:
    errors = [e for e in log.page_errors if e not in KNOWN_PAGE_ERRORS]
    console = [e for e in log.console_errors if e not in KNOWN_CONSOLE_ERRORS]
    assert not log.blocked, f"{rel} tried to reach third-party hosts: {log.blocked}"
    assert not errors, f"{rel} raised JavaScript errors: {errors}"
    assert not console, f"{rel} logged console errors: {console}"
    assert not log.failed_local, f"{rel}: local requests failed: {log.failed_local}"


# Snapshot of what each rendered widget output shows: the image sources and slider values.
JS_SNAPSHOT = """
() => Array.from(document.querySelectorAll('script[type="WIDGET_VIEW"]')).map(s => {
  const area = s.parentElement;
  const imgs = Array.from(area.querySelectorAll('.jupyter-widgets img'))
    .filter(i => i.offsetParent !== null).map(i => i.getAttribute('src'));
  const readouts = Array.from(area.querySelectorAll('.widget-readout'))
    .map(r => r.textContent.trim());
  return {imgs, readouts,
          play: area.querySelectorAll('.widget-play').length,
          slider: area.querySelectorAll(
            '.widget-slider .noUi-handle, .widget-slider [role=slider]').length,
          rendered: area.querySelectorAll('.jupyter-widgets').length,
          errors: Array.from(area.querySelectorAll('.jupyter-widgets'))
            .filter(e => /Error displaying widget/.test(e.textContent)).length};
})
""".replace("WIDGET_VIEW", WIDGET_VIEW)


@pytest.mark.browser
def test_widgets_render_and_animate_offline(widget_page, site_url, chromium):
    """Widgets render from the saved state and jslink animates them with no kernel."""
    from browser import open_page

    require(widget_page, "pages with widget state")
    with open_page(chromium, site_url + widget_page) as (page, log):
        page.wait_for_function(
            """() => { const v = document.querySelectorAll('script[type="WIDGET_VIEW"]');
                       return v.length > 0 && Array.from(v).every(
                         s => s.parentElement.querySelector('.jupyter-widgets')); }""".replace(
                "WIDGET_VIEW", WIDGET_VIEW
            ),
            timeout=30_000,
        )
        page.wait_for_timeout(500)
        before = page.evaluate(JS_SNAPSHOT)
        assert all(v["rendered"] for v in before), f"{widget_page}: unrendered views {before}"
        assert not any(v["errors"] for v in before), f"{widget_page}: widget errors {before}"
        assert page.locator(".jupyter-widgets").count() > 0

        # Training players (frames + Play) must animate; live-kernel controls (sliders that
        # retrain in a kernel) only have to render their default state here.
        animated = [i for i, v in enumerate(before) if v["imgs"] and v["play"]]
        assert animated, f"{widget_page}: no widget output with frames and a Play button (views: {before})"
        # Press Play in every animated output (Play -> jslink -> slider -> Stack).
        areas = page.locator(f'script[type="{WIDGET_VIEW}"]')
        for i in animated:
            area = areas.nth(i).locator("xpath=..")
            if before[i]["play"]:
                area.locator(".widget-play button").first.click()
        changed = set()
        for _ in range(40):
            page.wait_for_timeout(250)
            now = page.evaluate(JS_SNAPSHOT)
            changed = {i for i in animated if now[i]["imgs"] != before[i]["imgs"]}
            if changed == set(animated):
                break
        # Where Play did not change the frame (or there is none), drive the slider.
        for i in set(animated) - changed:
            handle = (
                areas.nth(i)
                .locator("xpath=..")
                .locator(".widget-slider [role=slider], .widget-slider .noUi-handle")
                .first
            )
            if handle.count():
                handle.focus()
                page.keyboard.press("ArrowRight")
        page.wait_for_timeout(500)
        after = page.evaluate(JS_SNAPSHOT)
        shot(page, "widgets", widget_page)
        for i in animated:  # a close-up of each animated widget, after the frame change
            out = screenshot_dir() / (
                f"widgets--{widget_page.replace('/', '_').removesuffix('.html')}--output{i}.png"
            )
            areas.nth(i).locator("xpath=..").screenshot(path=str(out))
        stuck = [
            {"output": i, "before": before[i], "after": after[i]}
            for i in animated
            if after[i]["imgs"] == before[i]["imgs"] and i not in changed
        ]
        assert not stuck, f"{widget_page}: Play/slider did not change the frame: {stuck}"
        raw_labels = page.evaluate(
            """() => Array.from(document.querySelectorAll('.jupyter-widgets .widget-label'))
                 .map(l => l.textContent).filter(t => /\\$[^$]+\\$/.test(t))"""
        )
        assert not raw_labels, f"{widget_page}: widget labels with untypeset math: {raw_labels}"
        check_clean(log, widget_page)


@pytest.mark.browser
def test_math_rendered_offline(math_page, site_url, chromium):
    """MathJax 3 (served by the site) typesets every formula; no raw TeX is left."""
    from browser import open_page

    require(math_page, "pages with math")
    with open_page(chromium, site_url + math_page) as (page, log):
        page.wait_for_function(
            """() => { const n = document.querySelectorAll('.math').length;
                       return n > 0 && document.querySelectorAll('mjx-container').length >= n; }""",
            timeout=30_000,
        )
        page.wait_for_timeout(300)
        result = page.evaluate(
            """() => {
                 const main = (document.querySelector('main') || document.body).cloneNode(true);
                 main.querySelectorAll('pre, code, script, style, .highlight, mjx-container')
                     .forEach(e => e.remove());
                 const text = main.textContent;
                 return {containers: document.querySelectorAll('mjx-container').length,
                         math: document.querySelectorAll('.math').length,
                         errors: document.querySelectorAll('mjx-merror').length,
                         raw: (text.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/g) || [])};
               }"""
        )
        shot(page, "math", math_page)
        assert result["containers"] > 0, f"{math_page}: MathJax rendered nothing {result}"
        assert result["errors"] == 0, f"{math_page}: TeX errors {result}"
        assert not result["raw"], f"{math_page}: raw TeX left in the page text {result}"
        check_clean(log, math_page)


@pytest.mark.browser
def test_solutions_hidden_until_clicked(solution_page, site_url, chromium):
    """Solutions are collapsed on load and open with their toggle."""
    from browser import open_page

    require(solution_page, "pages with solutions")
    with open_page(chromium, site_url + solution_page) as (page, log):
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        state = page.evaluate(
            """() => Array.from(document.querySelectorAll('.solution')).map(s => {
                 const body = Array.from(s.children).filter(
                   c => !c.classList.contains('admonition-title') && c.tagName !== 'BUTTON'
                        && c.tagName !== 'SUMMARY');
                 return {id: s.id, visible: body.some(c => c.offsetParent !== null
                           && c.getBoundingClientRect().height > 0)};
               })"""
        )
        shot(page, "solutions", solution_page)
        assert state, f"{solution_page}: no .solution element rendered"
        shown = [s["id"] for s in state if s["visible"]]
        assert not shown, f"{solution_page}: solutions visible by default: {shown}"
        # The first solution opens on click (the toggle works).
        first = page.locator(".solution").first
        first.locator("button.toggle-button, summary").first.click()
        page.wait_for_timeout(500)
        opened = page.evaluate(
            """() => { const s = document.querySelector('.solution');
                 return Array.from(s.children).some(c => !c.classList.contains('admonition-title')
                   && c.offsetParent !== null && c.getBoundingClientRect().height > 0); }"""
        )
        assert opened, f"{solution_page}: clicking the solution title does not open it"
        check_clean(log, solution_page)


@pytest.mark.browser
def test_pages_offline_clean(page, site_url, chromium):
    """Every page loads with all third-party requests blocked: none is attempted, no
    JavaScript error, no missing local file."""
    from browser import open_page

    require(page, "HTML pages")
    with open_page(chromium, site_url + page) as (p, log):
        p.wait_for_load_state("load")
        p.wait_for_timeout(1000)
        shot(p, "page", page)
        check_clean(log, page)


# ------------------------------------------------------- accessibility and phones

WAIT_FOR_WIDGETS = """() => Array.from(document.querySelectorAll('script[type="WIDGET_VIEW"]'))
  .every(s => s.parentElement.querySelector('.jupyter-widgets'))""".replace("WIDGET_VIEW", WIDGET_VIEW)
SERIOUS = {"critical", "serious"}
#: Words the widgets' names must use, by the page's language (book_static/widgets-a11y.js).
WORDS = {"en": {"play": "Play", "stop": "Stop", "repeat": "Repeat", "frame": " of ",
                "kernel": "kernel"},
         "fr": {"play": "Lecture", "stop": "Arrêt", "repeat": "Répéter", "frame": " sur ",
                "kernel": "noyau"}}


@contextmanager
def open_rendered(chromium, url, viewport=(1280, 900)):
    """open_page, then wait until every saved widget view is rendered (and named).
    Yields (page, PageLog); the log stays readable after the page is closed."""
    from browser import open_page

    with open_page(chromium, url, viewport=viewport) as (page, log):
        page.wait_for_function(WAIT_FOR_WIDGETS, timeout=30_000)
        page.wait_for_timeout(600)  # widgets-a11y.js works in the next animation frames
        yield page, log


@pytest.mark.browser
def test_axe_no_serious_violations(book_page, site_url, chromium):
    """axe-core (WCAG 2.1 A and AA, and the name-contains-label rule): no critical or
    serious violation on any page of the book in either edition, widgets rendered."""
    from browser import run_axe

    chapter_page = book_page
    require(chapter_page, "pages of the book")
    with open_rendered(chromium, site_url + chapter_page) as (page, log):
        violations = run_axe(page)
        shot(page, "axe", chapter_page)
    bad = [v for v in violations if v["impact"] in SERIOUS]
    report = "\n".join(f"  {v['impact']} {v['id']} ({v['help']}): {len(v['nodes'])} nodes, e.g. "
                       f"{v['nodes'][0]}" for v in bad)
    assert not bad, f"{chapter_page}: axe-core finds {len(bad)} serious/critical rules:\n{report}"
    check_clean(log, chapter_page)


JS_WIDGET_NAMES = """() => {
  const out = {buttons: [], sliders: [], images: [], backgrounds: [],
               lang: document.documentElement.lang};
  document.querySelectorAll('.cell_output .jupyter-widgets').forEach(w => {
    w.querySelectorAll(':scope > button, .widget-play button').forEach(b => out.buttons.push(
      {name: (b.getAttribute('aria-label') || b.textContent).trim(), play: !!b.closest('.widget-play'),
       disabled: b.disabled}));
  });
  document.querySelectorAll('.cell_output .jupyter-widgets [role=slider]').forEach(h => out.sliders.push(
    {name: h.getAttribute('aria-label') || '', text: h.getAttribute('aria-valuetext') || '',
     player: !!h.closest('.widget-hbox') && !!h.closest('.widget-hbox').querySelector('.widget-play'),
     disabled: h.getAttribute('aria-disabled') === 'true'}));
  document.querySelectorAll('.cell_output .jupyter-widgets img').forEach(i => {
    if (i.offsetParent === null) return;
    if (i.classList.contains('nb-frame-background')) {   // decorative: the overlay is the frame
      out.backgrounds.push({alt: i.getAttribute('alt'), hidden: i.getAttribute('aria-hidden')});
    } else {
      out.images.push(i.getAttribute('alt') || '');
    }
  });
  return out;
}"""


@pytest.mark.browser
def test_widget_controls_named_in_page_language(widget_page, site_url, chromium):
    """Every widget button and slider has a name, the player's in the page's language;
    every visible frame an alt text that says which frame of how many it shows; the
    player still plays from the keyboard (Enter on Play)."""
    require(widget_page, "pages with widget state")
    with open_rendered(chromium, site_url + widget_page) as (page, log):
        names = page.evaluate(JS_WIDGET_NAMES)
        words = WORDS["fr" if names["lang"].startswith("fr") else "en"]
        player = [b["name"] for b in names["buttons"] if b["play"]]
        assert player, f"{widget_page}: no player buttons found ({names})"
        assert all(b["name"] for b in names["buttons"]), f"{widget_page}: unnamed buttons {names}"
        for word in ("play", "stop", "repeat"):
            assert words[word] in player, f"{widget_page}: no '{words[word]}' button in {player}"
        assert all(s["name"] for s in names["sliders"]), f"{widget_page}: unnamed sliders {names}"
        assert names["images"] and all(names["images"]), f"{widget_page}: frames without alt {names}"
        assert all(b == {"alt": "", "hidden": "true"} for b in names["backgrounds"]), (
            f"{widget_page}: a layered player's background must be decorative: {names['backgrounds']}")
        frames = [a for a in names["images"] if words["frame"] in a]
        assert frames, f"{widget_page}: no frame alt text says 'frame i{words['frame']}n': {names}"
        # Keyboard: focus the first Play button, press Enter, the first player's frame changes.
        first = page.locator(".widget-play button").first
        area = first.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
        before = area.locator("img:not(.nb-frame-background):visible").first.get_attribute("src")
        first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            """([el, src]) => { const i = Array.from(el.querySelectorAll('img'))
                 .find(i => i.offsetParent !== null && !i.classList.contains('nb-frame-background'));
                 return i && i.getAttribute('src') !== src; }""",
            arg=[area.element_handle(), before], timeout=10_000)
    check_clean(log, widget_page)


@pytest.mark.browser
def test_kernel_controls_marked(widget_page, site_url, chromium):
    """On the static site, controls that need a kernel are disabled and a note at them
    says so (in the page's language); the players' Play buttons and sliders stay live."""
    require(widget_page, "pages with widget state")
    with open_rendered(chromium, site_url + widget_page) as (page, log):
        outputs = page.evaluate(
            """() => Array.from(document.querySelectorAll('script[type="WIDGET_VIEW"]')).map(s => {
                 const a = s.parentElement;
                 const player = new Set();
                 a.querySelectorAll('.widget-play').forEach(p => p.parentElement
                   .querySelectorAll('button, [role=slider]').forEach(c => player.add(c)));
                 const controls = Array.from(a.querySelectorAll(
                   'select, input, textarea, button, [role=slider]'));
                 const other = controls.filter(c => !player.has(c));
                 const off = c => c.disabled === true || c.getAttribute('aria-disabled') === 'true';
                 const note = a.querySelector('.nb-kernel-note');
                 return {other: other.length, otherLive: other.filter(c => !off(c)).length,
                         playerOff: Array.from(player).filter(off).length,
                         note: note ? note.textContent : null,
                         noteVisible: !!note && note.offsetParent !== null};
               })""".replace("WIDGET_VIEW", WIDGET_VIEW))
        lang = page.evaluate("() => document.documentElement.lang")
    word = WORDS["fr" if lang.startswith("fr") else "en"]["kernel"]
    for i, out in enumerate(outputs):
        assert out["playerOff"] == 0, f"{widget_page} output {i}: player controls disabled {out}"
        if out["other"]:
            assert out["otherLive"] == 0, f"{widget_page} output {i}: kernel controls look live {out}"
            assert out["noteVisible"] and word in out["note"], (
                f"{widget_page} output {i}: no visible note '...{word}...' at its controls {out}")
        else:
            assert out["note"] is None, f"{widget_page} output {i}: a player marked dead {out}"
    check_clean(log, widget_page)


PHONE = (390, 844)


@pytest.mark.browser
def test_widgets_fit_a_phone(widget_page, site_url, chromium):
    """At 390x844 no widget runs past the screen or scrolls sideways, and no slider's
    readout (a player's "epoch 40") is cut off."""
    require(widget_page, "pages with widget state")
    with open_rendered(chromium, site_url + widget_page, viewport=PHONE) as (page, log):
        over = page.evaluate(
            """() => { const width = document.documentElement.clientWidth;
                 return Array.from(document.querySelectorAll('.cell_output .jupyter-widgets'))
                   .filter(e => e.offsetParent !== null).map(e => {
                     const r = e.getBoundingClientRect();
                     return {cls: e.className.split(' ').filter(c => c.startsWith('widget-')).join(' '),
                             right: Math.round(r.right), width,
                             scroll: e.scrollWidth - e.clientWidth};
                   }).filter(e => e.right > e.width + 0.5 || e.scroll > 1); }""")
        clipped = page.evaluate(
            """() => Array.from(document.querySelectorAll('.cell_output .widget-readout'))
                 .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
                 .map(e => e.textContent)""")
        shot(page, "phone", widget_page)
    assert not over, f"{widget_page}: widgets overflow a {PHONE[0]} px screen: {over[:8]}"
    assert not clipped, f"{widget_page}: slider readouts cut off on a phone: {clipped[:8]}"


JS_FRAME_SHARPNESS = """() => Array.from(document.querySelectorAll('.cell_output .jupyter-widgets img'))
  .filter(i => i.offsetParent !== null && i.complete && i.naturalWidth > 0).map(i => {
    const r = i.getBoundingClientRect();
    const under = i.closest('.nb-frames') && !i.classList.contains('nb-frame-background')
      ? i.closest('.nb-frames').querySelector('img.nb-frame-background') : null;
    const u = under ? under.getBoundingClientRect() : null;
    return {alt: (i.getAttribute('alt') || '').slice(0, 60), ratio: i.naturalWidth / r.width,
            width: r.width, offset: u ? Math.max(Math.abs(u.left - r.left), Math.abs(u.top - r.top),
                                                  Math.abs(u.width - r.width)) : 0};
  })"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 900), PHONE], ids=["desktop", "phone"])
def test_frames_sharp_on_2x_screens(widget_page, site_url, chromium, viewport):
    """Every frame and live picture has at least 2 image pixels per CSS pixel it is shown
    at (sharp on a 2x screen, at a desktop width and on a phone), and a layered player's
    overlay lies exactly on its background."""
    require(widget_page, "pages with widget state")
    with open_rendered(chromium, site_url + widget_page, viewport=viewport) as (page, log):
        pictures = page.evaluate(JS_FRAME_SHARPNESS)
    assert pictures, f"{widget_page}: no widget pictures found"
    soft = [p for p in pictures if p["ratio"] < 1.99]
    assert not soft, f"{widget_page}: pictures with fewer than 2 pixels per CSS pixel: {soft[:6]}"
    astray = [p for p in pictures if p["offset"] > 0.5]
    assert not astray, f"{widget_page}: overlays not on their background: {astray[:6]}"
    check_clean(log, widget_page)


JS_FRAME_SCALE = """() => {
  const shown = Array.from(document.querySelectorAll('.cell_output .jupyter-widgets img.widget-image'))
    .filter(i => i.offsetParent !== null && i.getAttribute('width')).map(i => {
      const r = i.getBoundingClientRect();
      return {alt: (i.getAttribute('alt') || '').slice(0, 60), css: Number(i.getAttribute('width')),
              width: r.width, frame: !!i.closest('.nb-frames')};
    });
  const rows = Array.from(document.querySelectorAll('.cell_output .nb-panels'))
    .filter(b => b.offsetParent !== null).map(b => Array.from(b.children).map(c => {
      const r = c.getBoundingClientRect();
      return {left: r.left, right: r.right, top: r.top};
    }));
  return {shown, rows};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [(1280, 900), PHONE], ids=["desktop", "phone"])
def test_frame_text_keeps_its_size(widget_page, site_url, chromium, viewport):
    """Every frame is shown at its own CSS size, on a phone too, so that its text keeps
    the 9 CSS px nbcode.frames.check_text_sizes gives it: a player whose figure has several
    axes shows them as panels side by side on a desktop (one row, edge to edge: the figure
    as drawn) and one under the other where the row does not fit."""
    require(widget_page, "pages with widget state")
    with open_rendered(chromium, site_url + widget_page, viewport=viewport) as (page, log):
        found = page.evaluate(JS_FRAME_SCALE)
    frames_shown = [p for p in found["shown"] if p["frame"]]
    assert frames_shown, f"{widget_page}: no player frames found"
    shrunk = [p for p in frames_shown if p["width"] < p["css"] - 0.5]
    assert not shrunk, f"{widget_page}: frames shown smaller than their CSS size: {shrunk[:6]}"
    for panels in found["rows"]:
        assert len(panels) >= 2
        if viewport == PHONE:
            assert all(b["top"] > a["top"] for a, b in pairwise(panels)), panels
        else:
            assert all(abs(b["top"] - a["top"]) < 0.5 and abs(b["left"] - a["right"]) < 0.5
                       for a, b in pairwise(panels)), panels
    check_clean(log, widget_page)


def test_figures_served_compact(tmp_path):
    """Every PNG figure of both editions is already as compact as it can be served: the
    build rewrote the full-colour ones as palette PNGs (bookbuild.sphinxext.compact_figures),
    so doing it again changes nothing."""
    import shutil

    from bookbuild.sphinxext import compact_figure

    folders = [d for d in (site_dir() / "_images", site_dir() / "fr" / "_images") if d.is_dir()]
    if not folders:
        pytest.skip("no built site")
    loose = []
    for folder in folders:
        for path in sorted(folder.glob("*.png")):
            copy = tmp_path / path.name
            shutil.copyfile(path, copy)
            if compact_figure(copy):
                loose.append(str(path.relative_to(site_dir())))
    assert not loose, f"figures served in full colour though a palette looks the same: {loose[:5]}"
