"""The publish's last look at a generation before it is linked in (pipelines/publish/publish.py): every table of the
contract there, at least one fact, and the rows of each, in the connection that describes the file."""

import duckdb
import pytest

from pipelines.publish.publish import CONTRACT_TABLES, verify_contract


@pytest.fixture()
def con():
    with duckdb.connect() as con:
        for table in CONTRACT_TABLES:
            con.execute(f"create table {table} (k integer)")
        yield con


def test_a_generation_with_the_whole_contract_gives_its_counts(con):
    con.execute("insert into fact_observation values (1), (2), (3)")
    con.execute("insert into dim_region values (1)")

    counts = verify_contract(con)

    assert counts == {t: {"fact_observation": 3, "dim_region": 1}.get(t, 0) for t in CONTRACT_TABLES}


def test_a_missing_table_is_named_and_nothing_is_published(con):
    con.execute("insert into fact_observation values (1)")
    con.execute("drop table dim_period")
    con.execute("drop table v_observation")

    with pytest.raises(RuntimeError, match="lacks dim_period, v_observation; materialize every asset"):
        verify_contract(con)


def test_a_generation_without_facts_is_not_published(con):
    with pytest.raises(RuntimeError, match="fact_observation is empty"):
        verify_contract(con)
