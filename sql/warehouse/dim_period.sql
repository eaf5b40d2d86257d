-- One row per reference period observed: '2023' (A), '2023-Q1' (Q) or '2023-01' (M), with its dates.
with periods as (
    select distinct period_code from staging.stg_observations
),

parsed as (
    select
        period_code,
        case
            when length(period_code) = 4 then 'A'
            when period_code like '%-Q%' then 'Q'
            else 'M'
        end as freq,
        cast(left(period_code, 4) as integer) as year
    from periods
),

dated as (
    select
        period_code,
        freq,
        year,
        case freq
            when 'A' then make_date(year, 1, 1)
            when 'Q' then make_date(year, 3 * cast(right(period_code, 1) as integer) - 2, 1)
            else make_date(year, cast(right(period_code, 2) as integer), 1)
        end as start_date,
        case freq when 'A' then 12 when 'Q' then 3 else 1 end as months
    from parsed
),

keyed as (
    select
        -- stable whatever else is observed (facts are rebuilt per file): 2023 -> 20230188, 2023-Q1 -> 20230197,
        -- 2023-01 -> 20230199; ordering by it sorts by start, the longer period first
        year * 10000 + month(start_date) * 100 + (100 - months) as period_key,
        period_code,
        freq,
        start_date,
        cast(start_date + to_months(months) - interval 1 day as date) as end_date,
        year
    from dated
)

select * from keyed
