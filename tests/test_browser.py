"""The Dagster UI and the report in a real browser: Debian's chromium, headless, driven by Selenium through
Debian's chromedriver (installed by tests/install-debian.sh; nothing is downloaded here). Screenshots are
kept in tests/artifacts/."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from pipelines.core.paths import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.skipif(
    os.environ.get("REGIND_SKIP_BROWSER") == "1", reason="REGIND_SKIP_BROWSER=1: the browser test was turned off"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """The Dagster webserver on a free port, on this project's definitions, with its own instance."""
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(PROJECT_ROOT / "dagster-instance.yaml", home / "dagster.yaml")
    port = free_port()
    log = (home / "webserver.log").open("w")
    server = subprocess.Popen(
        # as `make ui` runs it: the code location comes from pyproject.toml ([tool.dagster], "regind")
        [str(Path(sys.executable).with_name("dagster-webserver")), "-h", "127.0.0.1", "-p", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"{url}/server_info", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"the Dagster UI did not start: {(home / 'webserver.log').read_text()[-2000:]}")
            time.sleep(1)
    yield url
    server.terminate()
    server.wait(timeout=30)


def wait_for_text(driver, texts: list[str], seconds: int = 90) -> str:
    """The page's visible text once every one of texts is in it."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + seconds
    while True:
        body = driver.find_element(By.TAG_NAME, "body").text
        if all(t in body for t in texts):
            return body
        if time.monotonic() > deadline:
            missing = [t for t in texts if t not in body]
            driver.save_screenshot(str(ARTIFACTS / "failed.png"))
            raise AssertionError(
                f"{driver.current_url}: {missing} not on the page after {seconds} s; it shows: {body[:1500]}"
            )
        time.sleep(1)


GROUPS = {
    "reference": ["stg_regions", "stg_units", "dim_region", "region_current", "indicators"],
    "review": ["reviews", "candidates"],
    "observations": [
        "fact_observation",
        "stg_observations",
        "dim_indicator",
        "dim_period",
        "dim_source",
        "consistency_finding",
        "derived_observation",
    ],
    "marts": ["v_observation", "v_candidate_review"],
    "publish": ["published_warehouse", "report"],
}


def test_the_global_asset_graph_shows_the_layers(browser, ui):
    browser.get(f"{ui}/asset-groups")
    wait_for_text(browser, list(GROUPS))
    browser.save_screenshot(str(ARTIFACTS / "asset_graph.png"))


@pytest.mark.parametrize("group", list(GROUPS))
def test_each_group_graph_shows_its_assets(browser, ui, group):
    """The group's lineage graph (the warehouse group's is taller than the window), and the list of its assets."""
    browser.get(f"{ui}/locations/regind/asset-groups/{group}")
    wait_for_text(browser, GROUPS[group][:2] + (["Asset checks"] if group == "review" else []))
    browser.save_screenshot(str(ARTIFACTS / f"asset_graph_{group}.png"))
    browser.get(f"{ui}/locations/regind/asset-groups/{group}/list")
    wait_for_text(browser, GROUPS[group])


def test_a_source_table_shows_its_checks_and_what_they_check(browser, ui):
    browser.get(f"{ui}/assets/raw/observations?view=checks")
    wait_for_text(
        browser,
        [
            "Checks (4)",
            "expectations",
            "rows_conserved",
            "known_columns",
            "warnings",
            "This is a blocking asset check",
            "Great Expectations suite gx/expectations/observations.json",
            "the region exists in the row's period",
        ],
    )
    browser.save_screenshot(str(ARTIFACTS / "observations_checks.png"))


def test_the_schedule_says_when_and_in_which_time_zone(browser, ui):
    browser.get(f"{ui}/automation")
    wait_for_text(browser, ["nightly_refresh", "02:00", "GMT+8", "raw_files_sensor"])
    browser.save_screenshot(str(ARTIFACTS / "automation.png"))


def test_the_report_opens_from_disk_with_a_chart(browser, warehouse):
    from selenium.webdriver.common.by import By

    page = Path(warehouse.directory).resolve() / "report" / "index.html"
    browser.get(page.as_uri())
    body = wait_for_text(browser, ["Shenzhen", "Data quality", "quarantine.observations"], seconds=10)
    charts = browser.find_elements(By.CSS_SELECTOR, "figure.chart svg path")
    assert charts, "no chart in the report"
    caption = browser.find_element(By.CSS_SELECTOR, "figure.chart figcaption").text
    assert "R&D" in caption or "research" in caption.lower(), caption
    assert "Jimo" in body and "Cuiping" in body
    browser.save_screenshot(str(ARTIFACTS / "report.png"))
