-- One row per indicator: base unit, measure type, what a growth rate or ratio is of, price basis, and the
-- plausibility bounds its figures were checked against (outside min/max: quarantined; outside usual: warned).
with indicators as (
    select * from staging.stg_indicators
),

keyed as (
    select
        row_number() over (order by indicator_code) as indicator_key,
        indicator_code,
        name_zh,
        name_en,
        unit,
        published_unit,
        measure_type,
        base_indicator_code,
        price_basis,
        category,
        synonyms,
        min_value,
        max_value,
        usual_min,
        usual_max,
        whole_only
    from indicators
)

select * from keyed
