-- Candidate observations proposed from documents (review.candidates) with the analyst's last decision on each
-- (data/raw/reviews/): proposed, accepted or rejected; an accepted one still missing a region or period waits.
-- same_as names an observation already in the warehouse with the same region, indicator, period, entity and value
-- (file and line): accepting the candidate adds the document as another source of that figure.
with candidates as (
    select * from review.candidates
),

decisions as (
    select * from valid.reviews
    qualify row_number() over (partition by candidate_id order by _file desc, _line desc) = 1
),

observed as (
    select
        regions.region_code,
        indicators.indicator_code,
        periods.period_code,
        facts.entity_name,
        facts.value,
        facts._file,
        facts._line,
        facts._candidate_id
    from fact_observation as facts
    join dim_region as regions on regions.region_key = facts.region_key
    join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    join dim_period as periods on periods.period_key = facts.period_key
),

linked as (
    select
        candidates.candidate_id,
        string_agg(distinct observed._file || ':' || observed._line, ', ') as same_as
    from candidates
    join observed
        on observed.indicator_code = candidates.indicator_code
        and observed.region_code = candidates.region_code
        and observed.period_code = candidates.period
        and observed.entity_name is not distinct from candidates.entity
        and abs(observed.value - candidates.value) <= 1e-9 * greatest(abs(candidates.value), 1)
        and observed._candidate_id is distinct from candidates.candidate_id
    group by candidates.candidate_id
)

select
    candidates.candidate_id,
    candidates.document,
    case
        when
            decisions.decision = 'accept'
            and (
                coalesce(decisions.region_code, candidates.region_code) is null
                or coalesce(decisions.period, candidates.period) is null
                or coalesce(candidates.indicator_code, candidates.registered_code) is null
            )
            then 'accepted, waiting for a region or period'
        when decisions.decision = 'accept' then 'accepted'
        when decisions.decision = 'reject' then 'rejected'
        else 'proposed'
    end as review_status,
    candidates.indicator_code,
    candidates.label,  -- the name as printed; an uncatalogued one (no indicator_code) is registered when accepted
    candidates.registered_code,
    coalesce(decisions.region_code, candidates.region_code) as region_code,
    coalesce(decisions.period, candidates.period) as period,
    candidates.printed,
    candidates.value,
    candidates.base_unit,
    candidates.qualifier,
    candidates.measure_type,
    candidates.entity,
    candidates.status,
    candidates.confidence,
    candidates.quote,
    candidates."start",
    candidates."end",
    candidates.line,
    candidates.pattern,
    candidates.flags,
    linked.same_as,
    decisions.note as review_note,
    decisions.decided_at
from candidates
left join decisions
    on decisions.candidate_id = candidates.candidate_id
left join linked
    on linked.candidate_id = candidates.candidate_id
order by candidates.document, candidates."start"
