-- What analysts query first: one row per observation with its region, indicator, period and source.
with facts as (
    select * from fact_observation
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
        facts.loaded_at
    from facts
    left join dim_region as regions on regions.region_key = facts.region_key
    left join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    left join dim_period as periods on periods.period_key = facts.period_key
    left join dim_source as sources on sources.source_key = facts.source_key
    left join dim_entity as entities on entities.entity_key = facts.entity_key
)

select * from described
