-- Sources as typed rows, quarantined rows left out.
with source as (
    select *
    from raw.sources as s
    where not exists (
        select 1 from quarantine.sources as q where q._file = s._file and q._line = s._line
    )
),

renamed as (
    select
        source_code,
        title,
        publisher,
        published_on,
        citation,
        licence
    from source
)

select * from renamed
