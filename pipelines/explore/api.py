"""The explorer's HTTP API: each endpoint reads its parameters, asks one function of queries.py on a fresh cursor of
the published warehouse, and answers JSON (or CSV with format=csv). The endpoints and their parameters are listed
once, in ENDPOINTS: the OpenAPI description at /api/openapi.json and the page /api/docs are made from it, and a
parameter not listed there is refused with a 400 that names the ones it takes."""

import csv
import io
import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from pipelines.core.paths import DEFAULT_RAW_DIR
from pipelines.explore import queries


@dataclass(frozen=True)
class Param:
    name: str
    about: str
    example: str = ""
    required: bool = False
    kind: str = "string"  # or integer


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str
    answer: callable  # (cursor, params) -> dict
    params: tuple[Param, ...] = ()
    csv_rows: callable = None  # the rows of its CSV, from its JSON answer; None: JSON only
    methods: tuple[str, ...] = ("GET",)


FORMAT = Param("format", "json (the default) or csv", "csv")


def _int(params: dict, name: str, default: int) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        return int(text)
    except ValueError:
        raise queries.BadRequest(f"{name}={text!r}: give a whole number, e.g. {name}={default}") from None


def _compare(con, p: dict) -> dict:
    codes = [c.strip() for c in p["regions"].split(",") if c.strip()]
    if not 1 <= len(codes) <= 12:
        raise queries.BadRequest("regions=: give 1 to 12 region codes separated by commas, e.g. regions=440300,440100")
    return {
        "indicator": p["indicator"],
        "series": [
            {"region": code, "name_zh": _region_name(con, code), **queries.series(con, code, p["indicator"])}
            for code in codes
        ],
    }


def _region_name(con, code: str) -> str | None:
    found = con.execute(
        "select name_zh from dim_region where region_code = ? order by is_current desc, valid_to desc limit 1", [code]
    ).fetchone()
    return found[0] if found else None


def _sql(con, p: dict) -> dict:
    limit = _int(p, "limit", 1000)
    if not 1 <= limit <= queries.SQL_ROW_LIMIT:
        raise queries.BadRequest(f"limit={limit}: give 1 to {queries.SQL_ROW_LIMIT} rows")
    return queries.run_sql(con, p["q"], limit)


def items(result: dict) -> list[dict]:
    return result["items"]


ENDPOINTS = (
    Endpoint(
        "/api/search",
        "Regions (Chinese, English or pinyin names, former names, codes) and indicators (names, synonyms, codes)",
        lambda con, p: queries.search(con, p["q"], _int(p, "limit", 20)),
        (
            Param("q", "what to look for", "深圳", required=True),
            Param("limit", "at most this many of each", "20", kind="integer"),
        ),
    ),
    Endpoint(
        "/api/region",
        "A region: its parent, subdivisions, code history, latest figures with flags, and consistency findings",
        lambda con, p: queries.region(con, p["code"]),
        (Param("code", "the region's six-digit code", "440300", required=True),),
    ),
    Endpoint(
        "/api/indicator",
        "An indicator: what it is, and which periods and levels have figures",
        lambda con, p: queries.indicator(con, p["code"]),
        (Param("code", "the indicator's code", "gdp", required=True),),
    ),
    Endpoint(
        "/api/map",
        "One period's figure of an indicator for every region of a level, ranked (what the map colours)",
        lambda con, p: queries.indicator_map(
            con, p["indicator"], p["period"], p.get("level") or "province", p.get("within")
        ),
        (
            Param("indicator", "the indicator's code", "gdp", required=True),
            Param("period", "the period: 2023, 2023Q4, 2024-02", "2023", required=True),
            Param("level", "province (the default), prefecture or county", "province"),
            Param("within", "only the subdivisions of this region (a province's code)", "440000"),
            FORMAT,
        ),
        csv_rows=items,
    ),
    Endpoint(
        "/api/series",
        "A region's series of one indicator: one item per period, with its source and releases",
        lambda con, p: queries.series(con, p["region"], p["indicator"], p.get("as_of") or None),
        (
            Param("region", "the region's code", "440300", required=True),
            Param("indicator", "the indicator's code", "gdp", required=True),
            Param("as_of", "what was known on this day (releases out by then)", "2024-06-30"),
            FORMAT,
        ),
        csv_rows=items,
    ),
    Endpoint(
        "/api/compare",
        "Several regions' series of one indicator",
        _compare,
        (
            Param("regions", "region codes separated by commas", "440300,440100", required=True),
            Param("indicator", "the indicator's code", "gdp", required=True),
        ),
    ),
    Endpoint(
        "/api/observations",
        "Current figures filtered by region, indicator, period and level, a page at a time",
        lambda con, p: queries.observations(
            con,
            {k: p.get(k) for k in ("region", "indicator", "period", "level")},
            _int(p, "limit", 100),
            _int(p, "offset", 0),
        ),
        (
            Param("region", "a region's code", "440300"),
            Param("indicator", "an indicator's code", "gdp"),
            Param("period", "a period", "2023"),
            Param("level", "country, province, prefecture or county", "prefecture"),
            Param("limit", f"rows a page, 1 to {queries.PAGE_LIMIT}", "100", kind="integer"),
            Param("offset", "rows to skip", "0", kind="integer"),
            FORMAT,
        ),
        csv_rows=items,
    ),
    Endpoint(
        "/api/source",
        "The lines of a raw file around a figure's line (its source's file and line), to check it against the file",
        lambda con, p: queries.source_lines(DEFAULT_RAW_DIR, p["file"], _int(p, "line", 1)),
        (
            Param("file", "the path under data/raw", "observations/2024-02_newspaper_regional_page.csv", required=True),
            Param("line", "the line", "2", kind="integer"),
        ),
    ),
    Endpoint(
        "/api/sql",
        f"One read-only SELECT on the published warehouse, at most {queries.SQL_ROW_LIMIT:,} rows and "
        f"{queries.SQL_SECONDS:g} s",
        _sql,
        (
            Param("q", "the query", "select * from v_observation limit 5", required=True),
            Param("limit", f"at most this many rows, 1 to {queries.SQL_ROW_LIMIT}", "1000", kind="integer"),
            FORMAT,
        ),
        csv_rows=lambda result: [dict(zip(result["columns"], row)) for row in result["rows"]],
        methods=("GET", "POST"),
    ),
)


class Json(JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=_jsonable, separators=(",", ":")).encode("utf-8")


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def error(status: int, message: str) -> Json:
    return Json({"error": message}, status_code=status)


def _flat(row: dict, prefix: str = "") -> dict:
    """A CSV row: nested records as prefix_key columns, lists as JSON text."""
    out = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}_"))
        elif isinstance(value, list):
            out[prefix + key] = json.dumps(value, ensure_ascii=False, default=_jsonable)
        elif isinstance(value, float) and not math.isfinite(value):
            out[prefix + key] = ""
        else:
            out[prefix + key] = _jsonable(value) if isinstance(value, (date, datetime, Decimal)) else value
    return out


def to_csv(items: list[dict]) -> str:
    flat = [_flat(item) for item in items]
    columns = list(dict.fromkeys(k for row in flat for k in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat)
    return buffer.getvalue()


async def _params(request: Request, endpoint: Endpoint) -> dict:
    params = dict(request.query_params)
    if request.method == "POST":
        params.update(await _body(request))
    known = {p.name for p in endpoint.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise queries.BadRequest(
            f"{endpoint.path} takes no parameter {', '.join(unknown)}: it takes {', '.join(sorted(known))}"
        )
    missing = [p for p in endpoint.params if p.required and not params.get(p.name)]
    if missing:
        raise queries.BadRequest(
            f"{endpoint.path} needs " + " and ".join(f"{p.name}= ({p.about}, e.g. {p.example})" for p in missing)
        )
    if params.get("format", "json") not in ("json", "csv") or (params.get("format") == "csv" and not endpoint.csv_rows):
        takes = "json or csv" if endpoint.csv_rows else "json only"
        raise queries.BadRequest(f"format={params['format']!r}: {endpoint.path} answers {takes}")
    return params


async def _body(request: Request) -> dict:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = json.loads(raw or b"{}")
        except ValueError as e:
            raise queries.BadRequest(f'the body is not JSON ({e}): send {{"q": "select ..."}}') from None
        if not isinstance(body, dict):
            raise queries.BadRequest('the body must be a JSON object: {"q": "select ..."}')
        return {k: str(v) for k, v in body.items()}
    try:
        return {"q": raw.decode("utf-8")} if raw else {}
    except UnicodeDecodeError as e:
        raise queries.BadRequest(f"the body is not UTF-8 (byte {e.start}): send the query as UTF-8 text") from None


def routes(door) -> list[Route]:
    """The API's routes on `door` (its cursor() opens a read-only cursor on the published warehouse)."""
    from starlette.concurrency import run_in_threadpool

    def handler(endpoint: Endpoint):
        async def answer(request: Request) -> Response:
            try:
                params = await _params(request, endpoint)
                result = await run_in_threadpool(_ask, door, endpoint, params)
            except queries.BadRequest as e:
                return error(400, str(e))
            except queries.NotFound as e:
                return error(404, str(e))
            if params.get("format") == "csv":
                name = endpoint.path.rsplit("/", 1)[-1]
                return Response(
                    to_csv(endpoint.csv_rows(result)),
                    media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.csv"'},
                )
            return Json(result)

        return answer

    listed = [Route(e.path, handler(e), methods=list(e.methods)) for e in ENDPOINTS]
    return [
        *listed,
        Route("/api/openapi.json", lambda request: Json(openapi())),
        Route("/api/docs", lambda request: HTMLResponse(docs_page())),
    ]


def _ask(door, endpoint: Endpoint, params: dict) -> dict:
    cursor = door.cursor()
    try:
        return endpoint.answer(cursor, params)
    finally:
        cursor.close()


def openapi() -> dict:
    """OpenAPI 3.1 from ENDPOINTS."""
    paths = {}
    for e in ENDPOINTS:
        operation = {
            "summary": e.summary,
            "parameters": [
                {
                    "name": p.name,
                    "in": "query",
                    "required": p.required,
                    "description": p.about,
                    "schema": {"type": p.kind},
                    **({"example": p.example} if p.example else {}),
                }
                for p in e.params
            ],
            "responses": {
                "200": {
                    "description": "JSON" + (" (or CSV with format=csv)" if e.csv_rows else ""),
                    "content": {"application/json": {}, **({"text/csv": {}} if e.csv_rows else {})},
                },
                "400": {"description": 'a parameter is wrong: {"error": "what to send"}'},
                "404": {"description": 'no such region, indicator or series: {"error": "..."}'},
            },
        }
        paths[e.path] = {m.lower(): operation for m in e.methods}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Regional indicators warehouse: explorer API",
            "version": "1",
            "description": "Read-only. Values are in base units (CNY, percent, ...); published_value and "
            "published_unit are as printed.",
        },
        "paths": paths,
    }


def docs_page() -> str:
    from html import escape
    from urllib.parse import urlencode

    sections = []
    for e in ENDPOINTS:
        example = {p.name: p.example for p in e.params if p.required}
        link = f"{e.path}?{urlencode(example)}"
        rows = "".join(
            f"<tr><td><code>{p.name}</code></td><td>{'required' if p.required else ''}</td>"
            f"<td>{escape(p.about)}</td><td><code>{escape(p.example)}</code></td></tr>"
            for p in e.params
        )
        sections.append(
            f"<section><h2><code>{' | '.join(e.methods)} {e.path}</code></h2><p>{escape(e.summary)}</p>"
            f'<p>Example: <a href="{escape(link)}">{escape(link)}</a></p>'
            f"<table><tr><th>parameter</th><th></th><th>what</th><th>example</th></tr>{rows}</table></section>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Explorer API</title>'
        '<link rel="stylesheet" href="/static/explorer.css"></head><body><main>'
        '<h1>Explorer API</h1><p><a href="/">Explorer</a> · <a href="/api/openapi.json">OpenAPI description</a>. '
        'Every endpoint answers JSON; errors are {"error": "..."} with status 400 or 404.</p>'
        + "".join(sections)
        + "</main></body></html>"
    )
