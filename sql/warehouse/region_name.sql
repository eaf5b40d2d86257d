-- The names a file may give a region by, one row per name and region version: the full name (深圳市, 即墨区),
-- the name without its suffix when two characters or more are left (深圳, 即墨, 广东, 内蒙古, 黔东南), and an
-- autonomous prefecture's short name with 州 (黔东南州). Each with the names and codes of the region's parent
-- and province, which a file may give (a parent column, a title) to tell apart regions of the same name (朝阳区
-- of 北京市 and of 长春市). A file's name resolves to the region version valid in the row's period; a table's 全国
-- row is China (000000).
with regions as (
    select * from dim_region
),

known_as as (  -- every name of a code, in any version: what a parent may be called
    select
        region_code,
        list(distinct name order by name) as names
    from (
        select region_code, name_zh as name from regions
        union all
        select region_code, name_short from regions where length(name_short) >= 2
    )
    group by region_code
),

latest_names as (
    select region_code, arg_max(name_zh, coalesce(valid_from, date '0001-01-01')) as name_zh
    from regions
    group by region_code
),

names as (
    select region_key, name_zh as name, 'full' as form from regions
    union
    select region_key, name_short, 'short' from regions where length(name_short) >= 2 and name_short <> name_zh
    union
    select region_key, name_short || '州', 'short' from regions where name_zh like '%自治州' and length(name_short) >= 2
    union
    select region_key, '全国', 'short' from regions where region_code = '000000'  -- the national total of a table
)

select
    names.name,
    names.form,
    regions.region_key,
    regions.region_code,
    regions.name_zh,
    regions.level,
    regions.valid_from,
    regions.valid_to,
    regions.parent_code,
    parents.name_zh as parent_name_zh,
    case
        when regions.level = 'county'
            then list_sort(list_distinct([regions.parent_code, left(regions.region_code, 2) || '0000']))
        else [regions.parent_code]
    end as ancestor_codes,
    list_sort(list_distinct(flatten([
        coalesce(parent_names.names, []),
        case when regions.level = 'county' then coalesce(province_names.names, []) else [] end
    ]))) as ancestor_names
from names
join regions
    on regions.region_key = names.region_key
left join latest_names as parents
    on parents.region_code = regions.parent_code
left join known_as as parent_names
    on parent_names.region_code = regions.parent_code
left join known_as as province_names
    on province_names.region_code = left(regions.region_code, 2) || '0000'
