"""What a refresh is a function of, read cheaply: every file under the raw folder (path, size, modification and
change times, inode), the suites, SQL files and code, the lock file of pinned packages, and the versions of the
packages that hold source files. `regind refresh` records it after a refresh that published; while it is the same
and the published file is the one that refresh left, a refresh has nothing to do and ends without starting Dagster.

Plain stat: a file rewritten in place gets a new change time (ctime), which no copy tool can set back."""

import hashlib
import json
import re
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipelines.core.paths import PROJECT_ROOT

STATE_FILE = "last_refresh.json"  # in the warehouse directory
DEFINITIONS = [("gx", ".json"), ("sql", ".sql"), ("pipelines", ".py")]
PACKAGE = re.compile(r'^\s*package\s*=\s*"([^"]+)"', re.MULTILINE)


def _stat(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def refresh_fingerprint(raw_dir: Path) -> str:
    """Everything a refresh reads, as the module docstring lists it (not a table's validation inputs: that is
    validation.validation_fingerprint)."""
    digest = hashlib.sha256()
    packages = []
    for path in sorted(p for p in raw_dir.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(raw_dir)}\0{_stat(path)}\n".encode())
        if path.name == "source.toml":
            packages += PACKAGE.findall(path.read_text(encoding="utf-8"))
    for folder, suffix in DEFINITIONS:
        for path in sorted((PROJECT_ROOT / folder).rglob(f"*{suffix}")):
            digest.update(f"{path.relative_to(PROJECT_ROOT)}\0".encode() + path.read_bytes())
    lock = PROJECT_ROOT / "requirements.lock"
    digest.update(lock.read_bytes() if lock.exists() else b"")
    for package in sorted(set(packages)):
        try:
            digest.update(f"{package}=={version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package} missing\n".encode())
    return digest.hexdigest()


def _published_state(warehouse_dir: Path) -> str | None:
    published = warehouse_dir / "warehouse.duckdb"
    build = warehouse_dir / "build.duckdb"
    return _stat(published) if published.exists() and build.exists() else None


def _lake_state() -> str | None:
    """With REGIND_TARGET=ducklake, which lake and its latest publish: a lake published by someone else since, or
    wiped, makes the next refresh run. None on the file target."""
    from pipelines.publish.lake import Lake, latest_publish, target

    if target() == "duckdb_file":
        return None
    lake = Lake.from_env()
    try:
        latest = latest_publish(lake)
    except (ConnectionError, RuntimeError):
        return "unreachable"
    return f"{lake.shown}|{lake.data_path}|{latest['snapshot'] if latest else 'none'}"


def unchanged_since_last_refresh(raw_dir: Path, warehouse_dir: Path) -> str | None:
    """When the last refresh that published ran, if nothing it read has changed since and its published file
    stands; else None."""
    try:
        state = json.loads((warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    published = _published_state(warehouse_dir)
    if published is None or state.get("published") != published or state.get("raw_dir") != str(raw_dir):
        return None
    if state.get("lake") != _lake_state() or state.get("lake") == "unreachable":
        return None
    return state.get("at") if state.get("inputs") == refresh_fingerprint(raw_dir) else None


def record_refresh(raw_dir: Path, warehouse_dir: Path, inputs: str) -> None:
    """After a refresh that published: `inputs` is the fingerprint taken before it started, so that a file
    changed during the run makes the next refresh run."""
    state = {
        "inputs": inputs,
        "raw_dir": str(raw_dir),
        "published": _published_state(warehouse_dir),
        "lake": _lake_state(),
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    tmp = warehouse_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(warehouse_dir / STATE_FILE)


def forget_refresh(warehouse_dir: Path) -> None:
    (warehouse_dir / STATE_FILE).unlink(missing_ok=True)
