"""A wheel as a council's IT would install it: built, ``pip install``-ed (not editable) into a fresh virtualenv
with its dependencies, and run from a folder outside the repository, so it has only what the wheel carries.

The wheel is built from a copy of the source: nothing is written into the working tree, and no stale ``build``
folder there can lend the wheel files the project's settings would leave out. Dependencies come from wherever
pip is set to fetch them (its cache makes a second install quick); the install takes about twenty seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGED_TREES = {"caseworker": "caseworker", "ui": "ui", "resources": "caseworker/resources"}  # source: in wheel
HIDDEN = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


def shipped_source_files() -> dict[str, Path]:
    """Every file the wheel must carry, by its name in the wheel."""
    wanted: dict[str, Path] = {}
    for source, target in PACKAGED_TREES.items():
        for path in sorted((REPO / source).rglob("*")):
            parts = path.relative_to(REPO / source).parts
            if path.is_file() and not any(p == "__pycache__" or p.startswith(".") for p in parts) \
                    and path.suffix != ".pyc":
                wanted["/".join((target, *parts))] = path
    return wanted


def checked(args: list[str], *, cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout[-3000:]}" \
                                 f"\n{done.stderr[-3000:]}"
    return done.stdout


def clean_env(data_dir: Path) -> dict[str, str]:
    """The test's environment without anything that points back into the repository or the user's data."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CASEWORKER_RESOURCES",
                        "CASEWORKER_COUNCIL_SETTINGS", "CASEWORKER_DATABASE_URL", "CASEWORKER_USER"}}
    return {**env, "CASEWORKER_DATA_DIR": str(data_dir), "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("wheel-source")
    for entry in REPO.iterdir():  # pyproject.toml, README.md and any other top-level file the build may read
        if entry.is_file() and not entry.name.startswith("."):
            shutil.copy2(entry, source / entry.name)
    for tree in PACKAGED_TREES:
        shutil.copytree(REPO / tree, source / tree, ignore=HIDDEN)
    out = tmp_path_factory.mktemp("wheel")
    env = clean_env(tmp_path_factory.mktemp("data"))
    checked([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source)],
            cwd=out, env=env, timeout=300)
    (built,) = out.glob("caseworker-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv (no system site-packages) with the wheel and its dependencies installed by pip."""
    root = tmp_path_factory.mktemp("venv") / "env"
    env = clean_env(tmp_path_factory.mktemp("data"))
    checked([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root.parent, env=env, timeout=120)
    python = root / "bin" / "python"
    # This interpreter's pip installs into the new environment (--python): the same as its own pip would.
    checked([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)],
            cwd=root.parent, env=env, timeout=900)
    return root


def test_the_wheel_carries_every_module_template_font_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(set(shipped_source_files()) - names)
    assert not missing, f"left out of the wheel: {missing}"
    for needed in ("caseworker/statutory/timescales.json", "caseworker/caseload/defaults.toml",
                   "caseworker/store/migrations/env.py", "caseworker/store/migrations/script.py.mako",
                   "caseworker/resources/letters/templates/advice_chase.txt",
                   "caseworker/resources/fonts/DejaVuSans.ttf", "caseworker/resources/fonts/LICENSE"):
        assert needed in names
    assert any(n.startswith("caseworker/store/migrations/versions/") for n in names)
    assert not [n for n in names if n.startswith("resources/")], "a top-level 'resources' must not be installed"


def test_the_installed_package_reads_its_own_resources(venv: Path, tmp_path: Path) -> None:
    probe = ("import caseworker, caseworker.letters.resources as r; "
             "print(caseworker.__file__); print(r.resources_dir())")
    lines = checked([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=clean_env(tmp_path),
                    timeout=60).splitlines()
    package, resources = (Path(line).resolve() for line in lines)
    site = venv.resolve()
    assert package.is_relative_to(site), f"caseworker imported from {package}, not the installed wheel"
    assert resources.is_relative_to(site) and resources.name == "resources" and resources.parent.name == "caseworker"
    assert (resources / "fonts" / "DejaVuSans.ttf").is_file() and (resources / "letters" / "templates").is_dir()


def test_demo_deadlines_and_chase_letters_run_from_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    command = str(venv / "bin" / "caseworker")
    env = clean_env(tmp_path / "data")
    built = checked([command, "demo"], cwd=tmp_path, env=env, timeout=180)
    assert "Demo database" in built and (tmp_path / "data").is_dir()
    deadlines = checked([command, "--demo", "deadlines"], cwd=tmp_path, env=env, timeout=120)
    assert "EHC-" in deadlines
    out = tmp_path / "letters"
    chased = checked([command, "--demo", "letters", "chase", "--out", str(out)], cwd=tmp_path, env=env, timeout=300)
    assert "chase letters logged" in chased
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) > 1 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
