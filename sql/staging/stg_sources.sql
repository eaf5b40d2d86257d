-- Publications the figures come from: those of sources.csv, with their citation (rows that passed validation), and
-- one for each source code of the observation files that sources.csv lacks, registered from its file (title: the
-- file's name; citation: the 资料来源 line under its table, if any; no publisher: provenance is never invented). The
-- observations check warns about the files whose figures have no citation yet. notes: the 注 lines under the files'
-- tables.
with listed as (
    select * from valid.sources
),

files as (
    select
        source_code,
        min(regexp_extract(_file, '[^/]+$')) as title,
        string_agg(distinct _citation, '; ' order by _citation) as citation,
        string_agg(distinct _notes, '; ' order by _notes) as notes,
        min(_file) as registered_from
    from raw.observations
    where source_code is not null
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
        'sources.csv' as registered_from
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
        registered_from
    from files
    where source_code not in (select source_code from listed)
)

select * from renamed
union all
select * from registered
