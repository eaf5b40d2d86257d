"""Tables as published -> long rows. A statistical yearbook or bulletin table has a title, a unit line (单位：亿元),
a header, one row per region or indicator, and notes under it (注：..., 资料来源：...). Three shapes are recognised
without configuration:

    regions x periods      地区 | 2019 | 2020年 | ...          the indicator from the title, the unit from the unit line
    indicators x periods   指标 | 单位 | 2022年 | 2023年       one region, named in the title (深圳市主要经济指标)
    regions x indicators   地区 | 地区生产总值（亿元） | ...     the period from the title (2023年...)

The statistics bureau's portal (data.stats.gov.cn) exports these shapes with labelled lines above the header, which
say what the title would: 指标：地区生产总值(亿元) (the indicator of a regions x periods table), 地区：上海市
(the region of an indicators x periods one; none, in its national database 年度数据, means China), 时间：2023年
(the period of a regions x indicators one), 数据库：分省年度数据; its 数据来源： line under the table is the
citation, like 资料来源：.

Every cell becomes one row (region or indicator from its row, period or indicator from its column) keeping its
line and column. What the table does not say (the region of a title, the indicator of a title) is left empty: the
validation frame resolves it from the title against the region and indicator names. A sidecar `<file>.toml` declares
what cannot be detected; see data/raw/README.md."""

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ingest.numbers import NumberFormatError, normalise_period

LAYOUTS = ("long", "regions x periods", "indicators x periods", "regions x indicators")
REGION_STUBS = {"地区", "地区名称", "区域", "城市", "省份", "省市", "地市", "区县", "区划名称", "行政区划", "region"}
INDICATOR_STUBS = {"指标", "指标名称", "项目", "主要指标", "indicator"}
UNIT_HEADERS = {"单位", "计量单位", "unit"}
NOTE_PREFIXES = ("注", "说明", "备注")
SOURCE_PREFIXES = ("资料来源", "数据来源", "来源")
REGION_SUFFIXES = ("省", "市", "区", "县", "旗", "盟", "州", "自治区", "全国", "全省", "全市")
UNIT_LINE = re.compile(r"(?:计量)?单位\s*[:：]\s*(\S+)")
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
PORTAL_LINE = re.compile(r"^(数据库|指标|地区|时间)\s*:\s*(\S.*)$")  # after NFKC, ：is :
REGIONAL_DATABASE = re.compile(r"分省|城市|地区|省|县")  # 分省年度数据, 主要城市年度数据; 年度数据 alone: the country's


class LayoutError(ValueError):
    """A table whose shape cannot be read with confidence: the message says what was detected and how to declare it."""


@dataclass
class Sidecar:
    """`<file>.toml` beside a data file: what detection cannot guess."""

    layout: str = ""
    header_row: int = 0  # the header's line (1-based); 0: detected
    values: dict = field(default_factory=dict)  # region, indicator, unit, period, source_code...: for every row
    citation: str = ""
    notes: str = ""

    @classmethod
    def beside(cls, path: Path, name: str) -> "Sidecar | None":
        sidecar = path.with_name(path.name + ".toml")
        if not sidecar.exists():
            return None
        try:
            spec = tomllib.loads(sidecar.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise LayoutError(f"{name}.toml: not valid TOML ({error}).") from None
        layout = spec.pop("layout", "")
        if layout and layout not in LAYOUTS:
            raise LayoutError(f"{name}.toml: layout = '{layout}' is not one of: {', '.join(LAYOUTS)}.")
        header_row, citation, notes = spec.pop("header_row", 0), spec.pop("citation", ""), spec.pop("notes", "")
        unknown = sorted(
            set(spec)
            - {
                "region",
                "region_code",
                "indicator",
                "indicator_code",
                "unit",
                "period",
                "source_code",
                "entity",
                "parent",
                "status",
                "published_on",
                "release_kind",
            }
        )
        if unknown:
            raise LayoutError(
                f"{name}.toml: unknown key(s) {', '.join(unknown)}; see data/raw/README.md (Declared layouts)."
            )
        return cls(layout, int(header_row), {k: str(v) for k, v in spec.items()}, citation, notes)


@dataclass
class Melted:
    """A table as published, as long rows: records of (column -> cell), with each one's line and column."""

    records: list[dict]
    lines: list[int]
    columns: list[int]
    header_line: int
    title: str | None
    citation: str | None
    notes: str | None
    layout: str


def _text(cell) -> str:
    return unicodedata.normalize("NFKC", cell or "").strip()


def _key(cell) -> str:
    return "".join(_text(cell).lower().split())


def _period(cell) -> str | None:
    try:
        return normalise_period(_text(cell))
    except NumberFormatError:
        return None


def _is_note(row: list[str]) -> bool:
    first = next((_text(c) for c in row if _text(c)), "")
    return first.startswith(NOTE_PREFIXES + SOURCE_PREFIXES) and (
        len(first) > 2 and first[2:3] in ":：" or "：" in first[:6] or ":" in first[:6]
    )


def _footer(rows: list[list[str]]) -> tuple[int, str | None, str | None]:
    """Where the notes under a table start, its source citation (资料来源：) and its notes (注：)."""
    end = len(rows)
    while end > 0 and (_is_note(rows[end - 1]) or not any(_text(c) for c in rows[end - 1])):
        end -= 1
    citation, notes = [], []
    for row in rows[end:]:
        text = " ".join(_text(c) for c in row if _text(c))
        if text.startswith(SOURCE_PREFIXES):
            citation.append(re.sub(r"^\S+?[:：]\s*", "", text))
        elif text:
            notes.append(text)
    return end, "; ".join(citation) or None, "; ".join(notes) or None


def _portal_lines(rows: list[list[str]]) -> dict[str, str]:
    """The portal's labelled lines above a header:
    {'指标': '地区生产总值(亿元)', '地区': '上海市', '数据库': ..., '时间': ...}."""
    found = {}
    for row in rows:
        first = next((_text(c) for c in row if _text(c)), "")
        if match := PORTAL_LINE.match(first):
            found.setdefault(match.group(1), match.group(2).strip())
    return found


def _stub_kind(header: str, values: list[str]) -> str | None:
    """regions or indicators, from the stub's header (地区, 指标) or else from its values (广东省, 深圳市...)."""
    key = _key(header)
    if key in REGION_STUBS:
        return "regions"
    if key in INDICATOR_STUBS:
        return "indicators"
    named = [v for v in (_text(v) for v in values) if v]
    if named and sum(v.endswith(REGION_SUFFIXES) for v in named) / len(named) >= 0.8:
        return "regions"
    return None


def _detect(rows: list[list[str]], sidecar: Sidecar | None) -> tuple[str, int, list[str]]:
    """(layout, header index, what was seen): the first row, of the first 30, that heads a table as published."""
    seen = []
    candidates = [sidecar.header_row - 1] if sidecar and sidecar.header_row else range(min(30, len(rows)))
    for index in candidates:
        if index < 0 or index >= len(rows):
            continue
        row = rows[index]
        cells = [(j, _text(c)) for j, c in enumerate(row) if _text(c)]
        if len(cells) < 2:
            continue
        stub_col, stub = cells[0]
        periods = [j for j, c in cells[1:] if _period(c)]
        below = [r[stub_col] if stub_col < len(r) else "" for r in rows[index + 1 : index + 40]]
        kind = _stub_kind(stub, below)
        if sidecar and sidecar.layout and sidecar.layout != "long":
            return sidecar.layout, index, seen
        if periods and len(periods) >= len(cells) - 2 and kind:
            return f"{kind} x periods", index, seen
        if kind == "regions" and not periods and len(cells) >= 2:
            return "regions x indicators", index, seen
        seen.append(
            f"line {index + 1}: {' | '.join(c for _, c in cells[:6])}"
            + (f" ({len(periods)} period column(s); first column: {kind or 'neither regions nor indicators'})")
        )
    return "", -1, seen


def melt(rows: list[list[str]], lines: list[int], name: str, sidecar: Sidecar | None) -> Melted:
    """A table as published, melted into long rows; LayoutError if its shape is not clear."""
    end, citation, notes = _footer(rows)
    body = rows[:end]
    layout, index, seen = _detect(body, sidecar)
    if index < 0:
        shown = "; ".join(seen[:4]) or "no row of two or more cells"
        raise LayoutError(
            f"{name}: neither a header with the required columns nor a table as published (regions or indicators down, "
            f"periods or indicators across) was found. Seen: {shown}. Declare its layout in {Path(name).name}.toml "
            f'(layout = "regions x periods", header_row = N, indicator = "...", unit = "..."): see data/raw/README.md.'
        )
    title = " ".join(_text(c) for r in body[:index] for c in r if _text(c))[:500] or None
    header = body[index]
    stub_col = next(j for j, c in enumerate(header) if _text(c))
    unit_col = next((j for j, c in enumerate(header) if j != stub_col and _key(c) in UNIT_HEADERS), None)
    values = {k: v for k, v in (sidecar.values.items() if sidecar else [])}
    unit_line = next((m.group(1) for m in [UNIT_LINE.search(title or "")] if m), None)
    title_year = next((m.group(1) for m in [YEAR_IN_TITLE.search(title or "")] if m), None)
    portal = _portal_lines(body[:index])
    if "地区" not in portal and "数据库" in portal and not REGIONAL_DATABASE.search(portal["数据库"]):
        portal["地区"] = "全国"  # the national database's tables are the country's
    if layout == "regions x periods" and "指标" in portal:
        values.setdefault("indicator", portal["指标"])
    elif layout == "indicators x periods" and "地区" in portal:
        values.setdefault("region", portal["地区"])
    elif layout == "regions x indicators" and "时间" in portal and _period(portal["时间"]):
        values.setdefault("period", _period(portal["时间"]))
    value_cols = [j for j, c in enumerate(header) if j not in (stub_col, unit_col) and _text(c)]
    records, out_lines, out_columns = [], [], []
    for row, line in zip(body[index + 1 :], lines[index + 1 : end]):
        stub = _text(row[stub_col]) if stub_col < len(row) else ""
        if not stub or _key(stub) in INDICATOR_STUBS | REGION_STUBS:
            continue  # a blank separator, or the header repeated
        for j in value_cols:
            label = _text(header[j])
            record = {"value": row[j] if j < len(row) else None, **values}
            if layout == "regions x periods":
                record.update(region=stub, period=label)
                record.setdefault("unit", unit_line)
            elif layout == "indicators x periods":
                record.update(indicator=stub, period=label)
                unit = _text(row[unit_col]) if unit_col is not None and unit_col < len(row) else None
                record.setdefault("unit", unit or unit_line)
            else:  # regions x indicators
                record.update(region=stub, indicator=label)
                record.setdefault("period", title_year)
                record.setdefault("unit", unit_line if "(" not in label else None)
            records.append(record)
            out_lines.append(line)
            out_columns.append(j + 1)
    if not records:
        raise LayoutError(f"{name}: a {layout} table headed on line {lines[index]} has no data rows under it.")
    return Melted(
        records,
        out_lines,
        out_columns,
        lines[index],
        title,
        sidecar.citation if sidecar and sidecar.citation else citation,
        "; ".join(n for n in [notes, sidecar.notes if sidecar else ""] if n) or None,
        layout,
    )
