-- The names a file may give an indicator by, one row per name: its Chinese and English names, its code and the
-- synonyms publishers print (地区生产总值, 生产总值, GDP), as keys: NFKC (full-width to ASCII), lower case, no spaces.
with indicators as (
    select * from staging.stg_indicators
),

names as (
    select
        unnest(string_split(name_keys, ';')) as name_key,
        indicator_code,
        name_zh,
        measure_type,
        base_indicator_code
    from indicators
)

select distinct * from names
