-- Printed units with their base unit and an exact integer multiplier, quarantined rows left out.
with source as (
    select *
    from raw.units as u
    where not exists (
        select 1 from quarantine.units as q where q._file = u._file and q._line = u._line
    )
),

renamed as (
    select
        unit,
        base_unit,
        cast(multiplier as decimal(38, 0)) as multiplier,
        name_en
    from source
)

select * from renamed
