-- Every release of every figure: one row per observation with its region, indicator, period and source, when that
-- source came out (released_on) and whether its figure is the current one (is_current; superseded_by: the release
-- that replaced it). v_observation is the current figures alone; observation_as_of(date) what was known on a day.
with facts as (
    select * from fact_observation
),

revisions as (  -- the figures published more than once (most are not)
    select * from observation_revision
),

described as (
    select
        facts.observation_key,
        facts.region_key,
        regions.region_code,
        regions.name_zh as region_name_zh,
        regions.name_en as region_name_en,
        regions.level as region_level,
        facts.entity_name,
        entities.name_en as entity_name_en,
        entities.kind as entity_kind,
        indicators.indicator_code,
        indicators.name_zh as indicator_name_zh,
        indicators.name_en as indicator_name_en,
        indicators.measure_type,
        indicators.base_indicator_code,
        indicators.price_basis,
        indicators.category,
        indicators.unit,
        periods.period_code,
        periods.freq,
        periods.year,
        facts.value,
        facts.value_upper,
        facts.qualifier,
        facts.published_value,
        facts.published_unit,
        facts.published_qualifier,
        facts.obs_status,
        facts.note,
        facts.published_region,
        facts.published_indicator,
        facts.warning,
        sources.source_code,
        sources.released_on,
        sources.release_kind,
        coalesce(revisions.is_current, true) as is_current,
        facts.obs_status = 'revised'
        or coalesce(revisions.releases > 1 and facts.value is distinct from revisions.first_released_value, false)
            as is_revised,
        coalesce(revisions.first_released_value, facts.value) as first_released_value,
        coalesce(revisions.releases, 1) as releases,
        coalesce(revisions.release_sequence, 1) as release_sequence,
        revisions.superseded_by,
        coalesce(revisions.figure_key, hash(
            facts.region_key, coalesce(facts.entity_name, ''), facts.indicator_key,
            facts.period_key, facts.obs_status = 'target'
        )) as figure_key,
        facts.loaded_at
    from facts
    left join dim_region as regions on regions.region_key = facts.region_key
    left join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    left join dim_period as periods on periods.period_key = facts.period_key
    left join dim_source as sources on sources.source_key = facts.source_key
    left join dim_entity as entities on entities.entity_key = facts.entity_key
    left join revisions on revisions.observation_key = facts.observation_key
)

select * from described
