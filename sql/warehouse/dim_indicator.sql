-- One row per indicator: base unit, measure type, what a growth rate or ratio is of, price basis, and the
-- plausibility bounds its figures were checked against (outside min/max: quarantined; outside usual: warned).
-- indicator_origin: the catalog (data/raw/indicators), or registered from a file (stg_registered_indicators: a name
-- the catalog lacks, as printed, with the three catalog entries nearest to it), until it is mapped.
with indicators as (
    select * from staging.stg_indicators
),

registered as (
    select * from staging.stg_registered_indicators
),

catalogued as (
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
        portal_node,
        min_value,
        max_value,
        usual_min,
        usual_max,
        whole_only,
        'catalog' as indicator_origin,
        null::varchar as registered_from,
        null::varchar as closest
    from indicators
),

from_files as (
    select
        -- a key of its own code, never shifting the catalog's (facts of unchanged files keep theirs)
        cast(1000000000 + hash(indicator_code) % 1000000000 as bigint) as indicator_key,
        indicator_code,
        name_zh,
        null::varchar as name_en,
        unit,
        published_unit,
        measure_type,
        null::varchar as base_indicator_code,
        null::varchar as price_basis,
        'registered' as category,
        null::varchar as synonyms,
        null::varchar as portal_node,
        min_value,
        max_value,
        usual_min,
        usual_max,
        whole_only,
        'registered from file' as indicator_origin,
        registered_from,
        closest
    from registered
)

select * from catalogued
union all by name
select * from from_files
