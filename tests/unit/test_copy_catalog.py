"""A publish's views and comments in the older generation (pipelines/publish/generations.py): what changed is created
again, what is gone is dropped, and a view whose SQL and comment are the same stays as it is."""

import duckdb
import pytest

from pipelines.publish.generations import _copy_catalog


@pytest.fixture()
def con():
    """The build (the in-memory database) and a generation attached as `gen`, both with a table `t`."""
    with duckdb.connect() as con:
        con.execute("attach ':memory:' as gen")
        for db in ("memory", "gen"):
            con.execute(f"create table {db}.main.t as select 1 as a")
        yield con


def views(con, db: str) -> dict[str, str]:
    rows = con.execute(
        "select view_name, sql from duckdb_views() where database_name = ? and not internal", [db]
    ).fetchall()
    return dict(rows)


def test_changed_views_are_created_again_gone_ones_dropped_and_the_same_ones_kept(con):
    con.execute("create view gen.main.same as select a from t")
    con.execute("create view gen.main.changed as select a from t")
    con.execute("create view gen.main.gone as select a from t")
    con.execute("create view memory.main.same as select a from t")
    con.execute("create view memory.main.changed as select a + 1 as b from t")
    con.execute("create view memory.main.added as select b from changed")
    con.execute("comment on view memory.main.same is 'the same'")  # a new comment: created again with it
    con.execute("comment on table memory.main.t is 'a table'")
    kept = con.execute(
        "select view_oid from duckdb_views() where database_name = 'gen' and view_name = 'changed'"
    ).fetchone()

    _copy_catalog(con, "memory")

    assert views(con, "gen") == views(con, "memory")
    assert con.execute("select * from gen.main.added").fetchall() == [(2,)]
    assert con.execute(
        "select comment from duckdb_views() where view_name = 'same' and database_name = 'gen'"
    ).fetchone() == ("the same",)
    assert con.execute("select comment from duckdb_tables() where database_name = 'gen'").fetchone() == ("a table",)
    assert (
        con.execute(
            "select view_oid from duckdb_views() where database_name = 'gen' and view_name = 'changed'"
        ).fetchone()
        != kept
    )


def test_a_view_with_the_same_sql_and_comment_is_not_touched(con):
    for db in ("memory", "gen"):
        con.execute(f"create view {db}.main.v as select a from t")
    before = con.execute(
        "select view_oid from duckdb_views() where database_name = 'gen' and view_name = 'v'"
    ).fetchone()

    _copy_catalog(con, "memory")

    assert (
        con.execute("select view_oid from duckdb_views() where database_name = 'gen' and view_name = 'v'").fetchone()
        == before
    )
