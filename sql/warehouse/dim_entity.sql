-- One row per entity a figure can be about instead of a region's total: company, science city, cluster.
with entities as (
    select * from staging.stg_entities
),

keyed as (
    select
        row_number() over (order by entity_name) as entity_key,
        entity_name as name_zh,
        name_en,
        kind,
        region_code
    from entities
)

select * from keyed
