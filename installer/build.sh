#!/usr/bin/env bash
# Build Caseworker's self-contained Linux desktop bundle: PyInstaller (one folder) from installer/caseworker.spec,
# with a .desktop file, the icon and a README, packed as dist/caseworker-VERSION-linux-ARCH.tar.gz. The bundle
# runs on a machine with no Python. Needs the .venv that installer/setup.sh makes; installs PyInstaller (the
# 'bundle' extra in pyproject.toml) into it when missing. See docs/install.md.
#   installer/build.sh [--out DIR]   # DIR gets build/ (the work) and dist/ (the .tar.gz); default this checkout
set -Eeuo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root
while [ $# -gt 0 ]; do
  case "$1" in
    --out) [ $# -ge 2 ] || { echo "build: --out needs a folder" >&2; exit 2; }; out=$(realpath -m "$2"); shift 2 ;;
    *) echo "build: unknown option '$1' (usage: installer/build.sh [--out DIR])" >&2; exit 2 ;;
  esac
done

stage="starting"
started=$SECONDS
step() { stage=$1; echo "build: $1"; }
fail() { echo "build: $1" >&2; exit 1; }
trap 'echo "build: failed while ${stage}" >&2' ERR

step "checking the virtualenv (.venv)"
[ "$(uname -s)" = Linux ] || fail "this builds the Linux bundle; for Windows see installer/windows/README.md"
[ -x .venv/bin/python ] || fail "no .venv here: run installer/setup.sh first"
.venv/bin/python -c "import caseworker, PySide6" 2>/dev/null || fail ".venv lacks Caseworker or Qt: run installer/setup.sh again"
version=$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
arch=$(uname -m)
mkdir -p "$out/build" "$out/dist"
log="$out/build/pyinstaller.log"
setup_log="$out/build/setup.log"  # apt's and pip's output, shown when they fail

# What a minimal Debian or Ubuntu lacks: binutils, with which PyInstaller reads and writes the executables
# (objdump, objcopy, strip), and Python's shared library, which the bundle carries (Debian's python3 is
# linked statically; the library is its own package, libpython3.X).
system_packages=()
if ! command -v objcopy >/dev/null || ! command -v objdump >/dev/null || ! command -v strip >/dev/null; then
  system_packages+=(binutils)
fi
read -r pylib pyver < <(.venv/bin/python -c 'import sys, sysconfig as c
print(c.get_config_var("LIBDIR") + "/" + c.get_config_var("INSTSONAME"), "%d.%d" % sys.version_info[:2])')
[ -e "$pylib" ] || system_packages+=("libpython$pyver")
if [ ${#system_packages[@]} -gt 0 ]; then
  step "installing ${system_packages[*]} (PyInstaller needs them)"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq \
      --no-install-recommends "${system_packages[@]}"; } >"$setup_log" 2>&1 \
    || { cat "$setup_log" >&2; fail "could not install ${system_packages[*]} (above)"; }
fi

# The 'bundle' extra names PyInstaller with its bounds; pip does nothing when a matching one is installed.
mapfile -t wanted < <(.venv/bin/python -c 'import tomllib
for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bundle"]: print(r)')
if .venv/bin/python -c "import PyInstaller" 2>/dev/null; then
  step "PyInstaller $(.venv/bin/python -c 'import PyInstaller; print(PyInstaller.__version__)') in .venv"
else
  step "installing ${wanted[*]} into .venv"
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "${wanted[@]}" >"$setup_log" 2>&1 \
  || { cat "$setup_log" >&2; fail "pip could not install ${wanted[*]} (above)"; }

step "collecting Python, Qt and the libraries with PyInstaller (about a minute; log $log)"
work="$out/build/pyinstaller"
bundles="$out/build/bundle"
bundle="$bundles/caseworker"
rm -rf "$bundle"
if ! .venv/bin/pyinstaller --noconfirm --log-level WARN --workpath "$work" --distpath "$bundles" \
    installer/caseworker.spec >"$log" 2>&1; then
  tail -n 25 "$log" >&2
  fail "PyInstaller failed (the end of its log is above; all of it in $log)"
fi

step "adding the menu entry, icon and README"
cp installer/caseworker.desktop "$bundle/caseworker.desktop"
cp resources/icons/caseworker-256.png "$bundle/caseworker.png"
cp resources/icons/caseworker.svg "$bundle/caseworker.svg"
sed "s/VERSION/$version/g" installer/bundle-README.txt >"$bundle/README.txt"

step "checking the bundle starts with no Python on the path"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
reported=$(env -i HOME="$scratch" PATH=/usr/bin:/bin LANG=C.UTF-8 "$bundle/caseworker" --version 2>&1) \
  || fail "the bundled program did not start: $reported"
[ "$reported" = "caseworker $version" ] || fail "the bundle says '$reported', expected 'caseworker $version'"

tarball="$out/dist/caseworker-$version-linux-$arch.tar.gz"
step "packing $tarball"
rm -f "$tarball"
tar -C "$bundles" --sort=name --owner=0 --group=0 --numeric-owner -czf "$tarball.part" caseworker
mv "$tarball.part" "$tarball"

unpacked=$(du -sm --apparent-size "$bundle" | cut -f1)
packed=$(( $(stat -c %s "$tarball") / 1048576 ))
echo "build: done in $(( SECONDS - started )) s: $tarball ($packed MB; $unpacked MB unpacked, in $bundle)"
