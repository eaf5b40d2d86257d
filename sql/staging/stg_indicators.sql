-- Indicator catalog as typed rows (rows that passed validation).
with source as (
    select * from valid.indicators
),

renamed as (
    select
        indicator_code,
        name_zh,
        name_en,
        unit,
        published_unit,
        measure_type,
        base_indicator_code,
        price_basis,
        category
    from source
)

select * from renamed
