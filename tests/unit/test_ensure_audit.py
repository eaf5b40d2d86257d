"""ensure_audit: the audit tables made sure of once per connection opened outside a transaction, and every time on
a connection that may be inside one (what it creates there is gone if the transaction rolls back)."""

import duckdb

from pipelines.core.ledger import audited, ensure_audit


def audit_tables(con) -> int:
    return con.execute("select count(*) from duckdb_tables() where schema_name = 'audit'").fetchone()[0]


def test_a_committed_connection_is_checked_once_and_its_cursors_not_at_all():
    con = duckdb.connect()
    ensure_audit(con, committed=True)
    assert audit_tables(con) > 5
    con.execute("drop schema audit cascade")  # nothing does this while a run holds a connection
    ensure_audit(con)
    assert audit_tables(con) == 0  # not looked for again: the check was skipped
    cursor = audited(con.cursor())
    ensure_audit(cursor)
    assert audit_tables(cursor) == 0


def test_a_connection_inside_a_transaction_is_checked_every_time():
    con = duckdb.connect()
    con.execute("begin")
    ensure_audit(con)
    con.execute("rollback")  # the tables it created are gone with the transaction
    assert audit_tables(con) == 0
    ensure_audit(con)
    assert audit_tables(con) > 5
    other = duckdb.connect()
    ensure_audit(other, committed=True)
    con.execute("drop schema audit cascade")
    ensure_audit(con)  # another connection's check is not this one's
    assert audit_tables(con) > 5
