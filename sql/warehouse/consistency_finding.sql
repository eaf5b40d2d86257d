-- Published figures that contradict each other (the failed checks of consistency_gap), each with where its figures are
-- printed and the likeliest explanation the data supports. No figure is changed or dropped. Only reported or
-- estimated figures printed without a qualifier are compared; a growth rate at comparable prices is never compared
-- with levels at current prices (rules of price basis 'current').
-- duckdb chooses join sides: its estimates keep the hash tables on the small side here
-- duckdb memory limit: 1GB (every check of 10 million random figures fails: 816,000 findings at 10M rows)
with rules as (
    select * from staging.stg_rules
),

checked_indicators as (  -- only the figures some rule names are read
    select distinct unnest(list_prepend(indicator_code, inputs)) as indicator_code from rules
),

observed as not materialized (
    select
        facts.observation_key,
        regions.region_code,
        regions.parent_code,
        facts.entity_name,
        indicators.indicator_code,
        indicators.price_basis,
        periods.period_code,
        periods.end_date,
        facts.value,
        coalesce(facts.precision, 0) as precision
    from fact_observation as facts
    join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    join dim_region as regions on regions.region_key = facts.region_key
    join dim_period as periods on periods.period_key = facts.period_key
    where facts.value is not null
        and facts.obs_status in ('reported', 'estimate')
        and facts.qualifier = ''
        and indicators.indicator_code in (select indicator_code from checked_indicators)
),

findings as (
    select * from consistency_gap
),

-- What else the data says about a finding: the same check with one input of another period (the figures of
-- another year fit), or a published figure 10^4 or 10^8 times the recomputed one (a unit slip).
searched as (  -- findings another period's figure may explain: a ratio's numerator or denominator, a multiple's baseline
    select findings.*, rules.scale, swap.position, rules.inputs[swap.position] as swapped_code
    from findings
    join rules on rules.rule_code = findings.rule_code and rules.indicator_code = findings.indicator_code
    join (values (1), (2)) as swap(position)
        on findings.rule_type = 'ratio' or findings.rule_type = 'multiple' and swap.position = 1
    where findings.rule_type in ('ratio', 'multiple')
    -- the 10,000 largest gaps: beyond that many findings the figures are wrong wholesale, not one year off
    qualify dense_rank() over (order by abs(findings.gap) / greatest(abs(findings.recomputed_value), 1e-300) desc, findings.observation_keys) <= 10000
),

other_periods as (
    select searched.rule_code, searched.observation_keys, other.period_code as fits_period, other.indicator_code as fits_indicator,
        case
            when searched.rule_type = 'ratio' and searched.position = 1 then searched.scale * other.value / searched.input_values[2]
            when searched.rule_type = 'ratio' then searched.scale * searched.input_values[1] / other.value
            else searched.input_values[1] / other.value  -- a multiple of another baseline year
        end as fits_value
    from searched
    join observed as other
        on other.region_code = searched.region_code
        and other.indicator_code = searched.swapped_code
        and other.entity_name is not distinct from searched.entity_name
    where other.period_code <> searched.period_code
        and abs(cast(left(other.period_code, 4) as integer) - cast(left(searched.period_code, 4) as integer)) <= 2
        and other.value <> 0
),

best_other as (
    select findings.rule_code, findings.observation_keys,
        arg_min(other_periods.fits_period, abs(findings.published_value - other_periods.fits_value)) as fits_period,
        arg_min(other_periods.fits_indicator, abs(findings.published_value - other_periods.fits_value)) as fits_indicator,
        arg_min(other_periods.fits_value, abs(findings.published_value - other_periods.fits_value)) as fits_value
    from findings
    join other_periods
        on other_periods.rule_code = findings.rule_code and other_periods.observation_keys = findings.observation_keys
    where abs(findings.published_value - other_periods.fits_value) <= findings.allowed
    group by all
),

explained as (
    select
        findings.*,
        best_other.fits_period,
        case
            when findings.rule_type <> 'part_of' and findings.recomputed_value <> 0 and list_bool_or(
                [abs(findings.published_value / findings.recomputed_value / factor - 1) <= 0.01 for factor in [1e4, 1e8, 1e-4, 1e-8]]
            ) then 'unit_slip'
            -- a part 10^4 or 10^8 times too large: its share of the whole would be 1% to 100% without the factor
            when findings.rule_type = 'part_of' and findings.recomputed_value <> 0 and list_bool_or(
                [findings.published_value / findings.recomputed_value between factor * 0.01 and factor * 1.01 for factor in [1e4, 1e8]]
            ) then 'unit_slip'
            when best_other.fits_period is not null then 'other_period'
            when abs(findings.gap) <= findings.allowed + findings.rounding then 'rounding'
            else 'unexplained'
        end as explanation,
        best_other.fits_indicator,
        best_other.fits_value
    from findings
    left join best_other
        on best_other.rule_code = findings.rule_code and best_other.observation_keys = findings.observation_keys
)
,

placed as (  -- where each figure involved is printed: file, line and column
    select
        keyed.rule_code, keyed.observation_keys,
        list(
            facts._file || ', line ' || facts._line || case when facts._column > 0 then ', column ' || facts._column else '' end
            order by keyed.position
        ) as places
    from (
        select rule_code, observation_keys, unnest(observation_keys) as key, generate_subscripts(observation_keys, 1) as position
        from explained
    ) as keyed
    join fact_observation as facts on facts.observation_key = keyed.key
    group by keyed.rule_code, keyed.observation_keys
)

select
    hash(explained.rule_code, explained.observation_keys) as finding_key,
    explained.rule_code,
    rule_type,
    case when explanation = 'rounding' then 'info' else severity end as severity,
    region_code,
    entity_name,
    period_code,
    indicator_code,
    explained.observation_keys,
    placed.places,
    published_value,
    recomputed_value,
    gap,
    case when recomputed_value <> 0 then gap / abs(recomputed_value) end as relative_gap,
    allowed,
    explanation,
    case explanation
        when 'unit_slip' then 'a unit slip: the published figure is about '
            || printf('%.0e', published_value / recomputed_value) || ' times the recomputed one (万 = 1e4, 亿 = 1e8)'
        when 'other_period' then 'another period fits: with ' || fits_indicator || ' of ' || fits_period || ' the recomputed value is '
            || printf('%.4g', fits_value) || ' against ' || printf('%.4g', published_value) || ' published; the figures may belong to different years'
        when 'rounding' then 'within twice the rounding of the printed figures (' || printf('%.3g', rounding) || ')'
        else 'no explanation in the data: check the figures against their publications'
    end as explanation_text,
    fits_period
from explained
left join placed
    on placed.rule_code = explained.rule_code and placed.observation_keys = explained.observation_keys
