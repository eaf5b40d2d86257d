"""The explorer (`regind serve`) in a real browser: Debian's chromium, headless, as in test_browser.py. It searches,
reads a series chart, downloads a CSV and draws a map of the provinces. Its screenshots (tests/artifacts/explorer_*)
are the README's."""

import csv
import io
import os
import urllib.parse
from pathlib import Path

import pytest

from tests.conftest import refresh
from tests.test_browser import ARTIFACTS, wait_for_text
from tests.test_explorer import get, serve

pytestmark = pytest.mark.skipif(
    os.environ.get("REGIND_SKIP_BROWSER") == "1", reason="REGIND_SKIP_BROWSER=1: the browser tests were turned off"
)

PROVINCES = {  # the 31 of the mainland, with synthetic figures (亿元): the map test's own data, not facts
    code: 1000 + 500 * i
    for i, code in enumerate(
        "110000 120000 130000 140000 150000 210000 220000 230000 310000 320000 330000 340000 350000 360000 370000 "
        "410000 420000 430000 440000 450000 460000 500000 510000 520000 530000 540000 610000 620000 630000 640000 "
        "650000".split()
    )
}


@pytest.fixture(scope="module")
def explorer(warehouse):
    url, stop = serve(Path(warehouse.published_path))
    yield url
    stop()


@pytest.fixture(autouse=True)
def window(browser):
    browser.set_window_size(1280, 1000)  # the README's screenshots: a laptop's window


def shot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"explorer_{name}.png"))


def wait_for(browser, css: str, attribute: str, seconds: int = 60) -> str:
    """An element's attribute once the page's script has set it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, seconds).until(
        lambda b: (
            (b.find_elements(By.CSS_SELECTOR, css) or [None])[0] is not None
            and b.find_element(By.CSS_SELECTOR, css).get_attribute(attribute)
        )
    )


def test_search_for_shenzhen_reaches_its_page(browser, explorer):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(explorer)
    box = browser.find_element(By.CSS_SELECTOR, "header input[name=q]")
    box.send_keys("深圳", Keys.ENTER)
    wait_for_text(browser, ["Search: 深圳", "深圳市 (440300)"])
    shot(browser, "search")
    browser.find_element(By.LINK_TEXT, "深圳市 (440300)").click()
    body = wait_for_text(browser, ["Latest figures", "地区生产总值", "34606.40亿元", "in 广东省"])
    assert browser.current_url.endswith("/region/440300")
    assert "rd_intensity" in body  # its consistency finding
    shot(browser, "region")


def test_the_gdp_series_chart_has_the_seeds_points(browser, explorer):
    from selenium.webdriver.common.by import By

    status, series = get(explorer, "/api/series", region="440300", indicator="gdp")
    browser.get(f"{explorer}/series/440300/gdp")
    points = wait_for(browser, "#chart", "data-points")
    assert int(points) == len(series["items"]) == 1  # the seed page gives Shenzhen's GDP of 2023 alone
    assert browser.find_elements(By.CSS_SELECTOR, "#chart canvas"), "ECharts drew nothing"
    body = wait_for_text(browser, ["34606.40亿元", "observations/2024-02_newspaper_regional_page.csv, line 2"])
    assert "2024-02-29" in body  # its release
    shot(browser, "series")
    browser.find_element(By.PARTIAL_LINK_TEXT, "newspaper_regional_page.csv, line 2").click()
    wait_for_text(browser, ["line 2 of", "440300,gdp,2023,34606.40"])
    assert browser.find_element(By.CSS_SELECTOR, "table.raw tr.here").text.startswith("2 440300,gdp,2023,34606.40")


def test_a_csv_download_matches_the_api(browser, explorer):
    from selenium.webdriver.common.by import By

    browser.get(f"{explorer}/series/440300/gdp_growth_yoy")
    wait_for(browser, "#chart", "data-points")
    link = browser.find_element(By.CSS_SELECTOR, "section.table a.csv").get_attribute("href")
    path, _, query = link.removeprefix(explorer).partition("?")
    status, text = get(explorer, path, **dict(urllib.parse.parse_qsl(query)))
    status, series = get(explorer, "/api/series", region="440300", indicator="gdp_growth_yoy")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["period"], float(r["value"]), r["obs_status"]) for r in rows] == [
        (p["period"], p["value"], p["obs_status"]) for p in series["items"]
    ]
    table = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in browser.find_elements(By.CSS_SELECTOR, "section.table tbody tr")
    ]
    assert [(t[0], t[1]) for t in table] == [
        (r["period"], f"{r['published_value']}{r['published_unit']}") for r in rows
    ]


def test_the_gdp_map_of_the_provinces_draws_31_once_a_file_of_provincial_gdp_is_loaded(browser, published_once):
    raw = Path(published_once.raw_dir)
    with (raw / "sources" / "sources.csv").open("a", encoding="utf-8") as sources:
        sources.write(
            "synthetic_provinces,Synthetic provincial GDP (the explorer's map test),this project,2024-03,"
            "made up for a test,not data\n"
        )
    lines = ["region_code,indicator_code,period,value,unit,source_code"]
    lines += [f"{code},gdp,2023,{value},亿元,synthetic_provinces" for code, value in PROVINCES.items()]
    (raw / "observations" / "synthetic_provinces.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert refresh(published_once).success
    url, stop = serve(Path(published_once.published_path))
    try:
        browser.get(f"{url}/indicator/gdp?level=province&period=2023")
        assert wait_for(browser, "#map", "data-regions") == "31"
        body = wait_for_text(browser, ["Ranking, 2023", "新疆维吾尔自治区"])
        assert "16000亿元" in body  # the largest of them, ranked first
        shot(browser, "map")
    finally:
        stop()
