-- One row per region version: GB/T 2260 code, names, level, parent and validity.
with regions as (
    select * from staging.stg_regions
),

keyed as (
    select
        row_number() over (order by region_code, valid_from nulls first) as region_key,
        region_code,
        name_zh,
        name_en,
        level,
        parent_code,
        valid_from,
        valid_to,
        valid_to is null as is_current
    from regions
)

select * from keyed
