"""Numbers as printed -> number, unit, qualifier; missing markers stay missing, never zero."""

from decimal import Decimal

import pytest

from pipelines.ingest.numbers import NumberFormatError, combine_units, normalise_period, parse_printed


@pytest.mark.parametrize(
    "cell, number, unit, qualifier",
    [
        ("34606.40", "34606.40", "", ""),
        ("34,606.40", "34606.40", "", ""),
        ("３４６０６．４０", "34606.40", "", ""),
        ("3.87万亿", "3.87", "万亿", ""),
        ("135亿元", "135", "亿元", ""),
        ("6%", "6", "%", ""),
        ("６％", "6", "%", ""),
        ("下降3.2%", "-3.2", "%", ""),
        ("-3.2", "-3.2", "", ""),
        ("−3.2", "-3.2", "", ""),
        ("增长33.7%", "33.7", "%", ""),
        ("超2.4万家", "2.4", "万家", "超"),
        ("超过20亿元", "20", "亿元", "超过"),
        ("3800余家", "3800", "家", "余"),
        ("200多", "200", "", "多"),
        ("近万人", "10000", "人", "近"),
        ("约8亿件", "8", "亿件", "约"),
        ("1000家以上", "1000", "家", "以上"),
        ("15.0%以上", "15.0", "%", "以上"),
        ("百万架", "1000000", "架", ""),
        ("三千", "3000", "", ""),
        (" 888 ", "888", "", ""),
        ("3.46064E+12", "3460640000000", "", ""),  # Excel's CSV export of a large number
        ("1e-3", "0.001", "", ""),
        ("1.5e3亿元", "1500", "亿元", ""),
    ],
)
def test_printed_numbers(cell, number, unit, qualifier):
    parsed = parse_printed(cell)
    assert (parsed.number, parsed.unit, parsed.qualifier, parsed.missing_marker) == (
        Decimal(number),
        unit,
        qualifier,
        None,
    )


@pytest.mark.parametrize("cell", ["—", "-", "…", "", None, "NA", "n.a.", "  ", "——"])
def test_missing_markers_are_missing_not_zero(cell):
    parsed = parse_printed(cell)
    assert parsed.number is None and parsed.missing_marker is not None


@pytest.mark.parametrize(
    "cell, message",
    [
        ("abc", "is not a number as printed"),
        ("12.3.4", "unexpected"),
        ("超3800余", "more than one qualifier"),
        ("十几", "vague"),
        ("NaN", "not a finite number"),
        ("nan", "not a finite number"),
        ("Infinity", "not a finite number"),
        ("-inf", "not a finite number"),
        ("∞", "not a finite number"),
        ("#DIV/0!", "not a finite number"),
        ("9" * 400, "too large"),
        ("1e309", "too large"),
        ("1e-999999999", "too small"),
    ],
)
def test_unreadable_cells_say_why(cell, message):
    with pytest.raises(NumberFormatError, match=message):
        parse_printed(cell)


def test_a_huge_cell_is_quoted_by_its_start_and_length():
    with pytest.raises(NumberFormatError) as error:
        parse_printed("x" * 2_000_000)
    assert len(str(error.value)) < 300 and "2,000,000 characters" in str(error.value)


@pytest.mark.parametrize(
    "cell_unit, column_unit, combined",
    [
        ("", "亿元", "亿元"),
        ("万", "家", "万家"),
        ("万亿", "元", "万亿元"),
        ("亿元", "", "亿元"),
        ("%", "%", "%"),
        ("亿元", "元", "亿元"),
        ("", None, ""),
    ],
)
def test_units_combine(cell_unit, column_unit, combined):
    assert combine_units(cell_unit, column_unit) == combined


def test_conflicting_units_are_an_error():
    with pytest.raises(NumberFormatError, match="disagrees"):
        combine_units("亿元", "家")


@pytest.mark.parametrize(
    "printed, period",
    [
        ("2023", "2023"),
        ("2023年", "2023"),
        ("２０２３", "2023"),
        ("2023-01", "2023-01"),
        ("2023年1月", "2023-01"),
        ("2023年12月", "2023-12"),
        ("2023-Q1", "2023-Q1"),
        ("2023Q4", "2023-Q4"),
        ("2023年第一季度", "2023-Q1"),
        ("2023年三季度", "2023-Q3"),
        ("2023/1", "2023-01"),
    ],
)
def test_periods_as_printed(printed, period):
    assert normalise_period(printed) == period


@pytest.mark.parametrize("printed", ["2023-13", "20231", "23", "2023-Q5", "2023年13月", "next year", "", None])
def test_malformed_periods_say_why(printed):
    with pytest.raises(NumberFormatError, match="period"):
        normalise_period(printed)


@pytest.mark.parametrize(
    "cell, low, high, unit",
    [
        ("三四千件", "3000", "4000", "件"),
        ("两三万人", "20000", "30000", "人"),
        ("七八十个", "70", "80", "个"),
        ("3000-4000件", "3000", "4000", "件"),
        ("3000至4000", "3000", "4000", ""),
        ("1.5~2亿元", "1.5", "2", "亿元"),
    ],
)
def test_a_range_keeps_both_bounds(cell, low, high, unit):
    printed = parse_printed(cell)
    assert (printed.number, printed.upper, printed.unit) == (Decimal(low), Decimal(high), unit)


def test_a_range_upside_down_or_of_distant_digits_is_refused():
    with pytest.raises(NumberFormatError, match="upper bound is below"):
        parse_printed("4000-3000")
    with pytest.raises(NumberFormatError):
        parse_printed("三五千")  # not two neighbouring digits: not a range as printed
