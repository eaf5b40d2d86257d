"""The fuzz harness (tests/fuzz/) in `make test`: over 200 hostile inputs made from the project's real files, each
refreshed in a worker process with a time limit, each either loaded cleanly or refused cleanly. The counts per
outcome are written to tests/artifacts/fuzz.json (the README quotes them). REGIND_FUZZ_SEED picks other cases."""

import json
import os
from pathlib import Path

from tests.fuzz.harness import DEFAULT_SEED, fuzz, summary

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_every_hostile_input_is_loaded_cleanly_or_refused_cleanly():
    seed = int(os.environ.get("REGIND_FUZZ_SEED", DEFAULT_SEED))

    results = fuzz(seed=seed)

    totals = summary(results)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz.json").write_text(
        json.dumps({"seed": seed, **totals, "results": results}, ensure_ascii=False, indent=1)
    )
    assert totals["cases"] >= 200
    assert totals["defects"] == [], "\n".join(
        f"{d['name']}: {d['outcome']}: {d['problems']}" for d in totals["defects"]
    )
    assert (
        totals["outcomes"].get("loaded", 0) > 50 and totals["outcomes"].get("refused", 0) > 50
    )  # both paths exercised
    by_name = {r["name"]: r for r in results}
    four_hundred_digits = by_name["extremes: gdp = " + repr("9" * 40)]
    assert four_hundred_digits["outcome"] == "loaded" and four_hundred_digits["quarantined"] == 1
