-- Indicator catalog as typed rows (rows that passed validation), each with the plausibility bounds that apply
-- to it: its own row of the bounds table, else its measure type's for its unit, else its measure type's for any unit.
with source as (
    select * from valid.indicators
),

bounds as (
    select * from staging.stg_bounds
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
        category,
        synonyms,
        -- database:code of the portal's tree node it sits under (fsnd:A050D), data/reference/nbs_portal_tree.csv
        portal_node,
        _names as name_keys
    from source
),

bounded as (
    select
        renamed.*,
        bounds.min_value,
        bounds.max_value,
        bounds.usual_min,
        bounds.usual_max,
        bounds.whole_only
    from renamed
    left join bounds
        on bounds.measure_type = renamed.measure_type
        and bounds.unit in (renamed.unit, '*')
        and coalesce(bounds.indicator_code, renamed.indicator_code) = renamed.indicator_code
    qualify
        row_number() over (
            partition by renamed.indicator_code
            order by bounds.indicator_code is not null desc, bounds.unit = '*'
        ) = 1
)

select * from bounded
