"""Numbers as printed in Chinese statistical reports -> number, unit, qualifier, or a missing marker.

'超2.4万家' -> 2.4, '万家', qualifier '超';  '３４６０６．４０' -> 34606.40;  '下降3.2%' -> -3.2, '%';
'近万人' -> 10000, '人', qualifier '近';  '—' -> missing.  Multipliers stay in the unit ('万家'); the
units table turns them into base units.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import cn2an

if TYPE_CHECKING:
    import pandas as pd

MISSING_MARKERS = {
    "",
    "—",
    "——",
    "–",
    "-",
    "--",
    "…",
    "……",
    "...",
    "na",
    "n/a",
    "n.a.",
    "null",
    "none",
    "无",
    "/",
    "x",
    "*",
}
# a figure is a finite number: these are refused, not read as missing (a NaN may hide a formula's error)
NOT_FINITE = {
    "nan",
    "inf",
    "infinity",
    "∞",
    "无穷",
    "无穷大",
    "正无穷",
    "负无穷",
    "#num!",
    "#div/0!",
    "#value!",
    "#ref!",
    "#n/a",
}
# beyond this a figure does not fit a double (and a 400-digit or 1e999999 cell is a mistake, not a value)
MAX_EXPONENT = 308
PREFIX_QUALIFIERS = ["超过", "突破", "接近", "大约", "超", "逾", "近", "约"]
SUFFIX_QUALIFIERS = ["以上", "左右", "余", "多"]
FALL_WORDS = ["下降", "减少", "下滑", "回落", "负"]
RISE_WORDS = ["增长", "增加", "上升", "提高", "同比增长", "同比"]
MULTIPLIERS = ["万亿", "千亿", "百亿", "十亿", "千万", "百万", "十万", "亿", "万", "千", "百"]
CHINESE_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+")
# a range: 三四千 (two neighbouring digits before a multiplier), 3000-4000, 3000至4000
CHINESE_RANGE = re.compile(r"^([一二两三四五六七八九])([二三四五六七八九])([十百千万亿]+)")
ARABIC_RANGE = re.compile(r"^(\d+(?:\.\d+)?)(?:-|~|至|到)(\d+(?:\.\d+)?)")
ARABIC = re.compile(r"^(?:\d+(?:,\d{3})*(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class PrintedNumber:
    number: Decimal | None  # None when the cell is a missing marker
    unit: str = ""  # unit text found in the cell, multiplier included ('万家', '亿元', '%')
    qualifier: str = ""  # qualifier word as printed ('超', '余', '近', '约', '以上', ...)
    missing_marker: str | None = None  # the marker when the figure is missing ('—', 'NA', '')
    upper: Decimal | None = None  # a range's upper bound ('三四千' -> 3000 to 4000; '3000-4000'); number is its lower


class NumberFormatError(ValueError):
    """A cell that is neither a number as printed nor a missing marker."""


def _strip_prefix(text: str, words: list[str]) -> tuple[str, str]:
    for word in words:
        if text.startswith(word):
            return word, text[len(word) :].lstrip()
    return "", text


def _strip_suffix(text: str, words: list[str]) -> tuple[str, str]:
    for word in words:
        if text.endswith(word):
            return word, text[: -len(word)].rstrip()
    return "", text


def _clipped(text: str, limit: int = 40) -> str:
    """A cell as quoted in a reason: a 2-million-character cell is shown by its start and its length."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def parse_printed(cell: str | None) -> PrintedNumber:
    """Read one printed figure; raises NumberFormatError saying what is wrong with it."""
    original = "" if cell is None else str(cell)
    text = unicodedata.normalize("NFKC", original).strip().replace("\u2212", "-").replace(" ", "")
    if text.lower() in MISSING_MARKERS:
        return PrintedNumber(number=None, missing_marker=original.strip())
    if text.lower().lstrip("+-") in NOT_FINITE:
        raise NumberFormatError(
            f"'{_clipped(original)}' is not a finite number; print the figure, or a missing marker (—) if there is none"
        )
    sign = 1
    fall, text = _strip_prefix(text, FALL_WORDS)
    if fall:
        sign = -1
    else:
        _, text = _strip_prefix(text, RISE_WORDS)
    qualifier, text = _strip_prefix(text, PREFIX_QUALIFIERS)
    if text.startswith(("-", "+")):
        sign, text = (-sign if text[0] == "-" else sign), text[1:]
    upper = None
    if (match := CHINESE_RANGE.match(text)) and "一二三四五六七八九".find(match.group(2)) == "一二三四五六七八九".find(
        match.group(1).replace("两", "二")
    ) + 1:
        low, high = (Decimal(str(cn2an.cn2an(digit + match.group(3), "smart"))) for digit in match.group(1, 2))
        number, upper, rest = low, sign * high, text[match.end() :]
    elif match := ARABIC_RANGE.match(text):
        number, upper, rest = Decimal(match.group(1)), sign * Decimal(match.group(2)), text[match.end() :]
        if upper < number:
            raise NumberFormatError(f"'{_clipped(original)}': a range whose upper bound is below its lower bound")
    elif match := ARABIC.match(text):
        digits, rest = match.group(0).replace(",", ""), text[match.end() :]
        number = Decimal(digits)
        if number and abs(number.adjusted()) > MAX_EXPONENT:
            size = "large" if number.adjusted() > 0 else "small"
            raise NumberFormatError(f"'{_clipped(original)}' is too {size} to be a figure (beyond 1e±{MAX_EXPONENT})")
    elif match := CHINESE_NUMERAL.match(text):
        numeral, rest = match.group(0), text[match.end() :]
        # a leading multiplier alone means one of it: 近万 = 1万, 百万 = 1百万
        if numeral[0] in "十百千万亿":
            numeral = "一" + numeral
        try:
            number = Decimal(str(cn2an.cn2an(numeral, "smart")))
        except ValueError:
            raise NumberFormatError(
                f"'{_clipped(original)}': '{_clipped(match.group(0))}' is not a Chinese numeral cn2an can read"
            ) from None
    else:
        raise NumberFormatError(
            f"'{_clipped(original)}' is not a number as printed (expected e.g. 34606.40, 超2.4万, 3800余, 下降3.2%, "
            "or — for missing)"
        )
    suffix, rest = _strip_prefix(rest, SUFFIX_QUALIFIERS[2:])  # 余/多 right after the number: 3800余家
    trailing, rest = _strip_suffix(rest, SUFFIX_QUALIFIERS[:2])  # 以上/左右 at the end: 1000家以上
    found = [q for q in (qualifier, suffix, trailing) if q]
    if len(found) > 1:
        raise NumberFormatError(f"'{_clipped(original)}' has more than one qualifier ({', '.join(found)})")
    if re.search(r"[\d.几数零〇一二两三四五六七八九十]", rest):
        raise NumberFormatError(
            f"'{_clipped(original)}': unexpected '{_clipped(rest)}' after the number (a vague or malformed figure)"
        )
    return PrintedNumber(number=sign * number, unit=rest, qualifier=found[0] if found else "", upper=upper)


def combine_units(cell_unit: str, column_unit: str | None) -> str:
    """The printed unit of a figure from the unit in its cell and the unit column: '万' + '家' -> '万家'."""
    column_unit = unicodedata.normalize("NFKC", column_unit or "").strip()
    if not cell_unit or cell_unit == column_unit:
        return column_unit
    if not column_unit or cell_unit.endswith(column_unit):
        return cell_unit
    if cell_unit in MULTIPLIERS:
        return cell_unit + column_unit
    raise NumberFormatError(f"the unit in the cell ('{cell_unit}') disagrees with the unit column ('{column_unit}')")


QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
PERIOD_PATTERNS = [
    (re.compile(r"^(\d{4})年?$"), lambda m: m.group(1)),
    (
        re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})月?$"),
        lambda m: f"{m.group(1)}-{int(m.group(2)):02d}" if 1 <= int(m.group(2)) <= 12 else None,
    ),
    (
        re.compile(r"^(\d{4})(?:-|年)?(?:Q([1-4])|第?([1-4一二三四])季度)$"),
        lambda m: f"{m.group(1)}-Q{QUARTERS[m.group(2) or m.group(3)]}",
    ),
]


def normalise_period(printed: str | None) -> str:
    """'2023年' -> '2023', '2023年1月' -> '2023-01', '2023年第一季度' -> '2023-Q1'."""
    text = unicodedata.normalize("NFKC", printed or "").strip().upper().replace(" ", "")
    for pattern, build in PERIOD_PATTERNS:
        if (match := pattern.match(text)) and (period := build(match)):
            return period
    raise NumberFormatError(f"period '{printed}' is not a year (2023), quarter (2023-Q1) or month (2023-01)")


PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
CANONICAL_PERIOD = r"[0-9]{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?"


def nfkc_text(text) -> str | None:
    return (unicodedata.normalize("NFKC", text).strip() or None) if isinstance(text, str) else None


def _by_unique(column: "pd.Series", read) -> tuple["pd.Series", dict]:
    """Apply `read` once per distinct value (a large file has few distinct units, qualifiers and periods):
    the results, and {value: error} for the values it rejected."""
    results, errors = {}, {}
    for value in column.dropna().unique():
        try:
            results[value] = read(value)
        except NumberFormatError as problem:
            results[value], errors[value] = None, str(problem)
    return column.map(results).astype("str"), errors


FIGURE_COLUMNS = ("_number", "_number_upper", "_unit", "_qualifier", "_missing")


def read_figures(values, units, qualifiers) -> list[tuple]:
    """Cells that are not plain numbers, one by one: (_number, _number_upper, _unit, _qualifier, _missing, error)
    each, with units and qualifiers already NFKC-normalised; a cell that cannot be read has only its error."""
    figures = []
    for value, cell_unit, cell_qualifier in zip(values, units, qualifiers):
        cell_unit = cell_unit if isinstance(cell_unit, str) else None
        cell_qualifier = cell_qualifier if isinstance(cell_qualifier, str) else ""
        try:
            printed = parse_printed(value if isinstance(value, str) else None)
            if printed.qualifier and cell_qualifier and printed.qualifier != cell_qualifier:
                raise NumberFormatError(
                    f"qualifier '{printed.qualifier}' in the value disagrees with the qualifier column "
                    f"('{cell_qualifier}')"
                )
            figures.append(
                (
                    None if printed.number is None else format(printed.number, "f"),
                    None if printed.upper is None else format(printed.upper, "f"),
                    combine_units(printed.unit, cell_unit) or None,
                    printed.qualifier or cell_qualifier or None,
                    printed.missing_marker,
                    None,
                )
            )
        except NumberFormatError as problem:
            figures.append((None, None, None, None, None, f"value {problem}"))
    return figures


def add_printed_figures(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Observation rows -> the figure read from its printed cells, in columns beside them:
    _number (decimal text), _unit, _qualifier, _period, _missing (the marker); a cell that cannot be read
    leaves its reason in _parse_error and the row goes to quarantine. Plain numbers, the bulk of a large
    file, take a vectorised path; other values are read one by one."""
    import pandas as pd

    unit, _ = _by_unique(frame["unit"], nfkc_text)
    qualifier, _ = _by_unique(frame["qualifier"], nfkc_text)
    period, period_errors = _by_unique(frame["period"], normalise_period)
    plain = frame["value"].str.fullmatch(PLAIN_NUMBER).fillna(False).astype(bool)
    errors: dict = {i: [e] for i, e in frame["_parse_error"].dropna().items()}
    for i, printed in frame["period"][frame["period"].isin(period_errors.keys())].items():
        errors.setdefault(i, []).append(period_errors[printed])
    others = frame.index[~plain]
    read = dict(zip(FIGURE_COLUMNS, ({} for _ in FIGURE_COLUMNS)))  # row -> value, for the other rows
    for i, (*figure, error) in zip(others, read_figures(frame["value"][~plain], unit[~plain], qualifier[~plain])):
        for column, value in zip(FIGURE_COLUMNS, figure):
            read[column][i] = value
        if error:
            errors.setdefault(i, []).append(error)

    def merged(vectorised: "pd.Series", column: str) -> "pd.Series":
        one_by_one = pd.Series(read[column], dtype="str").reindex(frame.index)
        return vectorised.where(plain, one_by_one).astype("str")

    no_marker = pd.Series(None, index=frame.index, dtype="str")
    parse_error = pd.Series({i: "; ".join(r) for i, r in errors.items()}, dtype="str").reindex(frame.index)
    return frame.assign(
        _number=merged(frame["value"], "_number"),
        _number_upper=merged(no_marker, "_number_upper"),
        _unit=merged(unit, "_unit"),
        _qualifier=merged(qualifier, "_qualifier"),
        _period=period,
        _missing=merged(no_marker, "_missing"),
        _parse_error=parse_error.astype("str"),
    )
