-- Consistency rules as typed rows (rows that passed validation): the growth rule of indicator * applies to every
-- growth rate of the catalog with the level it belongs to.
with source as (
    select * from valid.rules
),

typed as (
    select
        rule_code,
        rule_type,
        indicator_code,
        _inputs as inputs,
        _scale as scale,
        baseline_period,
        _abs_tolerance as abs_tolerance,
        _rel_tolerance as rel_tolerance,
        severity,
        coalesce(price_basis, '') as price_basis,
        derives = 'true' as derives,
        description
    from source
),

growth_rates as (  -- growth *: one rule per growth rate of the catalog, its level as its input
    select
        typed.rule_code,
        typed.rule_type,
        indicators.indicator_code,
        [indicators.base_indicator_code] as inputs,
        typed.scale,
        typed.baseline_period,
        typed.abs_tolerance,
        typed.rel_tolerance,
        typed.severity,
        typed.price_basis,
        typed.derives,
        typed.description
    from typed
    join staging.stg_indicators as indicators
        on indicators.measure_type = 'growth_yoy'
        and indicators.base_indicator_code is not null
    where typed.rule_type = 'growth' and typed.indicator_code = '*'
),

rules as (
    select * from typed where not (rule_type = 'growth' and indicator_code = '*')
    union all
    select * from growth_rates
)

select hash(rule_code, indicator_code) as rule_key, * from rules  -- one rule per code and indicator
