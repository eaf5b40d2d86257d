"""Figures of the seed page, read back from the published warehouse."""

import pytest


def figure(con, region, indicator, period, entity=None):
    rows = con.execute(
        "select value, unit, qualifier, obs_status, published_value, published_unit from v_observation "
        "where region_code = ? and indicator_code = ? and period_code = ? and entity_name is not distinct from ?",
        [region, indicator, period, entity],
    ).fetchall()
    assert len(rows) == 1, f"{region} {indicator} {period} {entity}: {rows}"
    return rows[0]


def test_shenzhen_gdp_2023_and_its_growth(published):
    assert figure(published, "440300", "gdp", "2023")[:3] == (3.46064e12, "CNY", "")
    assert figure(published, "440300", "gdp_growth_yoy", "2023")[:3] == (6.0, "percent", "")


def test_jimo_online_retail_2023_and_its_growth(published):
    assert figure(published, "370215", "online_retail_sales", "2023")[:2] == (1.35e10, "CNY")
    assert figure(published, "370215", "online_retail_sales_growth_yoy", "2023")[:2] == (33.7, "percent")


def test_qualified_count_keeps_its_qualifier(published):
    value, unit, qualifier, _, printed, printed_unit = figure(published, "440300", "high_tech_enterprises", "2023")
    assert (value, unit, qualifier) == (24000.0, "enterprise", ">")
    assert (printed, printed_unit) == ("2.4", "万家")


@pytest.mark.parametrize(
    "region, indicator, period, entity, expected",
    [
        ("370215", "textile_apparel_enterprises", "2024-02", None, (3800.0, ">")),  # 3800余家
        ("440300", "drone_pilots_trained_per_year", "2024-02", None, (10000.0, "~")),  # 近万人
        ("370215", "garment_output_per_year", "2024-02", None, (8e8, "~")),  # 约8亿件
        ("440300", "roro_voyage_vehicles_shipped", "2024-01", "比亚迪", (4000.0, "~")),  # 约4000辆
        ("440300", "new_high_tech_enterprises_recognised", "2024", None, (1000.0, ">=")),  # 1000家以上
    ],
)
def test_qualifiers(published, region, indicator, period, entity, expected):
    assert figure(published, region, indicator, period, entity)[0:3:2] == expected


def test_2014_baselines(published):
    assert figure(published, "440300", "rd_expenditure", "2014")[0] == 6.43e10
    assert figure(published, "440300", "rd_intensity", "2014")[0] == 4.02


def test_targets_are_not_outcomes(published):
    status = figure(published, "440300", "industrial_investment_growth_yoy", "2024")[3]
    assert status == "target"
    targets = published.execute("select count(*) from v_observation where obs_status = 'target'").fetchone()[0]
    assert targets >= 7
    assert published.execute("select count(*) from v_observation where period_code = '2024' and obs_status <> 'target'").fetchone()[0] == 0


def test_company_figures_stay_apart_from_regional_totals(published):
    byd = figure(published, "440300", "vehicle_sales", "2023", "比亚迪")
    assert byd[:2] == (3024417.0, "vehicle")
    assert figure(published, "440300", "vehicle_exports_growth_yoy", "2023", "比亚迪")[0] == 334.2
    drone = figure(published, "440300", "revenue_growth_yoy", "2023", "深圳市巨创创新科技开发有限公司")
    assert drone[:3] == (200.0, "percent", ">")
    regional = published.execute(
        "select count(*) from v_observation where indicator_code = 'vehicle_sales' and entity_name is null"
    ).fetchone()[0]
    assert regional == 0
    kinds = dict(published.execute("select distinct entity_name, entity_kind from v_observation where entity_name is not null").fetchall())
    assert kinds == {
        "比亚迪": "company", "深圳市巨创创新科技开发有限公司": "company", "青岛诗妮歌服饰有限公司": "company",
        "光明科学城": "science_city", "深港穗科技集群": "cluster",
    }


def test_every_figure_cites_the_page(published):
    citations = published.execute(
        "select distinct s.citation from fact_observation f join dim_source s using (source_key)"
    ).fetchall()
    assert len(citations) == 1 and "000_59e38123366f00a9" in citations[0][0]


def test_all_three_regions_of_the_page(published):
    regions = {r[0] for r in published.execute("select distinct region_code from v_observation").fetchall()}
    assert regions == {"440300", "370215", "511502"}
