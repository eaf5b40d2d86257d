-- One row per region version (type 2): GB/T 2260 code, Chinese and English names, level, parent, and the dates
-- the version is valid; a code retired and later reused for another place is two regions. The versions come from
-- the code history; regions.csv adds regions outside it (China, 000000; Taiwan, Hong Kong, Macao) and English
-- names compiled by the project (provinces, and prefectures whose English name is not their pinyin). Every other
-- English name is generated from the pinyin (name_en_origin says which).
with versions as (
    select * from staging.stg_region_versions
),

curated as (
    select * from staging.stg_regions
),

from_history as (
    select
        versions.region_code,
        versions.name_zh,
        versions.name_short,
        coalesce(curated.name_en, versions.name_en_generated) as name_en,
        case when curated.name_en is not null then 'compiled' else 'generated' end as name_en_origin,
        versions.level,
        versions.parent_code,
        versions.valid_from,
        versions.valid_to,
        versions.origin
    from versions
    left join curated
        on curated.region_code = versions.region_code
        and curated.name_zh = versions.name_zh
),

outside_history as (
    select
        curated.region_code,
        curated.name_zh,
        curated.name_short,
        curated.name_en,
        'compiled' as name_en_origin,
        curated.level,
        curated.parent_code,
        curated.valid_from,
        curated.valid_to,
        'regions.csv' as origin
    from curated
    where curated.region_code not in (select region_code from versions)
),

keyed as (
    select
        row_number() over (order by region_code, valid_from nulls first) as region_key,
        region_code,
        name_zh,
        name_short,
        name_en,
        name_en_origin,
        level,
        parent_code,
        valid_from,
        valid_to,
        valid_to is null as is_current,
        origin
    from (
        select * from from_history
        union all
        select * from outside_history
    )
)

select * from keyed
