"""The packaged app's entry point (PyInstaller's script): the same ``caseworker`` command pip installs."""

import sys

from caseworker.cli import main

if __name__ == "__main__":
    sys.exit(main())
