-- Every observation, published and derived: the rows of v_observation, and the values the consistency rules derive
-- where nothing is published (obs_status = 'derived', with rule_code and derived_from, the observations they come
-- from). A derived value never replaces a published one; compare or sum one kind at a time.
with published as (
    select * from v_observation
),

derived as (
    select
        derived.derived_key as observation_key,
        derived.region_key,
        derived.region_code,
        regions.name_zh as region_name_zh,
        regions.name_en as region_name_en,
        regions.level as region_level,
        derived.entity_name,
        indicators.indicator_code,
        indicators.name_zh as indicator_name_zh,
        indicators.name_en as indicator_name_en,
        indicators.measure_type,
        indicators.base_indicator_code,
        indicators.price_basis,
        indicators.category,
        indicators.unit,
        derived.period_code,
        case when length(derived.period_code) = 4 then 'A' when derived.period_code like '%-Q%' then 'Q' else 'M' end
            as freq,
        cast(left(derived.period_code, 4) as integer) as year,
        derived.value,
        derived.qualifier,
        derived.obs_status,
        derived.rule_code,
        derived.derived_from
    from derived_observation as derived
    left join dim_region as regions on regions.region_key = derived.region_key
    left join dim_indicator as indicators on indicators.indicator_key = derived.indicator_key
)

select * from published
union all by name
select * from derived
