-- Printed units with their base unit and an exact integer multiplier (rows that passed validation).
with source as (
    select * from valid.units
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
