-- Published figures that contradict each other (the failed checks of consistency_gap), each with where its figures are
-- printed and the likeliest explanation the data supports. No figure is changed or dropped. Only reported or
-- estimated figures printed without a qualifier are compared; a growth rate at comparable prices is never compared
-- with levels at current prices (rules of price basis 'current').
-- incremental by region and rule of observations, through consistency_scope and v_rule_figure (see consistency_gap.sql)
-- duckdb chooses join sides: its estimates keep the hash tables on the small side here
-- duckdb memory limit: 1GB (every check of 10 million random figures fails: 816,000 findings at 10M rows)
with rules as (
    select * from staging.stg_rules where rule_key in (select rule_key from temp.scope_rule)
),

observed as not materialized (  -- figures printed without a qualifier, as consistency_gap compares them
    select * from temp.scope_figure where qualifier = ''
),

findings as (
    select * from consistency_gap
    where rule_key in (select rule_key from temp.scope_rule)
        and region_code in (select region_code from temp.scope_rebuilt)
),

-- What else the data says about a finding: the same check with figures of another year, one or two years either side
-- (the figures of another year fit), or a published figure 10^4 or 10^8 times the recomputed one (a unit slip).
swaps as (  -- which figure of a check may be of another year, and the period it is printed for
    select
        findings.*, rules.scale, swap.position,
        case when findings.rule_type = 'multiple' then rules.inputs[1] else rules.inputs[swap.position] end
            as swapped_code,
        case when swap.position = 2 and findings.rule_type = 'multiple'
                then rules.baseline_period || substr(findings.period_code, 5)
            else findings.period_code
        end as swapped_period
    from findings
    join rules on rules.rule_key = findings.rule_key
    join (values (1), (2)) as swap (position) on true
    where findings.rule_type in ('ratio', 'multiple')  -- a multiple's level, or its baseline
),

other_periods as (
    select
        swaps.rule_key,
        swaps.observation_keys,
        other.period_code as fits_period,
        other.indicator_code as fits_indicator,
        case
            when swaps.rule_type = 'ratio' and swaps.position = 1 then swaps.scale * other.value / swaps.input_values[2]
            when swaps.rule_type = 'ratio' then swaps.scale * swaps.input_values[1] / other.value
            when swaps.position = 1 then other.value / swaps.input_values[2]  -- a multiple of another year's level
            else swaps.input_values[1] / other.value  -- a multiple of another baseline year
        end as fits_value
    from swaps
    join (values (-2), (-1), (1), (2)) as shift (years) on true
    join observed as other
        on other.release_group = swaps.release_group
        and other.region_code = swaps.region_code
        and other.indicator_code = swaps.swapped_code
        and other.entity_name is not distinct from swaps.entity_name
        and other.period_code = period_shift(swaps.swapped_period, shift.years)
    where other.value <> 0

    union all
    -- a growth rate of another year: the levels of that year and the year before it
    select
        findings.rule_key, findings.observation_keys, now.period_code, now.indicator_code,
        rules.scale * (now.value / before.value - 1)
    from findings
    join rules on rules.rule_key = findings.rule_key
    join (values (-2), (-1), (1), (2)) as shift (years) on true
    join observed as now
        on now.release_group = findings.release_group
        and now.region_code = findings.region_code and now.indicator_code = rules.inputs[1]
        and now.entity_name is not distinct from findings.entity_name
        and now.period_code = period_shift(findings.period_code, shift.years)
    join observed as before
        on before.release_group = findings.release_group
        and before.region_code = findings.region_code and before.indicator_code = rules.inputs[1]
        and before.entity_name is not distinct from findings.entity_name
        and before.period_code = period_shift(findings.period_code, shift.years - 1)
    where findings.rule_type = 'growth' and before.value <> 0
),

best_other as (
    select
        findings.rule_key, findings.observation_keys,
        arg_min(other_periods.fits_period, abs(findings.published_value - other_periods.fits_value)) as fits_period,
        arg_min(other_periods.fits_indicator, abs(findings.published_value - other_periods.fits_value))
            as fits_indicator,
        arg_min(other_periods.fits_value, abs(findings.published_value - other_periods.fits_value)) as fits_value
    from findings
    join other_periods
        on other_periods.rule_key = findings.rule_key and other_periods.observation_keys = findings.observation_keys
    where abs(findings.published_value - other_periods.fits_value) <= findings.allowed
    group by all
),

explained as (
    select
        findings.*,
        best_other.fits_period,
        case
            when
                findings.rule_type <> 'part_of' and findings.recomputed_value <> 0
                and list_bool_or([
                    abs(findings.published_value / findings.recomputed_value / factor - 1) <= 0.01
                    for factor in [1e4, 1e8, 1e-4, 1e-8]
                ])
                then 'unit_slip'
            -- a part 10^4 or 10^8 times too large: its share of the whole would be 1% to 100% without the factor
            when
                findings.rule_type = 'part_of' and findings.recomputed_value <> 0
                and list_bool_or([
                    findings.published_value / findings.recomputed_value between factor * 0.01 and factor * 1.01
                    for factor in [1e4, 1e8]
                ])
                then 'unit_slip'
            when best_other.fits_period is not null then 'other_period'
            when findings.rule_type = 'conflict' then 'conflict'
            when abs(findings.gap) <= findings.allowed + findings.rounding then 'rounding'
            else 'unexplained'
        end as explanation,
        best_other.fits_indicator,
        best_other.fits_value
    from findings
    left join best_other
        on best_other.rule_key = findings.rule_key and best_other.observation_keys = findings.observation_keys
),

-- where the figures are printed: each figure the rules read once, and those of conflicts the rules do not read
printed as (
    select observation_key, _file, _line, _column from temp.scope_figure where release_group = 0 or not is_current
    union all
    select revisions.observation_key, revisions._file, revisions._line, revisions._column
    from observation_revision as revisions
    anti join temp.scope_figure as ruled on ruled.observation_key = revisions.observation_key
    where revisions.region_code in (select region_code from temp.scope_rebuilt)
),

placed as (  -- where each figure involved is printed: file, line and column
    select
        keyed.rule_key, keyed.observation_keys,
        list(
            facts._file || ', line ' || facts._line
            || case when facts._column > 0 then ', column ' || facts._column else '' end
            order by keyed.position
        ) as places
    from (
        select
            rule_key,
            observation_keys,
            unnest(observation_keys) as key,
            generate_subscripts(observation_keys, 1) as position
        from explained
    ) as keyed
    join printed as facts on facts.observation_key = keyed.key
    group by keyed.rule_key, keyed.observation_keys
)

select
    hash(explained.rule_code, explained.observation_keys) as finding_key,
    explained.rule_key,
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
        when 'unit_slip'
            then 'a unit slip: the published figure is about '
                || printf('%.0e', published_value / recomputed_value) || ' times the recomputed one (万 = 1e4, 亿 = 1e8)'
        when 'other_period'
            then 'another period fits: with ' || fits_indicator || ' of ' || fits_period
                || case when rule_type = 'growth' then ' and the year before' else '' end || ' the recomputed value is '
                || printf('%.4g', fits_value) || ' against ' || printf('%.4g', published_value)
                || ' published; the figures may belong to different years'
        when 'rounding' then 'within twice the rounding of the printed figures (' || printf('%.3g', rounding) || ')'
        when 'conflict'
            then 'two publications of the same day give this figure apart: ' || printf('%.6g', published_value)
                || ' and ' || printf('%.6g', recomputed_value)
                || '; the one of higher precedence stands (observation_revision)'
        else 'no explanation in the data: check the figures against their publications'
    end as explanation_text,
    fits_period
from explained
left join placed
    on placed.rule_key = explained.rule_key and placed.observation_keys = explained.observation_keys
