"""The explorer's web application: the API (api.py), the pages (one HTML shell that static/explorer.js fills from
the API) and the front-end files, on one read-only connection to the published warehouse per process.

    regind serve                 # http://127.0.0.1:8000, on data/warehouse/warehouse.duckdb
    regind serve --database F    # another published file; REGIND_TARGET=ducklake reads the lake"""

import json
import threading
from html import escape
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipelines.explore import api

STATIC = Path(__file__).parent / "static"


class Door:
    """Read-only connections to the published warehouse, one per request. A file is opened for each request:
    DuckDB hands every request of a moment the same open database, a publish that links a new file in is read
    by the next request once those have ended, and no superseded file is held open between requests (the
    publish after next rewrites it). The lake (opener without a path) is one connection, a cursor per request."""

    def __init__(self, opener, path: Path | None):
        self._opener, self._path = opener, path
        self._lock = threading.Lock()
        self._con = None

    def cursor(self):
        if self._path is not None:
            return self._opener()
        with self._lock:
            if self._con is None:
                self._con = self._opener()
            return self._con.cursor()


PAGES = {  # page -> its title, from its arguments
    "home": lambda: "Regional indicators",
    "search": lambda: "Search",
    "region": lambda code: f"Region {code}",
    "indicator": lambda code: f"Indicator {code}",
    "series": lambda region, indicator: f"{indicator} of {region}",
    "compare": lambda: "Compare regions",
}


def page(kind: str):
    def render(request: Request) -> HTMLResponse:
        args = dict(request.path_params)
        data = escape(json.dumps({"page": kind, **args, "query": dict(request.query_params)}, ensure_ascii=False))
        return HTMLResponse(
            '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(PAGES[kind](**args))}</title>"
            '<link rel="stylesheet" href="/static/explorer.css"></head>'
            f'<body><header><a href="/" class="home">Regional indicators</a>'
            '<form action="/search"><input name="q" type="search" placeholder="深圳, Shenzhen, 440300, GDP, 研发…" '
            'aria-label="search regions and indicators"></form>'
            '<nav><a href="/compare">compare</a> · <a href="/api/docs">API</a></nav></header>'
            f'<main id="page" data-page="{data}"><p class="loading">Loading…</p></main>'
            '<script src="/static/vendor/echarts.min.js"></script>'
            '<script src="/static/explorer.js"></script></body></html>'
        )

    return render


def create_app(door: Door) -> Starlette:
    return Starlette(
        routes=[
            *api.routes(door),
            Route("/", page("home")),
            Route("/search", page("search")),
            Route("/region/{code}", page("region")),
            Route("/indicator/{code}", page("indicator")),
            Route("/series/{region}/{indicator}", page("series")),
            Route("/compare", page("compare")),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )


def serve(args) -> int:
    """`regind serve`: the explorer on args.host:args.port until Ctrl-C, on the published warehouse."""
    import socket

    import uvicorn

    from pipelines.cli.door import PUBLISHED, UsageError, console, open_warehouse, reads_lake, shown_warehouse

    if not (STATIC / "vendor" / "echarts.min.js").exists():
        raise UsageError("the explorer's front-end files are missing: run make install (it fetches them from npm)")
    path = None if reads_lake(args) else Path(args.database or PUBLISHED)
    door = Door(lambda: open_warehouse(args), path)
    door.cursor().close()  # no warehouse, or a lake that cannot be reached: say so now, not on the first page
    with socket.socket() as probe:
        try:
            probe.bind((args.host, args.port))
        except OSError as error:
            raise UsageError(f"cannot listen on {args.host}:{args.port} ({error.strerror}): give --port 8001") from None
    console.print(
        f"The explorer on {shown_warehouse(args)}: [bold]http://{args.host}:{args.port}/[/] "
        f"(API: /api/docs). Read-only. Ctrl-C stops it."
    )
    uvicorn.run(create_app(door), host=args.host, port=args.port, log_level="warning")
    return 0
