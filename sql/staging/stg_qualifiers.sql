-- Qualifier words and their codes (rows that passed validation).
with source as (
    select * from valid.qualifiers
),

renamed as (
    select
        qualifier,
        code,
        meaning_en
    from source
)

select * from renamed
