-- One row per version of a region code: an unbroken run of revisions in which the code keeps its name and
-- parent. A code missing from one revision only, or named otherwise in one revision only (the sources of the
-- history disagree in places: 硚口区 and 乔口区), stays one version. valid_from is the first revision showing the
-- version (empty: in the first revision, 1980-12), valid_to the day before the first revision without it
-- (empty: current).
with history as (
    select * from staging.stg_region_history
),

revisions as (
    select
        revision_date,
        row_number() over (order by revision_date) as revision_index,
        count(*) over () as revisions
    from (select distinct revision_date from history)
),

indexed as (
    select
        history.*,
        revisions.revision_index,
        revisions.revisions
    from history
    join revisions using (revision_date)
),

smoothed as (
    select
        * replace (
            case
                when
                    lag(name_zh) over code_runs = lead(name_zh) over code_runs and isolated
                    then lag(name_zh) over code_runs
                else name_zh
            end as name_zh,
            case
                when
                    lag(parent_code) over code_runs = lead(parent_code) over code_runs and isolated
                    then lag(parent_code) over code_runs
                else parent_code
            end as parent_code
        )
    from (
        select
            *,
            coalesce(
                lag(revision_index) over code_runs = revision_index - 1
                and lead(revision_index) over code_runs = revision_index + 1,
                false
            ) as isolated
        from indexed
        window code_runs as (partition by region_code order by revision_index)
    )
    window code_runs as (partition by region_code order by revision_index)
),

breaks as (
    select
        *,
        case
            when lag(revision_index) over code_runs is null then 1
            when revision_index - lag(revision_index) over code_runs > 2 then 1  -- missing from two revisions or more
            when name_zh <> lag(name_zh) over code_runs then 1
            when parent_code <> lag(parent_code) over code_runs then 1
            else 0
        end as starts_version
    from smoothed
    window code_runs as (partition by region_code order by revision_index)
),

numbered as (
    select
        *,
        sum(starts_version) over (partition by region_code order by revision_index) as version_number
    from breaks
),

versions as (
    select
        region_code,
        version_number,
        any_value(name_zh) as name_zh,
        arg_min(name_short, revision_index) as name_short,
        arg_min(name_en_generated, revision_index) as name_en_generated,
        any_value(level) as level,
        any_value(parent_code) as parent_code,
        min(revision_index) as first_revision,
        max(revision_index) as last_revision,
        any_value(revisions) as revisions,
        string_agg(distinct origin, ', ' order by origin) as origin
    from numbered
    group by region_code, version_number
)

select
    versions.region_code,
    versions.version_number,
    versions.name_zh,
    versions.name_short,
    versions.name_en_generated,
    versions.level,
    versions.parent_code,
    case when versions.first_revision > 1 then first.revision_date end as valid_from,
    case
        when versions.last_revision < versions.revisions then cast(following.revision_date - interval 1 day as date)
    end as valid_to,
    versions.origin
from versions
left join revisions as first
    on first.revision_index = versions.first_revision
left join revisions as following
    on following.revision_index = versions.last_revision + 1
