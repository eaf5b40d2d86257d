-- Observations typed and in base units (亿元 -> 1e8 CNY, 万家 -> 1e4 enterprises; % stays percent), with the
-- qualifier as a code (rows that passed validation). The figure was read from its printed cells at ingest
-- (_number, _unit, _qualifier, _period); 34606.40 亿元 is exactly 3.46064e12, not a product of two rounded doubles.
-- incremental by file of observations: when only observation files change, only their rows are rebuilt.
with source as (
    select * from valid.observations
),

with_units as (
    select
        source.*,
        coalesce(source._unit, indicators.published_unit) as printed_unit,
        warned._reason as value_warning
    from source
    left join staging.stg_indicators as indicators
        on indicators.indicator_code = source.indicator_code
    -- kept, but outside its indicator's usual range (a warning of the suite)
    left join warnings.observations as warned
        on warned._file = source._file
        and warned._line = source._line
        and warned._file_sha256 = source._file_sha256
),

typed as (
    select
        with_units.region_code,
        with_units.entity as entity_name,
        with_units.indicator_code,
        with_units._period as period_code,
        with_units.source_code,
        coalesce(
            -- '34606.40' || 'e8' read as one number: exact like decimal arithmetic, five times faster
            try_cast(with_units._number || 'e' || units.decimal_exponent as double),
            -- a multiplier that is not a power of ten (none yet): within a rounding of the exact product
            try_cast(with_units._number as double) * cast(units.multiplier as double)
        ) as value,
        units.base_unit as unit,
        with_units.value as published_value,
        with_units.printed_unit as published_unit,
        coalesce(qualifiers.code, '') as qualifier,
        with_units._qualifier as published_qualifier,
        case when with_units._missing is not null then 'missing' else with_units.status end as obs_status,
        with_units.note,
        with_units.value_warning,
        with_units._file,
        with_units._line,
        with_units._ingested_at
    from with_units
    left join staging.stg_units as units
        on units.unit = with_units.printed_unit
    left join staging.stg_qualifiers as qualifiers
        on qualifiers.qualifier = with_units._qualifier
)

select * from typed
