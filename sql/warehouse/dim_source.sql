-- One row per publication the figures come from, with its citation (a source registered from an observation file's
-- name, registered_from, has none yet), when it came out (released_on, and released_on_origin: sources.csv, a
-- sidecar or column, its title or notes, a document's date line, or its first load when nothing says), its kind
-- (release_kind) and precedence: of two publications of the same day, the higher precedence's figure stands.
with sources as (
    select * from staging.stg_sources
),

kinds as (
    select * from staging.stg_release_kinds
),

documents as (  -- a document read from data/raw/documents/: the source of the figures accepted from it
    select
        'document:' || document as source_code,
        coalesce(title, document) as title,
        publisher,
        cast(published_on as varchar) as published_on,
        document as citation,
        null::varchar as licence,
        null::varchar as notes,
        document as registered_from,
        coalesce(published_on, cast(read_at as date)) as released_on,
        case when published_on is not null then 'document date' else 'first load' end as released_on_origin,
        case kind when 'report' then 'work report' else kind end as kind  -- bulletin, report or news, or a sidecar's
    from review.documents
    where error is null
),

all_sources as (
    select * from sources
    union all by name
    select
        documents.* exclude (kind),
        coalesce(kinds.release_kind, 'document') as release_kind,
        coalesce(kinds.precedence, 1) as precedence
    from documents
    left join kinds on kinds.release_kind = documents.kind
),

keyed as (
    select
        row_number() over (order by source_code) as source_key,
        source_code,
        title,
        publisher,
        published_on,
        released_on,
        released_on_origin,
        release_kind,
        precedence,
        citation,
        licence,
        notes,
        registered_from
    from all_sources
)

select * from keyed
