-- Indicators registered from the observation files: a name no catalog entry matches (and no near miss of one),
-- printed with a unit of units.csv, as portal exports and city tables print them (房地产开发投资额(亿元)). Each keeps
-- its name and unit as printed, the measure type they tell (registered_measure_type in sql/macros.sql), the three
-- catalog entries nearest in spelling, and the files it came from; its figures load with a warning until its name
-- is mapped to a catalog entry (data/raw/indicator_mappings, `regind map-indicator`). The validation frame gives
-- the code: reg_ and a hash of the name and base unit, the same in every build.
with observations as (
    select indicator_code, published_indicator, published_unit, unit, _file
    from staging.stg_observations
    where starts_with(indicator_code, 'reg_')
),

printed as (
    select
        indicator_code,
        -- the name as printed, without the unit in brackets after it
        mode(trim(regexp_replace(published_indicator, '[(（][^()（）]*[)）]\s*$', ''))) as name_zh,
        mode(published_unit) as published_unit,
        any_value(unit) as unit,  -- one base unit per code: the code hashes it
        count(*) as figures,
        min(_file) as registered_from
    from observations
    group by indicator_code
),

typed as (
    select printed.*, registered_measure_type(name_zh, unit) as measure_type
    from printed
),

closest as (  -- the three catalog entries nearest in spelling: what to map it to, if it is one of them
    select
        indicator_code,
        string_agg(name_zh || ' (' || catalog_code || ')', ', ' order by score desc, catalog_code) as closest
    from (
        select
            typed.indicator_code, names.indicator_code as catalog_code, any_value(names.name_zh) as name_zh,
            max(jaro_winkler_similarity(lower(replace(typed.name_zh, ' ', '')), names.name_key)) as score
        from typed
        cross join indicator_name as names
        group by typed.indicator_code, names.indicator_code
        qualify row_number() over (partition by typed.indicator_code order by score desc, catalog_code) <= 3
    )
    group by indicator_code
),

bounded as (
    select
        typed.*,
        closest.closest,
        bounds.min_value,
        bounds.max_value,
        bounds.usual_min,
        bounds.usual_max,
        bounds.whole_only
    from typed
    left join closest
        on closest.indicator_code = typed.indicator_code
    left join staging.stg_bounds as bounds
        on bounds.measure_type = typed.measure_type
        and bounds.unit in (typed.unit, '*')
        and bounds.indicator_code is null
    qualify row_number() over (partition by typed.indicator_code order by bounds.unit = '*') = 1
)

select * from bounded
