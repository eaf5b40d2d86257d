-- Scalar macros shared by the SQL files and the validation frames (and usable by analysts in the published
-- file): created on every connection to the build database (pipelines/core/resources.py).
-- Indentation is not linted here: sqlfluff's DuckDB dialect would put each macro's body at column 0.
-- noqa: disable=LT02

-- The first and last day of a period as the pipeline writes it: '2023', '2023-Q1', '2023-01'.
create or replace macro period_start(period) as
    case
        when length(period) = 4 then make_date(cast(period as integer), 1, 1)
        when period like '____-Q_'
            then make_date(cast(left(period, 4) as integer), 3 * cast(right(period, 1) as integer) - 2, 1)
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

-- The day a publication is known to be out by, from a date as written: '2024-02-20', or '2024-02' and '2024' taken
-- as their last day (a release is never assumed out before it surely was). NULL for anything else.
create or replace macro release_date(written) as
    case
        when regexp_full_match(written, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(written as date)
        when regexp_full_match(written, '[0-9]{4}-[0-9]{2}') then last_day(try_cast(written || '-01' as date))
        when regexp_full_match(written, '[0-9]{4}') then make_date(cast(written as integer), 12, 31)
    end;

-- A release date printed in a table's title or notes: 2024年3月15日发布, 发布日期：2024-03-15, 2024年3月出版 (the
-- month's last day). NULL when none is printed.
create or replace macro release_date_in(text) as
    coalesce(
        try_cast(regexp_replace(
            regexp_extract(text, '([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)\s*(?:发布|公布|更新|出版|印发)', 1),
            '\s*([0-9]+)\s*年\s*([0-9]+)\s*月\s*([0-9]+)\s*日', '\1-\2-\3') as date),
        try_cast(regexp_replace(
            regexp_extract(text, '(?:发布|公布|更新|出版)(?:日期|时间|于)?\s*[:：]?\s*([0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2})', 1),
            '([0-9]+)[-/.年]([0-9]+)[-/.月]([0-9]+)', '\1-\2-\3') as date),
        last_day(try_cast(regexp_replace(
            regexp_extract(text, '([0-9]{4}\s*年\s*[0-9]{1,2}\s*月)\s*(?:发布|公布|出版|印发)', 1),
            '\s*([0-9]+)\s*年\s*([0-9]+)\s*月', '\1-\2-01') as date))
    );

-- What an indicator registered from a file measures, told from its name as printed and its base unit:
-- 比上年增长 in % a growth rate (两年平均增长 an average one), 拉动 or 贡献 a contribution, 增加 or 减少 (or percentage
-- points) a change in a level, 上年=100 an index, a 率 or 比重 in % a share; anything else a level. The bounds of
-- data/raw/bounds follow.
create or replace macro registered_measure_type(name, base_unit) as
    case
        when base_unit = 'index' then 'index'
        when base_unit = 'rank' then 'rank'
        when base_unit in ('percent', 'percentage point') and regexp_matches(name, '拉动|贡献') then 'contribution'
        when base_unit = 'percent' and regexp_matches(name, '两年平均|年均|平均每年') then 'growth_average'
        when base_unit = 'percent' and regexp_matches(name, '增长|增速|增幅|增减|同比|比上年|比去年|下降') then 'growth_yoy'
        when base_unit in ('percentage point', 'permille point') or regexp_matches(name, '增加|减少|净增|增量') then 'change'
        when base_unit = 'percent' and regexp_matches(name, '率|比重|占|比例') then 'share'
        when base_unit in ('percent', 'permille', 'times') then 'ratio'
        else 'level'
    end;

-- What was known on a date: of every figure, the release that was current then among those out by that day (the
-- releases of v_observation_all, in their order: observation_revision). Any DuckDB client on the published file:
--     select * from observation_as_of(date '2024-06-30') where region_code = '440300'
-- `regind query --as-of 2024-06-30` reads v_observation as this. The releases are read by name when the macro is
-- called (query_table): the macros are created before the views they read.
create or replace macro observation_as_of(as_of, releases_view := 'v_observation_all') as table
    with known as (  -- the releases out by that day
        select * from query_table(releases_view) where released_on <= cast(as_of as date)
    ),

    contested as (  -- of a figure released several times, the latest of them then, and how many there were
        select * replace (
            count(*) over (partition by figure_key) as releases,
            obs_status = 'revised'
            or count(*) over (partition by figure_key) > 1 and value is distinct from first_released_value as is_revised
        )
        from known
        where releases > 1
        qualify release_sequence = max(release_sequence) over (partition by figure_key)
    )

    select * exclude (is_current, superseded_by) from known where releases = 1
    union all by name
    select * exclude (is_current, superseded_by) from contested;
