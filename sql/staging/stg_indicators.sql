-- Indicator catalog as typed rows, quarantined rows left out.
with source as (
    select *
    from raw.indicators as i
    where not exists (
        select 1 from quarantine.indicators as q where q._file = i._file and q._line = i._line
    )
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
