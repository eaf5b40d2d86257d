-- One row per change of a region code between two revisions of the history, of one of these types:
--   rename              the code stays and its name changes (420600 襄樊市 -> 襄阳市)
--   county-to-district  a county or county-level city becomes a district under a new code (370282 即墨市 -> 370215 即墨区)
--   recode              the same place under a new code (a renumbering, a move to a new prefecture)
--   merge               codes end and one new code takes their place (320304 九里区 + 320323 铜山县 -> 320312 铜山区)
--   split               one code ends and new codes take its place (411123 郾城县 -> 411103 郾城区 + 411104 召陵区)
--   abolish             a code ends and no successor is found
--   new                 a code appears and no predecessor is found
--   reuse               a code appears again, for another place, after its earlier version ended
-- effective_from is the first revision showing the change (it took effect on or before that date). A successor is
-- matched in the same province, at the same level, by the name without its suffix (即墨市, 即墨区 -> 即墨); merges and
-- splits are the other codes ending or appearing alone beside such a match in the same prefecture.
with versions as (
    select * from staging.stg_region_versions
),

ended as (
    select
        *,
        cast(valid_to + interval 1 day as date) as effective_from,
        case when level = 'county' then left(region_code, 4) else left(region_code, 2) end as change_group
    from versions
    where valid_to is not null
),

started as (
    select
        *,
        valid_from as effective_from,
        case when level = 'county' then left(region_code, 4) else left(region_code, 2) end as change_group
    from versions
    where valid_from is not null
),

renamed as (
    select
        ended.region_code as old_code,
        ended.name_zh as old_name_zh,
        started.region_code as new_code,
        started.name_zh as new_name_zh,
        'rename' as change_type,
        started.effective_from
    from ended
    join started
        on started.region_code = ended.region_code
        and started.effective_from = ended.effective_from
    where started.name_zh <> ended.name_zh
),

retired as (
    select * from ended
    where
        not exists (
            select 1 from started
            where started.region_code = ended.region_code and started.effective_from = ended.effective_from
        )
),

appeared as (
    select * from started
    where
        not exists (
            select 1 from ended
            where ended.region_code = started.region_code and ended.effective_from = started.effective_from
        )
),

linked as (
    select
        retired.region_code as old_code,
        retired.name_zh as old_name_zh,
        appeared.region_code as new_code,
        appeared.name_zh as new_name_zh,
        retired.level,
        appeared.effective_from
    from retired
    join appeared
        on appeared.effective_from = retired.effective_from
        and left(appeared.region_code, 2) = left(retired.region_code, 2)
        and appeared.level = retired.level
        and appeared.name_short = retired.name_short
),

groups as (
    select
        effective_from,
        change_group,
        level,
        count(*) filter (where side = 'old') as ending,
        count(*) filter (where side = 'new') as starting
    from (
        select effective_from, change_group, level, 'old' as side from retired
        union all
        select effective_from, change_group, level, 'new' from appeared
    )
    group by all
),

-- beside a matched pair, the other codes of its group ending (into one new code) or appearing (from one)
merged_or_split as (
    select
        retired.region_code as old_code,
        retired.name_zh as old_name_zh,
        appeared.region_code as new_code,
        appeared.name_zh as new_name_zh,
        case when groups.starting = 1 then 'merge' else 'split' end as change_type,
        retired.effective_from
    from retired
    join appeared
        on appeared.effective_from = retired.effective_from
        and appeared.change_group = retired.change_group
        and appeared.level = retired.level
    join groups
        on groups.effective_from = retired.effective_from
        and groups.change_group = retired.change_group
        and groups.level = retired.level
    where (
        groups.ending >= 2 and groups.starting = 1
        and appeared.region_code in (select new_code from linked where linked.effective_from = appeared.effective_from)
    ) or (
        groups.ending = 1 and groups.starting >= 2
        and retired.region_code in (select old_code from linked where linked.effective_from = retired.effective_from)
    )
),

matched as (
    select
        old_code,
        old_name_zh,
        new_code,
        new_name_zh,
        case
            when level = 'county' and old_name_zh not like '%区' and new_name_zh like '%区' then 'county-to-district'
            else 'recode'
        end as change_type,
        effective_from
    from linked
    where (old_code, effective_from) not in (select old_code, effective_from from merged_or_split)
),

abolished as (
    select
        region_code as old_code,
        name_zh as old_name_zh,
        null as new_code,
        null as new_name_zh,
        'abolish' as change_type,
        effective_from
    from retired
    where (region_code, effective_from) not in (select old_code, effective_from from linked)
        and (region_code, effective_from) not in (select old_code, effective_from from merged_or_split)
),

appearing as (
    select
        null as old_code,
        null as old_name_zh,
        region_code as new_code,
        name_zh as new_name_zh,
        case
            when
                exists (
                    select 1 from ended
                    where ended.region_code = appeared.region_code and ended.effective_from < appeared.effective_from
                )
                then 'reuse'
            else 'new'
        end as change_type,
        effective_from
    from appeared
    where (region_code, effective_from) not in (select new_code, effective_from from linked)
        and (region_code, effective_from) not in (select new_code, effective_from from merged_or_split)
),

changes as (
    select * from renamed
    union all select * from matched
    union all select * from merged_or_split
    union all select * from abolished
    union all select * from appearing
)

select
    old_code,
    old_name_zh,
    new_code,
    new_name_zh,
    change_type,
    effective_from
from changes
order by effective_from, coalesce(old_code, new_code), new_code
