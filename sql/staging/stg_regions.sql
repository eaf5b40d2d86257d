-- Regions compiled by the project (regions.csv) as typed rows (rows that passed validation): regions outside the
-- code history, and English names for versions of it.
with source as (
    select * from valid.regions
),

renamed as (
    select
        region_code,
        name_zh,
        name_en,
        _name_short as name_short,
        level,
        parent_code,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from source
)

select * from renamed
