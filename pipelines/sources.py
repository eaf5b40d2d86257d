"""Source descriptors (data/raw/<table>/source.toml) -> one ingest asset per source table."""

import csv
import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.metadata import table_metadata
from pipelines.publish import record_check
from pipelines.resources import DEFAULT_RAW_DIR, Warehouse

DESCRIPTOR = "source.toml"
LINEAGE_COLUMNS = ["_file", "_file_sha256", "_line", "_ingested_at"]


@dataclass(frozen=True)
class SourceTable:
    """What a source folder's descriptor says about its table."""

    name: str
    description: str
    origin: str
    licence: str
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    files: str = "*.csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    defaults: dict = field(default_factory=dict)
    validation_frame: str = ""
    validation_parameters: dict = field(default_factory=dict)
    max_bad_share: float = 0.05

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"

    @property
    def quarantine_table(self) -> str:
        return f"quarantine.{self.name}"

    @property
    def valid_view(self) -> str:
        return f"valid.{self.name}"

    @property
    def check_name(self) -> str:
        return f"{self.raw_table}:expectations"

    @property
    def frame_sql(self) -> str:
        """The rows the suite validates: the raw table, or a descriptor's query adding lookups."""
        return self.validation_frame or f"select * from {self.raw_table}"

    @classmethod
    def from_folder(cls, folder: Path) -> "SourceTable":
        path = folder / DESCRIPTOR
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(f"{folder} has no {DESCRIPTOR}: every folder under data/raw/ needs a descriptor.") from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: not valid TOML ({error}).") from None
        validation = spec.pop("validation", {})
        spec.setdefault("name", folder.name)
        try:
            return cls(
                **{k: tuple(v) if k.endswith("_columns") else v for k, v in spec.items()},
                validation_frame=validation.get("frame", ""),
                validation_parameters=validation.get("parameters", {}),
                max_bad_share=validation.get("max_bad_share", 0.05),
            )
        except TypeError as error:
            raise ValueError(f"{path}: {error}. See data/raw/README.md for the descriptor's keys.") from None


def load_sources(raw_dir: Path = DEFAULT_RAW_DIR) -> list[SourceTable]:
    return [SourceTable.from_folder(folder) for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir())]


class SourceFileError(Exception):
    """A raw file the pipeline cannot read; the message says which file, where, and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_source_file(source: SourceTable, path: Path, relative_name: str) -> pd.DataFrame:
    """All cells as text, as printed (trimmed; empty cells are NULL), with lineage columns."""
    records, lines = [], []
    try:
        with path.open(encoding=source.encoding, newline="") as f:
            reader = csv.reader(f, delimiter=source.delimiter)
            header = [name.strip() for name in next(reader, [])]
            if not any(header):
                raise SourceFileError(f"{relative_name}: the file is empty; a header row is expected.")
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    raise SourceFileError(
                        f"{relative_name}, line {reader.line_num}: {len(row)} fields where the header has "
                        f"{len(header)}; quote cells that contain '{source.delimiter}'."
                    )
                records.append([cell.strip() or None for cell in row])
                lines.append(reader.line_num)
    except UnicodeDecodeError as error:
        raise SourceFileError(
            f"{relative_name}: not readable as {source.encoding} (byte {error.start}); "
            f"save it as {source.encoding} or declare its encoding in {DESCRIPTOR}."
        ) from None
    missing = [c for c in source.required_columns if c not in header]
    if missing:
        raise SourceFileError(
            f"{relative_name}: required column(s) {', '.join(missing)} missing; the header has "
            f"{', '.join(header)}. Rename or add the column(s) (see data/raw/{source.name}/{DESCRIPTOR})."
        )
    frame = pd.DataFrame(records, columns=header, dtype="str")
    for column in source.optional_columns:
        if column not in frame.columns:
            frame[column] = pd.Series([None] * len(frame), dtype="str")
    for column, default in source.defaults.items():
        frame[column] = frame[column].fillna(default.format(file_stem=path.stem))
    frame["_file"] = relative_name
    frame["_file_sha256"] = _sha256(path)
    frame["_line"] = pd.Series(lines, dtype="int64")
    return frame


def read_source_table(source: SourceTable, raw_dir: Path) -> pd.DataFrame:
    folder = raw_dir / source.name
    paths = sorted(folder.glob(source.files))
    if not paths:
        raise SourceFileError(f"{folder}: no files match '{source.files}'; add one or fix 'files' in {DESCRIPTOR}.")
    frames = [read_source_file(source, p, str(p.relative_to(raw_dir))) for p in paths]
    frame = pd.concat(frames, ignore_index=True)
    frame["_ingested_at"] = datetime.now(timezone.utc).replace(microsecond=0)
    return frame


def write_raw_table(con: duckdb.DuckDBPyConnection, source: SourceTable, frame: pd.DataFrame) -> None:
    """Replace raw.<table>, empty its quarantine (the table's check fills it) and define valid.<table>:
    the raw rows not in quarantine, which is what staging reads."""
    con.execute("create schema if not exists raw; create schema if not exists quarantine; create schema if not exists valid")
    con.register("incoming", frame)
    con.execute(f"create or replace table {source.raw_table} as select * from incoming")
    con.unregister("incoming")
    con.execute(
        f"create or replace table {source.quarantine_table} as "
        f"select *, null::varchar as _reason, null::varchar[] as _failed_expectations "
        f"from {source.raw_table} limit 0"
    )
    con.execute(
        f"create or replace view {source.valid_view} as select * from {source.raw_table} as r where not exists "
        f"(select 1 from {source.quarantine_table} as q where q._file = r._file and q._line = r._line)"
    )


def raw_asset_key(source: SourceTable) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.name])


def build_ingest_asset(source: SourceTable) -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(source),
        group_name="raw",
        kinds={"csv", "duckdb"},
        description=f"{source.description}\n\nOrigin: {source.origin}\n\nLicence: {source.licence}",
        metadata={"folder": f"data/raw/{source.name}", "files": source.files, "licence": source.licence},
    )
    def ingest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        try:
            frame = read_source_table(source, Path(warehouse.raw_dir))
        except SourceFileError as error:
            raise dg.Failure(description=str(error)) from None
        context.log.info(f"read {len(frame)} rows from {frame['_file'].nunique()} file(s) into {source.raw_table}")
        with warehouse.connect() as con:
            write_raw_table(con, source, frame)
            # new rows are unchecked until the table's check runs: the publish waits for its verdict
            record_check(con, context.run.run_id, source.check_name, passed=None, blocks_publish=True)
            return dg.MaterializeResult(metadata=table_metadata(con, source.raw_table))

    return ingest
