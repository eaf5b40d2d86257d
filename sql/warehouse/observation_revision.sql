-- Every release of each figure published more than once: one row per publication of a region (or entity) x indicator
-- x period (a target apart from the outcome), in release order. The current figure is the latest release; of
-- releases of the same day, the publication of higher precedence (dim_source), then the source code, decide. A
-- release printing no value (—) never replaces one that does. Each row gives its change from the release before and
-- from the first, and what the change is: a revision (a later release), a rounding difference, a unit slip
-- (10^4 or 10^8 apart), unchanged, or a conflict (two publications of the same day disagree beyond their rounding:
-- also a consistency_finding). Figures published once are not here: they are current, with one release.
with facts as (
    select
        observation_key,
        hash(region_key, coalesce(entity_name, ''), indicator_key, period_key, obs_status = 'target') as figure_key,
        region_key,
        entity_name,
        indicator_key,
        period_key,
        source_key,
        value,
        precision,
        published_value,
        published_unit,
        obs_status,
        _file,
        _line,
        _column
    from fact_observation
),

largest as (  -- the publication with the most figures: a figure is given once per publication (the suite's key)
    select source_key
    from fact_observation
    group by source_key
    order by count(*) desc, source_key
    limit 1
),

others as (  -- the figures of every other publication: a figure with two releases has at least one of them here
    select figure_key
    from facts
    where source_key is distinct from (select source_key from largest)
),

contested as (  -- the figures with two or more releases (most have one), found without grouping every figure: at 10
    -- million rows that took 4 s, where one publication holds nearly all of them
    select figure_key from others group by figure_key having count(*) > 1
    union
    select facts.figure_key
    from facts
    semi join others on others.figure_key = facts.figure_key
    where facts.source_key = (select source_key from largest)
),

releases as (
    select
        facts.*,
        sources.source_code,
        sources.released_on,
        sources.release_kind,
        sources.precedence
    from facts
    semi join contested
        on contested.figure_key = facts.figure_key
    left join dim_source as sources
        on sources.source_key = facts.source_key
),

ordered as (
    select
        releases.*,
        row_number() over figure as release_sequence,
        count(*) over (partition by figure_key) as releases,
        first_value(value ignore nulls)
            over (figure rows between unbounded preceding and unbounded following)
            as first_released_value,
        lag(value) over figure as previous_value,
        lag(precision) over figure as previous_precision,
        lag(released_on) over figure as previous_released_on,
        lag(source_key) over figure as previous_source_key,
        lag(observation_key) over figure as previous_observation_key,
        lead(observation_key) over figure as superseded_by
    from releases
    window figure as (
        partition by figure_key
        order by value is not null, released_on, precedence, source_code, _file, _line, _column, observation_key
    )
),

classified as (
    select
        ordered.*,
        value - previous_value as change_from_previous,
        case when previous_value <> 0 then 100 * (value - previous_value) / abs(previous_value) end
            as change_from_previous_pct,
        value - first_released_value as change_from_first,
        case when first_released_value <> 0 then 100 * (value - first_released_value) / abs(first_released_value) end
            as change_from_first_pct,
        case
            when release_sequence = 1 then 'first release'
            when value is null or previous_value is null then 'missing'
            when value = previous_value then 'unchanged'
            when abs(value - previous_value) <= coalesce(precision, 0) + coalesce(previous_precision, 0) then 'rounding'
            -- (brackets for sqlfluff: its DuckDB dialect does not parse IS DISTINCT FROM unbracketed in a select list)
            when released_on = previous_released_on and (source_key is distinct from previous_source_key)
                then 'conflict'
            when
                previous_value <> 0
                and list_bool_or(
                    [abs(value / previous_value / factor - 1) <= 0.01 for factor in [1e4, 1e8, 1e-4, 1e-8]]
                )
                then 'unit slip'
            else 'revision'
        end as change_type
    from ordered
)

select
    classified.observation_key,
    classified.figure_key,
    regions.region_code,
    classified.entity_name,
    indicators.indicator_code,
    periods.period_code,
    classified.obs_status,
    classified.release_sequence,
    classified.releases,
    classified.release_sequence = classified.releases as is_current,
    classified.superseded_by,
    classified.source_key,
    classified.source_code,
    classified.released_on,
    classified.release_kind,
    classified.precedence,
    classified.value,
    classified.precision,
    classified.published_value,
    classified.published_unit,
    classified.first_released_value,
    classified.previous_value,
    classified.previous_observation_key,
    classified.change_from_previous,
    classified.change_from_previous_pct,
    classified.change_from_first,
    classified.change_from_first_pct,
    classified.change_type,
    classified._file,
    classified._line,
    classified._column
from classified
left join dim_region as regions
    on regions.region_key = classified.region_key
left join dim_indicator as indicators
    on indicators.indicator_key = classified.indicator_key
left join dim_period as periods
    on periods.period_key = classified.period_key
