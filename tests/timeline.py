"""Where the last `make test` spent its time: the timeline-<worker>.json files the tests' conftest writes.

python -m tests.timeline            # per worker: busy and idle; per module and per test: CPU and wall time
"""

import json
import sys
from collections import defaultdict
from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"


def main(top: int = 15) -> int:
    files = sorted(ARTIFACTS.glob("timeline-*.json"))
    if not files:
        print(f"no timeline in {ARTIFACTS}: run make test first", file=sys.stderr)
        return 1
    runs = {f.stem.removeprefix("timeline-"): json.loads(f.read_text()) for f in files}
    tests = [t for run in runs.values() for t in run]
    first, last = min(t["start"] for t in tests), max(t["end"] for t in tests)
    cpu = sum(t["cpu"] for t in tests)
    print(f"{len(tests)} tests in {last - first:,.0f} s on {len(runs)} worker(s), {cpu:,.0f} CPU-s")
    for worker, run in sorted(runs.items()):
        busy = sum(t["end"] - t["start"] for t in run)
        print(
            f"  {worker}: {len(run)} tests, busy {busy:,.0f} s, idle {last - first - busy:,.0f} s, "
            f"{sum(t['cpu'] for t in run):,.0f} CPU-s, last test ended {max(t['end'] for t in run) - first:,.0f} s in"
        )
    modules = defaultdict(lambda: [0.0, 0.0, 0])
    for t in tests:
        module = modules[t["test"].split("::")[0]]
        module[0] += t["cpu"]
        module[1] += t["end"] - t["start"]
        module[2] += 1
    print("by module (CPU-s, wall s, tests):")
    for name, (cpu, wall, n) in sorted(modules.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"  {cpu:8,.0f} {wall:8,.0f} {n:5d}  {name}")
    print("by test (CPU-s, wall s):")
    for t in sorted(tests, key=lambda t: -t["cpu"])[:top]:
        print(f"  {t['cpu']:8,.0f} {t['end'] - t['start']:8,.0f}  {t['test']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # piped into head
        sys.exit(0)
