"""`make eval-extract`: the extractor scored against a gold set. Precision and recall per pattern and overall.

The gold set is tests/gold/: documents written for it (fictional figures, bulletin, report and news styles) and
expected.csv, the observations a careful analyst reads in them, with the construction each is printed in. The
seed page is scored apart against its transcription (data/raw/observations/2024-02_newspaper_regional_page.csv),
when the page is at hand (../shared/seeds/, or REGIND_SEED_PAGE): its text is not part of the project.

An observation matches when its indicator, region, period, entity and value in base units all equal the gold's.
"""

import csv
import os
import sys
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipelines.core.paths import DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT, read_published
from pipelines.prose.catalog import Catalog
from pipelines.prose.documents import read_document
from pipelines.prose.extract import Extractor
from pipelines.prose.gold_real import GOLD_DIR, REAL_DIR, REAL_TEXTS, Score, base_value, evaluate_real, key
from pipelines.prose.reading import Candidate

SEED_PAGE = Path(
    os.environ.get("REGIND_SEED_PAGE", PROJECT_ROOT.parent / "shared" / "seeds" / "000_59e38123366f00a9.txt")
)


SEED_TRANSCRIPTION = PROJECT_ROOT / "data" / "raw" / "observations" / "2024-02_newspaper_regional_page.csv"


# what a sidecar would say of the seed page: a February 2024 news page on 2023 (only the month is used)
SEED_METADATA = {"kind": "news", "year": 2023, "published_on": date(2024, 2, 1)}


KIND_OF_MEASURE = {"growth_yoy": "growth", "rank": "rank", "streak": "streak", "share": "share"}


def gold_rows(path: Path, catalog: Catalog, document_column: bool = True) -> dict[str, list[dict]]:
    """{document: [gold row with its key]} of an expected.csv (or of the seed's transcription)."""
    rows = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region = row.get("region_code")
            value = base_value(row["value"], row["unit"], catalog)
            if (
                row["indicator_code"] in catalog.indicators
                and catalog.indicators[row["indicator_code"]].measure_type == "growth_yoy"
                and row["value"].startswith("-")
            ):
                value = float(Decimal(row["value"]))
            row["key"] = key(row["indicator_code"], region, row["period"], row.get("entity"), value)
            if not row.get("pattern"):
                indicator = catalog.indicators.get(row["indicator_code"])
                measure = indicator.measure_type if indicator else "level"
                row["pattern"] = KIND_OF_MEASURE.get(
                    measure,
                    "multiple"
                    if indicator and indicator.unit == "times"
                    else "share"
                    if measure == "ratio"
                    else "level",
                )
            rows[row["document"] if document_column else path.name].append(row)
    return rows


def catalogued(candidates: list[Candidate]) -> list[Candidate]:
    """The readings as catalog indicators: what the written gold set and the seed's transcription record (the figures
    of names the catalog lacks are proposed too, uncatalogued, and scored on the real documents)."""
    return [c for c in candidates if c.indicator_code]


def candidate_key(candidate: Candidate) -> tuple:
    return key(candidate.indicator_code, candidate.region_code, candidate.period, candidate.entity, candidate.value)


def score(
    candidates: list[Candidate], gold: list[dict], by: dict[str, Score], overall: Score, pattern_of=lambda c: c.pattern
) -> list[tuple[str, object]]:
    """Adds one document's counts to `by` (per pattern) and `overall`; returns its misses and false proposals."""
    expected = {row["key"]: row for row in gold}
    proposed = {candidate_key(c): c for c in candidates}
    errors = []
    for k, candidate in proposed.items():
        pattern = pattern_of(candidate)
        hit = k in expected
        by[pattern].proposed += 1
        by[pattern].true += hit
        overall.proposed += 1
        overall.true += hit
        if not hit:
            errors.append(("proposed, not in the gold", candidate))
    for k, row in expected.items():
        hit = k in proposed
        by[row["pattern"]].expected += 1
        by[row["pattern"]].found += hit
        overall.expected += 1
        overall.found += hit
        if not hit:
            errors.append(("missed", row))
    return errors


def evaluate(catalog: Catalog) -> dict:
    """Scores of the gold documents (per pattern and overall) and of the seed page, with the errors of each."""
    extractor = Extractor(catalog)
    gold = gold_rows(GOLD_DIR / "expected.csv", catalog)
    by, overall, errors = defaultdict(Score), Score(), {}
    for name in sorted(gold):
        document = read_document(GOLD_DIR / "documents" / name)
        errors[name] = score(catalogued(extractor.extract(document)), gold[name], by, overall)
    result = {"patterns": dict(by), "overall": overall, "errors": errors, "seed": None}
    if SEED_PAGE.exists():
        document = read_document(SEED_PAGE)
        for field, value in SEED_METADATA.items():
            setattr(document, field, value)
        seed_gold = gold_rows(SEED_TRANSCRIPTION, catalog, document_column=False)[SEED_TRANSCRIPTION.name]
        for row in seed_gold:
            row["entity"] = row.get("entity") or None
        seed_by, seed_overall = defaultdict(Score), Score()
        kind_of = {
            c: KIND_OF_MEASURE.get(
                i.measure_type, "multiple" if i.unit == "times" else "share" if i.measure_type == "ratio" else "level"
            )
            for c, i in catalog.indicators.items()
        }
        errors["seed page"] = score(
            catalogued(extractor.extract(document)),
            seed_gold,
            seed_by,
            seed_overall,
            pattern_of=lambda c: kind_of.get(c.indicator_code, "level"),
        )
        result["seed"] = {"patterns": dict(seed_by), "overall": seed_overall}
    return result


def real_table(real: dict):
    """Per real document and summed apart for the tuned and the held-out ones: figures, proposals, precision, recall."""
    from rich.table import Table

    shown = Table(
        title=f"Real documents ({REAL_DIR.relative_to(PROJECT_ROOT)}), every figure stated, uncatalogued ones included",
        title_justify="left",
    )
    for column in ("document", "level", "set", "gold", "proposed", "precision", "recall"):
        shown.add_column(column, justify="left" if column in ("document", "level", "set") else "right")
    for name, (doc, s, _) in real["documents"].items():
        shown.add_row(
            name,
            doc.level,
            "held out" if doc.held_out else "tuned",
            str(s.expected),
            str(s.proposed),
            f"{s.precision:.2f}",
            f"{s.recall:.2f}",
        )
    for name, s in real["totals"].items():
        if s.expected:
            shown.add_row(
                f"[bold]{name}[/]",
                "",
                "",
                str(s.expected),
                str(s.proposed),
                f"[bold]{s.precision:.2f}[/]",
                f"[bold]{s.recall:.2f}[/]",
            )
    return shown


def main() -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    with read_published(DEFAULT_WAREHOUSE_DIR / "warehouse.duckdb") as con:
        catalog = Catalog.from_warehouse(con)
    result = evaluate(catalog)

    def table(title: str, patterns: dict[str, Score], overall: Score) -> Table:
        shown = Table(title=title, title_justify="left")
        for column in ("pattern", "gold", "proposed", "precision", "recall"):
            shown.add_column(column, justify="left" if column == "pattern" else "right")
        for pattern in sorted(patterns):
            s = patterns[pattern]
            shown.add_row(pattern, str(s.expected), str(s.proposed), f"{s.precision:.2f}", f"{s.recall:.2f}")
        shown.add_row(
            "[bold]overall[/]",
            str(overall.expected),
            str(overall.proposed),
            f"[bold]{overall.precision:.2f}[/]",
            f"[bold]{overall.recall:.2f}[/]",
        )
        return shown

    console.print(
        table(
            f"Gold set ({GOLD_DIR.relative_to(PROJECT_ROOT)}): "
            f"{len(result['errors']) - bool(result['seed'])} documents",
            result["patterns"],
            result["overall"],
        )
    )
    if result["seed"]:
        console.print(
            table(
                "Seed page against its transcription (by measure)",
                result["seed"]["patterns"],
                result["seed"]["overall"],
            )
        )
        gold, seed = result["overall"], result["seed"]["overall"]
        both = Score(
            gold.true + seed.true, gold.proposed + seed.proposed, gold.expected + seed.expected, gold.found + seed.found
        )
        console.print(
            f"[bold]Gold set and seed page together[/]: {both.expected} observations, {both.proposed} proposed, "
            f"precision {both.precision:.2f}, recall {both.recall:.2f}",
            highlight=False,
        )
    else:
        console.print(
            f"[yellow]The seed page is not at {SEED_PAGE}[/]: "
            "set REGIND_SEED_PAGE to score it against its transcription."
        )
    real = evaluate_real(catalog)
    console.print(real_table(real))
    if real["missing"]:
        console.print(
            f"[yellow]{len(real['missing'])} real document(s) not at hand[/] in {REAL_TEXTS} (or REGIND_GOLD_TEXTS): "
            + ", ".join(d.name for d in real["missing"])
            + "; tests/gold/real/README.md says how to get them",
            highlight=False,
        )
    if "-v" in sys.argv[1:]:
        for name, (doc, _, found) in real["documents"].items():
            for what, item in [] if doc.held_out and "--held-out" not in sys.argv else found:
                shown = (
                    f"{item.indicator_code or 'uncatalogued'} {item.label} {item.period} {item.printed} «{item.quote}»"
                    if isinstance(item, Candidate)
                    else f"{item['label']} {item['period']} {item['value']}{item['unit']} ({item['measure']})"
                )
                console.print(f"{name}: {what}: {shown}", highlight=False)
        for name, found in result["errors"].items():
            for what, item in found:
                shown = (
                    f"{item.indicator_code} {item.region_code} {item.period} {item.value:g} {item.entity or ''} "
                    f"«{item.quote}»"
                    if isinstance(item, Candidate)
                    else (
                        f"{item['indicator_code']} {item['region_code']} {item['period']} "
                        f"{item['value']}{item['unit']} {item.get('entity') or ''}"
                    )
                )
                console.print(f"{name}: {what}: {shown}", highlight=False)
    else:
        console.print("(make eval-extract ARGS=-v lists every miss and every false proposal)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
