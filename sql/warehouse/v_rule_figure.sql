-- The figures the consistency rules (data/raw/rules) read: published with a value, reported or estimated, of an
-- indicator some rule names, with the codes the rules match on, the rounding of the printed figure (precision) and
-- where it is printed (file, line, column).
-- consistency_gap compares those printed without a qualifier; derived_observation also derives from lower bounds.
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
    facts._file,
    facts._line,
    facts._column
from fact_observation as facts
join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
join dim_region as regions on regions.region_key = facts.region_key
join dim_period as periods on periods.period_key = facts.period_key
where facts.value is not null
    and facts.obs_status in ('reported', 'estimate')
    and indicators.indicator_code in (select unnest(list_prepend(indicator_code, inputs)) from staging.stg_rules)
