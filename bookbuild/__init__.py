"""bookbuild: the tooling that builds *Neural Networks — executable lecture notes*.

What turns the chapters into the things readers get: the student editions, the site's
Sphinx extension, the PDF and the French edition. It is not part of nbcode, the package
the chapters import and students install; no module here imports nbcode.

Modules
-------
editions    the student editions of the chapters (solutions removed); Binder's postBuild
            runs ``python -m bookbuild.editions chapters student`` from the repository root
sphinxext   the Sphinx extension of the site: practise box (Binder, download, JupyterHub
            links), language switch, PDF and student editions published, solutions omitted
            from the PDF on request, the French edition's glue fix
pdf         the PDF build (``scripts/build_pdf.py``, ``make pdf``)
i18n        the French edition's catalogues and build (``scripts/i18n.py``)

How it is found: from the repository's root (the folder is a regular package, so
``python -m bookbuild.editions`` works there with nothing installed, as in Binder), and in
the development environment through ``pip install -e ./bookbuild`` (requirements-dev.txt),
which jupyter-book and sphinx-build need: they do not put the working directory on
``sys.path``.
"""
