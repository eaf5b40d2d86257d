"""What the Dagster UI shows explains itself: every asset's description, group, kind and, once built, its
column schema, row count and preview; every check's purpose; the schedule's time and time zone."""

import dagster as dg

from pipelines.assets import all_assets, all_checks
from pipelines.definitions import defs


def specs():
    return [spec for asset in all_assets for spec in asset.specs]


def test_every_asset_has_a_description_a_group_and_a_kind():
    for spec in specs():
        name = spec.key.to_user_string()
        assert spec.description and len(spec.description) > 40, name
        assert spec.group_name in FLOW, name
        assert spec.kinds, name


FLOW = ["reference", "review", "observations", "marts", "publish", "lake"]


def test_asset_groups_follow_the_flow_with_no_edge_back():
    """The UI's lineage of groups reads left to right: reference data (regions, indicators, units, bounds, rules and
    what is built from them alone), review, the observations resolved against them, the marts, the publish."""
    group = {spec.key: spec.group_name for spec in defs.resolve_all_asset_specs()}
    edges = {
        (group[dep.asset_key], group[key])
        for key in group
        for dep in defs.resolve_assets_def(key).specs_by_key[key].deps
    }
    back = {(a, b) for a, b in edges if FLOW.index(a) > FLOW.index(b)}
    assert not back, f"groups that feed a group before them in the flow: {back}"
    assert {"dim_region": "reference", "raw/rules": "reference", "raw/observations": "observations"}.items() <= {
        k.to_user_string(): g for k, g in group.items()
    }.items()


def test_every_check_says_what_it_checks():
    for checks in all_checks:
        for spec in checks.check_specs:
            assert spec.description and len(spec.description) > 40, spec.key.to_user_string()


def test_the_schedule_says_when_and_in_which_time_zone():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert "02:00" in schedule.description and "Asia/Shanghai" in schedule.description
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 2 * * *", "Asia/Shanghai")


def test_every_materialization_carries_schema_row_count_and_preview(first_refresh):
    _, result = first_refresh  # the session's refresh from nothing
    assert result.success
    materialized = {
        m.asset_key.to_user_string(): m.materialization.metadata for m in result.get_asset_materialization_events()
    }
    assert set(materialized) == {spec.key.to_user_string() for spec in specs()}
    for name, metadata in materialized.items():
        assert isinstance(metadata["dagster/row_count"].value, int), name
        assert (
            isinstance(metadata["dagster/column_schema"].value, dg.TableSchema)
            and metadata["dagster/column_schema"].value.columns
        ), name
        assert metadata["preview"].value.strip(), name
    assert materialized["fact_observation"]["dagster/row_count"].value == 93
    assert materialized["report"]["charts"].value == 2
