-- Qualifier words and their codes, quarantined rows left out.
with source as (
    select *
    from raw.qualifiers as r
    where not exists (
        select 1 from quarantine.qualifiers as q where q._file = r._file and q._line = r._line
    )
),

renamed as (
    select
        qualifier,
        code,
        meaning_en
    from source
)

select * from renamed
