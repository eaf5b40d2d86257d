-- Regions as typed rows (rows that passed validation).
with source as (
    select * from valid.regions
),

renamed as (
    select
        region_code,
        name_zh,
        name_en,
        level,
        parent_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from source
)

select * from renamed
