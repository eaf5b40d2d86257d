-- Entities (companies, a science city, a cluster) (rows that passed validation).
with source as (
    select * from valid.entities
),

renamed as (
    select
        entity_name,
        name_en,
        kind,
        region_code
    from source
)

select * from renamed
