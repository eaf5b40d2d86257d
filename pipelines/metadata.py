"""Asset metadata the Dagster UI shows: row count, column schema and a preview of a DuckDB table."""

import dagster as dg
import duckdb

PREVIEW_ROWS = 10


def table_metadata(con: duckdb.DuckDBPyConnection, qualified_name: str) -> dict:
    columns = con.execute(f"describe {qualified_name}").fetchall()
    row_count = con.execute(f"select count(*) from {qualified_name}").fetchone()[0]
    preview = con.execute(f"select * from {qualified_name} limit {PREVIEW_ROWS}").df()
    return {
        "dagster/row_count": dg.MetadataValue.int(int(row_count)),
        "dagster/column_schema": dg.TableSchema(
            columns=[dg.TableColumn(name=name, type=str(type_)) for name, type_, *_ in columns]
        ),
        "table": dg.MetadataValue.text(qualified_name),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False)),
    }
