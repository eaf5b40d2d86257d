-- The figures the consistency rules (data/raw/rules) read: published with a value, of a status the rules compare
-- (stg_obs_statuses), of an indicator some rule names, with the codes the rules match on, the rounding of the printed
-- figure (precision) and where it is printed (file, line, column).
-- consistency_gap compares those printed without a qualifier; derived_observation also derives from lower bounds.
-- release_group: the rules compare the current figures with each other (group 0), and the figures of one publication
-- with each other (its source_key) when a later release has replaced some of them: a publication's own figures are
-- still checked together once another one revises part of them.
with figures as (
    select
        facts.observation_key,
        facts.region_key,
        regions.region_code,
        regions.parent_code,
        facts.entity_name,
        indicators.indicator_code,
        indicators.price_basis,
        periods.period_code,
        periods.end_date,
        facts.value,
        coalesce(facts.precision, 0) as precision,
        facts.qualifier,
        facts.source_key,
        facts._file,
        facts._line,
        facts._column
    from fact_observation as facts
    join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    join dim_region as regions on regions.region_key = facts.region_key
    join dim_period as periods on periods.period_key = facts.period_key
    where facts.value is not null
        and facts.obs_status in (select obs_status from staging.stg_obs_statuses where compared)
        and indicators.indicator_code in (select unnest(list_prepend(indicator_code, inputs)) from staging.stg_rules)
),

superseded as (  -- the figures a later release replaced (few), and the publications they are of
    select observation_key, source_code from observation_revision where not is_current
),

revised_sources as (
    select source_key from dim_source where source_code in (select source_code from superseded)
)

select
    grouped.*,
    -- what the rules join on: a region within its group (one key, so that join estimates stay those of a region)
    grouped.region_code || '/' || grouped.release_group as group_region
from (
    select
        figures.*,
        superseded.observation_key is null as is_current,
        -- one scan of the figures: a current figure in group 0, a figure of a partly revised publication in its own too
        unnest(case
            when revised_sources.source_key is null then [0]
            when superseded.observation_key is null then [0, figures.source_key]
            else [figures.source_key]
        end) as release_group
    from figures
    left join superseded
        on superseded.observation_key = figures.observation_key
    left join revised_sources
        on revised_sources.source_key = figures.source_key
) as grouped
