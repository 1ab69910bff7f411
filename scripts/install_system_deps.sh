#!/usr/bin/env bash
# Install the Debian/Ubuntu packages the book needs, only those that are missing:
#   python3-venv (to create .venv), nodejs + npm (the site's JavaScript assets),
#   TeX (xelatex, latexmk and LaTeX packages: the PDF of the book),
#   chromium (the browser tests drive Debian's Chromium; no test tool downloads a browser).
set -euo pipefail

missing=()
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v make >/dev/null 2>&1 || missing+=(make)
# The PDF: xelatex and latexmk with the LaTeX packages jupyterBook.cls loads (~420 MB).
command -v xelatex >/dev/null 2>&1 || missing+=(texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended texlive-xetex lmodern fonts-freefont-otf)
command -v latexmk >/dev/null 2>&1 || missing+=(latexmk)

if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi

echo "system packages: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "error: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" fonts-dejavu-core
