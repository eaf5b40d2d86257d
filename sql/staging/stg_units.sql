-- Printed units with their base unit and an exact integer multiplier (rows that passed validation).
with source as (
    select * from valid.units
),

renamed as (
    select
        unit,
        base_unit,
        cast(multiplier as decimal(38, 0)) as multiplier,
        -- 100000000 -> 8: a power of ten lets staging scale a figure by shifting its decimal point
        case when regexp_full_match(trim(multiplier), '10*') then length(trim(multiplier)) - 1 end as decimal_exponent,
        name_en
    from source
)

select * from renamed
