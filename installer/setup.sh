#!/usr/bin/env bash
# One set-up for a fresh Debian/Ubuntu machine, used by README.md and .ci/run alike so they cannot drift.
# Installs the system packages Qt, PDF checks and the PostgreSQL tests need, then the virtualenv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  # Python itself: a stock Debian has neither, Ubuntu has python3 but not its venv module
  python3 python3-venv
  # Qt, offscreen and in a real window
  libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-xkb1 libxkbcommon-x11-0
  # letter checks (pdftotext, pdftoppm) and the PostgreSQL tests' throwaway cluster
  poppler-utils postgresql
  # letter fonts for names in other scripts (TrueType, which reportlab embeds; see docs/letters.md)
  fonts-noto-core fonts-droid-fallback fonts-wqy-microhei fonts-symbola
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
supported='import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)'
if ! command -v "$python" >/dev/null 2>&1; then
  echo "setup: no $python found; install Python 3.11 or 3.12, or set PYTHON=/path/to/python3" >&2
  exit 1
fi
if ! "$python" -c "$supported"; then
  echo "setup: Caseworker needs Python 3.11 or 3.12, and $python is $("$python" -V 2>&1 | cut -d' ' -f2); set PYTHON=/path/to/python3.11 and run again" >&2
  exit 1
fi
# A .venv left half-made by an interrupted set-up (no pip), or made by an unsupported Python, is made again.
if [ -e .venv ] && ! { .venv/bin/python -c "$supported" && .venv/bin/python -m pip --version; } >/dev/null 2>&1; then
  echo "setup: .venv is incomplete or for another Python; making it again"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: making the virtualenv in .venv with $("$python" -V 2>&1)"
  "$python" -m venv .venv
fi
echo "setup: installing Caseworker and its libraries into .venv"
# pip's own chatter (notes on local package folders, setuptools' editable-install advice) is kept in a log and
# shown only when pip fails.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pip_install() {
  if ! .venv/bin/python -m pip install -q "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: pip install $* failed (above)" >&2
    exit 1
  fi
}
pip_install --upgrade pip
pip_install -e '.[dev]'
# Compiled once here, the first start does not compile every module from source (about 0.15 s of it).
.venv/bin/python -m compileall -q caseworker ui >/dev/null
.venv/bin/python -c "import caseworker, PySide6" # fail here, clearly, if the install did not work
echo "setup: ready (.venv)"
