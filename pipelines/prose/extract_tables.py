"""Tables inside a document's text: the figures of a bulletin's 表1, as a web page flattens it.

A page keeps a bulletin's table in one of three shapes, all read here:

    表1 2019年玉环市生产总值                 表1  2024年全县生产总值及增长情况      表1 2021年居民消费价格比上年涨跌幅度
    | 绝 对 数 (亿元) | 比上年增长 (%) |      单位:万元,%                          指 标
    地区生产总值 | 617.50 | 5.2 |            指  标 2024年 比上年增长              比上年上涨(%)
    第一产业 | 37.11 | 2.6 |                 地区生产总值 7311113 6.0              居民消费价格
                                             工  业 1430156 9.0                    1.1

(cells between bars; cells between spaces, a space inside a word being the page's padding; one cell per line). A
table begins at its caption (表N) or at a header row of bars; its columns say what their figures measure: a year
(2024年) is the level of that year, 比上年增长 or 上涨 its growth, 比重 a share; the unit is the one in the column's
brackets or the 单位 line's, in column order. A row is read when it has as many numbers as the table has columns:
a row that does not is prose, a note or the page's debris, and is left to the sentences' reading.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CAPTION = re.compile(r"^\s*[表图]\s*\d+")
CAPTION_ANYWHERE = re.compile(r"(?<![\u4e00-\u9fff])表\s*\d+\s")
UNIT_LINE = re.compile(r"^\s*(?:计量)?单位\s*[:：]\s*(?P<units>.+?)[\s|]*$")
NUMBER = re.compile(r"[-−]?\d+(?:,\d{3})*(?:\.\d+)?")
NUMBER_WITH_UNIT = re.compile(r"(?P<number>[-−]?\d+(?:\.\d+)?)(?P<unit>[^\d\s|]{1,6})?$")
MEASURE_TITLES = {
    "绝对数",
    "总量",
    "数量",
    "产量",
    "金额",
    "合计",
    "数值",
    "年末数",
    "本年",
    "上年",
    "全年",
    "总计",
    "全省",
    "全市",
    "全县",
    "全区",
    "增幅",
    "增速",
    "比重",
    "构成",
}
LABEL_TITLES = {"指标", "项目", "项目名称", "名称", "类别", "指标名称", "分组", "地区", "产品名称", "单位", "计量单位"}
GROWTH_TITLES = re.compile(r"(增长|增速|上涨|涨跌|增幅|增减|涨幅|±)")
SHARE_TITLES = re.compile(r"(比重|占比|构成)")
YEAR_TITLE = re.compile(r"^((?:19|20)\d{2})\s*年")
BRACKETED_UNIT = re.compile(r"[(（]\s*([^()（）]+?)\s*[)）]")
PROSE = re.compile(r"[。；;，,：:]")
SINGLE_CJK = re.compile(r"[\u4e00-\u9fff]")
SPACED_OUT = re.compile(r"[\u4e00-\u9fff](?:\s+[\u4e00-\u9fff])*")
INDEX_BASE = re.compile(r"[(（]\s*以?\s*(上年|上年同期|上年同月|上月)\s*(?:为|=)\s*100\s*[)）]")
INDEX_TITLE = re.compile(r"\s*以?\s*(上年|上年同期|上年同月|上月)\s*(?:为|=)\s*100\s*")
CJK_PADDING = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000\t]+(?=[\u4e00-\u9fff(（])")


@dataclass
class Column:
    kind: str  # level, growth or share
    unit: str | None  # as printed: 万元, %; None when the table does not say
    year: str | None  # the year a column titled 2024年 is of
    part: str | None = None  # what a column titled by a part (城市, 农村) narrows the row to: 食品_城市


@dataclass
class Cell:
    label: str  # the row's name as printed, padding and marks (#, 其中:) removed
    label_start: int
    number: Decimal
    start: int  # the number's offsets in the text
    end: int
    unit: str | None
    kind: str
    year: str | None  # the column's year, else the caption's
    row_start: int  # the row's offsets: the quote
    row_end: int
    caption: str


def _lines(text: str) -> list[tuple[int, str]]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _cells(offset: int, line: str) -> list[tuple[int, str]]:
    """A row's cells with their offsets: between bars, else between spaces that are not a word's padding."""
    if "|" in line:
        parts, at = [], offset
        for piece in line.split("|"):
            stripped = piece.strip()
            if stripped:
                parts.append((at + piece.index(stripped[0]), stripped))
            at += len(piece) + 1
        return parts
    if line.count("(") + line.count("（") > line.count(")") + line.count("）") and not NUMBER.search(line):
        stripped = line.strip()  # 比重( %: a title whose bracket the page lost, one cell
        return [(offset + line.index(stripped[0]), stripped)] if stripped else []
    tokens = [(offset + m.start(), m.group(0)) for m in re.finditer(r"\S+", line)]
    cells: list[tuple[int, str]] = []
    for (
        at,
        token,
    ) in tokens:  # 工  业 is one cell (single characters spaced out to a column's width), 2024年 比上年增长 two
        if cells and SINGLE_CJK.fullmatch(token) and SPACED_OUT.fullmatch(cells[-1][1].lstrip("#")):
            cells[-1] = (cells[-1][0], line[cells[-1][0] - offset : at - offset + 1])
        else:
            cells.append((at, token))
    return cells


def _unpadded(text: str) -> str:
    return CJK_PADDING.sub("", text).strip()


def _number(cell: str) -> tuple[Decimal, str | None] | None:
    match = NUMBER_WITH_UNIT.fullmatch(cell.replace("−", "-"))
    if (
        not match
        or (match.group("unit") or "").startswith(("年", "月"))
        or re.search(r"(以上|以下)$", match.group("unit") or "")
    ):
        return None  # 2024年 titles a column; 60岁以上 names a row
    try:
        return Decimal(match.group("number")), match.group("unit")
    except InvalidOperation:
        return None


def _columns(titles: list[str], units: list[str], growing: bool = False) -> list[Column]:
    columns = []
    level_units = [u for u in units if u not in ("%", "‰")]
    bracketed = {m.group(1) for t in titles if (m := BRACKETED_UNIT.search(t))}
    if (
        growing
        and not units
        and bracketed == {"%"}
        and not any(YEAR_TITLE.match(t) or GROWTH_TITLES.search(t) for t in titles)
    ):
        units = ["%"]  # 表1 居民消费价格比上年涨跌幅度 | 全省(%) | 城市 | 农村: every column in per cent
    for i, title in enumerate(titles):
        bracket = BRACKETED_UNIT.search(title)
        year = YEAR_TITLE.match(title)
        kind = "growth" if GROWTH_TITLES.search(title) else "share" if SHARE_TITLES.search(title) else "level"
        if kind == "level" and growing and units and set(units) <= {"%"}:
            kind = "growth"
        if bracket:
            unit = bracket.group(1)
        elif base := INDEX_TITLE.fullmatch(title):
            unit = f"{base.group(1)}=100"  # 项目名称 | 上年同期=100: the column's figures are indices
        elif len(units) == len(titles):
            unit = units[i]
        elif kind != "level":
            unit = "%"
        else:
            unit = level_units[0] if level_units else ("%" if units and set(units) <= {"%"} else None)
        part = (
            None
            if bracket
            or year
            or kind != "level"
            and (GROWTH_TITLES.search(title) or SHARE_TITLES.search(title))
            or title in MEASURE_TITLES
            or INDEX_TITLE.fullmatch(title)
            else title
        )
        columns.append(Column(kind, unit, year.group(1) if year else None, part))
    return columns


def read_tables(text: str) -> list[Cell]:
    """The cells of every table in the text that reads as one (see the module's docstring)."""
    lines = _unflattened(_lines(text))
    cells: list[Cell] = []
    i = 0
    while i < len(lines):
        offset, line = lines[i]
        if not (
            CAPTION.match(line)
            or _titled(lines, i)
            or (line.count("|") >= 2 and not any(_number(c) for _, c in _cells(offset, line)))
            or _header(lines, i)
        ):
            i += 1
            continue
        read, after = _table(lines, i)
        cells += read
        i = after if read else i + 1
    return cells


def _unflattened(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines, with a table a page flattened into one line (表1 ... 产品名称 | 产量(吨) | 比上年增长(%) | 粮食 | 124735 |
    3.2 | 其中:小麦 | ...) cut back into its caption, header and rows: pieces of the line, at their own offsets."""
    out = []
    for offset, line in lines:
        caption = CAPTION_ANYWHERE.search(line) if line.count("|") >= 6 else None
        under_caption = (
            line.count("|") >= 6
            and bool(out)
            and bool(CAPTION.match(next((t for _, t in reversed(out) if t.strip()), "")))
        )
        if caption is None and not under_caption:
            out.append((offset, line))
            continue
        if (
            caption is None
        ):  # 表1 ... on the line above, then 类 别 | 2019年 | 居民消费价格 | 102.9 | ...: header and rows in one
            cells = _cells(offset, line)
        else:
            if line[: caption.start()].strip():
                out.append((offset, line[: caption.start()]))  # the prose before the table
            cells = _cells(offset + caption.start(), line[caption.start() :])
            first = cells[0]
            split = first[1].rstrip().rfind(" ")
            if split > 0:  # 表1 2020年主要农产品产量 产品名称: the caption, then the first column's title
                out.append((first[0], first[1][:split]))
                cells[0] = (first[0] + split + 1, first[1][split + 1 :])
            else:
                out.append(first)
                cells = cells[1:]
        start = next(
            (k for k in range(1, len(cells) - 1) if not _number(cells[k][1]) and _number(cells[k + 1][1])), None
        )
        if start is None:
            out.append((cells[0][0], line[cells[0][0] - offset :]))
            continue
        width = start  # the header: the first column's title and the others
        pieces = [cells[:width]] + [cells[k : k + width] for k in range(start, len(cells), width)]
        for piece in pieces:
            begin, end = piece[0][0], piece[-1][0] + len(piece[-1][1])
            out.append((begin, line[begin - offset : end - offset]))
    return out


def _header(lines: list[tuple[int, str]], i: int) -> bool:
    """Whether line i is a table's header without a caption above it that says so (指 标 比上年涨跌幅度(%)): a label
    column's title, then the titles of columns of figures, and a row of figures on the next line."""
    offset, line = lines[i]
    cells = [_unpadded(c) for _, c in _cells(offset, line)]
    if (
        len(line) > 60
        or len(cells) < 2
        or cells[0] not in LABEL_TITLES
        or PROSE.search(line)
        or any(_number(c) for c in cells)
    ):
        return False
    if not all(
        GROWTH_TITLES.search(c) or SHARE_TITLES.search(c) or YEAR_TITLE.match(c) or BRACKETED_UNIT.search(c)
        for c in cells[1:]
    ):
        return False
    after = next((text for _, text in lines[i + 1 : i + 3] if text.strip()), "")
    return bool(NUMBER.search(after))


def _titled(lines: list[tuple[int, str]], i: int) -> bool:
    """Whether line i is a table's title without a number (主要产品产量), its column titles on the lines after it
    (2023年, 较上年增长(%)), one per line."""
    line = YEAR_TITLE.sub("", lines[i][1].strip())  # 2016年主要农产品产量: a title may open with its year
    if not line or len(line) > 24 or PROSE.search(line) or NUMBER.search(line) or "|" in line:
        return False
    after = [
        t
        for _, text in lines[i + 1 : i + 8]
        if (t := _unpadded(text.strip().strip("|"))) and not UNIT_LINE.match(t) and t not in LABEL_TITLES
    ][:2]  # (单位:万吨 and 指 标 | may come between)
    return len(after) == 2 and all(YEAR_TITLE.fullmatch(t) or (GROWTH_TITLES.search(t) and len(t) <= 16) for t in after)


def _caption(lines: list[tuple[int, str]], i: int) -> str:
    """The table's title: a 表N line, a title above its column titles, or a barred line holding one cell."""
    offset, line = lines[i]
    if CAPTION.match(line) or _titled(lines, i):
        return _unpadded(line).rstrip("| ")
    cells = _cells(offset, line)
    return _unpadded(cells[0][1]) if "|" in line and len(cells) == 1 else ""


def _table(lines: list[tuple[int, str]], i: int) -> tuple[list[Cell], int]:
    """The cells of the table starting at line i, and the line after it."""
    caption = _caption(lines, i)
    caption_year = YEAR_TITLE.search(re.sub(r"^\s*[表图]\s*\d+\s*[:：]?\s*", "", caption))
    j = i + 1 if caption else i
    before = [text.strip() for _, text in lines[max(0, i - 3) : i] if text.strip()]
    unit_before = next((UNIT_LINE.match(_unpadded(t)) for t in reversed(before) if UNIT_LINE.match(_unpadded(t))), None)
    units: list[str] = (
        [u.strip() for u in re.split(r"[,，、;；]", unit_before.group("units")) if u.strip()] if unit_before else []
    )
    if not units and (index_base := INDEX_BASE.search(caption)):
        units = [
            f"{index_base.group(1)}=100"
        ]  # 表1 各类价格指数(以上年为100): every cell an index, previous year = 100
    # a table of percentages under a sentence of growth
    # (全年居民消费价格比上年上涨1.6%，其中城市...): its growth by part
    growing = (
        bool(before)
        and not caption
        and bool(
            GROWTH_TITLES.search(
                before[-1] if not UNIT_LINE.match(_unpadded(before[-1])) else (before[-2] if len(before) > 1 else "")
            )
        )
    )
    growing = growing or bool(
        GROWTH_TITLES.search(caption)
    )  # 表1 居民消费价格比上年涨跌幅度: its percentages are growth
    titles: list[str] = []
    pending_label: tuple[int, str] | None = None
    pending: list = []
    columns: list[Column] | None = None
    found: list[Cell] = []
    misses = 0
    last_header: list[tuple[int, str]] = []
    unit_column = False  # 产品名称 | 计量单位 | 2020年 | 同比增长(%): each row prints its unit in a cell of its own
    while j < len(lines):
        offset, line = lines[j]
        stripped = line.strip()
        j += 1
        if not stripped or not stripped.strip("|").strip():
            continue  # a blank line, or one holding only the bar between rows
        if (CAPTION.match(line) and (caption or found)) or (len(stripped) > 40 and PROSE.search(stripped)):
            j -= 1
            break
        if (unit_line := UNIT_LINE.match(_unpadded(line))) and not found:
            units = [u.strip() for u in re.split(r"[,，、;；]", unit_line.group("units")) if u.strip()]
            continue
        row = _cells(offset, line)
        numbers = [(o, c, n) for o, c in row if (n := _number(c))]
        words = [(o, c) for o, c in row if not _number(c)]
        if columns is None and not numbers:  # a header row: the column titles (a cell per line: one title each)
            titled = [
                (o, _unpadded(c)) for o, c in words if _unpadded(c) not in LABEL_TITLES and not c.endswith((":", "："))
            ]
            unit_column = unit_column or any(_unpadded(c) in ("单位", "计量单位") for _, c in words)
            titles += [c for _, c in titled]
            last_header = titled
            continue
        if columns is None and len(numbers) < len(titles) and len(last_header) == 1 and len(row) == len(numbers):
            pending_label = last_header[0]  # one cell per line: the first row's label came before its number
            titles.pop()
        if columns is None:
            if not titles:
                misses += 1  # the page's debris between a caption and its table (Copyright © 2024 ...)
                if misses > 2:
                    break
                continue
            columns = _columns(titles, units, growing)
        if not numbers:
            if len(words) == 1 and len(stripped) <= 30:
                pending_label, pending = words[0], []  # one cell per line: the label, its numbers on the lines after
                continue
            misses += 1
            if misses > 2:
                break
            continue
        if not words and pending_label is not None and len(pending) + len(numbers) < len(columns):
            pending += numbers  # one cell per line: the row's numbers so far
            continue
        if not words and pending_label is not None:
            numbers = pending + numbers
        label = words[0] if words and words[0][0] < numbers[0][0] else pending_label
        if label is None or len(numbers) != len(columns) or (words and words[-1][0] > numbers[0][0]):
            misses += 1
            if misses > 2:
                break
            continue
        pending_label, pending = None, []
        name = re.sub(r"^(#+|其中\s*[:：]?|[一二三四五六七八九十]+、|\s)+", "", _unpadded(label[1]))
        row_unit = BRACKETED_UNIT.search(name)  # 造林面积(万亩) | 7.6 | -3.8: the row says its unit
        if row_unit and (row_unit.end() != len(name) or re.search(r"[含不岁以及]", row_unit.group(1))):
            row_unit = None  # 0-17岁(含不满18周岁): a note, not a unit
        if row_unit:
            name = name[: row_unit.start()].strip()
        unit_cell = words[1][1].strip() if unit_column and len(words) == 2 and len(words[1][1].strip()) <= 6 else None
        row_start = min(label[0], numbers[0][0])
        row_end = numbers[-1][0] + len(numbers[-1][1])
        for (start, cell, (number, glued)), column in zip(numbers, columns):
            cells_unit = glued or (
                row_unit.group(1)
                if row_unit and row_unit.end() >= len(name) and column.kind == "level"
                else unit_cell
                if unit_cell and column.kind == "level" and column.unit is None
                else column.unit
            )
            found.append(
                Cell(
                    f"{name}_{column.part}" if column.part else name,
                    label[0],
                    number,
                    start,
                    start + len(cell) - (len(glued) if glued else 0),
                    cells_unit,
                    column.kind,
                    column.year or (caption_year.group(1) if caption_year else None),
                    row_start,
                    row_end,
                    caption,
                )
            )
    return found, j
