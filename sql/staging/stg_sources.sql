-- Publications the figures come from: those of sources.csv, with their citation (rows that passed validation), and
-- one for each source code of the observation files that sources.csv lacks, registered from its file (title: the
-- file's name; no publisher, no citation: provenance is never invented). The observations check warns about the
-- files whose figures have no citation yet.
with listed as (
    select * from valid.sources
),

renamed as (
    select
        source_code,
        title,
        publisher,
        published_on,
        citation,
        licence,
        'sources.csv' as registered_from
    from listed
),

registered as (
    select
        source_code,
        min(regexp_extract(_file, '[^/]+$')) as title,
        null as publisher,
        null as published_on,
        null as citation,
        null as licence,
        min(_file) as registered_from
    from raw.observations
    where source_code is not null
        and source_code not in (select source_code from listed)
    group by source_code
)

select * from renamed
union all
select * from registered
