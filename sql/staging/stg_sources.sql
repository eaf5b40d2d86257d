-- Publications the figures come from: those of sources.csv, with their citation (rows that passed validation), and
-- one for each source code of the observation files that sources.csv lacks, registered from its file (title: the
-- file's name; citation: the 资料来源 line under its table, if any; no publisher: provenance is never invented). The
-- observations check warns about the files whose figures have no citation yet. notes: the 注 lines under the files'
-- tables.
-- Each has a release date and a kind. released_on: sources.csv's published_on; else what a file says of itself (a
-- sidecar's or a column's published_on); else a date printed in its title or notes (2024年3月15日发布); else the
-- day its first file was loaded (released_on_origin says which). release_kind: as declared, else from the words of
-- its title, publisher, notes and file name (stg_release_kinds), else document. precedence: sources.csv's, else
-- the kind's.
with listed as (
    select * from valid.sources
),

file_tables as (  -- what each file's table says around its figures: a few rows a file, not one a figure
    select distinct source_code, _file, _title, _notes, _citation, published_on, release_kind, _ingested_at
    from raw.observations
    where source_code is not null
),

files as (
    select
        source_code,
        min(regexp_extract(_file, '[^/]+$')) as title,
        string_agg(distinct _citation, '; ' order by _citation) as citation,
        string_agg(distinct _notes, '; ' order by _notes) as notes,
        min(_file) as registered_from,
        min(release_date(published_on)) as declared_on,
        min(release_kind) as declared_kind,
        min(release_date_in(concat_ws(' ', _title, _notes))) as printed_on,
        string_agg(distinct concat_ws(' ', _title, _notes, _citation, regexp_extract(_file, '[^/]+$')), ' ')
            as described,
        cast(min(_ingested_at) as date) as first_loaded_on
    from file_tables
    group by source_code
),

renamed as (
    select
        listed.source_code,
        listed.title,
        listed.publisher,
        listed.published_on,
        listed.citation,
        listed.licence,
        files.notes,
        'sources.csv' as registered_from,
        coalesce(release_date(listed.published_on), files.declared_on, files.printed_on, files.first_loaded_on)
            as released_on,
        case
            when release_date(listed.published_on) is not null then 'sources.csv'
            when files.declared_on is not null then 'sidecar or column'
            when files.printed_on is not null then 'title or notes'
            when files.first_loaded_on is not null then 'first load'
        end as released_on_origin,
        coalesce(listed.release_kind, files.declared_kind) as declared_kind,
        concat_ws(' ', listed.title, listed.publisher, listed.citation, files.described) as described,
        try_cast(listed.precedence as integer) as declared_precedence
    from listed
    left join files
        on files.source_code = listed.source_code
),

registered as (
    select
        source_code,
        title,
        null as publisher,
        null as published_on,
        citation,
        null as licence,
        notes,
        registered_from,
        coalesce(declared_on, printed_on, first_loaded_on) as released_on,
        case
            when declared_on is not null then 'sidecar or column'
            when printed_on is not null then 'title or notes'
            else 'first load'
        end as released_on_origin,
        declared_kind,
        described,
        null::integer as declared_precedence
    from files
    where source_code not in (select source_code from listed)
),

sources as (
    select * from renamed
    union all
    select * from registered
),

kinds as (
    select * from staging.stg_release_kinds
),

told as (  -- the kind its words tell, when none is declared: the first of highest precedence whose word it holds
    select
        sources.source_code,
        arg_max(kinds.release_kind, [kinds.precedence, -kinds.ordinal]) as release_kind
    from sources
    join kinds
        on list_bool_or([contains(lower(sources.described), word) for word in kinds.words])
    where sources.declared_kind is null
    group by sources.source_code
)

select
    sources.* exclude (declared_kind, described, declared_precedence),
    coalesce(sources.declared_kind, told.release_kind, 'document') as release_kind,
    coalesce(sources.declared_precedence, kinds.precedence) as precedence
from sources
left join told
    on told.source_code = sources.source_code
left join kinds
    on kinds.release_kind = coalesce(sources.declared_kind, told.release_kind, 'document')
