"""RSS of one `regind refresh` over time, against its log: where the memory goes.

python bench/rss_profile.py RAW_DIR WAREHOUSE_DIR  -> prints each log line with the process's RSS (MB)
at that moment and the highest RSS since the line before."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def main() -> None:
    raw, warehouse = sys.argv[1:3]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(REGIND_RAW_DIR=raw, REGIND_WAREHOUSE_DIR=warehouse, COLUMNS="200")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli.main", "refresh", "--log-level", "info"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], rss_mb(process.pid))
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    started = time.perf_counter()
    for line in process.stdout:
        if " - INFO - " in line or " - ERROR - " in line or "STEP_START" in line:
            text = line.split(" - ", 5)[-1].strip()[:150]
            print(
                f"{time.perf_counter() - started:7.1f}s rss {rss_mb(process.pid):6.0f} peak-so-far {peak[0]:6.0f}  "
                f"{text}",
                flush=True,
            )
    process.wait()
    print(f"exit {process.returncode}; peak {peak[0]:.0f} MB in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
