"""The Linux desktop bundle as a council's IT would deploy it: built by installer/build.sh, unpacked from its
.tar.gz outside the repository, and run with an empty environment and no Python to be found.

The build takes one to two minutes, so it is kept in a cache folder (``CASEWORKER_BUNDLE_CACHE``, default
``~/.cache/caseworker-tests/bundle``) named by a hash of everything that goes into it: the source, the
resources, the installer files and the virtualenv's packages. A run with the same inputs reuses it; any
change builds afresh (and the older build is removed). As root the commands run in a private mount
namespace where the machine's own Python libraries are hidden, so the bundle cannot lean on them (not in a
chroot, where no mount can be kept private).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from ui.smoke import ENV_VAR, REPORT

pytestmark = pytest.mark.bundle

REPO = Path(__file__).resolve().parents[2]
BUNDLE_INPUTS = ("caseworker", "ui", "resources", "pyproject.toml", "installer/build.sh", "installer/caseworker.spec",
                 "installer/bundle_inputs.py", "installer/launch.py", "installer/caseworker.desktop",
                 "installer/bundle-README.txt")
SIZE_LIMIT_MB = 250
LOCK = ".lock"
HIDDEN_PYTHON = [str(p) for pattern in ("/usr/lib/python3*", "/usr/local/lib/python3*") for p in
                 sorted(Path("/").glob(pattern.lstrip("/"))) if p.is_dir()]


def inputs_hash() -> str:
    """A hash of every file the bundle is built from, and of the packages PyInstaller collects."""
    digest = hashlib.sha256()
    for name in BUNDLE_INPUTS:
        root = REPO / name
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    configured = os.environ.get("CASEWORKER_BUNDLE_CACHE", "").strip()
    return Path(configured) if configured else Path.home() / ".cache" / "caseworker-tests" / "bundle"


@pytest.fixture(scope="session")
def tarball() -> Path:
    """dist/caseworker-VERSION-linux-ARCH.tar.gz built from the source as it stands (cached by inputs)."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    ready = root / inputs_hash()
    with (root / LOCK).open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run on this machine may be building the same
        found = sorted((ready / "dist").glob("caseworker-*-linux-*.tar.gz"))
        return found[0] if found else build_into(ready)


def build_into(ready: Path) -> Path:
    for old in ready.parent.iterdir():  # an older build, or one a killed run left half-made
        if old.name != LOCK:
            shutil.rmtree(old, ignore_errors=True)
    partial = ready.with_name(f"{ready.name}.partial")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "PYINSTALLER"))}
    done = subprocess.run(["bash", str(REPO / "installer" / "build.sh"), "--out", str(partial)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, f"installer/build.sh failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert done.stderr == "", done.stderr
    shutil.rmtree(partial / "build")  # PyInstaller's work and the unpacked folder: the tarball is what is tested
    partial.rename(ready)
    (built,) = (ready / "dist").glob("caseworker-*-linux-*.tar.gz")
    return built


@pytest.fixture(scope="module")
def bundle(tarball: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tarball unpacked as it would be in /opt: the folder holding the program."""
    opt = tmp_path_factory.mktemp("opt")
    subprocess.run(["tar", "-C", str(opt), "-xzf", str(tarball)], check=True)  # as docs/install.md says
    return opt / "caseworker"


@pytest.fixture(scope="module")
def home(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new user's home folder in which the bundle has built the demo team's database."""
    folder = tmp_path_factory.mktemp("home")
    built = run(bundle, folder, "demo")
    assert "Demo database" in built.stdout
    assert (folder / ".local" / "share" / "Caseworker" / "caseworker-demo.sqlite").is_file()
    return folder


@functools.cache
def can_hide_python() -> bool:
    """Whether this run may mount over the machine's Python in a private mount namespace: as root, and not in
    a chroot (whose root is no mount point, so its mounts cannot be made private)."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return probe.returncode == 0


def run(bundle: Path, home: Path, *args: str, extra: dict[str, str] | None = None,
        timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """The bundled program with an environment as bare as a desktop session's start, and no Python about."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(extra or {})}
    command = [str(bundle / "caseworker"), *args]
    if can_hide_python():
        hide = " && ".join(f"mount -t tmpfs none '{p}'" for p in HIDDEN_PYTHON) or "true"
        command = ["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", f'{hide} && exec "$@"',
                   "sh", *command]
    done = subprocess.run(command, cwd=home, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"caseworker {' '.join(args)} exited {done.returncode}:\n" \
                                 f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


def bundle_version(bundle: Path) -> str:
    import caseworker

    reported = run(bundle, bundle.parent, "--version").stdout.strip()
    assert reported == f"caseworker {caseworker.__version__}"
    return caseworker.__version__


def test_the_tarball_holds_the_program_its_menu_entry_icon_and_readme(tarball: Path, bundle: Path) -> None:
    assert tarball.name == f"caseworker-{bundle_version(bundle)}-linux-{os.uname().machine}.tar.gz"
    entry = dict(line.split("=", 1) for line in (bundle / "caseworker.desktop").read_text().splitlines()
                 if "=" in line and not line.startswith("#"))
    assert entry["Type"] == "Application" and entry["Name"] == "Caseworker"
    assert entry["Exec"] == "/opt/caseworker/caseworker" and entry["Icon"] == "/opt/caseworker/caseworker.png"
    icon = (bundle / "caseworker.png").read_bytes()
    assert icon.startswith(b"\x89PNG") and int.from_bytes(icon[16:20], "big") == 256  # the IHDR width
    assert "libegl1" in (bundle / "README.txt").read_text()
    assert os.access(bundle / "caseworker", os.X_OK)
    unpacked = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())
    assert unpacked <= SIZE_LIMIT_MB * 1024 * 1024, f"the bundle is {unpacked / 2**20:.0f} MB unpacked"


def test_the_demo_deadlines_and_chase_letters_run_from_the_bundle(bundle: Path, home: Path) -> None:
    deadlines = run(bundle, home, "--demo", "deadlines").stdout
    assert deadlines.startswith("Deadlines on ") and "EHC-" in deadlines
    out = home / "letters"
    chased = run(bundle, home, "--demo", "letters", "chase", "--out", str(out)).stdout
    assert "chase letters logged" in chased
    letters = sorted(out.glob("EHC-*-chase.pdf"))
    assert len(letters) > 1
    reference = letters[0].name.split("-advice-")[0]
    text = subprocess.run(["pdftotext", "-layout", str(letters[0]), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert f"Our reference {reference}" in text  # the letter is the case's, made with the bundled fonts
    assert "Marches County Council" in text  # the sample council's settings, shipped in the bundle


def test_the_desktop_opens_on_the_demo_offscreen_and_paints(bundle: Path, home: Path) -> None:
    shown = run(bundle, home, "--demo", extra={"QT_QPA_PLATFORM": "offscreen", ENV_VAR: "1"}, timeout=60)
    assert any(line.startswith(REPORT) for line in shown.stdout.splitlines()), shown.stdout + shown.stderr
    assert "Traceback" not in shown.stderr and "qt.qpa.plugin" not in shown.stderr, shown.stderr
