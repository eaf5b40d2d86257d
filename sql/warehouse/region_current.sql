-- Each region version's region today, where every change since is one-to-one: a county turned district, a recode,
-- a rename, or a chain of them (379013 即墨市 -> 370282 即墨市 -> 370215 即墨区). A region merged, split or abolished
-- since has no current region (restated = false), and restatement says what happened to it: v_observation_current
-- never moves a figure onto another place.
with recursive
one_to_one as (
    select old_code, new_code, change_type, effective_from
    from region_code_change
    where change_type in ('county-to-district', 'recode', 'rename')
    union all
    select  -- the same code and name going on under another parent: a new version, the same place
        earlier.region_code, later.region_code, 'new parent', later.valid_from
    from dim_region as earlier
    join dim_region as later
        on later.region_code = earlier.region_code
        and later.valid_from = cast(earlier.valid_to + interval 1 day as date)
        and later.name_zh = earlier.name_zh
),

chain (region_key, code, since, path, hops) as (
    select
        region_key,
        region_code,
        coalesce(valid_from, date '0001-01-01'),
        region_code,
        0
    from dim_region
    union all
    select
        chain.region_key,
        one_to_one.new_code,
        one_to_one.effective_from,
        chain.path || ' -> ' || one_to_one.new_code
        || ' (' || one_to_one.change_type || ' ' || one_to_one.effective_from || ')',
        chain.hops + 1
    from chain
    join one_to_one
        on one_to_one.old_code = chain.code
        and one_to_one.effective_from > chain.since
    where chain.hops < 20
),

ends as (  -- where each region version's chain of one-to-one changes ends (several ends: not one-to-one)
    select
        region_key,
        list(distinct code order by code) as codes,
        arg_max(since, hops) as since,
        arg_max(path, hops) as path
    from chain
    group by region_key, hops
    qualify hops = max(hops) over (partition by region_key)
),

current_versions as (
    select * from dim_region where is_current
),

ended_by as (  -- the change that ended a code without a one-to-one successor
    select
        old_code,
        effective_from,
        change_type || coalesce(' into ' || string_agg(new_code || ' ' || new_name_zh, ', ' order by new_code), '')
        || ' on ' || effective_from as what
    from region_code_change
    where change_type in ('merge', 'split', 'abolish')
    group by old_code, change_type, effective_from
)

select
    ends.region_key,
    current_versions.region_code as current_region_code,
    current_versions.name_zh as current_region_name_zh,
    current_versions.name_en as current_region_name_en,
    current_versions.region_code is not null as restated,
    case
        when len(ends.codes) > 1 then 'not restated: several successors (' || array_to_string(ends.codes, ', ') || ')'
        when current_versions.region_code is null
            then 'not restated: ' || ends.path || coalesce(' then ' || ended_by.what, ' ended')
        when ends.path = ends.codes[1] then 'unchanged'
        else 'restated: ' || ends.path
    end as restatement
from ends
left join current_versions
    on current_versions.region_code = ends.codes[1]
    and len(ends.codes) = 1
    and coalesce(current_versions.valid_from, date '0001-01-01') <= ends.since
left join ended_by
    on ended_by.old_code = ends.codes[1]
    and ended_by.effective_from > ends.since
qualify row_number() over (partition by ends.region_key order by ended_by.effective_from) = 1
