-- Shenzhen's 2023 figures (regional totals), each level beside its published growth rate.
with shenzhen as (
    select * from v_observation
    where region_code = '440300' and period_code = '2023' and entity_name is null
),

levels as (
    select * from shenzhen where measure_type <> 'growth_yoy'
),

growth as (
    select * from shenzhen where measure_type = 'growth_yoy'
)

select
    coalesce(levels.indicator_code, growth.base_indicator_code) as indicator_code,
    levels.qualifier,
    levels.value,
    levels.unit,
    levels.published_value || levels.published_unit as printed,
    growth.value as growth_yoy_percent
from levels
full join growth on growth.base_indicator_code = levels.indicator_code
order by levels.value is null, levels.unit, levels.value desc nulls last, indicator_code
