"""Run one command; write its wall time, exit code and its own peak memory to a JSON file.

    python -m benchmarks.spawn RESULT.json COMMAND [ARG ...]

The runner measures child processes through this small process rather than directly: on Linux a
child's ``ru_maxrss`` starts from its parent's resident size at ``fork``, so a runner holding a
national dataset in memory would otherwise report its own size as every command's peak. Started
from here (a few megabytes), the figure is the command's own. The wall time is taken around the
command alone, not this process's start-up.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    result, cmd = Path(argv[0]), argv[1:]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    result.write_text(json.dumps({"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "code": code}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
