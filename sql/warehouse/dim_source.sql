-- One row per publication the figures come from, with its citation; a source registered from an observation
-- file's name (registered_from) has none yet.
with sources as (
    select * from staging.stg_sources
    union all by name
    select  -- a document read from data/raw/documents/: the source of the figures accepted from it
        'document:' || document as source_code,
        coalesce(title, document) as title,
        publisher,
        cast(published_on as varchar) as published_on,
        document as citation,
        null::varchar as licence,
        null::varchar as notes,
        document as registered_from
    from review.documents
    where error is null
),

keyed as (
    select
        row_number() over (order by source_code) as source_key,
        source_code,
        title,
        publisher,
        published_on,
        citation,
        licence,
        notes,
        registered_from
    from sources
)

select * from keyed
