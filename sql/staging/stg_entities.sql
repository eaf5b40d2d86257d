-- Entities (companies, a science city, a cluster), quarantined rows left out.
with source as (
    select *
    from raw.entities as e
    where not exists (
        select 1 from quarantine.entities as q where q._file = e._file and q._line = e._line
    )
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
