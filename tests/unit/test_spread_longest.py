"""spread_longest on made-up test lists: where the fuzz shards land in the parts pytest-xdist's worksteal cuts."""

from types import SimpleNamespace

import pytest

from tests.conftest import LONGEST, MEANWHILE, spread_longest


def made_up(shards: int, others: int) -> list:
    return (
        [SimpleNamespace(originalname=LONGEST, name=f"shard{k}") for k in range(shards)]
        + [SimpleNamespace(originalname="test_other", name=f"other{k}") for k in range(others)]
        + [SimpleNamespace(originalname=MEANWHILE[0], name="meanwhile")]
    )


def worksteal_parts(items: list, workers: int) -> list[list]:
    """The parts as WorkStealingScheduling.check_schedule sends them: len(pending) // nodes remaining, in turn."""
    pending, parts = list(items), []
    for k in range(workers):
        size = len(pending) // (workers - k)
        parts.append(pending[:size])
        del pending[:size]
    return parts


@pytest.mark.parametrize(("workers", "shards", "others"), [(1, 4, 10), (2, 4, 500), (3, 4, 500), (4, 4, 7)])
def test_each_worker_starts_on_its_shards_and_no_test_is_lost(workers, shards, others):
    items = made_up(shards, others)
    before = [item.name for item in items]

    spread_longest(items, workers)

    assert sorted(item.name for item in items) == sorted(before)
    for k, part in enumerate(worksteal_parts(items, workers)):
        mine = [f"shard{j}" for j in range(k, shards, workers)]  # round-robin: worker k starts on shards k, k + n
        if k == 1:  # the second worker first runs the test that needs no shared build, while the first builds it
            mine = ["meanwhile", *mine]
        assert [item.name for item in part[: len(mine)]] == mine
