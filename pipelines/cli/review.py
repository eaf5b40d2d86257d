"""`regind extract`, `review` and `map-indicator`: documents' candidates and the analyst's decisions."""

import argparse
import os
from pathlib import Path

from pipelines.cli.door import UsageError, console, errors, open_warehouse, shown_path, write_result
from pipelines.core.paths import DEFAULT_RAW_DIR

EXTRACT_SHOWN = [
    "indicator_code",
    "label",
    "region_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "measure_type",
    "quote",
    "start",
    "end",
    "confidence",
]


def extract(args: argparse.Namespace) -> int:
    """The candidate observations of one document, read against the published warehouse's catalog."""
    import pyarrow as pa

    from pipelines.prose.catalog import Catalog
    from pipelines.prose.documents import DocumentError, read_document
    from pipelines.prose.extract import Extractor
    from pipelines.prose.patterns import COLUMNS

    path = Path(args.path)
    if not path.is_file():
        raise UsageError(f"{path} is not a file: give a document (.txt, .md or .html)")
    try:
        document = read_document(path, root=DEFAULT_RAW_DIR)
    except DocumentError as error:
        raise UsageError(str(error)) from None
    with open_warehouse(args) as con:
        catalog = Catalog.from_warehouse(con)
    candidates = Extractor(catalog).extract(document)
    rows = [c.row() for c in candidates]
    columns = EXTRACT_SHOWN if args.format == "table" else COLUMNS
    result = pa.Table.from_pylist(
        [{k: r[k] for k in columns} for r in rows],
        schema=pa.schema(
            [
                (
                    k,
                    pa.float64()
                    if k in ("value", "confidence")
                    else pa.int64()
                    if k in ("start", "end")
                    else pa.string(),
                )
                for k in columns
            ]
        ),
    )
    if args.format == "table":
        errors.print(
            f"{path}: {document.kind}, reference year {document.year or 'not known'}, published "
            f"{document.published_on or 'on a date not given'}; {len(rows)} candidate(s)",
            highlight=False,
        )
    write_result(result, args.format, args.output, title=str(path))
    unresolved = sum(1 for c in candidates if c.flags and any("set it" in f for f in c.flags))
    if unresolved and args.format == "table":
        errors.print(
            f"{unresolved} candidate(s) flagged: a region or period the text does not settle (see --format csv, flags)"
        )
    return 0


REVIEW_SHOWN = [
    "candidate_id",
    "review_status",
    "indicator_code",
    "label",
    "region_code",
    "period",
    "printed",
    "entity",
    "confidence",
    "quote",
    "same_as",
]


def review(args: argparse.Namespace) -> int:
    """List the candidates proposed from documents, or accept or reject some: decisions go to data/raw/reviews/
    and the next refresh applies them."""
    from pipelines.prose.review import Decision, append_decisions

    with open_warehouse(args) as con:
        if args.action == "list":
            where, bound = [], []
            if args.document:
                where.append("document like ?")
                bound.append(f"%{args.document}%")
            if args.status != "all":
                where.append("review_status like ?")
                bound.append(f"{args.status}%")
            sql = "select * from v_candidate_review" + (" where " + " and ".join(where) if where else "")
            result = con.execute(sql, bound).to_arrow_table()
            if args.format == "table":
                result = result.select(REVIEW_SHOWN)
            write_result(
                result,
                args.format,
                args.output,
                title="Candidates from documents (accept or reject: regind review accept ID ...)",
            )
            return 0
        if not args.ids:
            raise UsageError(f"give the ids of the candidates to {args.action} (regind review lists them)")
        if args.action == "map":
            return _map_candidate(con, args)
        known = dict(con.execute("select candidate_id, review_status from v_candidate_review").fetchall())
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        raise UsageError(
            f"no candidate has the id(s) {', '.join(unknown)} in the published warehouse: `regind review` lists "
            "them (refresh first if a document was just added)"
        )
    decision = Decision(args.action, args.region, args.period, args.note, os.environ.get("USER"))
    path = append_decisions(DEFAULT_RAW_DIR, args.ids, decision)
    console.print(
        f"{args.action}ed {len(args.ids)} candidate(s): recorded in {shown_path(path)}. `regind refresh` applies the "
        "decisions (an accepted candidate becomes an observation whose source is its document).",
        highlight=False,
    )
    return 0


def _map_candidate(con, args: argparse.Namespace) -> int:
    """`regind review map ID CATALOG_CODE`: an uncatalogued candidate's name becomes a synonym of a catalog
    indicator."""
    from pipelines.prose.labels import unmeasured
    from pipelines.prose.review import append_mappings

    if len(args.ids) != 2:
        raise UsageError(
            "give one candidate id and the catalog indicator its name is: regind review map ID CATALOG_CODE"
        )
    candidate_id, code = args.ids
    found = con.execute(
        "select label, indicator_code from v_candidate_review where candidate_id = ?", [candidate_id]
    ).fetchone()
    if found is None:
        raise UsageError(
            f"no candidate has the id {candidate_id} in the published warehouse: `regind review` lists them"
        )
    label, current = found
    if current:
        raise UsageError(
            f"candidate {candidate_id} is read as {current}, a catalog indicator already: accept or reject it"
        )
    if not con.execute(
        "select 1 from dim_indicator where indicator_origin = 'catalog' and indicator_code = ?", [code]
    ).fetchone():
        raise UsageError(
            f"{code} is not an indicator of the catalog (data/raw/indicators/indicators.csv): "
            '`regind query "select indicator_code, name_zh from dim_indicator"` lists them'
        )
    level = unmeasured(label)  # the mapping names the level: 牧业产值增长 -> 牧业产值
    path = append_mappings(DEFAULT_RAW_DIR, [level], code, args.note, os.environ.get("USER"))
    console.print(
        f"mapped {level} to {code}: recorded in {shown_path(path)}. `regind refresh` reads the figure as {code} "
        "(or its growth, change ...), proposed again for you to accept.",
        highlight=False,
    )
    return 0


REGISTERED_SHOWN = [
    "indicator_code",
    "name_zh",
    "published_unit",
    "measure_type",
    "figures",
    "registered_from",
    "closest",
]


def map_indicator(args: argparse.Namespace) -> int:
    """List the indicators registered from files, or map one (by its code or its name as printed) to a catalog
    indicator: the mapping goes to data/raw/indicator_mappings/ and the next refresh loads its figures as that one."""
    from pipelines.prose.review import append_mappings

    with open_warehouse(args) as con:
        registered = con.execute(
            "select i.*, (select count(*) from fact_observation as f where f.indicator_key = i.indicator_key) "
            "as figures from dim_indicator as i where indicator_origin = 'registered from file' order by indicator_code"
        ).to_arrow_table()
        if args.printed is None:
            write_result(
                registered.select(REGISTERED_SHOWN),
                args.format,
                args.output,
                title="Indicators registered from files (map one: regind map-indicator NAME_OR_CODE CATALOG_CODE)",
            )
            return 0
        if args.indicator_code is None:
            raise UsageError("give the catalog indicator to map it to: regind map-indicator NAME_OR_CODE CATALOG_CODE")
        catalog = con.execute(
            "select indicator_code, name_zh, published_unit from dim_indicator where indicator_origin = 'catalog' "
            "and indicator_code = ?",
            [args.indicator_code],
        ).fetchone()
        if catalog is None:
            raise UsageError(
                f"{args.indicator_code} is not an indicator of the catalog (data/raw/indicators/indicators.csv): "
                '`regind query "select indicator_code, name_zh from dim_indicator"` lists them'
            )
        printed = [args.printed]
        if args.printed.startswith("reg_"):  # a registered indicator's code: every name it was printed by
            printed = [
                r[0]
                for r in con.execute(
                    "select distinct published_indicator from fact_observation as f join dim_indicator as i "
                    "using (indicator_key) where i.indicator_code = ? and published_indicator is not null order by 1",
                    [args.printed],
                ).fetchall()
            ]
            if not printed:
                raise UsageError(
                    f"no indicator registered from a file has the code {args.printed}: "
                    "`regind map-indicator` lists them"
                )
    path = append_mappings(DEFAULT_RAW_DIR, printed, args.indicator_code, args.note, os.environ.get("USER"))
    console.print(
        f"mapped {', '.join(printed)} to {catalog[0]} ({catalog[1]}, {catalog[2]}): recorded in {shown_path(path)}. "
        "`regind refresh` loads its figures as that indicator.",
        highlight=False,
    )
    return 0
