"""The explorer's web application: the API (api.py), the pages (one HTML shell that static/explorer.js fills from
the API) and the front-end files, on one read-only connection to the published warehouse per process.

    regind serve                 # http://127.0.0.1:8000, on data/warehouse/warehouse.duckdb
    regind serve --database F    # another published file; REGIND_TARGET=ducklake reads the lake"""

import json
import threading
import time
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
    """Read-only cursors on the published warehouse, one per request, from one open database: opening the file
    for each request cost 180 ms of a 260 ms request (bench/explorer.py). A publish links a new file in as the
    published name; the next request (or the watcher, within WATCH seconds) lets go of the old one, so that
    requests still reading it finish on it, the next ones read the new file, and no superseded file stays open
    for the publish after next to rewrite. The file is opened by its generation's name (.warehouse.a.duckdb or
    .b), not by the published name: DuckDB hands a second open of one path the database already open there."""

    WATCH = 5.0  # seconds between looks at the published file when no request comes

    def __init__(self, opener, path: Path | None):
        self._opener, self._path = opener, path  # opener(file) for a file, opener() for the lake (path None)
        self._lock = threading.Lock()
        self._con, self._inode, self._catalog = None, None, None

    def cursor(self):
        with self._lock:
            self._let_go_if_superseded()
            if self._con is None:
                if self._path is None:
                    self._con = self._opener()
                    self._catalog = self._con.execute("select current_database()").fetchone()[0]
                else:
                    opened = _linked_generation(self._path)
                    self._con, self._inode = self._opener(opened), opened.stat().st_ino
            cursor = self._con.cursor()
        if self._path is None:  # a cursor starts in the in-memory catalog: the lake is the one its connection uses
            cursor.execute(f'use "{self._catalog}"')
        return cursor

    def _let_go_if_superseded(self) -> None:
        if self._con is not None and self._path is not None and self._path.stat().st_ino != self._inode:
            self._con = None  # not closed: requests reading it keep their cursors; it closes after the last

    def watch(self) -> None:
        """Let go of a superseded file even when no request comes (a daemon thread)."""

        def loop():
            while True:
                time.sleep(self.WATCH)
                with self._lock:
                    self._let_go_if_superseded()

        threading.Thread(target=loop, daemon=True, name="published-file-watcher").start()


def _linked_generation(published: Path) -> Path:
    """The generation file the published name is a link of, or the file itself (one not published in
    generations, e.g. given with --database)."""
    from pipelines.publish.generations import generation_paths

    if not published.exists():
        return published  # read_published says what to run
    inode = published.stat().st_ino
    return next((g for g in generation_paths(published) if g.exists() and g.stat().st_ino == inode), published)


PAGES = {  # page -> its title, from its arguments
    "home": lambda: "Regional indicators",
    "search": lambda: "Search",
    "region": lambda code: f"Region {code}",
    "indicator": lambda code: f"Indicator {code}",
    "series": lambda region, indicator: f"{indicator} of {region}",
    "compare": lambda: "Compare regions",
    "source": lambda: "Source",
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
            Route("/source", page("source")),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )


def serve(args) -> int:
    """`regind serve`: the explorer on args.host:args.port until Ctrl-C, on the published warehouse."""
    import socket

    import uvicorn

    from pipelines.cli.door import PUBLISHED, UsageError, console, open_warehouse, reads_lake, shown_warehouse
    from pipelines.core.paths import read_published

    if not (STATIC / "vendor" / "echarts.min.js").exists():
        raise UsageError("the explorer's front-end files are missing: run make install (it fetches them from npm)")
    if reads_lake(args):
        door = Door(lambda: open_warehouse(args), None)
    else:
        door = Door(read_published, Path(args.database or PUBLISHED))
    door.cursor().close()  # no published file, or a lake that cannot be reached: say so now, not on the first page
    door.watch()
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
