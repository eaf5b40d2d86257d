"""Numbers as printed in Chinese statistical reports -> number, unit, qualifier, or a missing marker.

'超2.4万家' -> 2.4, '万家', qualifier '超';  '３４６０６．４０' -> 34606.40;  '下降3.2%' -> -3.2, '%';
'近万人' -> 10000, '人', qualifier '近';  '—' -> missing.  Multipliers stay in the unit ('万家'); the
units table turns them into base units.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import cn2an

MISSING_MARKERS = {"", "—", "——", "–", "-", "--", "…", "……", "...", "na", "n/a", "n.a.", "nan", "null", "none", "无", "/", "x", "*"}
PREFIX_QUALIFIERS = ["超过", "突破", "接近", "大约", "超", "逾", "近", "约"]
SUFFIX_QUALIFIERS = ["以上", "左右", "余", "多"]
FALL_WORDS = ["下降", "减少", "下滑", "回落", "负"]
RISE_WORDS = ["增长", "增加", "上升", "提高", "同比增长", "同比"]
MULTIPLIERS = ["万亿", "千亿", "百亿", "十亿", "千万", "百万", "十万", "亿", "万", "千", "百"]
CHINESE_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+")
ARABIC = re.compile(r"^\d+(?:,\d{3})*(?:\.\d+)?|^\d+(?:\.\d+)?")


@dataclass(frozen=True)
class PrintedNumber:
    number: Decimal | None  # None when the cell is a missing marker
    unit: str = ""  # unit text found in the cell, multiplier included ('万家', '亿元', '%')
    qualifier: str = ""  # qualifier word as printed ('超', '余', '近', '约', '以上', ...)
    missing_marker: str | None = None  # the marker when the figure is missing ('—', 'NA', '')


class NumberFormatError(ValueError):
    """A cell that is neither a number as printed nor a missing marker."""


def _strip_prefix(text: str, words: list[str]) -> tuple[str, str]:
    for word in words:
        if text.startswith(word):
            return word, text[len(word):].lstrip()
    return "", text


def _strip_suffix(text: str, words: list[str]) -> tuple[str, str]:
    for word in words:
        if text.endswith(word):
            return word, text[: -len(word)].rstrip()
    return "", text


def parse_printed(cell: str | None) -> PrintedNumber:
    """Read one printed figure; raises NumberFormatError saying what is wrong with it."""
    original = "" if cell is None else str(cell)
    text = unicodedata.normalize("NFKC", original).strip().replace("\u2212", "-").replace(" ", "")
    if text.lower() in MISSING_MARKERS:
        return PrintedNumber(number=None, missing_marker=original.strip())
    sign = 1
    fall, text = _strip_prefix(text, FALL_WORDS)
    if fall:
        sign = -1
    else:
        _, text = _strip_prefix(text, RISE_WORDS)
    qualifier, text = _strip_prefix(text, PREFIX_QUALIFIERS)
    if text.startswith(("-", "+")):
        sign, text = (-sign if text[0] == "-" else sign), text[1:]
    if match := ARABIC.match(text):
        digits, rest = match.group(0).replace(",", ""), text[match.end():]
        number = Decimal(digits)
    elif match := CHINESE_NUMERAL.match(text):
        numeral, rest = match.group(0), text[match.end():]
        # a leading multiplier alone means one of it: 近万 = 1万, 百万 = 1百万
        if numeral[0] in "十百千万亿":
            numeral = "一" + numeral
        try:
            number = Decimal(str(cn2an.cn2an(numeral, "smart")))
        except ValueError:
            raise NumberFormatError(f"'{original}': '{match.group(0)}' is not a Chinese numeral cn2an can read") from None
    else:
        raise NumberFormatError(f"'{original}' is not a number as printed (expected e.g. 34606.40, 超2.4万, 3800余, 下降3.2%, or — for missing)")
    suffix, rest = _strip_prefix(rest, SUFFIX_QUALIFIERS[2:])  # 余/多 right after the number: 3800余家
    trailing, rest = _strip_suffix(rest, SUFFIX_QUALIFIERS[:2])  # 以上/左右 at the end: 1000家以上
    found = [q for q in (qualifier, suffix, trailing) if q]
    if len(found) > 1:
        raise NumberFormatError(f"'{original}' has more than one qualifier ({', '.join(found)})")
    if re.search(r"[\d.几数零〇一二两三四五六七八九十]", rest):
        raise NumberFormatError(f"'{original}': unexpected '{rest}' after the number (a vague or malformed figure)")
    return PrintedNumber(number=sign * number, unit=rest, qualifier=found[0] if found else "")


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
    (re.compile(r"^(\d{4})(?:-|/|\.|年)(\d{1,2})月?$"), lambda m: f"{m.group(1)}-{int(m.group(2)):02d}" if 1 <= int(m.group(2)) <= 12 else None),
    (re.compile(r"^(\d{4})(?:-|年)?(?:Q([1-4])|第?([1-4一二三四])季度)$"), lambda m: f"{m.group(1)}-Q{QUARTERS[m.group(2) or m.group(3)]}"),
]


def normalise_period(printed: str | None) -> str:
    """'2023年' -> '2023', '2023年1月' -> '2023-01', '2023年第一季度' -> '2023-Q1'."""
    text = unicodedata.normalize("NFKC", printed or "").strip().upper().replace(" ", "")
    for pattern, build in PERIOD_PATTERNS:
        if (match := pattern.match(text)) and (period := build(match)):
            return period
    raise NumberFormatError(f"period '{printed}' is not a year (2023), quarter (2023-Q1) or month (2023-01)")


def add_printed_figures(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Observation rows -> the figure read from its printed cells, in columns beside them:
    _number (decimal text), _unit, _qualifier, _period, _missing (the marker); a cell that cannot be read
    leaves its reason in _parse_error and the row goes to quarantine."""
    import pandas as pd

    numbers, units, qualifiers, periods, missing, errors = [], [], [], [], [], []
    for value, unit, qualifier, period, error in zip(
        frame["value"], frame["unit"], frame["qualifier"], frame["period"], frame["_parse_error"]
    ):
        reasons = [error] if isinstance(error, str) else []
        number = combined = found = normalised = marker = None
        try:
            printed = parse_printed(value if isinstance(value, str) else None)
            number = None if printed.number is None else format(printed.number, "f")
            marker = printed.missing_marker
            combined = combine_units(printed.unit, unit if isinstance(unit, str) else None) or None
            column_qualifier = unicodedata.normalize("NFKC", qualifier).strip() if isinstance(qualifier, str) else ""
            if printed.qualifier and column_qualifier and printed.qualifier != column_qualifier:
                raise NumberFormatError(f"qualifier '{printed.qualifier}' in the value disagrees with the qualifier column ('{column_qualifier}')")
            found = printed.qualifier or column_qualifier or None
        except NumberFormatError as problem:
            reasons.append(f"value {problem}")
        try:
            normalised = normalise_period(period if isinstance(period, str) else None)
        except NumberFormatError as problem:
            reasons.append(str(problem))
        numbers.append(number)
        units.append(combined)
        qualifiers.append(found)
        periods.append(normalised)
        missing.append(marker)
        errors.append("; ".join(reasons) or None)
    return frame.assign(
        _number=pd.Series(numbers, dtype="str", index=frame.index),
        _unit=pd.Series(units, dtype="str", index=frame.index),
        _qualifier=pd.Series(qualifiers, dtype="str", index=frame.index),
        _period=pd.Series(periods, dtype="str", index=frame.index),
        _missing=pd.Series(missing, dtype="str", index=frame.index),
        _parse_error=pd.Series(errors, dtype="str", index=frame.index),
    )
