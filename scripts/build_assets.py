#!/usr/bin/env python3
"""Vendor the book's third-party browser assets so the built site needs no CDN.

Installs the npm packages pinned in package.json / package-lock.json (``npm ci``,
only when node_modules is missing or stale) and copies what the site serves into
``book_static/vendor/`` (git-ignored; ``html_static_path`` publishes it as
``_static/vendor/``):

* ``html-manager/``: ``@jupyter-widgets/html-manager`` ``dist/embed.js`` and the font
  files it references (webpack resolves them next to the script at run time);
* ``mathjax/``: MathJax 3 ``es5/tex-chtml.js``, the TeX extensions it loads on
  demand and the CHTML woff-v2 fonts;
* ``icons/book-icons.woff`` and ``icons/book-icons.css``: the FontAwesome 6 icons the
  theme and the widgets draw (``ICONS``, the theme's admonition icons), cut out of the
  theme's 156 kB solid font with fontTools (3 kB), declared as "Font Awesome 6 Free"
  with their ``unicode-range``: the browser fetches the full font only for another icon.

It also installs ``axe-core``, which the site is not served with: the browser tests
(tests/test_site.py) inject ``node_modules/axe-core/axe.min.js`` into each page to check
it for accessibility, so that no test downloads anything.

Idempotent: run it before every ``jupyter-book build``. Usage::

    python scripts/build_assets.py          # install if needed, then copy
    python scripts/build_assets.py --check  # exit 1 unless the vendor folder is complete
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "book_static" / "vendor"

HTML_MANAGER = NODE_MODULES / "@jupyter-widgets" / "html-manager"
MATHJAX = NODE_MODULES / "mathjax"
#: Used by the tests only (tests/browser.py), from node_modules; never copied into the site.
AXE = NODE_MODULES / "axe-core" / "axe.min.js"

# (source relative to node_modules package, destination relative to VENDOR)
MATHJAX_ITEMS = [
    ("es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("es5/input/tex/extensions", "mathjax/input/tex/extensions"),
    ("es5/output/chtml/fonts/woff-v2", "mathjax/output/chtml/fonts/woff-v2"),
    ("LICENSE", "mathjax/LICENSE"),
]
#: The icons of the theme (header, sidebars, launch and download buttons) and of the
#: widgets (Play, Pause, Stop, Repeat, Train), by FontAwesome 6 name; a few more that
#: the theme's scripts may switch to (full screen, close).
ICONS = [
    "angle-left", "angle-right", "angle-up", "angle-down", "arrow-up", "bars",
    "circle-half-stroke", "list", "magnifying-glass", "moon", "sun", "outdent", "indent",
    "download", "expand", "compress", "file", "file-pdf", "file-code", "rocket", "xmark",
    "check", "copy", "play", "pause", "stop", "retweet", "repeat", "chevron-left",
    "chevron-right", "chevron-up", "chevron-down", "caret-down", "caret-right",
]
ICON_FONT = "icons/book-icons.woff"
ICON_CSS = "icons/book-icons.css"
# The files every page that uses them must find (checked by --check and by the tests).
REQUIRED = [
    ICON_FONT,
    ICON_CSS,
    "html-manager/embed.js",
    "mathjax/tex-chtml.js",
    "mathjax/input/tex/extensions",
    "mathjax/output/chtml/fonts/woff-v2",
]


def fail(message: str) -> None:
    print(f"build_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def human(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def size_of(path: Path) -> tuple[int, int]:
    """(bytes, number of files) of a file or a folder."""
    if path.is_file():
        return path.stat().st_size, 1
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def npm_install_needed() -> str | None:
    """Why node_modules must be (re)installed, or None if it matches package-lock.json."""
    lock_path = ROOT / "package-lock.json"
    if not lock_path.exists():
        fail("package-lock.json is missing: run `npm install` once and commit the lock file")
    installed = NODE_MODULES / ".package-lock.json"  # written by npm ci / npm install
    if not installed.exists():
        return "node_modules is missing"
    lock = json.loads(lock_path.read_text())
    have = json.loads(installed.read_text()).get("packages", {})
    for name, meta in lock.get("packages", {}).items():
        if not name:  # the root project itself
            continue
        if have.get(name, {}).get("version") != meta.get("version"):
            return f"node_modules is stale ({name} is not {meta.get('version')})"
    return None


def npm_ci() -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        fail(
            "node and npm are needed to install the site's browser assets "
            f"(found node: {node or 'no'}, npm: {npm or 'no'}). Install Node.js 18+ "
            "with npm, then re-run `python scripts/build_assets.py`."
        )
    reason = npm_install_needed()
    if reason is None:
        print("node_modules matches package-lock.json: skipping npm ci")
        return
    print(f"{reason}: running npm ci")
    cmd = [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        fail(f"`{' '.join(cmd)}` failed with exit code {result.returncode}")


def html_manager_items() -> list[tuple[Path, str]]:
    """embed.js plus every asset file (fonts) that embed.js names."""
    dist = HTML_MANAGER / "dist"
    embed = dist / "embed.js"
    if not embed.exists():
        fail(f"{embed} not found: is @jupyter-widgets/html-manager installed?")
    text = embed.read_text(encoding="utf-8")
    items = [(embed, "html-manager/embed.js")]
    for p in sorted(dist.iterdir()):
        if p.suffix in {".woff2", ".woff", ".ttf", ".eot", ".svg"} and re.search(re.escape(p.name), text):
            items.append((p, f"html-manager/{p.name}"))
    items.append((dist / "embed.js.LICENSE.txt", "html-manager/embed.js.LICENSE.txt"))
    return items


def theme_fontawesome() -> tuple[Path, Path]:
    """(the theme's FontAwesome 6 solid TTF, the theme's CSS that maps names to code points)."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    return (theme / "vendor" / "fontawesome" / "webfonts" / "fa-solid-900.ttf",
            theme / "styles" / "pydata-sphinx-theme.css")


def book_theme_css() -> str:
    """The CSS of sphinx-book-theme and sphinx-exercise, which draw a few icons of their
    own with ``content: "\\fXXX"`` (a chevron, the exercises' pencil)."""
    import importlib

    text = ""
    for package in ("sphinx_book_theme", "sphinx_exercise"):
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        for css in Path(module.__file__).parent.rglob("*.css"):
            text += css.read_text(encoding="utf-8", errors="replace")
    return text


def icon_font(target: Path) -> int:
    """Write the subset of the theme's FontAwesome solid font with ``ICONS``; return
    how many icons it holds. Fails if the theme names none of them."""
    from fontTools import subset

    ttf, css = theme_fontawesome()
    if not ttf.is_file() or not css.is_file():
        fail(f"the theme's FontAwesome font or CSS is missing ({ttf}, {css}): is "
             "pydata-sphinx-theme installed in this Python?")
    text = css.read_text(encoding="utf-8")
    names = {}  # every .fa-NAME:before{content:"\fXXX"} rule, grouped selectors included
    for selectors, code in re.findall(r'([^{}]+)\{content:"\\([0-9a-f]+)"\}', text):
        for selector in selectors.split(","):
            match = re.fullmatch(r"\s*\.fa-([\w-]+):{1,2}before\s*", selector)
            if match:
                names.setdefault(match[1], int(code, 16))
    codes = {name: names[name] for name in ICONS if name in names}
    if not codes:
        fail(f"no icon of ICONS found in {css}: has the theme's CSS changed?")
    points = set(codes.values())
    # The theme's own icons (admonitions, links): characters in its --pst-icon-* variables.
    points |= {ord(c) for c in re.findall(r'--pst-icon-[\w-]+:"(.)"', text)}
    for match in re.finditer(r'content:\s*"\\(f[0-9a-f]{3})"', book_theme_css()):
        points.add(int(match[1], 16))
    options = subset.Options()
    options.flavor = "woff"  # woff2 would need brotli; for a few glyphs zlib does as well
    options.layout_features = ["*"]
    font = subset.load_font(str(ttf), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points))
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)
    ranges = ",".join(f"U+{p:04X}" for p in sorted(points))
    target.with_suffix(".css").write_text(
        "/* Generated by scripts/build_assets.py: the icons the site uses, cut from the theme's\n"
        "   FontAwesome 6 solid font. Declared after the theme's full font, with the same\n"
        "   family, so that the browser takes these glyphs from here and fetches the full\n"
        "   font only for a character outside this unicode-range. */\n"
        '@font-face {\n  font-family: "Font Awesome 6 Free";\n  font-style: normal;\n'
        "  font-weight: 900;\n  font-display: block;\n"
        f'  src: url("{target.name}") format("woff");\n  unicode-range: {ranges};\n}}\n',
        encoding="utf-8")
    return len(points)


def copy_all() -> None:
    items = html_manager_items()
    for src, dst in MATHJAX_ITEMS:
        items.append((MATHJAX / src, dst))
    missing = [str(src) for src, _ in items if not src.exists()]
    if missing:
        fail("missing in node_modules: " + ", ".join(missing))

    # Rebuild from scratch so that files removed upstream do not linger.
    tmp = VENDOR.with_name("vendor.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    for src, dst in items:
        target = tmp / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copy2(src, target)
    n_icons = icon_font(tmp / ICON_FONT)
    items += [(tmp / ICON_FONT, ICON_FONT), (tmp / ICON_CSS, ICON_CSS)]
    shutil.rmtree(VENDOR, ignore_errors=True)
    tmp.rename(VENDOR)
    print(f"icon font: {n_icons} glyphs cut from the theme's FontAwesome 6 solid font")

    versions = {
        "@jupyter-widgets/html-manager": json.loads((HTML_MANAGER / "package.json").read_text())["version"],
        "mathjax": json.loads((MATHJAX / "package.json").read_text())["version"],
    }
    (VENDOR / "VERSIONS.json").write_text(json.dumps(versions, indent=2) + "\n")

    print(f"copied into {VENDOR.relative_to(ROOT)}/ ({', '.join(f'{k} {v}' for k, v in versions.items())}):")
    total = 0
    for _, dst in items:
        size, count = size_of(VENDOR / dst)
        total += size
        files = f" ({count} files)" if count > 1 else ""
        print(f"  {dst:<58} {human(size):>9}{files}")
    print(f"  {'total':<58} {human(total):>9}")


def check() -> int:
    missing = [p for p in REQUIRED if not (VENDOR / p).exists()]
    if not AXE.is_file():
        missing.append(f"{AXE.relative_to(ROOT)} (for the tests)")
    if missing:
        print("book_static/vendor is incomplete, missing: " + ", ".join(missing), file=sys.stderr)
        print("run `python scripts/build_assets.py`", file=sys.stderr)
        return 1
    print("book_static/vendor is complete")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the vendor folder")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    npm_ci()
    copy_all()
    return check()


if __name__ == "__main__":
    sys.exit(main())
