-- Observations typed and in base units (亿元 -> 1e8 CNY, 万家 -> 1e4 enterprises; % stays percent), with the
-- qualifier as a code and the region version they refer to (rows that passed validation). The figure was read
-- from its printed cells at ingest (_number, _unit, _qualifier, _period); its region and its value in the base
-- unit come from the validation frame (data/raw/observations/source.toml), as validated: a region named as
-- printed (深圳市, 即墨区) is resolved to the code valid in the period, and 34606.40 亿元 is exactly 3.46064e12.
-- Also the candidates an analyst accepted from documents (data/raw/documents/, decisions in data/raw/reviews/):
-- their source is the document, their lineage the quote's character offsets in its text (_quote_start, _quote_end).
-- incremental by file of observations: when only observation files change, only their rows are rebuilt.
with source as (
    select * from valid.observations
),

flagged as (
    select
        source.*,
        warned._reason as warning
    from source
    -- kept, but with a warning of the suite (an unusual value, a source with no citation yet)
    left join warnings.observations as warned
        on warned._file = source._file
        and warned._line = source._line
        and warned._column = source._column
        and warned._file_sha256 = source._file_sha256
),

tables as (  -- each table's title and notes, with the year of its figures (from the raw rows: reading the validated
    -- ones twice would compute their frame twice)
    select distinct _title, _notes, left(_period, 4) as year
    from raw.observations
    where _title is not null or _notes is not null
),

clauses as (
    select
        tables.*,
        unnest(string_split_regex(lower(concat_ws('。', _title, _notes)), '[；;。]')) as clause
    from tables
),

printed_status as (  -- a status printed in a table's title or a note, for the years its clause names (all if none):
    -- 2023年数据为初步核算数 flags the 2023 figures provisional, 对1992年-2023年...数据进行了系统修订 those of 1992 to
    -- 2023 revised
    select
        clauses._title,
        clauses._notes,
        clauses.year,
        arg_min(statuses.obs_status, statuses.ordinal) as obs_status
    from clauses
    join staging.stg_obs_statuses as statuses
        on list_bool_or([contains(clauses.clause, marker) for marker in statuses.markers])
    where not regexp_matches(clauses.clause, '(19|20)[0-9]{2}')
        or list_contains(regexp_extract_all(clauses.clause, '((?:19|20)[0-9]{2})', 1), clauses.year)
        or list_bool_or([  -- 1992年-2023年: a range of years
            clauses.year between start_year and regexp_extract_all(
                clauses.clause, '([0-9]{4})\s*年?\s*[-—–~至到]\s*([0-9]{4})', 2
            )[i]
            for start_year, i in regexp_extract_all(clauses.clause, '([0-9]{4})\s*年?\s*[-—–~至到]\s*([0-9]{4})', 1)
        ])
    group by all
),

typed as (
    select
        flagged._region_code as region_code,
        flagged._region_key as region_key,
        flagged.region as published_region,
        flagged.entity as entity_name,
        flagged._indicator_code as indicator_code,
        flagged.indicator as published_indicator,
        flagged._period as period_code,
        flagged.source_code,
        flagged._value as value,
        flagged._value_upper as value_upper,  -- a range's upper bound (三四千件); value is its lower bound
        flagged._unit_base as unit,
        -- half the last printed digit, in the base unit: 34606.40 亿元 is exact to 5e5 CNY, 2.4万家 to 500 enterprises
        case
            when flagged._value_number <> 0
                then
                    abs(flagged._value / flagged._value_number) * 0.5 * pow(
                        10,
                        coalesce(try_cast(regexp_extract(lower(flagged._number), 'e([+-]?[0-9]+)', 1) as int), 0)
                        - length(regexp_extract(flagged._number, '\.([0-9]+)', 1))
                    )
        end as precision,
        flagged.value as published_value,
        flagged._printed_unit as published_unit,
        coalesce(qualifiers.code, '') as qualifier,
        flagged._qualifier as published_qualifier,
        case
            when flagged._missing is not null then 'missing'
            when flagged.status = 'reported' then coalesce(printed_status.obs_status, 'reported')
            else flagged.status  -- as a column or the file's sidecar gives it
        end as obs_status,
        flagged.note,
        flagged.warning,
        flagged._file,
        flagged._line,
        flagged._column,
        flagged._ingested_at
    from flagged
    left join staging.stg_qualifiers as qualifiers
        on qualifiers.qualifier = flagged._qualifier
    left join printed_status
        on printed_status._title is not distinct from flagged._title
        and printed_status._notes is not distinct from flagged._notes
        and printed_status.year = left(flagged._period, 4)
),

decisions as (  -- an analyst's last word on each candidate
    select * from valid.reviews
    qualify row_number() over (partition by candidate_id order by _file desc, _line desc) = 1
),

accepted as (
    select
        candidates.*,
        coalesce(decisions.region_code, candidates.region_code) as settled_region,
        coalesce(decisions.period, candidates.period) as settled_period,
        decisions.note as review_note,
        decisions._ingested_at
    from review.candidates as candidates
    join decisions
        on decisions.candidate_id = candidates.candidate_id
        and decisions.decision = 'accept'
),

from_documents as (  -- an accepted candidate with no region or period yet waits (regind review shows it)
    select
        accepted.settled_region as region_code,
        coalesce(at_end.region_key, at_start.region_key) as region_key,
        null::varchar as published_region,
        accepted.entity as entity_name,
        -- a figure the catalog has no indicator for is registered by its name as printed (stg_registered_indicators)
        coalesce(accepted.indicator_code, accepted.registered_code) as indicator_code,
        accepted.label as published_indicator,
        accepted.settled_period as period_code,
        'document:' || accepted.document as source_code,
        accepted.value,
        null::double as value_upper,
        accepted.base_unit as unit,
        null::double as precision,
        accepted.printed as published_value,
        accepted.unit as published_unit,
        coalesce(qualifiers.code, '') as qualifier,
        accepted.qualifier as published_qualifier,
        accepted.status as obs_status,
        concat_ws('; ', '«' || accepted.quote || '»', accepted.review_note) as note,
        null::varchar as warning,
        accepted.document as _file,
        accepted.line::bigint as _line,
        null::bigint as _column,
        accepted._ingested_at,
        accepted.candidate_id as _candidate_id,
        accepted.start as _quote_start,
        accepted."end" as _quote_end
    from accepted
    left join staging.stg_qualifiers as qualifiers
        on qualifiers.qualifier = accepted.qualifier
    left join dim_region as at_end
        on at_end.region_code = accepted.settled_region
        and period_end(accepted.settled_period)
        between coalesce(at_end.valid_from, date '0001-01-01') and coalesce(at_end.valid_to, date '9999-12-31')
    left join dim_region as at_start
        on at_start.region_code = accepted.settled_region
        and period_start(accepted.settled_period)
        between coalesce(at_start.valid_from, date '0001-01-01') and coalesce(at_start.valid_to, date '9999-12-31')
    where accepted.settled_region is not null
        and accepted.settled_period is not null
        and coalesce(accepted.indicator_code, accepted.registered_code) is not null
)

select * from typed
union all by name
select * from from_documents
