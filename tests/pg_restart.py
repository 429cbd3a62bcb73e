"""A throwaway PostgreSQL cluster that a test can stop and start again on the same port, as a council's
server restarts under its desktops (tests.pg's cluster lives for the whole session and never stops)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.pg import _as_postgres, find_pg_bin, free_port


@dataclass
class RestartableCluster:
    pg_ctl: str
    data: Path
    log: Path
    options: str
    url: str  # the server, no database part

    def stop(self) -> None:
        """As a restart or a crash-safe shutdown does: every session is cut off at once."""
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"]),
                       check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run(_as_postgres([self.pg_ctl, "-D", str(self.data), "-o", self.options, "-w", "-l",
                                     str(self.log), "start"]), check=True, capture_output=True)


@contextmanager
def restartable_cluster() -> Iterator[RestartableCluster]:
    initdb, pg_ctl = find_pg_bin("initdb"), find_pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="caseworker-pg-restart-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", free_port()
    subprocess.run(_as_postgres([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                 "--no-sync"]), check=True, capture_output=True)
    cluster = RestartableCluster(pg_ctl, data, root / "log",
                                 f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off",
                                 f"postgresql+psycopg://postgres@127.0.0.1:{port}")
    cluster.start()
    try:
        yield cluster
    finally:
        subprocess.run(_as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
