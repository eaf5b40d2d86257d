"""Review before facts: documents' candidate observations, and the analyst's decisions on them.

The `documents` asset reads data/raw/documents/ (pipelines/prose/documents.py) against the catalog the refresh just
built, and writes review.documents and review.candidates, whole, each run: a candidate's id is a hash of its
document, quote offsets and reading, so it stays the same while the document and the extractor do. Decisions
are a source like any other, data/raw/reviews/*.csv (accept or reject by id, validated by its suite);
staging.stg_observations turns accepted candidates into observations whose source is the document and whose
lineage is the quote's character offsets in it. Nothing extracted reaches the facts without an accept.
"""

import csv
import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

from pipelines.build.transforms import table_key
from pipelines.core.metadata import table_metadata
from pipelines.core.resources import Warehouse
from pipelines.ingest.names import indicator_parts
from pipelines.prose.documents import SUFFIXES, DocumentError, read_document

DOCUMENTS_DIR = "documents"
DECISIONS_FILE = Path("reviews") / "decisions.csv"
DECISION_COLUMNS = ["candidate_id", "decision", "region_code", "period", "note", "decided_by", "decided_at"]
MAPPINGS_FILE = Path("indicator_mappings") / "mappings.csv"
MAPPING_COLUMNS = ["printed", "indicator_code", "note", "mapped_by", "mapped_at"]
# the tables the extractor reads: the catalog, region names, entities and units
CATALOG_TABLES = [
    "staging.stg_indicators",
    "main.indicator_name",
    "main.region_name",
    "main.dim_entity",
    "staging.stg_units",
]
TABLES = ("review.documents", "review.candidates")

DDL = """
create schema if not exists review;
create or replace table review.documents (
    document varchar primary key, title varchar, kind varchar, reference_year integer, published_on date,
    publisher varchar, region varchar, sha256 varchar, characters integer, candidates integer, error varchar,
    read_at timestamptz
);
create or replace table review.candidates (
    candidate_id varchar primary key, document varchar, indicator_code varchar, region_code varchar, period varchar,
    value double, unit varchar, base_unit varchar, qualifier varchar, measure_type varchar, quote varchar,
    "start" integer, "end" integer, line integer, confidence double, printed varchar, entity varchar, status varchar,
    price_basis varchar, pattern varchar, flags varchar, label varchar, registered_code varchar
);
comment on table review.documents is 'Documents read from data/raw/documents/ (title, kind, reference year, '
    'publication date), how many candidates each gave, or why it could not be read';
comment on table review.candidates is 'Observations proposed from documents'' prose, with the quote and its '
    'character offsets; none is a fact until accepted in data/raw/reviews/ (regind review)';
"""


def document_files(raw_dir: Path) -> list[Path]:
    folder = Path(raw_dir) / DOCUMENTS_DIR
    return (
        sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and p.name != "README.md")
        if folder.exists()
        else []
    )


def registered_code(label: str, base_unit: str | None) -> str | None:
    """The code an uncatalogued figure's indicator is registered by when accepted: the code the validation frame gives
    the same name printed with the same unit in a table (reg_ and a hash of the name and base unit), so a figure read
    from prose and one loaded from a table meet in one indicator."""
    bare = indicator_parts(label)[1] if label else None
    return "reg_" + hashlib.md5(f"{bare}|{base_unit}".encode("utf-8")).hexdigest()[:10] if bare and base_unit else None


def candidate_id(document: str, candidate) -> str:
    key = "|".join(
        str(x)
        for x in (
            document,
            candidate.start,
            candidate.end,
            candidate.reading,
            candidate.region_code,
            candidate.period,
            repr(candidate.value),
            candidate.entity,
        )
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def read_candidates(con, raw_dir: Path, log=print) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """(document rows, candidate rows, ledger rows) of every document in the landing zone."""
    from pipelines.prose.catalog import Catalog
    from pipelines.prose.extract import Extractor

    extractor = Extractor(Catalog.from_warehouse(con))
    documents, candidates, ledger = [], [], []
    now = datetime.now(timezone.utc)
    for path in document_files(raw_dir):
        name = path.relative_to(raw_dir).as_posix()
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        ledger.append((name, sha256, len(data)))
        try:
            document = read_document(path, root=raw_dir)
        except DocumentError as error:
            log(f"{name}: {error}")
            documents.append((name, None, None, None, None, None, None, sha256, None, 0, str(error), now))
            continue
        found = extractor.extract(document)
        line_starts = [0] + [i + 1 for i, c in enumerate(document.text) if c == "\n"]
        for c in found:
            line = next(i for i in range(len(line_starts), 0, -1) if line_starts[i - 1] <= c.start)
            base_unit = (extractor.catalog.unit(c.unit) or (None,))[0]
            candidates.append(
                (
                    candidate_id(name, c),
                    name,
                    c.indicator_code,
                    c.region_code,
                    c.period,
                    c.value,
                    c.unit,
                    base_unit,
                    c.qualifier,
                    c.measure_type,
                    c.quote,
                    c.start,
                    c.end,
                    line,
                    c.confidence,
                    c.printed,
                    c.entity,
                    c.status,
                    c.price_basis,
                    c.pattern,
                    "; ".join(c.flags),
                    c.label,
                    None if c.indicator_code else registered_code(c.label, base_unit),
                )
            )
        documents.append(
            (
                name,
                document.title,
                document.kind,
                document.year,
                document.published_on,
                document.publisher,
                document.region,
                sha256,
                len(document.text),
                len(found),
                None,
                now,
            )
        )
        log(f"{name}: {len(found)} candidate(s) ({document.kind}, reference year {document.year or 'not known'})")
    return documents, candidates, ledger


def write_review_tables(con, documents, candidates, ledger) -> None:
    """The review tables, whole, and the documents' versions in the load ledger (what a build is a function of)."""
    from pipelines.core.ledger import ensure_audit, log_change

    now = datetime.now(timezone.utc)
    con.execute("begin")
    ensure_audit(con)
    con.execute(DDL)
    if documents:
        con.executemany("insert into review.documents values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", documents)
    if candidates:
        con.executemany(f"insert into review.candidates values ({', '.join(['?'] * 23)})", candidates)
    for name, sha256, size in ledger:
        con.execute(
            "insert into audit.load_ledger (source_table, file, sha256, size_bytes, rows, first_loaded_at, "
            "last_loaded_at, last_seen_at) values ('documents', ?, ?, ?, null, ?, ?, ?) on conflict do update "
            "set last_seen_at = excluded.last_seen_at, removed_at = null",
            [name, sha256, size, now, now, now],
        )
    current = [[n for n, _, _ in ledger], [s for _, s, _ in ledger]]
    con.execute(
        "update audit.load_ledger set removed_at = ? where source_table = 'documents' and removed_at is null "
        "and (file, sha256) not in (select unnest(?), unnest(?))",
        [now, *current],
    )
    for table in TABLES:
        log_change(con, table)
    con.execute("commit")


@dg.asset(
    key=dg.AssetKey(["review", "candidates"]),
    deps=[table_key(t) for t in CATALOG_TABLES],
    group_name="review",
    kinds={"python", "duckdb"},
    description="Reads the documents in data/raw/documents/ and proposes the observations their sentences state "
    "(review.candidates, with quotes and offsets; review.documents). None is a fact until an analyst accepts it: "
    "`regind review`, or the review_candidates job in the Launchpad.",
)
def documents(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    started = time.perf_counter()
    raw_dir = Path(warehouse.raw_dir)
    with warehouse.connect() as con:
        rows, candidates, ledger = read_candidates(con, raw_dir, log=context.log.info)
        write_review_tables(con, rows, candidates, ledger)
        metadata = table_metadata(con, "review.candidates")
        undecided = (
            con.execute(
                "select count(*) from review.candidates "
                "where candidate_id not in (select candidate_id from valid.reviews)"
            ).fetchone()[0]
            if con.execute(
                "select count(*) from duckdb_views() where schema_name = 'valid' and view_name = 'reviews'"
            ).fetchone()[0]
            else len(candidates)
        )
    failed = [r for r in rows if r[10]]
    preview = "\n".join(
        f"| {c[0]} | {c[1]} | {c[2] or 'uncatalogued: ' + c[21]} | {c[3] or '?'} | {c[4] or '?'} | {c[15]} | {c[14]} |"
        for c in candidates[:40]
    )
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "documents": len(rows),
            "unreadable documents": dg.MetadataValue.md("\n".join(f"- {r[0]}: {r[10]}" for r in failed) or "none"),
            "candidates": len(candidates),
            "awaiting a decision": undecided,
            "candidates (first 40)": dg.MetadataValue.md(
                "| id | document | indicator | region | period | printed | confidence |\n"
                "|---|---|---|---|---|---|---|\n" + preview
            ),
            "seconds": round(time.perf_counter() - started, 2),
        }
    )


def _append_rows(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    """Appends rows to an analyst's CSV of the landing zone, writing its header first if the file is new or empty;
    each row gets the time it was written as its last column."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if new:
            writer.writerow(columns)
        writer.writerows([*row, at] for row in rows)
    return path


@dataclass(frozen=True)
class Decision:
    """An analyst's decision on candidates: accept or reject, and what an accepted one lacks (its region, its
    period), with a note and who decided."""

    decision: str
    region_code: str | None = None
    period: str | None = None
    note: str | None = None
    decided_by: str | None = None


def append_decisions(raw_dir: Path, ids: list[str], decision: Decision) -> Path:
    """Appends decisions to data/raw/reviews/decisions.csv (the file keeps every decision; the last one counts)."""
    d = decision
    return _append_rows(
        Path(raw_dir) / DECISIONS_FILE,
        DECISION_COLUMNS,
        [[c, d.decision, d.region_code or "", d.period or "", d.note or "", d.decided_by or ""] for c in ids],
    )


def append_mappings(
    raw_dir: Path, printed: list[str], indicator_code: str, note: str | None = None, mapped_by: str | None = None
) -> Path:
    """Appends names as printed, mapped to a catalog indicator, to data/raw/indicator_mappings/mappings.csv."""
    return _append_rows(
        Path(raw_dir) / MAPPINGS_FILE,
        MAPPING_COLUMNS,
        [[name, indicator_code, note or "", mapped_by or ""] for name in printed],
    )


class ReviewConfig(dg.Config):
    """Decisions taken in the UI: the ids shown in the `review/candidates` asset's metadata (or by `regind review`)."""

    candidate_ids: list[str]
    decision: str = "accept"
    region_code: str = ""
    period: str = ""
    note: str = ""


@dg.op(description="Appends the decisions to data/raw/reviews/decisions.csv; the next refresh applies them.")
def record_decisions(context: dg.OpExecutionContext, config: ReviewConfig, warehouse: Warehouse) -> None:
    if config.decision not in ("accept", "reject"):
        raise dg.Failure(f"decision is accept or reject, not {config.decision!r}")
    with warehouse.connect() as con:
        known = {r[0] for r in con.execute("select candidate_id from review.candidates").fetchall()}
    unknown = [c for c in config.candidate_ids if c not in known]
    if unknown:
        raise dg.Failure(
            f"no candidate has the id(s) {', '.join(unknown)}: copy them from the review/candidates asset's metadata"
        )
    decision = Decision(
        config.decision, config.region_code or None, config.period or None, config.note or None, "dagster ui"
    )
    path = append_decisions(Path(warehouse.raw_dir), config.candidate_ids, decision)
    context.log.info(
        f"{config.decision}: {len(config.candidate_ids)} candidate(s), recorded in {path}; refresh to apply"
    )


@dg.job(
    description="Accept or reject candidate observations from the Launchpad (config: candidate_ids, decision, "
    "optional region_code, period, note); then materialize the warehouse to apply them."
)
def review_candidates():
    record_decisions()
