"""The report: data/warehouse/report/index.html, one static page (no script, no network) built from the
published warehouse. Per region: each indicator's latest value with its growth rate and source, and a
chart for every series with several periods; then the data quality: checks, quarantined rows, last refresh."""

import hashlib
import html
import json
import os
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.core.ledger import latest_verdicts, quarantine_counts
from pipelines.core.resources import Warehouse

MAX_REGIONS = 50  # the regions with the most observations; the rest are counted, not shown
MAX_ROWS_PER_REGION = 80
MAX_CHARTS_PER_REGION = 12

# From the fact table and its dimensions (not v_observation): the region filter then applies to the fact
# table's own column, which keeps the page quick on tens of millions of rows. Current figures only (a figure published
# several times shows its latest release, tagged revised, its first release in the tag's tooltip).
FACTS_SQL = """
select r.region_code, f.entity_name, e.name_en as entity_name_en, i.indicator_code, i.name_zh,
       coalesce(i.name_en, i.name_zh) as name_en, i.measure_type, i.base_indicator_code, i.unit, p.period_code,
       f.value, f.qualifier, f.published_value, f.published_unit,
       f.obs_status, s.source_code, s.title, p.start_date, p.end_date, f.observation_key,
       v.releases > 1 and f.value is distinct from v.first_released_value as is_revised, v.first_released_value,
       v.releases
from fact_observation as f
join dim_region as r on r.region_key = f.region_key
left join dim_entity as e on e.entity_key = f.entity_key
left join dim_indicator as i on i.indicator_key = f.indicator_key
left join dim_period as p on p.period_key = f.period_key
left join dim_source as s on s.source_key = f.source_key
left join observation_revision as v on v.observation_key = f.observation_key
where f.region_key in (select unnest($keys)) and coalesce(v.is_current, true)
"""

LATEST_SQL = f"""
select * exclude (start_date, end_date) from ({FACTS_SQL})
qualify row_number() over (
    partition by region_code, entity_name, indicator_code order by (obs_status = 'target'), start_date desc, end_date
) = 1
order by region_code, entity_name nulls first, measure_type = 'growth_yoy', indicator_code
"""

SERIES_SQL = f"""
select region_code, entity_name, indicator_code, any_value(name_en) as name, any_value(unit) as unit,
       list((start_date, period_code, value, obs_status) order by start_date, end_date) as points
from ({FACTS_SQL})
where value is not null
group by all
having count(distinct period_code) > 1
order by region_code, entity_name nulls first, indicator_code
"""

FINDINGS_SQL = """
select rule_code, region_code, entity_name, period_code, published_value, recomputed_value, severity, explanation_text,
       observation_keys
from consistency_finding
order by severity = 'info', severity = 'warning', region_code, period_code, rule_code
limit 5000
"""

# mix: a checksum of the region's facts, which decides whether its section of the page is built again
# the figures published more than once, their first and current release
REVISIONS_SQL = """
select first.region_code, first.entity_name, first.indicator_code, first.period_code, now.releases, first.value,
       first.source_code, now.value, now.source_code, now.change_from_first_pct,
       (select list(distinct change_type) from observation_revision as r
        where r.figure_key = now.figure_key and r.release_sequence > 1)
from observation_revision as now
join observation_revision as first on first.figure_key = now.figure_key and first.release_sequence = 1
where now.is_current
order by now.region_code, now.indicator_code, now.period_code
limit 200
"""

REGIONS_SQL = """
with counts as (
    select region_key, count(*) as n, bit_xor(hash(f)) as mix from fact_observation as f
    where region_key is not null group by 1
)
select r.region_code, any_value(r.name_zh), any_value(r.name_en), any_value(r.level), sum(counts.n)::bigint,
       list(r.region_key), bit_xor(counts.mix)::varchar
from counts join dim_region as r on r.region_key = counts.region_key
group by 1 order by 5 desc, 1
"""

# what every section shows beside the facts: names of indicators, sources, periods, entities, regions
DIMENSIONS_SQL = """
select (select bit_xor(hash(t)) from dim_indicator as t) || ':' || (select bit_xor(hash(t)) from dim_source as t) || ':'
    || (select bit_xor(hash(t)) from dim_period as t) || ':' || (select bit_xor(hash(t)) from dim_entity as t) || ':'
    || (select bit_xor(hash(t)) from dim_region as t)
"""

CSS = """
body { font: 15px/1.45 system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1d232b; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #dde3ea; padding-bottom: .2rem; }
.muted { color: #5f6b78; } table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #e6eaef; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.ok { color: #17743a; font-weight: 600; } .bad { color: #b42318; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure.chart { margin: 0; border: 1px solid #e6eaef; padding: .5rem; }
figcaption { font-size: 13px; color: #3b4652; max-width: 360px; } nav a { margin-right: .8rem; }
.tag { font-size: 12px; background: #eef2f6; border-radius: 3px; padding: 0 .3rem; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _number(value) -> str:
    if value is None:
        return "—"
    if float(value).is_integer() and abs(value) < 1e16:
        return f"{value:,.0f}"
    return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"


def _compact(value: float) -> str:
    """An axis label: 188050000000 -> 188.1bn."""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.4g}{suffix}"
    return f"{value:.4g}"


def line_chart(points: list[tuple], title: str, unit: str) -> str:
    """An inline SVG line chart of (start_date, period_code, value, status) points; targets drawn hollow."""
    width, height, left, right, top, bottom = 360, 170, 56, 24, 14, 34
    values = [float(p[2]) for p in points]
    low, high = min(values + [0.0]), max(values)
    high = high if high != low else low + 1
    days = [p[0].toordinal() for p in points]
    first, last = min(days), max(days)
    span = (last - first) or 1

    def x(day: int) -> float:
        return left + (day - first) / span * (width - left - right)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    path = " ".join(f"{'M' if i == 0 else 'L'}{x(d):.1f},{y(v):.1f}" for i, (d, v) in enumerate(zip(days, values)))
    dots = "".join(
        f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="4" fill="{"#fff" if p[3] == "target" else "#2358a6"}" '
        'stroke="#2358a6" stroke-width="2">'
        f"<title>{_e(p[1])}: {_number(v)} {_e(unit)}{' (target)' if p[3] == 'target' else ''}</title></circle>"
        for d, v, p in zip(days, values, points)
    )
    labels = "".join(
        f'<text x="{x(d):.1f}" y="{height - 12}" text-anchor="middle" font-size="11" fill="#5f6b78">{_e(p[1])}</text>'
        for d, p in zip(days, points)
    )
    axis = (
        f'<line x1="{left}" y1="{y(low):.1f}" x2="{width - right}" y2="{y(low):.1f}" stroke="#c5ced8"/>'
        f'<text x="{left - 6}" y="{y(high) + 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="#5f6b78">{_compact(high)}</text>'
        f'<text x="{left - 6}" y="{y(low) + 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="#5f6b78">{_compact(low)}</text>'
    )
    return (
        f'<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_e(title)}"><title>{_e(title)}</title>{axis}'
        f'<path d="{path}" fill="none" stroke="#2358a6" stroke-width="2"/>{dots}{labels}</svg>'
        f"<figcaption>{_e(title)} ({_e(unit)})</figcaption></figure>"
    )


def _region_sections(con: duckdb.DuckDBPyConnection, regions: list[tuple], findings: list[tuple]) -> dict[str, dict]:
    """The HTML of these regions' sections: {code: {"html", "charts"}}."""
    keys = [key for r in regions for key in r[5]]
    latest = con.execute(LATEST_SQL, {"keys": keys}).fetchall()
    series = con.execute(SERIES_SQL, {"keys": keys}).fetchall()
    flagged = {}  # observation key -> what contradicts it
    for rule, _region, _entity, _period, published, recomputed, severity, text, observation_keys in findings:
        for key in observation_keys:
            flagged.setdefault(key, []).append(
                f"{rule} ({severity}): published {_number(published)}, recomputed {_number(recomputed)}; {text}"
            )
    growth = {}  # (region, entity, level indicator, period) -> growth row
    for row in latest:
        if row[6] == "growth_yoy" and row[7]:
            growth[(row[0], row[1], row[7], row[9])] = row
    used = set()
    rows_by_region: dict[str, list] = {}
    for row in latest:
        match = growth.get((row[0], row[1], row[3], row[9])) if row[6] != "growth_yoy" else None
        if match:
            used.add(id(match))
        rows_by_region.setdefault(row[0], []).append((row, match))
    charts_by_region: dict[str, list] = {}
    for region, entity, _, name, unit, points in series:
        charts_by_region.setdefault(region, []).append(((entity + ": " if entity else "") + (name or ""), unit, points))
    sections = {}
    for code, name_zh, name_en, level, count, *_ in regions:
        parts = [
            f"<section class='region' id='r{_e(code)}'><h2>{_e(name_en)} {_e(name_zh)} "
            f"<span class='muted'>{_e(code)} · {_e(level)} · {count:,} observations</span></h2>"
        ]
        charts = charts_by_region.get(code, [])[:MAX_CHARTS_PER_REGION]
        if charts:
            parts.append("<div class='charts'>" + "".join(line_chart(p, t, u) for t, u, p in charts) + "</div>")
        rows = [(r, g) for r, g in rows_by_region.get(code, []) if id(r) not in used]
        parts.append(
            "<table><thead><tr><th>indicator</th><th>entity</th><th>period</th><th>value</th><th>unit</th>"
            "<th>as printed</th><th>growth y/y %</th><th>source</th></tr></thead><tbody>"
        )
        for row, match in rows[:MAX_ROWS_PER_REGION]:
            status = f" <span class='tag'>{_e(row[14])}</span>" if row[14] not in ("reported", None) else ""
            if row[18]:  # a later release changed it: the first one in the tooltip
                status += (
                    f" <span class='tag' title='first released as {_number(row[19])}; {row[20]} releases "
                    f"(observation_revision)'>revised</span>"
                )
            if row[17] in flagged:  # a figure a consistency rule finds contradicted, with the finding
                status += f" <span class='tag bad' title='{_e(' | '.join(flagged[row[17]]))}'>finding</span>"
            parts.append(
                f"<tr><td>{_e(row[5])}<br><span class='muted'>{_e(row[4])}</span></td><td>{_e(row[2] or row[1])}</td>"
                f"<td>{_e(row[9])}{status}</td><td class='num'>{_e(row[11])}{_number(row[10])}</td>"
                f"<td>{_e(row[8])}</td><td>{_e(row[12])}{_e(row[13])}</td>"
                f"<td class='num'>{_number(match[10]) if match else ''}</td>"
                f"<td class='muted' title='{_e(row[16])}'>{_e(row[15])}</td></tr>"
            )
        parts.append("</tbody></table>")
        if len(rows) > MAX_ROWS_PER_REGION:
            parts.append(f"<p class='muted'>{len(rows) - MAX_ROWS_PER_REGION} more indicators: regind query.</p>")
        parts.append("</section>")
        sections[code] = {"html": "\n".join(parts), "charts": len(charts)}
    return sections


def build_report(
    con: duckdb.DuckDBPyConnection, published_at: datetime, cache: dict | None = None
) -> tuple[str, dict, dict]:
    """The page's HTML, figures about it (for the asset's metadata) and its region sections by code. A section in
    `cache` (from the last page) whose facts, findings and dimensions are unchanged is reused, not built again."""
    cache = cache or {}
    rows = con.execute(REGIONS_SQL).fetchall()
    regions = [r[:5] for r in rows]
    shown = rows[:MAX_REGIONS]
    checks = latest_verdicts(con)
    quarantined = quarantine_counts(con)
    files = con.execute(
        "select count(*), max(last_loaded_at) from audit.load_ledger where removed_at is null"
    ).fetchone()
    observations = con.execute("select count(*) from fact_observation").fetchone()[0]
    findings = con.execute(FINDINGS_SQL).fetchall()  # the first 5,000: tagged on their figures, 200 listed
    (findings_total,) = con.execute("select count(*) from consistency_finding").fetchone()
    revisions = con.execute(REVISIONS_SQL).fetchall()
    (revised_total,) = con.execute("select count(*) from observation_revision where is_current").fetchone()
    (dimensions,) = con.execute(DIMENSIONS_SQL).fetchone()
    # a finding touches the sections of the regions whose figures it names (a sum of subdivisions names theirs)
    named = [key for finding in findings for key in finding[8]]
    region_of = (
        dict(
            con.execute(
                "select f.observation_key, r.region_code from fact_observation as f "
                "join dim_region as r on r.region_key = f.region_key "
                "where f.observation_key in (select unnest($keys))",
                {"keys": named},
            ).fetchall()
        )
        if named
        else {}
    )
    by_region: dict[str, list] = {}
    for finding in findings:
        for code in dict.fromkeys([finding[1], *(region_of.get(key) for key in finding[8])]):
            if code is not None:
                by_region.setdefault(code, []).append(finding)
    keys = {
        code: hashlib.sha256(repr((mix, count, dimensions, by_region.get(code, []))).encode()).hexdigest()
        for code, _, _, _, count, _, mix in shown
    }
    stale = [r for r in shown if cache.get(r[0], {}).get("key") != keys[r[0]]]
    built = _region_sections(con, stale, findings) if stale else {}
    sections = {code: built.get(code) or cache[code] for code in keys}
    for code in built:
        sections[code]["key"] = keys[code]

    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Regional indicators report</title><style>{CSS}</style></head><body>",
        "<h1>Regional indicators</h1>",
        f"<p class='muted'>Published {published_at:%Y-%m-%d %H:%M %Z}; {observations:,} observations of "
        f"{len(regions):,} regions from {files[0]} source file(s). Values are in each indicator's base unit; "
        "the printed figure is beside it.</p>",
        "<nav><a href='#quality'>Data quality</a><a href='#findings'>Findings</a>"
        + "".join(f"<a href='#r{_e(r[0])}'>{_e(r[2] or r[0])}</a>" for r in shown[:20])
        + "</nav>",
    ]
    if len(regions) > len(shown):
        parts.append(
            f"<p class='muted'>The {len(shown)} regions with the most observations are shown; "
            f"{len(regions) - len(shown):,} more are in the warehouse (regind query).</p>"
        )
    parts += [sections[r[0]]["html"] for r in shown]
    charts_total = sum(sections[r[0]]["charts"] for r in shown)

    passed = sum(1 for c in checks if c[1])
    parts += [
        "<section id='quality'><h2>Data quality</h2>",
        f"<p>Last refresh published {published_at:%Y-%m-%d %H:%M %Z}; last file loaded "
        f"{files[1]:%Y-%m-%d %H:%M %Z}. Checks: <span class='ok'>{passed} passed</span>, "
        f"<span class='{'bad' if passed < len(checks) else 'ok'}'>{len(checks) - passed} not passed</span>.</p>"
        if files[1]
        else "",
        "<table><thead><tr><th>check</th><th>outcome</th><th>summary</th></tr></thead><tbody>",
        *(
            f"<tr><td>{_e(name)}</td>"
            f"<td class='{'ok' if ok else 'bad'}'>{'passed' if ok else ('blocked' if blocks else 'warning')}</td>"
            f"<td>{_e((summary or '')[:400])}</td></tr>"
            for name, ok, blocks, summary, _ in checks
        ),
        "</tbody></table>",
        f"<h3 id='findings'>Figures that disagree ({findings_total:,})</h3>"
        "<p class='muted'>Consistency rules (data/raw/rules): published figures that contradict each other beyond "
        "the rule's tolerance and the rounding of the printed figures. Nothing is changed or dropped; the likeliest "
        "explanation is given.</p>"
        "<table><thead><tr><th>rule</th><th>region</th><th>period</th><th>published</th><th>recomputed</th><th>severity</th>"
        "<th>explanation</th></tr></thead><tbody>",
        *(
            f"<tr><td>{_e(rule)}</td><td>{_e(region)}{' ' + _e(entity) if entity else ''}</td><td>{_e(period)}</td>"
            f"<td class='num'>{_number(published)}</td><td class='num'>{_number(recomputed)}</td>"
            f"<td class='{'bad' if severity != 'info' else 'muted'}'>{_e(severity)}</td><td>{_e(text)}</td></tr>"
            for rule, region, entity, period, published, recomputed, severity, text, _ in findings[:200]
        ),
        "</tbody></table>",
        f"<h3 id='revisions'>Figures published more than once ({revised_total:,})</h3>"
        "<p class='muted'>The current figure is the latest release (of one day, the publication of higher precedence: "
        "census revision, yearbook, portal export, bulletin, news and prose); every release is in "
        "observation_revision.</p>"
        "<table><thead><tr><th>region</th><th>indicator</th><th>period</th><th>releases</th><th>first released</th>"
        "<th>current</th><th>change %</th><th>changes</th></tr></thead><tbody>",
        *(
            f"<tr><td>{_e(region)}{' ' + _e(entity) if entity else ''}</td><td>{_e(indicator)}</td>"
            f"<td>{_e(period)}</td><td class='num'>{releases}</td>"
            f"<td class='num' title='{_e(first_source)}'>{_number(first)}</td>"
            f"<td class='num' title='{_e(source)}'>{_number(value)}</td>"
            f"<td class='num'>{'' if change is None else f'{change:+.2f}'}</td>"
            f"<td>{_e(', '.join(kinds or []))}</td></tr>"
            for (
                region,
                entity,
                indicator,
                period,
                releases,
                first,
                first_source,
                value,
                source,
                change,
                kinds,
            ) in revisions
        ),
        "</tbody></table><table><thead><tr><th>quarantine table</th><th>rows kept aside, with reasons</th></tr>"
        "</thead><tbody>",
        *(f"<tr><td>quarantine.{_e(t)}</td><td class='num'>{n:,}</td></tr>" for t, n in quarantined),
        "</tbody></table><p class='muted'>Great Expectations' own pages: "
        "<a href='../docs/index.html'>Data Docs</a>.</p>",
        "</section></body></html>",
    ]
    figures = {
        "regions": len(regions),
        "regions_shown": len(shown),
        "charts": charts_total,
        "observations": observations,
        "checks_passed": passed,
        "checks": len(checks),
        "rows_quarantined": sum(n for _, n in quarantined),
        "findings": findings_total,
        "figures_revised": revised_total,
        "sections_rebuilt": len(built),
    }
    return "\n".join(parts), figures, sections


def write_report(published: Path, directory: Path) -> tuple[Path, dict, bool]:
    """Build the page from the published file and swap it in whole (a reader never sees half a page).
    While the published file is the one the page was built from, the page stands: (path, figures, rebuilt)."""
    stat = published.stat()
    version = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}"
    target, stamp = directory / "index.html", directory / ".built_from.json"
    if target.exists() and stamp.exists():
        built = json.loads(stamp.read_text(encoding="utf-8"))
        if built.get("published") == version:
            return target, built["figures"], False
    published_at = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
    cached = directory / ".sections.json"  # each region's section and what it was built from: see build_report
    try:
        cache = json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    with duckdb.connect(str(published), read_only=True) as con:
        page, figures, sections = build_report(con, published_at, cache)
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in ((target, page), (cached, json.dumps(sections))):
        tmp = directory / f".{path.name}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    stamp.write_text(json.dumps({"published": version, "figures": figures}), encoding="utf-8")
    return target, figures, True


@dg.asset(
    key="report",
    deps=["published_warehouse"],
    group_name="publish",
    kinds={"html"},
    description="A static page for people: per region, each indicator's latest value with its growth rate and "
    "source, a chart for every series with several periods, and the data quality (checks, quarantined rows, last "
    "refresh). Written to data/warehouse/report/index.html from the published warehouse; opens from disk, no network.",
)
def report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    path, figures, rebuilt = write_report(warehouse.published_path, Path(warehouse.directory).resolve() / "report")
    if rebuilt:
        context.log.info(
            f"report written to {path}: {figures['regions_shown']} regions ({figures['sections_rebuilt']} built "
            f"again, the others unchanged), {figures['charts']} charts"
        )
    else:
        context.log.info(f"the published warehouse is unchanged: {path} stands")
    summary = "| figure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v:,} |" for k, v in figures.items())
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(path)),
            "open": dg.MetadataValue.url(path.as_uri()),
            "rebuilt": rebuilt,
            "dagster/row_count": figures["observations"],
            "dagster/column_schema": dg.TableSchema(
                columns=[
                    dg.TableColumn(name, type_, description=meaning)
                    for name, type_, meaning in [
                        ("region", "section", "one section per region, the regions with most observations first"),
                        ("indicator", "row", "each indicator's latest period (targets after reported figures)"),
                        ("value", "DOUBLE", "in the indicator's base unit, with its qualifier"),
                        ("growth y/y %", "DOUBLE", "the growth rate of the same region, period and indicator"),
                        ("source", "VARCHAR", "the source's title"),
                        ("chart", "SVG", "a line per series with several periods; targets hollow"),
                    ]
                ]
            ),
            "preview": dg.MetadataValue.md(summary),
            **figures,
        }
    )
