"""What the explorer's pages and API read: one function per question, each a parameterised query on a read-only
connection to the published warehouse, returning plain rows (lists of dicts) ready for JSON or CSV.

    >>> series(con, "440300", "gdp")["items"][0]
    {'period': '2023', 'value': 3460640000000.0, 'unit': 'CNY', 'published_value': '34606.40', 'qualifier': '',
     'obs_status': 'reported', 'source': {'code': '2024-02_newspaper_regional_page', 'file': 'observations/...',
     'line': 2, ...}, 'releases': [...], ...}

A question the warehouse cannot answer raises NotFound or BadRequest with a sentence that says what to send."""

import re
import threading
import unicodedata
from datetime import date
from pathlib import Path

import duckdb

LEVELS = ("country", "province", "prefecture", "county")
PAGE_LIMIT = 1000  # rows of /api/observations per page, at most
SQL_ROW_LIMIT = 10_000  # rows /api/sql returns, at most
SQL_SECONDS = 10.0  # how long /api/sql may run before it is interrupted


class BadRequest(ValueError):
    """A parameter the explorer cannot use: answered with 400 and this message."""


class NotFound(LookupError):
    """No such region, indicator or series in the published warehouse: answered with 404 and this message."""


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def search_key(text: str) -> str:
    """How names are compared: full-width folded (NFKC), lower case, no spaces (as indicator_name.name_key)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def search(con: duckdb.DuckDBPyConnection, text: str, limit: int = 20) -> dict:
    """Regions by any name they had (Chinese, short, English or pinyin, former names) or code, and indicators by
    name, synonym or code: exact matches first, then names that start with the text, then names that hold it."""
    key = search_key(text or "")
    if not key:
        raise BadRequest("give q: a region (深圳, Shenzhen, 440300) or an indicator (GDP, 地区生产总值, gdp)")
    return {
        "query": text,
        "regions": _search_regions(con, key, limit),
        "indicators": _search_indicators(con, key, limit),
    }


_PINYIN: dict[tuple, list[tuple[str, str]]] = {}


def pinyin_index(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(pinyin, name) of every Chinese name of a region (深圳市 -> shenzhenshi, 重庆 -> chongqing): made once per
    process and set of names (pypinyin takes 0.5 s for the 7,705 names), so that analysts can type pinyin where
    the English name is not it (neimenggu for 内蒙古, Inner Mongolia)."""
    from pypinyin import lazy_pinyin

    stamp = con.execute("select count(*), sum(hash(name)) from region_name").fetchone()
    if stamp not in _PINYIN:
        names = [n for (n,) in con.execute("select distinct name from region_name").fetchall()]
        _PINYIN.clear()
        _PINYIN[stamp] = [("".join(lazy_pinyin(n)).lower(), n) for n in names]
    return _PINYIN[stamp]


def _search_regions(con: duckdb.DuckDBPyConnection, key: str, limit: int) -> list[dict]:
    spelled = [(k, n) for k, n in pinyin_index(con) if key in k] if re.fullmatch(r"[a-z]+", key) else []
    return rows(
        con,
        """
        with names as (  -- a name that stopped being the region's has a valid_to
            select region_code, name as matched, lower(name) as k, valid_to from region_name
            union all select region_code, name_en, lower(replace(name_en, ' ', '')), valid_to from dim_region
            union all select region_code, region_code, region_code, null from dim_region
            union all select r.region_code, r.name, p.k, r.valid_to  -- by pinyin (pinyin_index)
            from region_name r join (select unnest($spelled_names) as name, unnest($spelled_keys) as k) p using (name)
        ),
        matched as (
            select region_code, arg_min({'name': matched, 'until': valid_to}, (rank, valid_to is not null)) as hit,
                min(rank) as rank
            from (select *, case when k = $key then 0 when starts_with(k, $key) then 1 else 2 end as rank
                  from names where contains(k, $key))
            group by region_code
        )
        select r.region_code as code, r.name_zh, r.name_en, r.level, r.parent_code, p.name_zh as parent_name_zh,
            r.is_current as current, r.valid_to, m.hit.name as matched, m.hit.until as matched_until
        from matched m
        join dim_region r on r.region_code = m.region_code
        left join dim_region p on p.region_code = r.parent_code and p.is_current
        qualify row_number() over (partition by r.region_code order by r.is_current desc, r.valid_to desc) = 1
        order by m.rank, r.is_current desc, list_position($levels, r.level), r.region_code
        limit $limit
        """,
        {
            "key": key,
            "limit": limit,
            "levels": list(LEVELS),
            "spelled_names": [n for _, n in spelled],
            "spelled_keys": [k for k, _ in spelled],
        },
    )


def _search_indicators(con: duckdb.DuckDBPyConnection, key: str, limit: int) -> list[dict]:
    return rows(
        con,
        """
        with names as (
            select indicator_code, name_zh as matched, name_key as k from indicator_name
            union all select indicator_code, name_en, lower(replace(name_en, ' ', '')) from dim_indicator
        ),
        matched as (
            select indicator_code, arg_min(matched, rank) as matched, min(rank) as rank
            from (select *, case when k = $key then 0 when starts_with(k, $key) then 1 else 2 end as rank
                  from names where contains(k, $key))
            group by indicator_code
        )
        select i.indicator_code as code, i.name_zh, i.name_en, i.unit, i.measure_type, i.category, m.matched
        from matched m join dim_indicator i using (indicator_code)
        order by m.rank, i.indicator_code
        limit $limit
        """,
        {"key": key, "limit": limit},
    )


def region(con: duckdb.DuckDBPyConnection, code: str) -> dict:
    """A region's page: the region (its latest version), its parent and current subdivisions, its code history,
    its latest figure of each indicator with their flags, and the consistency findings about it."""
    found = rows(
        con,
        "select region_code as code, name_zh, name_short, name_en, level, parent_code, valid_from, valid_to, "
        "is_current as current, origin from dim_region where region_code = ? "
        "order by is_current desc, valid_to desc limit 1",
        [code],
    )
    if not found:
        raise NotFound(f"no region {code!r} in the warehouse: find its code with /api/search?q=NAME")
    parent = rows(
        con,
        "select region_code as code, name_zh, name_en, level from dim_region where region_code = ? and is_current",
        [found[0]["parent_code"]],
    )
    return {
        **found[0],
        "parent": parent[0] if parent else None,
        "subdivisions": rows(
            con,
            "select region_code as code, name_zh, name_en, level from dim_region "
            "where parent_code = ? and is_current order by region_code",
            [code],
        ),
        "history": rows(
            con,
            "select old_code, old_name_zh, new_code, new_name_zh, change_type, effective_from "
            "from region_code_change where ? in (old_code, new_code) order by effective_from, old_code",
            [code],
        ),
        "latest": _latest_figures(con, code),
        "findings": rows(
            con,
            "select severity, rule_code, indicator_code, period_code, entity_name, published_value, "
            "recomputed_value, relative_gap, explanation from consistency_finding where region_code = ? "
            "order by period_code desc, rule_code",
            [code],
        ),
    }


def _latest_figures(con: duckdb.DuckDBPyConnection, code: str) -> list[dict]:
    """The latest period's figure of each indicator (an outcome and a target apart) for the region's own total."""
    return rows(
        con,
        """
        with mine as materialized (  -- the region's figures first: the window runs on them alone (250 -> 160 ms at 10M)
            select * from v_observation where region_code = ? and entity_name is null
        )
        select o.indicator_code, o.indicator_name_zh, o.indicator_name_en, o.period_code as period, o.value,
            o.unit, o.published_value, o.published_unit, o.qualifier, o.obs_status, o.is_revised, o.releases,
            o.source_code
        from mine o join dim_period p using (period_code)
        qualify row_number() over (
            partition by o.indicator_code, o.obs_status = 'target' order by p.end_date desc, p.start_date desc
        ) = 1
        order by o.category, o.indicator_code, o.obs_status = 'target'
        """,
        [code],
    )


def indicator(con: duckdb.DuckDBPyConnection, code: str) -> dict:
    """An indicator's page: what it is, and for each level and period how many regions have a figure (the
    periods its map can show)."""
    found = rows(
        con,
        "select indicator_code as code, name_zh, name_en, unit, published_unit, measure_type, base_indicator_code, "
        "price_basis, category, synonyms from dim_indicator where indicator_code = ?",
        [code],
    )
    if not found:
        raise NotFound(f"no indicator {code!r} in the catalog: find its code with /api/search?q=NAME")
    coverage = rows(
        con,
        "select region_level as level, period_code as period, count(*) as regions from v_observation "
        "where indicator_code = $code and entity_name is null and obs_status <> 'target' "
        "group by region_level, period_code "
        "order by list_position($levels, region_level), max(year) desc, period_code desc",
        {"code": code, "levels": list(LEVELS)},
    )
    return {**found[0], "coverage": coverage}


def region_prefix(code: str) -> str:
    """The code prefix every subdivision of a region shares: 44 for 440000, 4403 for 440300."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def indicator_map(
    con: duckdb.DuckDBPyConnection, code: str, period: str, level: str = "province", within: str | None = None
) -> dict:
    """One period's figure of an indicator for every region of a level (within a region, if given), ranked: what
    the map colours and the table beside it lists."""
    if level not in LEVELS[1:]:
        raise BadRequest(f"level={level!r}: choose one of {', '.join(LEVELS[1:])}")
    if within is not None and not re.fullmatch(r"\d{6}", within):
        raise BadRequest(f"within={within!r}: give a region's six-digit code, e.g. within=440000")
    items = rows(
        con,
        """
        select o.region_code as code, o.region_name_zh as name_zh, o.region_name_en as name_en, o.value, o.unit,
            o.published_value, o.published_unit, o.qualifier, o.obs_status, o.is_revised, o.source_code,
            rank() over (order by o.value desc) as rank
        from v_observation o
        where o.indicator_code = $code and o.period_code = $period and o.region_level = $level
            and o.entity_name is null and o.obs_status <> 'target'
            and ($prefix is null or starts_with(o.region_code, $prefix))
        order by o.value desc nulls last, o.region_code
        """,
        {"code": code, "period": period, "level": level, "prefix": region_prefix(within) if within else None},
    )
    return {"indicator": code, "period": period, "level": level, "within": within, "items": items}


def series(con: duckdb.DuckDBPyConnection, region_code: str, indicator_code: str, as_of: str | None = None) -> dict:
    """A region's series of one indicator: one item per period (a target apart from the outcome), in time order,
    each with its source (file and line, or the document's quote) and every release of it up to as_of."""
    day = parse_day(as_of) if as_of else None
    items = rows(
        con,
        f"""
        with releases_all as materialized (  -- every release of the series' figures, read once
            select * from v_observation_all
            where region_code = $region and indicator_code = $indicator and entity_name is null
                and ($day is null or released_on <= $day)
        ),
        points as materialized (
            -- as of a day: the macro on these releases alone (a figure's releases share its region and indicator)
            {
            "select * from observation_as_of($day, releases_view := 'releases_all')"
            if day
            else "select * from releases_all where is_current"
        }
        ),
        lines as materialized (  -- where each came from: by the fact's keys, not a join over every fact
            select observation_key, _file, _line, _column, _candidate_id from fact_observation
            where region_key in (select region_key from dim_region where region_code = $region)
                and indicator_key in (select indicator_key from dim_indicator where indicator_code = $indicator)
                and entity_name is null
        ),
        releases as (
            select figure_key, list({{'released_on': released_on, 'source_code': source_code, 'value': value,
                'published_value': published_value, 'obs_status': obs_status}} order by release_sequence) as releases
            from releases_all group by figure_key
        ),
        quotes as (
            select candidate_id, document, quote from review.candidates
            where candidate_id in (select _candidate_id from lines)
        )
        select o.period_code as period, p.freq, p.start_date, p.end_date, o.value, o.value_upper, o.unit,
            o.published_value, o.published_unit, o.qualifier, o.obs_status, o.is_revised, o.first_released_value,
            o.note, o.warning,
            {{'code': o.source_code, 'title': s.title, 'released_on': o.released_on, 'release_kind': o.release_kind,
              'file': f._file, 'line': f._line, 'column': f._column, 'document': c.document, 'quote': c.quote
            }} as source,
            r.releases
        from points o
        join dim_period p using (period_code)
        left join lines f using (observation_key)
        left join dim_source s using (source_code)
        left join releases r using (figure_key)
        left join quotes c on c.candidate_id = f._candidate_id
        order by p.start_date, p.end_date, o.obs_status = 'target'
        """,
        {"region": region_code, "indicator": indicator_code, "day": day},
    )
    if not items:
        _explain_empty_series(con, region_code, indicator_code, as_of)
    return {"region": region_code, "indicator": indicator_code, "as_of": as_of, "items": items}


def _explain_empty_series(con: duckdb.DuckDBPyConnection, region_code: str, indicator_code: str, as_of) -> None:
    if not con.execute("select count(*) from dim_region where region_code = ?", [region_code]).fetchone()[0]:
        raise NotFound(f"no region {region_code!r}: find its code with /api/search?q=NAME")
    if not con.execute("select count(*) from dim_indicator where indicator_code = ?", [indicator_code]).fetchone()[0]:
        raise NotFound(f"no indicator {indicator_code!r}: find its code with /api/search?q=NAME")
    when = f" released by {as_of}" if as_of else ""
    raise NotFound(
        f"no figure of {indicator_code} for {region_code}{when}: /region/{region_code} lists the indicators it has"
    )


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"as_of={text!r} is not a date: write it as 2024-06-30") from None


OBSERVATION_COLUMNS = (
    "region_code, region_name_zh, region_name_en, region_level, entity_name, indicator_code, indicator_name_zh, "
    "period_code, value, unit, published_value, published_unit, qualifier, obs_status, is_revised, source_code, "
    "released_on"
)


def observations(con: duckdb.DuckDBPyConnection, filters: dict, limit: int = 100, offset: int = 0) -> dict:
    """v_observation filtered by region, indicator, period and level (each optional, each exact), a page at a time
    in a stable order, with the total for paging."""
    if not 1 <= limit <= PAGE_LIMIT:
        raise BadRequest(f"limit={limit}: give 1 to {PAGE_LIMIT} rows a page (and offset= for the next pages)")
    if offset < 0:
        raise BadRequest(f"offset={offset}: give 0 or more")
    if filters.get("level") and filters["level"] not in LEVELS:
        raise BadRequest(f"level={filters['level']!r}: choose one of {', '.join(LEVELS)}")
    columns = {"region": "region_code", "indicator": "indicator_code", "period": "period_code", "level": "region_level"}
    given = {name: value for name, value in filters.items() if value}
    where = " and ".join(f"{columns[name]} = ${name}" for name in given) or "true"
    total = con.execute(f"select count(*) from v_observation where {where}", given).fetchone()[0]
    items = rows(
        con,
        f"select {OBSERVATION_COLUMNS} from v_observation where {where} "
        "order by region_code, indicator_code, period_code, entity_name nulls first, obs_status "
        "limit $limit offset $offset",
        {**given, "limit": limit, "offset": offset},
    )
    return {"total": total, "limit": limit, "offset": offset, "filters": given, "items": items}


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, limit: int = SQL_ROW_LIMIT, seconds: float = SQL_SECONDS) -> dict:
    """One read-only SELECT (the guard of `regind query`), at most `limit` rows, interrupted after `seconds`."""
    from pipelines.cli.door import UsageError, check_read_only

    try:
        check_read_only(sql)
    except UsageError as error:
        raise BadRequest(str(error).replace("regind query", "/api/sql")) from None
    (statement,) = duckdb.extract_statements(sql)
    text = statement.query.strip().rstrip(";")
    wrapped = f"select * from ({text}) limit {limit + 1}" if statement.type == duckdb.StatementType.SELECT else text
    timer = threading.Timer(seconds, con.interrupt)
    timer.start()
    try:
        cursor = con.execute(wrapped)
        fetched = cursor.fetchall()
    except duckdb.InterruptException:
        raise BadRequest(f"the query ran over {seconds:g} s and was stopped: filter it, or aggregate first") from None
    except duckdb.Error as error:
        raise BadRequest(f"the query failed: {str(error).splitlines()[0]}") from None
    finally:
        timer.cancel()
    columns = [d[0] for d in cursor.description]
    return {
        "columns": columns,
        "rows": [list(r) for r in fetched[:limit]],
        "truncated": len(fetched) > limit,
        "limit": limit,
    }


SOURCE_SUFFIXES = (".csv", ".tsv", ".txt", ".md", ".toml", ".json", ".html")


def source_lines(raw_dir: Path, file: str, line: int | None = None, around: int = 8) -> dict:
    """The lines of a raw file around one (a figure's _file and _line: the path under data/raw), as a reader
    checks a figure against the file it came from. Only text files under the raw folder; never written."""
    path = (raw_dir / file).resolve()
    if not path.is_relative_to(raw_dir.resolve()) or path.suffix.lower() not in SOURCE_SUFFIXES:
        raise BadRequest(f"file={file!r}: give a text file's path under data/raw, as a figure's source names it")
    if not path.is_file():
        raise NotFound(f"no file {file} under {raw_dir}: the server's raw folder is not the one the figure came from")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")  # as the loader reads GBK files
    lines = text.splitlines()
    at = line or 1
    if not 1 <= at <= max(len(lines), 1):
        raise BadRequest(f"line={line}: {file} has {len(lines)} lines")
    first = max(1, at - around)
    return {
        "file": file,
        "line": line,
        "total_lines": len(lines),
        "header": lines[0] if lines and path.suffix.lower() in (".csv", ".tsv") else None,
        "lines": [{"n": n, "text": lines[n - 1]} for n in range(first, min(len(lines), at + around) + 1)],
    }
