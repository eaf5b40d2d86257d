"""Writes the malformed and awkward source files of tests/corpus/ (run once; the files are committed).

All figures here are synthetic test data, not published statistics."""

import random
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "region_code,indicator_code,period,value,unit,qualifier,entity,status,note\n"


def write(name: str, text: str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(text.encode(encoding))


def corpus() -> None:
    good = "440300,gdp,2023,34606.40,亿元,,,,\n440300,gdp_growth_yoy,2023,6,%,,,,\n"
    # 40 good rows, so that one or two bad rows stay under the 5% share that makes a file an ERROR
    many = good + "".join(
        f"440300,online_retail_sales,{2019 + i // 12}-{i % 12 + 1:02d},{100 + i}.5,亿元,,,,synthetic\n"
        for i in range(38)
    )
    write("utf8_bom.csv", "\ufeff" + HEADER + good)
    write(
        "gbk.csv",
        "地区代码,指标代码,时期,数值,单位\n440300,gdp,2023,34606.40,亿元\n370215,online_retail_sales,2023,135,亿元\n",
        "gbk",
    )
    write(
        "gb18030.csv",
        "地区代码,指标代码,时期,数值,单位,备注\n440300,gdp,2023,34606.40,亿元,𠀀 rare character\n",
        "gb18030",
    )
    # Excel's "Unicode text": UTF-16 little-endian with its BOM, tab-separated
    write("excel_unicode_text.txt", "\ufeff" + (HEADER + good).replace(",", "\t"), "utf-16-le")
    write("cr_line_ends.csv", (HEADER + good).replace("\n", "\r"))  # old Mac text: CR alone ends a line
    write("tab_separated.tsv", HEADER.replace(",", "\t") + good.replace(",", "\t"))
    write("semicolon.csv", HEADER.replace(",", ";") + good.replace(",", ";"))
    write(
        "thousands_separators.csv",
        HEADER + '440300,gdp,2023,"34,606.40",亿元,,,,\n440300,vehicle_sales,2023,"3,024,417",辆,,比亚迪,,\n',
    )
    write(
        "fullwidth.csv",
        HEADER + "440300,gdp,２０２３,３４６０６．４０,亿元,,,,\n440300,gdp_growth_yoy,2023,６％,,,,,\n",
    )
    write(
        "multiplier_in_cell.csv",
        HEADER + "440300,goods_trade_total,2023,3.87万亿,元,,,,\n370215,online_retail_sales,2023,135亿元,,,,,\n",
    )
    write("percent_signs.csv", HEADER + "440300,gdp_growth_yoy,2023,6%,%,,,,\n440300,rd_intensity,2023,5.81%,,,,,\n")
    write(
        "falls.csv",
        HEADER + "440300,gdp_growth_yoy,2023,下降3.2%,,,,,\n440300,secondary_industry_va_growth_yoy,2023,-3.2,%,,,,\n",
    )
    write(
        "qualifiers_in_cell.csv",
        HEADER + "440300,high_tech_enterprises,2023,超2.4万,家,,,,\n"
        "370215,textile_apparel_enterprises,2024-02,3800余,家,,,,\n"
        "440300,drone_pilots_trained_per_year,2024-02,近万,人,,,,\n"
        "370215,garment_output_per_year,2024-02,约8亿,件,,,,\n",
    )
    write(
        "missing_markers.csv",
        HEADER + "440300,gdp,2019,—,亿元,,,,\n440300,gdp,2020,-,亿元,,,,\n440300,gdp,2021,…,亿元,,,,\n"
        "440300,gdp,2022,,亿元,,,,\n440300,gdp,2018,NA,亿元,,,,\n",
    )
    write(
        "chinese_headers.csv",
        "地区代码,指标代码,时期,数值,单位,限定词,企业,状态,备注\n440300,gdp,2023,34606.40,亿元,,,,\n",
    )
    write("missing_required_column.csv", "region_code,indicator_code,value,unit\n440300,gdp,34606.40,亿元\n")
    write("extra_column.csv", HEADER.rstrip("\n") + ",reporter\n440300,gdp,2023,34606.40,亿元,,,,,Li\n")
    write("empty.csv", "")
    write("header_only.csv", HEADER)
    (HERE / "binary_garbage.csv").write_bytes(bytes(random.Random(7).randrange(256) for _ in range(2048)))
    write("truncated_last_line.csv", HEADER + many + "440300,gdp,20")
    write("duplicate_conflicting.csv", HEADER + many + "440300,gdp,2023,34606.41,亿元,,,,\n")
    write("unknown_region.csv", HEADER + many + "999999,gdp,2023,1.0,亿元,,,,\n")
    write("unknown_indicator.csv", HEADER + many + "440300,gdp_per_dragon,2023,1.0,亿元,,,,\n")
    write("period_with_nian.csv", HEADER + "440300,gdp,2023年,34606.40,亿元,,,,\n")
    write("period_month_13.csv", HEADER + many + "440300,gdp,2023-13,2880.1,亿元,,,,\n")
    write("unquoted_comma.csv", HEADER + many + "440300,gdp,2022,32387.68,亿元,,,,revised, later\n")
    write("conflicting_units.csv", HEADER + many + "440300,gdp,2022,135亿元,家,,,,\n")
    write("title_rows.csv", "深圳市主要经济指标（合成测试数据）\n单位：亿元\n\n" + HEADER + good)
    # regions whose codes are the same from 1980 on, two indicators, months from 1900-01
    regions = ["000000", "440000", "440300", "370000", "370200", "510000"]
    rows = [
        f"{regions[i % 6]},{['online_retail_sales', 'gdp'][i // 6 % 2]},{1900 + i // 12 // 12}-{i // 12 % 12 + 1:02d},"
        f"{random.Random(i).randint(1, 999)}.5,亿元,,,,synthetic\n"
        for i in range(20000)
    ]
    rows[12345] = rows[12345].replace(",亿元,", ",亿元x,")
    write("large_one_bad_row.csv", HEADER + "".join(rows))
    xlsx()


def xlsx() -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "说明"
    notes["A1"] = "synthetic test workbook"
    data = book.create_sheet("数据")
    data["A1"] = "深圳市主要经济指标（合成测试数据）"
    data.merge_cells("A1:E1")
    data["A2"] = "单位：亿元"
    data.merge_cells("A2:E2")
    data.append([])
    data.append(["地区代码", "指标代码", "时期", "数值", "单位"])
    data.append(["440300", "gdp", "2023", 34606.4, "亿元"])
    data.append([440300, "gdp", 2022, "32,387.68", "亿元"])
    book.save(HERE / "named_sheet_title_rows.xlsx")

    first = Workbook()
    sheet = first.active
    sheet.title = "Sheet1"
    sheet.append(["region_code", "indicator_code", "period", "value", "unit"])
    sheet.append(["370215", "online_retail_sales", "2023", 135, "亿元"])
    first.save(HERE / "first_sheet.xlsx")


if __name__ == "__main__":
    corpus()
