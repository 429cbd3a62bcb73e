#!/usr/bin/env bash
# One set-up for a fresh Debian/Ubuntu machine, used by README.md and .ci/run alike so they cannot drift.
# Installs the system packages Qt, PDF checks and the PostgreSQL tests need, then the virtualenv in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
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
[ -x .venv/bin/python ] || "$python" -m venv .venv
# pip's notes about optional local package folders are noise here; real errors still stop the script.
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install -q -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import caseworker, PySide6" # fail here, clearly, if the install did not work
echo "setup: ready (.venv)"
