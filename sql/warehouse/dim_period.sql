-- One row per reference period observed: '2023' (A), '2023-Q1' (Q) or '2023-01' (M), with its dates.
with periods as (
    select distinct period_code from staging.stg_observations
),

dated as (
    select
        period_code,
        case
            when length(period_code) = 4 then 'A'
            when period_code like '%-Q%' then 'Q'
            else 'M'
        end as freq,
        cast(left(period_code, 4) as integer) as year,
        period_start(period_code) as start_date,
        period_end(period_code) as end_date
    from periods
),

keyed as (
    select
        -- stable whatever else is observed (facts are rebuilt per file): 2023 -> 20230188, 2023-Q1 -> 20230197,
        -- 2023-01 -> 20230199; ordering by it sorts by start, the longer period first
        year * 10000
        + month(start_date) * 100
        + (100 - case freq when 'A' then 12 when 'Q' then 3 else 1 end) as period_key,
        period_code,
        freq,
        start_date,
        end_date,
        year
    from dated
)

select * from keyed
