# Every command of the project lives here: `make help` lists them.
# The two that matter: `make book` builds the site into _build/html, `make test` runs every test.
# Both set everything up on a fresh Debian/Ubuntu machine with Python 3.11 (a virtual
# environment in .venv, npm packages for the site, Chromium for the browser tests).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JB     := $(BIN)/jupyter-book
PYTEST_ARGS ?=

.PHONY: help setup system-deps assets cache book pdf translations student execute test test-fast lint bench serve clean publish-student

help:  ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

system-deps:  ## Install Debian packages the build and the tests need (python3-venv, npm, TeX, chromium)
	bash scripts/install_system_deps.sh

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml bookbuild/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the pinned requirements, nbcode and the build tooling (bookbuild)

assets: setup  ## Copy the widget manager and MathJax (from npm) into book_static/vendor
	$(BIN)/python scripts/build_assets.py

student: setup  ## Write the student editions (solutions removed) into student/ and student/fr/
	$(BIN)/python -m bookbuild.editions chapters student

publish-student: setup  ## Commit the student editions to the branch a course's JupyterHub pulls (REPOSITORY=, BRANCH=)
	$(BIN)/python scripts/publish_student.py $(if $(REPOSITORY),--repository $(REPOSITORY)) $(if $(BRANCH),--branch $(BRANCH))

cache: setup  ## Execute the chapters into the build's caches, English and French (_build/.jupyter_cache*)
	$(BIN)/python scripts/execute_cache.py
	$(BIN)/python scripts/execute_cache.py --language fr

pdf: system-deps setup cache  ## Build the PDFs into _build/pdf/book.pdf and _build/pdf/fr/book.pdf (SOLUTIONS=omit leaves the solutions out)
	$(BIN)/python scripts/build_pdf.py --solutions $(or $(SOLUTIONS),include)
	$(BIN)/python scripts/build_pdf.py --solutions $(or $(SOLUTIONS),include) --language fr

book: system-deps assets student cache pdf  ## Build the site into _build/html (English), _build/html/fr (French), with the PDFs
	$(JB) build . --builder html --warningiserror --nitpick --keep-going
	$(BIN)/python scripts/i18n.py build
	@echo "Built: _build/html/index.html and _build/html/fr/  (serve them with: make serve)"

translations: setup  ## After a text change: update the French catalogues in locales/fr (then translate)
	$(BIN)/python scripts/i18n.py update
	$(BIN)/python scripts/i18n.py check || true

execute: setup  ## Re-execute chapters in place and store outputs (CHAPTER=chapters/NN_x.ipynb for one)
	$(BIN)/python scripts/execute_chapters.py $(CHAPTER)

test: book  ## Run every test: nbcode, the chapters (nbval), student editions, the site in Chromium
	bash scripts/run_tests.sh $(PYTEST_ARGS)

test-fast: setup  ## Only the fast unit tests of nbcode and bookbuild (no notebooks, no site; jax optional)
	$(BIN)/pytest -q -m "not notebooks and not site and not browser and not slow" tests

lint:  setup ## ruff on nbcode, bookbuild, the tests, the scripts and (through nbqa) the chapters
	$(BIN)/ruff check nbcode bookbuild tests scripts
	$(BIN)/nbqa ruff chapters --ignore E402,E501,B018,F401

bench: setup  ## Measure speed, page weight and memory; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run.py

serve:  ## Serve the built site on http://localhost:8000
	$(BIN)/python -m http.server --directory _build/html 8000

clean:  ## Remove the build, the student editions and the vendored assets
	rm -rf _build student book_static/vendor
