"""A synthetic observations source of N rows over real county-level region codes, for `make bench`.

Region codes and names come from the `cpca` package (MIT licence; its adcodes table of China's
administrative divisions), read from its files without importing it. Every figure is random: SYNTHETIC,
never to be mistaken for statistics, and never committed (it is written under data/bench/)."""

import csv
import shutil
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import duckdb

from pipelines.resources import DEFAULT_RAW_DIR

ROWS_PER_FILE = 1_000_000
SOURCE_CODE = "synthetic_bench"


def real_region_codes() -> list[tuple[str, str]]:
    try:
        path = Path(distribution("cpca").locate_file("cpca/resources/adcodes.csv"))
    except PackageNotFoundError:
        raise SystemExit("the bench needs the cpca package's region codes: run `make bench` (it installs cpca)") from None
    with path.open(encoding="utf-8") as f:
        return sorted({(row["adcode"][:6], row["name"]) for row in csv.DictReader(f)})


def write_regions(raw: Path, seed_codes: set[str]) -> list[str]:
    """The cpca regions that the seed table lacks, with parents that exist; returns the county codes."""
    regions = dict(real_region_codes())
    known = seed_codes | set(regions)

    def parent(code: str) -> str:
        for candidate in (code[:4] + "00", code[:2] + "0000", "000000"):
            if candidate != code and candidate in known:
                return candidate
        return "000000"

    def level(code: str) -> str:
        return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"

    with (raw / "regions" / "zz_bench_regions.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["region_code", "name_zh", "name_en", "level", "parent_code"])
        for code, name in sorted(regions.items()):
            if code not in seed_codes:
                writer.writerow([code, name, f"(synthetic bench) {code}", level(code), parent(code)])
    return [c for c in regions if level(c) == "county"]


def write_observations(folder: Path, counties: list[str], rows: int, start: int = 0, name: str = "synthetic") -> list[Path]:
    """Rows `start`..`start+rows` of a grid county x indicator x month (unique keys), in files of 1M rows.
    About 1% of values are printed with a qualifier (超12.5), one row per million has an unknown region."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute("create table counties as select unnest(?) as code, generate_subscripts(?, 1) - 1 as i", [counties, counties])
    indicators = con.execute(
        f"select indicator_code, published_unit, measure_type from read_csv('{DEFAULT_RAW_DIR}/indicators/indicators.csv', all_varchar=true)"
    ).fetchall()
    con.execute("create table indicators (code varchar, unit varchar, measure varchar, i integer)")
    con.executemany("insert into indicators values (?, ?, ?, ?)", [(*row, i) for i, row in enumerate(indicators)])
    grid = len(counties) * len(indicators)
    paths = []
    for offset in range(start, start + rows, ROWS_PER_FILE):
        count = min(ROWS_PER_FILE, start + rows - offset)
        path = folder / f"{name}_{offset // ROWS_PER_FILE:03d}.csv"
        con.execute(f"""
            copy (
                select
                    case when n % 1000000 = 999999 then '999999' else c.code end as region_code,
                    ind.code as indicator_code,
                    strftime(date '1990-01-01' + to_months(cast(n // {grid} as integer)), '%Y-%m') as period,
                    -- plausible for its measure (data/raw/bounds): growth -20..+40, shares and ratios 0..100,
                    -- ranks and streaks 1..30, levels and counts whole numbers 1..1000 of their printed unit
                    case when n % 100 = 7 then '超' else '' end || case
                        when ind.measure = 'growth_yoy' then cast(round(hash(n) % 60000 / 1000.0 - 20, 2) as varchar)
                        when ind.measure in ('share', 'ratio') then cast(round(hash(n) % 10000 / 100.0, 2) as varchar)
                        when ind.measure in ('rank', 'streak') then cast(1 + hash(n) % 30 as varchar)
                        else cast(1 + hash(n) % 1000 as varchar)
                    end as value,
                    ind.unit as unit,
                    '{SOURCE_CODE}' as source_code,
                    'synthetic' as note
                from range({offset}, {offset + count}) as r(n)
                join counties as c on c.i = n % {len(counties)}
                join indicators as ind on ind.i = (n // {len(counties)}) % {len(indicators)}
                order by n
            ) to '{path}' (header, delimiter ',')
        """)
        paths.append(path)
    return paths


def make_raw_dir(workdir: Path, rows: int) -> Path:
    """A copy of data/raw whose observations are N synthetic rows (the seed page's file is kept)."""
    raw = workdir / "raw"
    shutil.copytree(DEFAULT_RAW_DIR, raw)
    with (raw / "sources" / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(f"{SOURCE_CODE},SYNTHETIC benchmark data,make bench,2026,random figures over real region codes (cpca),synthetic\n")
    seed_codes = {r[0] for r in duckdb.sql(f"select region_code from read_csv('{raw}/regions/regions.csv', all_varchar=true)").fetchall()}
    counties = write_regions(raw, seed_codes)
    write_observations(raw / "observations", counties, rows)
    return raw
