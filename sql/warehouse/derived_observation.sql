-- Values derived from published figures by the consistency rules that allow it (derives = true in data/raw/rules),
-- where no figure of the same region, entity, indicator and period is published: the previous year's level from a
-- level and its growth rate at current prices (never from a growth rate at comparable prices), a baseline from a
-- multiple, a share from its part and whole. Each names its rule and the observations it comes from; it is labelled
-- obs_status = 'derived' and never replaces or hides a published figure (v_observation shows both kinds).
-- incremental by region and rule of observations, through consistency_scope and v_rule_figure (see consistency_gap.sql)
-- duckdb chooses join sides: its estimates keep the hash tables on the small side here
-- duckdb memory limit: 1GB (every check of 10 million random figures fails: 816,000 findings at 10M rows)
with rules as (
    select * from staging.stg_rules where derives and rule_key in (select rule_key from temp.scope_rule)
),

observed as (  -- a level printed as a lower bound (超2.4万) derives a lower bound; from current figures only
    select * from temp.scope_figure where qualifier in ('', '>', '>=') and release_group = 0
),

derived as (
    -- the level a year before: level / (1 + growth / 100)
    select
        rules.rule_key, rules.rule_code, now.region_code, now.entity_name, now.indicator_code,
        period_shift(now.period_code, -1) as period_code,
        now.value / (1 + g.value / rules.scale) as value, now.qualifier,
        [g.observation_key, now.observation_key] as derived_from
    from rules
    join observed as g
        on g.indicator_code = rules.indicator_code and g.qualifier = ''
        and (rules.price_basis = '' or g.price_basis <> 'comparable')
    join observed as now
        on now.indicator_code = rules.inputs[1] and now.region_code = g.region_code
        and now.entity_name is not distinct from g.entity_name and now.period_code = g.period_code
    where rules.rule_type = 'growth' and g.value > -rules.scale

    union all
    -- the baseline of a multiple: level / multiple
    select
        rules.rule_key,
        rules.rule_code,
        now.region_code,
        now.entity_name,
        now.indicator_code,
        rules.baseline_period || substr(k.period_code, 5),
        now.value / k.value, now.qualifier,
        [k.observation_key, now.observation_key]
    from rules
    join observed as k on k.indicator_code = rules.indicator_code and k.qualifier = ''
    join observed as now
        on now.indicator_code = rules.inputs[1] and now.region_code = k.region_code
        and now.entity_name is not distinct from k.entity_name and now.period_code = k.period_code
    where rules.rule_type = 'multiple' and k.value > 0

    union all
    -- a ratio or share: scale x part / whole
    select
        rules.rule_key, rules.rule_code, a.region_code, a.entity_name, rules.indicator_code, a.period_code,
        rules.scale * a.value / b.value, '',
        [a.observation_key, b.observation_key]
    from rules
    join observed as a on a.indicator_code = rules.inputs[1] and a.qualifier = ''
    join observed as b
        on b.indicator_code = rules.inputs[2] and b.qualifier = '' and b.region_code = a.region_code
        and b.entity_name is not distinct from a.entity_name and b.period_code = a.period_code
    where rules.rule_type = 'ratio' and b.value <> 0
),

unpublished as (  -- only where nothing is published for it (any status, any qualifier, any source)
    select derived.*
    from derived
    anti join (
        select regions.region_code, facts.entity_name, indicators.indicator_code, periods.period_code
        from fact_observation as facts
        join dim_region as regions on regions.region_key = facts.region_key
        join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
        join dim_period as periods on periods.period_key = facts.period_key
        where facts.value is not null and regions.region_code in (select region_code from temp.scope_rebuilt)
    ) as published
        on published.region_code = derived.region_code
        and published.entity_name is not distinct from derived.entity_name
        and published.indicator_code = derived.indicator_code
        and published.period_code = derived.period_code
    -- one value per rule and target: from the first inputs, when two sources print the inputs
    qualify
        row_number() over (
            partition by
                derived.rule_key, derived.region_code, derived.entity_name, derived.indicator_code, derived.period_code
            order by derived.derived_from
        ) = 1
)

select
    hash(unpublished.rule_code, unpublished.derived_from) as derived_key,
    unpublished.rule_key,
    coalesce(at_end.region_key, at_start.region_key) as region_key,  -- the region version of the derived period
    unpublished.region_code,
    unpublished.entity_name,
    indicators.indicator_key,
    unpublished.indicator_code,
    unpublished.period_code,
    unpublished.value,
    indicators.unit,
    unpublished.qualifier,
    'derived' as obs_status,
    unpublished.rule_code,
    unpublished.derived_from
from unpublished
join dim_indicator as indicators on indicators.indicator_code = unpublished.indicator_code
left join dim_region as at_end
    on at_end.region_code = unpublished.region_code
    and period_end(unpublished.period_code)
    between coalesce(at_end.valid_from, date '0001-01-01') and coalesce(at_end.valid_to, date '9999-12-31')
left join dim_region as at_start
    on at_start.region_code = unpublished.region_code
    and period_start(unpublished.period_code)
    between coalesce(at_start.valid_from, date '0001-01-01') and coalesce(at_start.valid_to, date '9999-12-31')
