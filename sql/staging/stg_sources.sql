-- Sources as typed rows (rows that passed validation).
with source as (
    select * from valid.sources
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
