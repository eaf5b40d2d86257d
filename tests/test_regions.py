"""The whole country as it changes: every GB/T 2260 code of the history as a type-2 dimension, the changes between
revisions, and files that name regions the way publishers do. The cases are real ones of the history (a rename, a
county turned district, a merge, a split, a reused code); the figures in the test files are SYNTHETIC."""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_published, refresh

PROVINCES = (
    "北京市 天津市 河北省 山西省 内蒙古自治区 辽宁省 吉林省 黑龙江省 上海市 江苏省 浙江省 安徽省 福建省 江西省 山东省 "
    "河南省 湖北省 湖南省 广东省 广西壮族自治区 海南省 重庆市 四川省 贵州省 云南省 西藏自治区 陕西省 甘肃省 青海省 "
    "宁夏回族自治区 新疆维吾尔自治区"
).split()
# by_name.csv: line -> (region, parent, period); the lines after them are ordinary figures by code
BY_NAME = {
    2: ("朝阳区", "", "2023"),  # Beijing's or Changchun's: no parent, so quarantined with both
    3: ("朝阳区", "北京市", "2022"),
    4: ("即墨", "", "2016"),  # the county-level city of the time
    5: ("即墨", "", "2019"),  # the district since 2017
    6: ("深圳", "", "2022"),
    7: ("吉林", "", "2022"),  # the province, not the prefecture of the same short name
    8: ("黔东南州", "", "2022"),
    9: ("铜山县", "", "2005"),  # merged into 320312 铜山区 in 2010
    10: ("火星市", "", "2022"),  # no such region
}


@pytest.fixture(scope="module")
def published(tmp_path_factory, template):
    warehouse = copy_published(template, tmp_path_factory.mktemp("regions"))
    folder = Path(warehouse.raw_dir) / "observations"
    rows = ["2023年各省（区、市）地区生产总值（合成测试数据）", "单位：亿元", "地区,指标代码,时期,数值,单位"]
    rows += [f"{name},gdp,2023,{20000 + 500 * i}.5,亿元" for i, name in enumerate(PROVINCES)]
    (folder / "provinces_2023.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = ["region,parent,region_code,indicator_code,period,value,unit"]
    rows += [
        f"{region},{parent},,gdp,{period},{1000 + line},亿元" for line, (region, parent, period) in BY_NAME.items()
    ]
    rows += ["广州市,,440300,gdp,2021,30000,亿元", ",,370282,gdp,2019,1500,亿元", ",,370282,gdp,2015,1000,亿元"]
    rows += [f",,440300,online_retail_sales,{2000 + m // 12}-{m % 12 + 1:02d},{100 + m},亿元" for m in range(120)]
    (folder / "by_name.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rows = [
        "北京市各区2023年地区生产总值（合成测试数据）",
        "区划名称,指标代码,时期,数值,单位",
        "朝阳区,gdp,2023,7000,亿元",
        "海淀区,gdp,2023,9000,亿元",
    ]
    (folder / "beijing_districts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        yield con, result


def test_dim_region_holds_every_code_of_the_history(published):
    con, _ = published
    current = dict(con.execute("select level, count(*) from dim_region where is_current group by all").fetchall())
    assert current["province"] == 34 and current["prefecture"] > 300 and current["county"] > 2800
    assert sum(current.values()) > 3000
    (versions,) = con.execute("select count(*) from dim_region").fetchone()
    assert versions > 6000
    overlapping = con.execute("""
        select count(*) from dim_region as a join dim_region as b
            on a.region_code = b.region_code and a.region_key < b.region_key
            and coalesce(a.valid_from, date '0001-01-01') <= coalesce(b.valid_to, date '9999-12-31')
            and coalesce(b.valid_from, date '0001-01-01') <= coalesce(a.valid_to, date '9999-12-31')
    """).fetchone()
    assert overlapping == (0,)


def versions(con, code: str) -> list[tuple]:
    return con.execute(
        "select name_zh, valid_from::varchar, valid_to::varchar, is_current from dim_region where region_code = ? "
        "order by valid_from nulls first",
        [code],
    ).fetchall()


def changes(con, where: str) -> set[tuple]:
    return set(
        con.execute(
            f"select old_code, new_code, change_type, effective_from::varchar from region_code_change where {where}"
        ).fetchall()
    )


def test_jimo_becomes_a_district_of_qingdao(published):
    con, _ = published
    assert versions(con, "370282") == [("即墨市", "1995-12-01", "2017-10-31", False)]
    assert versions(con, "370215") == [("即墨区", "2017-11-01", None, True)]
    assert changes(con, "'370282' in (old_code, new_code)") == {
        ("379013", "370282", "recode", "1995-12-01"),  # the provincial code of the county-level city before
        ("370282", "370215", "county-to-district", "2017-11-01"),
    }


def test_real_changes_of_each_type(published):
    con, _ = published
    assert versions(con, "420600") == [("襄樊市", None, "2010-11-30", False), ("襄阳市", "2010-12-01", None, True)]
    assert ("420600", "420600", "rename", "2010-12-01") in changes(con, "old_code = '420600'")
    assert changes(con, "new_code = '320312'") == {
        ("320304", "320312", "merge", "2010-10-01"),
        ("320323", "320312", "merge", "2010-10-01"),
    }
    assert changes(con, "old_code = '411123'") == {
        ("411123", "411103", "split", "2004-09-01"),
        ("411123", "411104", "split", "2004-09-01"),
    }
    # 610304 was 杨陵区 in 1982-83, then moved to 610403; from 2003 the code is 陈仓区: two regions
    assert [v[0] for v in versions(con, "610304")] == ["杨陵区", "陈仓区"]
    assert (None, "610304", "reuse", "2003-06-01") in changes(con, "new_code = '610304'")
    types = {t for (t,) in con.execute("select distinct change_type from region_code_change").fetchall()}
    assert types == {"rename", "county-to-district", "recode", "merge", "split", "abolish", "new", "reuse"}


def test_names_are_english_compiled_or_generated(published):
    con, _ = published
    names = dict(
        con.execute(
            "select region_code || ' ' || name_zh, name_en || ' / ' || name_en_origin from dim_region where is_current "
            "and region_code in ('440000', '653100', '370215', '110105', '522600', '540000')"
        ).fetchall()
    )
    assert names == {
        "440000 广东省": "Guangdong Province / compiled",
        "540000 西藏自治区": "Tibet Autonomous Region / compiled",
        "653100 喀什地区": "Kashgar Prefecture / compiled",
        "370215 即墨区": "Jimo District / compiled",
        "110105 朝阳区": "Chaoyang District / generated",
        "522600 黔东南苗族侗族自治州": "Qiandongnan Miao and Dong Autonomous Prefecture / generated",
    }
    assert con.execute("select count(*) from dim_region where name_en is null").fetchone() == (0,)


def test_a_file_of_all_31_provinces_by_chinese_name_loads(published):
    con, _ = published
    loaded = con.execute(
        "select published_region, region_code, region_level from v_observation where source_code = 'provinces_2023' "
        "order by region_code"
    ).fetchall()
    assert len(loaded) == 31
    assert {level for _, _, level in loaded} == {"province"}
    assert ("广西壮族自治区", "450000", "province") in loaded and ("北京市", "110000", "province") in loaded


def test_names_resolve_to_the_region_of_their_period(published):
    con, _ = published
    resolved = dict(
        con.execute(
            "select _line, region_code from fact_observation join dim_region using (region_key) "
            "where _file like '%by_name.csv' and _line <= 10"
        ).fetchall()
    )
    assert resolved == {3: "110105", 4: "370282", 5: "370215", 6: "440300", 7: "220000", 8: "522600", 9: "320323"}
    by_title = con.execute(
        "select published_region, region_code from v_observation where source_code = 'beijing_districts' order by 1"
    ).fetchall()
    assert by_title == [("朝阳区", "110105"), ("海淀区", "110108")]  # the title names 北京市


def test_names_and_codes_that_do_not_fit_are_quarantined_with_the_candidates(published):
    con, _ = published
    reasons = dict(
        con.execute("select _line, _reason from quarantine.observations where _file like '%by_name.csv'").fetchall()
    )
    assert set(reasons) == {2, 10, 11, 12}
    assert "several regions are named 朝阳区 in 2023: 110105 (北京市), 220104 (长春市); give its parent" in reasons[2]
    assert "no region is named 火星市 in 2022" in reasons[10]
    assert "a region's code and name, both given, are the same region" in reasons[11]  # 440300 is not 广州市
    assert "370282 (即墨市) ended 2017-10-31; see 370215 (即墨区)" in reasons[12]


def test_facts_meet_the_version_of_their_period_and_restate_one_to_one(published):
    con, _ = published
    current = dict(
        con.execute(
            "select published_region || ' ' || period_code, restatement from v_observation_current "
            "where published_region in ('即墨', '铜山县')"
        ).fetchall()
    )
    assert current["即墨 2016"] == "restated: 370282 -> 370215 (county-to-district 2017-11-01)"
    assert current["即墨 2019"] == "unchanged"
    assert (
        current["铜山县 2005"].startswith("not restated")
        and "merge into 320312 铜山区 on 2010-10-01" in current["铜山县 2005"]
    )
    (old_code_figure,) = con.execute(
        "select region_code, current_region_code, restated from v_observation_current where source_code = 'by_name' "
        "and period_code = '2015'"
    ).fetchall()
    assert old_code_figure == ("370282", "370215", True)  # reported under the old code, restated on today's


def test_the_seed_figures_land_where_they_did(published):
    con, _ = published
    seed = dict(
        con.execute(
            "select region_code, count(*) from v_observation where source_code = '2024-02_newspaper_regional_page' "
            "group by all"
        ).fetchall()
    )
    assert seed == {"440300": 75, "370215": 17, "511502": 1}


def test_a_file_without_a_listed_source_is_registered_and_warned_about(published):
    con, result = published
    sources = dict(con.execute("select source_code, citation from dim_source").fetchall())
    assert "by_name" in sources and sources["by_name"] is None
    (warning,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "warnings"]
    assert (
        not warning.passed
        and "observations/by_name.csv" in warning.description
        and "no citation yet" in warning.description
    )
