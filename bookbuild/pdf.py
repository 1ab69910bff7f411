"""Build the book as one PDF (Jupyter Book's LaTeX builder, run by xelatex).

    python scripts/build_pdf.py                    # solutions included, after each chapter's exercises
    python scripts/build_pdf.py --solutions omit   # a student's copy: exercise statements only
    python scripts/build_pdf.py --language fr      # the French book, from the French execution

(or ``python -m bookbuild.pdf``, from the repository's root; `make pdf` runs the script).

Writes _build/latex/book.pdf and copies it to _build/pdf/book.pdf, which the HTML build
publishes at the site's root (bookbuild.sphinxext), so that the preface can link to it.
The French PDF is built from the French catalogues and the French execution's cache
(``python scripts/execute_cache.py --language fr`` first) into _build/fr-pdf and copied
to _build/pdf/fr/book.pdf, which the French site publishes at its own root.
Widgets cannot move on paper: each training player prints as a strip of three of its
frames (start, middle, end), which nbcode.widgets stores with the widget as image/png.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

# The book this package builds: bookbuild/ sits at the root of the repository.
ROOT = Path(__file__).resolve().parent.parent


def pdf_config(solutions: str, language: str = "en") -> Path:
    """Write the PDF build's configuration: _config.yml plus the solutions and language settings."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    # bookbuild.sphinxext removes the worked solutions when book_solutions is "omit".
    sphinx_config["book_solutions"] = solutions
    folder = ROOT / "_build" / f"pdf-config{'' if language == 'en' else '-' + language}"
    if language != "en":
        from .cache import cache_path
        from .i18n import AUTHOR, TITLE, prose_catalogue

        sphinx_config["language"] = language
        config["title"], config["author"] = TITLE, AUTHOR
        # The French execution's cache (absolute: the build runs from another output folder).
        config.setdefault("execute", {})["cache"] = str(cache_path(language))
        # The parts' captions ("Chapters", "Back matter") are in the root page's catalogue.
        toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
        captions = prose_catalogue(toc["root"], language)
        for part in toc.get("parts", []):
            part["caption"] = captions.get(part.get("caption"), part.get("caption"))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True))
    target = folder / "_config.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", choices=["include", "omit"], default="include",
                        help="print the solutions after each chapter's exercises, or leave them out")
    parser.add_argument("--language", choices=["en", "fr"], default="en",
                        help="the edition: English (default) or French")
    args = parser.parse_args(argv)
    if shutil.which("xelatex") is None or shutil.which("latexmk") is None:
        print("error: xelatex and latexmk are needed: run `make system-deps` "
              "(Debian packages texlive-xetex, latexmk, ...)", file=sys.stderr)
        return 1
    config = pdf_config(args.solutions, args.language)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(ROOT), "--builder", "pdflatex",
               "--config", str(config), "--warningiserror", "--keep-going"]
    environment = None
    output = ROOT
    if args.language != "en":
        import os

        from .cache import kernel_environment

        output = ROOT / "_build" / f"{args.language}-pdf"
        command += ["--path-output", str(output), "--toc", str(config.with_name("_toc.yml"))]
        # Should a chapter be missing from the French cache, it executes in French too.
        environment = {**os.environ, **kernel_environment(args.language)}
    result = subprocess.run(command, cwd=ROOT, env=environment)
    pdf = output / "_build" / "latex" / "book.pdf"
    if result.returncode != 0 or not pdf.is_file():
        print(f"error: the PDF build failed (see {pdf.with_suffix('.log')})", file=sys.stderr)
        return 1
    published = ROOT / "_build" / "pdf" / ("" if args.language == "en" else args.language) / "book.pdf"
    published.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(pdf, published)
    print(f"Built: {pdf} ({pdf.stat().st_size / 1e6:.1f} MB, solutions: {args.solutions})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
