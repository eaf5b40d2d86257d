-- Scalar macros shared by the SQL files and the validation frames (and usable by analysts in the published
-- file): created on every connection to the build database (pipelines/resources.py).

-- The first and last day of a period as the pipeline writes it: '2023', '2023-Q1', '2023-01'.
create or replace macro period_start(period) as
    case
        when length(period) = 4 then make_date(cast(period as integer), 1, 1)
        when period like '____-Q_' then make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)
        else make_date(cast(left(period, 4) as integer), cast(right(period, 2) as integer), 1)
    end;

create or replace macro period_end(period) as
    cast(
        period_start(period)
        + to_months(case when length(period) = 4 then 12 when period like '____-Q_' then 3 else 1 end)
        - interval 1 day
    as date);

-- GB/T 2260: xx0000 a province, xxxx00 a prefecture, anything else a county-level unit; 000000 is China.
create or replace macro region_level(code) as
    case
        when code = '000000' then 'country'
        when code like '__0000' then 'province'
        when code like '____00' then 'prefecture'
        else 'county'
    end;

-- The same period some years apart: period_shift('2023-Q1', -1) = '2022-Q1'.
create or replace macro period_shift(period, years) as
    cast(cast(left(period, 4) as integer) + years as varchar) || substr(period, 5);
