"""The fuzz harness (tests/fuzz/) in `make test`: over 200 hostile inputs made from the project's real files, each
refreshed in a worker process with a time limit, each either loaded cleanly or refused cleanly. The cases are shared
out among SHARDS tests of one worker process each, so that pytest's workers run them side by side with the other
tests instead of one test running two processes of its own beside them. Each shard's verdicts are written to
tests/artifacts/fuzz-<k>.json (the README quotes the counts). REGIND_FUZZ_SEED picks other cases."""

import json
import os
from pathlib import Path

import pytest

from tests.fuzz.harness import DEFAULT_SEED, fuzz, summary
from tests.fuzz.mutations import generate_cases

ARTIFACTS = Path(__file__).parent / "artifacts"
SHARDS = 4
SEED = int(os.environ.get("REGIND_FUZZ_SEED", DEFAULT_SEED))
FORTY_DIGITS = "extremes: gdp = " + repr("9" * 40)


def test_the_cases_cover_every_family_with_over_200_inputs():
    from pipelines.core.paths import DEFAULT_RAW_DIR

    cases = generate_cases(DEFAULT_RAW_DIR, SEED)
    assert len(cases) >= 200
    assert len({c.name for c in cases}) == len(cases)  # a verdict per name: none hides another
    assert FORTY_DIGITS in {c.name for c in cases}  # its verdict is asserted in its shard
    families = {c.family for c in cases}
    for k in range(SHARDS):  # every shard takes a share of the families, none only one kind
        assert len({c.family for c in cases[k::SHARDS]}) > len(families) / 2


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_hostile_input_is_loaded_cleanly_or_refused_cleanly(shard, template):
    results = fuzz(seed=SEED, workers=1, shard=(shard, SHARDS), base=template)  # the session's good data, published

    totals = summary(results)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"fuzz-{shard}.json").write_text(
        json.dumps({"seed": SEED, "shard": [shard, SHARDS], **totals, "results": results}, ensure_ascii=False, indent=1)
    )
    assert totals["defects"] == [], "\n".join(
        f"{d['name']}: {d['outcome']}: {d['problems']}" for d in totals["defects"]
    )
    outcomes = totals["outcomes"]
    assert outcomes.get("loaded", 0) > 10 and outcomes.get("refused", 0) > 10  # both paths exercised in each
    by_name = {r["name"]: r for r in results}
    forty_digits = by_name.get(FORTY_DIGITS)
    if forty_digits:  # in one shard: a number too large for any column is quarantined, not loaded or refused
        assert forty_digits["outcome"] == "loaded" and forty_digits["quarantined"] == 1
