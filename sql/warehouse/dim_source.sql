-- One row per publication the figures come from, with its citation; a source registered from an observation
-- file's name (registered_from) has none yet.
with sources as (
    select * from staging.stg_sources
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
