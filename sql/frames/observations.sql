-- The validation frame of the observations (data/raw/observations/source.toml names this file): the suite validates
-- each raw row beside what it refers to, one frame row per raw row; staging reads the same frame (valid.observations
-- is this frame without the quarantined rows). Not a model: pipelines/build/transforms.py builds sql/staging,
-- sql/warehouse and sql/marts; validation runs this over the raw rows it checks (pipelines/validate/validation.py).
-- It adds:
--   _region_code, _region_key   the region as coded, or as named (the name resolved to the version valid in the
--                               period: a full name before a short one, the parent given in a column or a title)
--   _region_resolution          why a name resolves to no region, or to several (listing them)
--   _region_in_period           why a code has no version in the row's period (370282 ended 2017-10-31; see 370215)
--   _value                      the figure in its base unit; bounds of its indicator (data/raw/bounds)

with combos as (  -- each distinct way rows give their region in a period: the region logic runs once for each
    select distinct
        region_code,
        region,
        parent,
        _title,
        _period,
        period_start(_period) as _period_start,
        period_end(_period) as _period_end
    from raw.observations
    where _period is not null
),

title_regions as (  -- the provinces and prefectures a title names (山东省各市... -> 370000)
    select titles._title, list(distinct names.region_code) as codes
    from (select distinct _title from combos where _title is not null and region is not null) as titles
    join region_name as names
        on names.level in ('province', 'prefecture')
        and contains(titles._title, names.name)
    group by titles._title
),

matches as (
    select
        combos.region, combos.parent, combos._title, combos._period,
        names.region_code,
        names.parent_name_zh,
        -- a full name before a short one; among short names the larger region (吉林: the province)
        case
            when names.form = 'full' then 0
            else 1 + list_position(['country', 'province', 'prefecture', 'county'], names.level)
        end as preference,
        coalesce(list_has_any(names.ancestor_codes, title_regions.codes), false) as in_title
    from (
        select distinct region, parent, _title, _period, _period_start, _period_end from combos where region is not null
    ) as combos
    join region_name as names
        on names.name = combos.region
        and coalesce(names.valid_from, date '0001-01-01') <= combos._period_end
        and coalesce(names.valid_to, date '9999-12-31') >= combos._period_start
        and (combos.parent is null or list_contains(names.ancestor_names, combos.parent))
    left join title_regions
        on title_regions._title = combos._title
),

preferred as (
    select * from matches
    qualify preference = min(preference) over (partition by region, parent, _title, _period)
),

hinted as (  -- a title naming one of them picks it
    select * from preferred
    qualify in_title or not bool_or(in_title) over (partition by region, parent, _title, _period)
),

resolved as (
    select
        hinted.region, hinted.parent, hinted._title, hinted._period,
        list(distinct hinted.region_code order by hinted.region_code) as codes,
        list(
            distinct hinted.region_code || ' (' || coalesce(hinted.parent_name_zh, '') || ')'
            order by hinted.region_code || ' (' || coalesce(hinted.parent_name_zh, '') || ')'
        ) as described,
        any_value(all_codes.codes) as all_codes
    from hinted
    join (
        select region, parent, _title, _period, list(distinct region_code) as codes from matches group by all
    ) as all_codes
        on all_codes.region = hinted.region
        and all_codes.parent is not distinct from hinted.parent
        and all_codes._title is not distinct from hinted._title
        and all_codes._period = hinted._period
    group by all
),

title_named as (  -- a table for one region names it in its title (深圳市主要经济指标): the most specific region named
    select
        titles._title, titles._period, names.region_code,
        list_position(['country', 'province', 'prefecture', 'county'], names.level) as depth
    from (
        select distinct _title, _period, _period_start, _period_end from combos
        where region is null and region_code is null and _title is not null
    ) as titles
    join region_name as names
        on contains(titles._title, names.name)
        and length(names.name) >= 2
        and coalesce(names.valid_from, date '0001-01-01') <= titles._period_end
        and coalesce(names.valid_to, date '9999-12-31') >= titles._period_start
),

title_region as (
    select _title, _period, case when count(distinct region_code) = 1 then any_value(region_code) end as code
    from (select * from title_named qualify depth = max(depth) over (partition by _title, _period))
    group by _title, _period
),

coded as (
    select
        combos.*,
        coalesce(
            combos.region_code, case when len(resolved.codes) = 1 then resolved.codes[1] end, title_region.code
        ) as _region_code,
        case
            when combos.region is null then null
            when resolved.codes is null
                then
                    'no region is named ' || combos.region || ' in ' || combos._period
                    || coalesce(' under ' || combos.parent, '')
            when len(resolved.codes) > 1
                then
                    'several regions are named ' || combos.region || ' in ' || combos._period || ': '
                    || array_to_string(resolved.described, ', ')
                    || '; give its parent (a parent column, or a title naming it)'
        end as _region_resolution,
        case
            when combos.region is not null and combos.region_code is not null
                then list_contains(coalesce(resolved.all_codes, []), combos.region_code)
        end as _region_matches_name
    from combos
    left join resolved
        on resolved.region = combos.region
        and resolved.parent is not distinct from combos.parent
        and resolved._title is not distinct from combos._title
        and resolved._period = combos._period
    left join title_region
        on title_region._title = combos._title
        and title_region._period = combos._period
        and combos.region is null
        and combos.region_code is null
),

versioned as (  -- the region version at the end of the period, else at its start
    select
        coded.*,
        coalesce(at_end.region_key, at_start.region_key) as _region_key
    from coded
    left join dim_region as at_end
        on at_end.region_code = coded._region_code
        and coded._period_end
        between coalesce(at_end.valid_from, date '0001-01-01') and coalesce(at_end.valid_to, date '9999-12-31')
    left join dim_region as at_start
        on at_start.region_code = coded._region_code
        and coded._period_start
        between coalesce(at_start.valid_from, date '0001-01-01') and coalesce(at_start.valid_to, date '9999-12-31')
),

missing as (  -- the codes with no version in the row's period
    select distinct _region_code, _period, _period_start
    from versioned
    where _region_key is null and _region_code is not null
),

out_of_period as (  -- a code with no version in the period: what became of it, or what it was before
    select
        missing._region_code,
        missing._period,
        case
            when count(versions.region_key) = 0 then 'no region has the code ' || missing._region_code
            when max(versions.valid_to) filter (where versions.valid_to < missing._period_start) is not null
                then
                    missing._region_code || ' ('
                    || arg_max(versions.name_zh, versions.valid_to) filter (
                        where versions.valid_to < missing._period_start
                    )
                    || ') ended ' || max(versions.valid_to) filter (where versions.valid_to < missing._period_start)
                    || coalesce('; see ' || any_value(successors.codes), '')
            else
                missing._region_code || ' (' || arg_min(versions.name_zh, versions.valid_from) || ') began '
                || min(versions.valid_from) || coalesce('; before, see ' || any_value(predecessors.codes), '')
        end as _region_in_period
    from missing
    left join dim_region as versions
        on versions.region_code = missing._region_code
    left join (
        select
            old_code,
            effective_from,
            string_agg(new_code || ' (' || new_name_zh || ')', ', ' order by new_code) as codes
        from region_code_change
        where new_code is not null and old_code <> new_code and old_code in (select _region_code from missing)
        group by all
    ) as successors
        on successors.old_code = missing._region_code
        and successors.effective_from = cast(versions.valid_to + interval 1 day as date)
    left join (
        select
            new_code,
            effective_from,
            string_agg(old_code || ' (' || old_name_zh || ')', ', ' order by old_code) as codes
        from region_code_change
        where old_code is not null and old_code <> new_code and new_code in (select _region_code from missing)
        group by all
    ) as predecessors
        on predecessors.new_code = missing._region_code
        and predecessors.effective_from = versions.valid_from
    group by missing._region_code, missing._period, missing._period_start
),

regions_of as (
    select
        versioned.region_code, versioned.region, versioned.parent, versioned._title, versioned._period,
        versioned._region_code, versioned._region_key, versioned._region_resolution, versioned._region_matches_name,
        out_of_period._region_in_period
    from versioned
    left join out_of_period
        on out_of_period._region_code = versioned._region_code
        and out_of_period._period = versioned._period
        and versioned._region_key is null
),

indicator_asks as (  -- each distinct indicator name as printed, with the unit printed beside it, resolved once
    select distinct
        _indicator_key, _indicator_bare, _indicator_name_unit, _indicator_level,
        coalesce(_unit, _indicator_name_unit, '') as _ask_unit
    from raw.observations
    where _indicator_key is not null
),

names_asked as (
    select distinct _indicator_key, _indicator_bare, _indicator_name_unit, _indicator_level from indicator_asks
),

indicator_matches as (  -- 1: the name; 2: the name without its parenthesised unit; 3: the growth of the level named
    select asks._indicator_key, names.indicator_code, 1 as how
    from names_asked as asks
    join indicator_name as names on names.name_key = asks._indicator_key
    union all
    select asks._indicator_key, names.indicator_code, 2
    from names_asked as asks
    join indicator_name as names on names.name_key = asks._indicator_bare
    join staging.stg_units as units on units.unit = asks._indicator_name_unit
    union all
    select asks._indicator_key, growth.indicator_code, 3
    from names_asked as asks
    join indicator_name as names on names.name_key = asks._indicator_level
    join staging.stg_indicators as growth
        on growth.base_indicator_code = names.indicator_code
        and growth.measure_type = 'growth_yoy'
),

indicator_best as (  -- the indicators a name names in its best way of matching, with what each measures
    select matches._indicator_key, matches.indicator_code, indicators.unit, indicators.published_unit
    from (select distinct * from indicator_matches qualify how = min(how) over (partition by _indicator_key)) as matches
    join staging.stg_indicators as indicators
        on indicators.indicator_code = matches.indicator_code
),

indicator_closest as (  -- for a name matching none: the three indicators whose names are nearest in spelling, and
    -- whether it is a near miss of one (a typo, a word added: 地区生产总直, 地区生产总值总量), never registered
    select
        _indicator_key,
        string_agg(name_zh || ' (' || indicator_code || ')', ', ' order by score desc) as names,
        max(score) >= 0.95 or min(distance) <= 3 as near_miss
    from (
        select
            asks._indicator_key, names.indicator_code, any_value(names.name_zh) as name_zh,
            max(jaro_winkler_similarity(asks._indicator_bare, names.name_key)) as score,
            min(levenshtein(asks._indicator_bare, names.name_key)) as distance  -- in bytes: 3 for one Chinese character
        from names_asked as asks
        cross join indicator_name as names
        where asks._indicator_key not in (select _indicator_key from indicator_matches)
        group by asks._indicator_key, names.indicator_code
        qualify row_number() over (partition by asks._indicator_key order by score desc, names.indicator_code) <= 3
    )
    group by _indicator_key
),

title_indicator as (  -- a table of one indicator names it in its title (...各省地区生产总值): the longest name in it
    select _title, case when count(distinct indicator_code) = 1 then any_value(indicator_code) end as code
    from (
        select titles._title, names.indicator_code, length(names.name_key) as size
        from (
            select distinct _title from raw.observations
            where indicator is null and indicator_code is null and _title is not null
        ) as titles
        join indicator_name as names
            on contains(lower(replace(titles._title, ' ', '')), names.name_key)
            and length(names.name_key) >= 2
        qualify size = max(size) over (partition by titles._title)
    )
    group by _title
),

indicators_of as (  -- per name and printed unit: the indicator (the unit picks among indicators of one name), or
    -- one registered from the file (a name no catalog entry matches, printed with a known unit), or why neither
    select
        asks._indicator_key,
        asks._ask_unit,
        coalesce(picked.codes, best.codes) as codes,
        matched.codes as all_codes,
        name_units.unit as name_unit,
        case
            when best.codes is null and not coalesce(closest.near_miss, false) and units.base_unit is not null then
                'reg_' || substr(md5(asks._indicator_bare || '|' || units.base_unit), 1, 10)
        end as registered_code,
        case
            when best.codes is not null and len(coalesce(picked.codes, best.codes)) > 1
                then
                    'several indicators are named ' || asks._indicator_key || ': ' || best.described
                    || '; the unit printed beside the figure picks one'
            when
                best.codes is not null or units.base_unit is not null and not coalesce(closest.near_miss, false)
                then null
            when coalesce(closest.near_miss, false)
                then 'no indicator is named ' || asks._indicator_key || coalesce('; closest: ' || closest.names, '')
            else
                'no indicator is named ' || asks._indicator_key || ', and no unit of units.csv is printed with it to '
                || 'register it from the file (' || coalesce(nullif(asks._ask_unit, ''), 'no unit') || ')'
                || coalesce('; closest: ' || closest.names, '')
        end as resolution
    from indicator_asks as asks
    left join staging.stg_units as units
        on units.unit = asks._ask_unit
    left join staging.stg_units as name_units
        on name_units.unit = asks._indicator_name_unit
    left join (
        select
            _indicator_key,
            list(distinct indicator_code order by indicator_code) as codes,
            string_agg(
                distinct indicator_code || ' (' || published_unit || ')',
                ', ' order by indicator_code || ' (' || published_unit || ')'
            ) as described
        from indicator_best
        group by _indicator_key
    ) as best on best._indicator_key = asks._indicator_key
    left join (
        select
            asked._indicator_key,
            asked._ask_unit,
            list(distinct candidates.indicator_code order by candidates.indicator_code) as codes
        from indicator_asks as asked
        join staging.stg_units as printed on printed.unit = asked._ask_unit
        join indicator_best as candidates
            on candidates._indicator_key = asked._indicator_key and candidates.unit = printed.base_unit
        group by all
    ) as picked on picked._indicator_key = asks._indicator_key and picked._ask_unit = asks._ask_unit
    left join (
        select _indicator_key, list(distinct indicator_code) as codes from indicator_matches group by _indicator_key
    ) as matched on matched._indicator_key = asks._indicator_key
    left join indicator_closest as closest on closest._indicator_key = asks._indicator_key
),

registered_indicators as (  -- what a registered indicator measures (sql/macros.sql), and the bounds of that
    select distinct
        asks.registered_code as indicator_code,
        units.base_unit as unit,
        registered_measure_type(names._indicator_bare, units.base_unit) as measure_type
    from indicators_of as asks
    join staging.stg_units as units on units.unit = asks._ask_unit
    join names_asked as names on names._indicator_key = asks._indicator_key
    where asks.registered_code is not null
),

indicator_facts as (  -- the catalog's indicators and the registered ones: unit, measure type, bounds
    select indicator_code, unit, published_unit, measure_type, min_value, max_value, usual_min, usual_max, whole_only
    from staging.stg_indicators
    union all
    select
        registered.indicator_code, registered.unit, null, registered.measure_type,
        bounds.min_value, bounds.max_value, bounds.usual_min, bounds.usual_max, bounds.whole_only
    from registered_indicators as registered
    left join staging.stg_bounds as bounds
        on bounds.measure_type = registered.measure_type
        and bounds.unit in (registered.unit, '*')
        and bounds.indicator_code is null
    qualify row_number() over (partition by registered.indicator_code order by bounds.unit = '*') = 1
),

observed as (
    select
        o.*,
        r._region_code,
        r._region_key,
        r._region_resolution,
        r._region_matches_name,
        r._region_in_period,
        coalesce(o.region_code, o.region, r._region_code) as _region_given,
        coalesce(
            o.indicator_code,
            case when len(ind.codes) = 1 then ind.codes[1] end,
            title_indicator.code,
            ind.registered_code
        ) as _indicator_code,
        coalesce(o.indicator_code, o.indicator, title_indicator.code) as _indicator_given,
        -- cited: a source of sources.csv, or a 资料来源 line under the file's table
        o.source_code in (select source_code from raw.sources) or o._citation is not null as _source_cited,
        ind.resolution as _indicator_resolution,
        case
            when o.indicator_code is not null and o._indicator_key is not null
                then list_contains(coalesce(ind.all_codes, []), o.indicator_code)
        end as _indicator_matches_name,
        ind.name_unit as _name_unit,
        -- an indicator of the catalog, or (false) one registered from the file: kept, with a warning until mapped
        ind.registered_code is null as _indicator_catalogued
    from raw.observations as o
    left join regions_of as r
        on r._period = o._period
        and r.region_code is not distinct from o.region_code
        and r.region is not distinct from o.region
        and r.parent is not distinct from o.parent
        and r._title is not distinct from o._title
    left join indicators_of as ind
        on ind._indicator_key = o._indicator_key
        and ind._ask_unit = coalesce(o._unit, o._indicator_name_unit, '')
    left join title_indicator
        on title_indicator._title = o._title
        and o.indicator is null
        and o.indicator_code is null
),

figures as (
    select
        o.*,
        i.unit as _indicator_unit,
        i.measure_type as _measure_type,
        coalesce(o._unit, o._name_unit, i.published_unit) as _printed_unit,
        u.base_unit as _unit_base,
        try_cast(o._number as double) as _value_number,
        coalesce(
            try_cast(o._number || 'e' || u.decimal_exponent as double),
            try_cast(o._number as double) * cast(u.multiplier as double)
        ) as _value,
        -- a range's upper bound (三四千件: 3000 to 4000), in the base unit
        coalesce(
            try_cast(o._number_upper || 'e' || u.decimal_exponent as double),
            try_cast(o._number_upper as double) * cast(u.multiplier as double)
        ) as _value_upper,
        i.min_value as _min_value,
        i.max_value as _max_value,
        i.usual_min as _usual_min,
        i.usual_max as _usual_max,
        i.whole_only as _whole_only
    from observed as o
    left join indicator_facts as i
        on i.indicator_code = o._indicator_code
    left join staging.stg_units as u
        on u.unit = coalesce(o._unit, o._name_unit, i.published_unit)
)

select
    *,
    -- NaN, infinity, or a figure too large for a double once in its base unit; a missing figure is finite here
    coalesce(isfinite(_value_number) and isfinite(_value), true) as _value_is_finite,
    case when _whole_only and isfinite(_value) then _value = round(_value) end as _value_is_whole,
    case when _measure_type is not null then _min_value is not null end as _bounds_known
from figures
