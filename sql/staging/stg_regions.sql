-- Regions as typed rows, quarantined rows left out.
with source as (
    select *
    from raw.regions as r
    where not exists (
        select 1 from quarantine.regions as q where q._file = r._file and q._line = r._line
    )
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
