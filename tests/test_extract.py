"""Figures from prose: documents read, candidate observations proposed with their quotes, scored on the gold set."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.documents import DocumentError, read_document
from pipelines.extract import Catalog, Extractor
from pipelines.extract_eval import GOLD_DIR, SEED_PAGE, evaluate


@pytest.fixture(scope="module")
def catalog(warehouse) -> Catalog:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return Catalog.from_warehouse(con)


def candidates(catalog, tmp_path, text: str, name: str = "doc.txt", sidecar: str = "") -> list:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if sidecar:
        (tmp_path / (name + ".toml")).write_text(sidecar, encoding="utf-8")
    return Extractor(catalog).extract(read_document(path))


def facts(found) -> set[tuple]:
    return {(c.indicator_code, c.region_code, c.period, round(c.value, 6), c.qualifier) for c in found}


def test_the_gold_set_scores_at_least_095_precision_and_090_recall(catalog):
    result = evaluate(catalog)
    overall = result["overall"]
    assert overall.expected > 90 and len(result["patterns"]) >= 5
    assert overall.precision >= 0.95 and overall.recall >= 0.90, result["errors"]


def test_every_quote_is_the_text_at_its_offsets_and_holds_its_figure(catalog):
    for path in sorted((GOLD_DIR / "documents").glob("*.[mt]*[dt]")) + sorted((GOLD_DIR / "documents").glob("*.html")):
        if path.suffix == ".toml":
            continue
        document = read_document(path)
        found = Extractor(catalog).extract(document)
        assert found, path
        for c in found:
            assert document.text[c.start:c.end] == c.quote
            assert c.start <= c.figure_start < c.figure_end <= c.end
            assert 0 < c.confidence <= 1


def test_level_growth_and_the_respectively_list(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "嘉兴市2025年统计公报\n\n全年全市地区生产总值7865.32亿元，比上年增长5.8%。"
                       "城镇居民和农村居民人均可支配收入分别为85120元和51340元，分别增长4.6%和6.1%。\n")
    assert facts(found) == {
        ("gdp", "330400", "2025", 786532000000.0, ""), ("gdp_growth_yoy", "330400", "2025", 5.8, ""),
        ("urban_disposable_income_per_capita", "330400", "2025", 85120.0, ""),
        ("rural_disposable_income_per_capita", "330400", "2025", 51340.0, ""),
        ("urban_disposable_income_per_capita_growth_yoy", "330400", "2025", 4.6, ""),
        ("rural_disposable_income_per_capita_growth_yoy", "330400", "2025", 6.1, ""),
    }
    assert {c.pattern for c in found} == {"level", "growth", "respectively"}


def test_from_to_pairs_take_their_years_and_a_share_pair_without_years_the_last_ones(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "深圳市全社会研发投入由2014年的643亿元增长到2023年的1880.5亿元，"
                       "占地区生产总值的比重由4.02%提高至5.81%。\n", sidecar="year = 2023\n")
    assert facts(found) == {
        ("rd_expenditure", "440300", "2014", 64300000000.0, ""), ("rd_expenditure", "440300", "2023", 188050000000.0, ""),
        ("rd_intensity", "440300", "2014", 4.02, ""), ("rd_intensity", "440300", "2023", 5.81, ""),
    }
    assert {c.pattern for c in found} == {"from_to"}


def test_multiples_ranks_streaks_qualifiers_and_chinese_numerals(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "2023年，深圳市国家高新技术企业超2.4万家，是2014年的5.2倍。"
                       "深圳PCT国际专利申请量连续20年居全国城市首位。全市城镇新增就业六十五万人，常住人口约六千一百万人。\n")
    assert facts(found) == {
        ("high_tech_enterprises", "440300", "2023", 24000.0, "超"),
        ("high_tech_enterprises_multiple_vs_2014", "440300", "2023", 5.2, ""),  # 2014 is the base of the multiple, not its period
        ("pct_applications_rank", "440300", "2023", 1.0, ""), ("pct_applications_rank_streak", "440300", "2023", 20.0, ""),
        ("urban_new_jobs", "440300", "2023", 650000.0, ""), ("resident_population", "440300", "2023", 61000000.0, "约"),
    }


def test_targets_changes_and_thresholds_are_told_apart(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "桐乡市2026年政府工作报告\n\n过去一年，新增国家高新技术企业186家，总数达到1052家，"
                       "其中营业收入超亿元企业612家。今年的目标是：地区生产总值增长6%左右；单位地区生产总值能耗下降3%。\n",
                       sidecar="published_on = 2026-01-20\n")
    assert facts(found) == {
        ("high_tech_enterprises", "330483", "2025", 1052.0, ""),  # not the 186 added; not the 612 above a threshold
        ("gdp_growth_yoy", "330483", "2026", 6.0, "左右"), ("energy_intensity_change", "330483", "2026", -3.0, ""),
    }
    assert {c.period: c.status for c in found} == {"2025": "reported", "2026": "target"}


def test_a_paragraph_of_preliminary_figures_proposes_them_provisional(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "嘉兴市2025年国民经济和社会发展统计公报\n\n初步核算，全年全市地区生产总值7865.32亿元，"
                       "比上年增长5.8%。第三产业增加值占地区生产总值的比重由2024年的45.9%提高至2025年的46.7%。\n\n"
                       "全年规模以上工业增加值比上年增长7.1%。\n")
    status = {(c.indicator_code, c.period): c.status for c in found}
    assert status[("gdp", "2025")] == status[("gdp_growth_yoy", "2025")] == status[("tertiary_industry_share", "2025")] == "provisional"
    assert status[("tertiary_industry_share", "2024")] == "reported"  # the year before: not the preliminary accounts
    assert status[("industrial_va_above_size_growth_yoy", "2025")] == "reported"  # another paragraph


def test_a_middle_dot_between_digits_is_a_decimal_point(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "嘉兴市2025年统计公报\n\n全年全市地区生产总值7865·32亿元，比上年增长5·8%。\n")
    assert {(c.indicator_code, round(c.value, 6)) for c in found} == {("gdp", 786532000000.0), ("gdp_growth_yoy", 5.8)}
    assert all(c.quote in "全年全市地区生产总值7865·32亿元，比上年增长5·8%。" for c in found)  # quoted as printed


def test_a_verb_inside_a_name_still_names_it(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "嘉兴市2025年统计公报\n\n全市规模以上工业实现增加值1234.5亿元，增长6.2%。"
                       "全年第三产业完成增加值3670.15亿元。\n")
    assert facts(found) == {
        ("industrial_va_above_size", "330400", "2025", 123450000000.0, ""),
        ("industrial_va_above_size_growth_yoy", "330400", "2025", 6.2, ""),
        ("tertiary_industry_va", "330400", "2025", 367015000000.0, ""),
    }


def test_a_region_the_text_does_not_settle_is_left_empty_and_flagged(catalog, tmp_path):
    found = candidates(catalog, tmp_path, "全年地区生产总值1368.5亿元，增长6.4%。\n", sidecar="year = 2025\n")
    assert {c.indicator_code for c in found} == {"gdp", "gdp_growth_yoy"}
    assert all(c.region_code is None and any("set it" in f for f in c.flags) for c in found)
    named = candidates(catalog, tmp_path, "2025年，朝阳区地区生产总值1368.5亿元。\n", name="two.txt")
    assert [c.region_code for c in named] == [None] and "more than one place" in named[0].flags[0]


def test_html_text_gbk_and_sidecar_errors(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>标题</title><script>var x = '增长99%';</script></head>"
                    "<body><h2>一、综合</h2><p>全年增长5%。</p></body></html>", encoding="utf-8")
    document = read_document(page)
    assert document.title == "标题" and "99%" not in document.text and "## 一、综合" in document.text
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("安徽省2024年经济运行情况\n全年地区生产总值增长5.8%，城镇新增就业六十五万人。\n".encode("gb18030"))
    assert read_document(gbk).year == 2024 and "六十五万人" in read_document(gbk).text
    (tmp_path / "gbk.txt.toml").write_text("published_on = 'soon'\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"gbk\.txt\.toml: published_on = 'soon' is not a date"):
        read_document(gbk)
    with pytest.raises(DocumentError, match="a document is a .txt, .md or .html file"):
        read_document(tmp_path / "gbk.txt.toml")


def test_a_work_report_is_of_the_year_before_its_title(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("桐乡市2026年政府工作报告\n过去一年，全市地区生产总值增长6.4%。\n", encoding="utf-8")
    document = read_document(path)
    assert (document.kind, document.year) == ("report", 2025)
    path.with_name("report.txt.toml").write_text("year = 2024\npublished_on = 2025-01-20\n", encoding="utf-8")
    assert (read_document(path).year, read_document(path).published_on) == (2024, date(2025, 1, 20))


def test_regind_extract_prints_the_candidates_of_a_document(warehouse):
    document = GOLD_DIR / "documents" / "yantai_port_news.html"
    env_python = [sys.executable, "-m", "pipelines.cli", "extract", str(document), "--format", "json", "--database", str(warehouse.published_path)]
    done = subprocess.run(env_python, capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {"indicator_code", "region_code", "period", "value", "unit", "qualifier", "measure_type", "quote", "start", "end",
            "confidence"} <= set(rows[0])
    assert ("container_throughput", "370600", "2025", 5500000.0, "突破", "target") in {
        (r["indicator_code"], r["region_code"], r["period"], r["value"], r["qualifier"], r["status"]) for r in rows}
    missing = subprocess.run([*env_python[:4], "nowhere.md"], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert missing.returncode == 2 and "nowhere.md is not a file" in missing.stderr


@pytest.mark.skipif(not SEED_PAGE.exists(), reason=f"the seed page is not at {SEED_PAGE} (set REGIND_SEED_PAGE)")
def test_the_seed_page_matches_its_transcription_at_the_gold_level(catalog):
    seed = evaluate(catalog)["seed"]["overall"]
    assert seed.expected == 93
    assert seed.precision >= 0.95 and seed.recall >= 0.90


def test_publisher_and_date_come_from_lines_of_their_own(tmp_path):
    path = tmp_path / "bulletin.md"
    path.write_text("# 嘉兴市2025年国民经济和社会发展统计公报\n\n嘉兴市统计局\n\n全年地区生产总值增长5.8%。\n\n"
                    "国家统计局嘉兴调查队\n2026年3月10日\n", encoding="utf-8")
    document = read_document(path)
    assert (document.publisher, document.published_on, document.year) == ("嘉兴市统计局", date(2026, 3, 10), 2025)
    path.with_name("bulletin.md.toml").write_text("publisher = '（虚构）出版者'\npublished_on = 2026-03-11\n", encoding="utf-8")
    assert (read_document(path).publisher, read_document(path).published_on) == ("（虚构）出版者", date(2026, 3, 11))
