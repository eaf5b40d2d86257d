-- The names a file may give an indicator by, one row per name: its Chinese and English names, its code and the
-- synonyms publishers print (地区生产总值, 生产总值, GDP), and the names analysts mapped to it
-- (data/raw/indicator_mappings), as keys: NFKC (full-width to ASCII), lower case, no spaces.
with indicators as (
    select * from staging.stg_indicators
),

mapped as (
    select * from valid.indicator_mappings
),

names as (
    select
        unnest(string_split(name_keys, ';')) as name_key,
        indicator_code,
        name_zh,
        measure_type,
        base_indicator_code
    from indicators
    union all
    select
        unnest(string_split(mapped._names, ';')),
        indicators.indicator_code,
        indicators.name_zh,
        indicators.measure_type,
        indicators.base_indicator_code
    from mapped
    join indicators
        on indicators.indicator_code = mapped.indicator_code
)

select distinct * from names
