"""The preview of a table in the Dagster UI: a Markdown table made from a query's rows."""

import duckdb

from pipelines.core.metadata import markdown_table


def test_a_preview_keeps_every_row_and_escapes_what_would_break_the_table():
    con = duckdb.connect()
    table = markdown_table(con.execute("select * from (values (1, 'a|b'), (null, 'two\nlines')) as t(n, s)"))

    assert table.splitlines() == ["| n | s |", "|---|---|", "| 1 | a\\|b |", "|  | two lines |"]


def test_an_empty_table_still_shows_its_columns():
    con = duckdb.connect()

    assert markdown_table(con.execute("select 1 as n, 'x' as s where false")) == "| n | s |\n|---|---|"
