-- One row per region and indicator some consistency rule names: how many figures with a value it has, and a
-- checksum of them; and one per region (indicator '*', what the conflict rule names) for its figures published more
-- than once (observation_revision). consistency_gap, consistency_finding and derived_observation keep the one of their
-- last build and, when only observation files changed, rebuild only the regions and rules whose figures differ from it.
with ruled as (
    select
        regions.region_code,
        indicators.indicator_code,
        count(*) as figures,
        bit_xor(hash(
            facts.observation_key, facts.entity_name, facts.period_key, facts.value, facts.precision, facts.qualifier,
            facts.obs_status
        )) as checksum
    from fact_observation as facts
    join dim_indicator as indicators on indicators.indicator_key = facts.indicator_key
    join dim_region as regions on regions.region_key = facts.region_key
    where facts.value is not null
        and indicators.indicator_code in (select unnest(list_prepend(indicator_code, inputs)) from staging.stg_rules)
    group by regions.region_code, indicators.indicator_code
),

released as (
    select
        region_code,
        '*' as indicator_code,
        count(*) as figures,
        bit_xor(hash(observation_key, value, precision, release_sequence, change_type)) as checksum
    from observation_revision
    where region_code is not null
    group by region_code
)

select * from ruled
union all
select * from released
