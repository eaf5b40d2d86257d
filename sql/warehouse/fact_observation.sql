-- One row per region (or entity) x indicator x period x source, value in the indicator's base unit.
-- Left joins: a row whose dimension is missing shows a null key instead of vanishing.
-- incremental by file of observations: when only observation files change, only their rows are rebuilt, so
-- every key is a function of the row itself (observation_key of its file, line and column; of a document's
-- accepted candidate, its document and candidate id).
with observations as (
    select * from staging.stg_observations
),

joined as (
    select
        observations.region_key,  -- the region version valid in the period (resolved in validation)
        indicators.indicator_key,
        periods.period_key,
        sources.source_key,
        entities.entity_key,
        observations.entity_name,
        observations.value,
        observations.value_upper,
        observations.precision,
        observations.published_value,
        observations.published_unit,
        observations.qualifier,
        observations.published_qualifier,
        observations.obs_status,
        observations.published_region,
        observations.published_indicator,
        observations.note,
        observations.warning,
        observations._file,
        observations._line,
        observations._column,
        observations._candidate_id,  -- an accepted candidate from a document: its id, and the quote's offsets
        observations._quote_start,
        observations._quote_end,
        observations._ingested_at as loaded_at
    from observations
    left join dim_period as periods
        on periods.period_code = observations.period_code
    left join dim_indicator as indicators
        on indicators.indicator_code = observations.indicator_code
    left join dim_source as sources
        on sources.source_code = observations.source_code
    left join dim_entity as entities
        on entities.name_zh = observations.entity_name
)

select
    case when _candidate_id is null then hash(_file, _line, _column) else hash(_file, _candidate_id) end
        as observation_key,
    *
from joined
