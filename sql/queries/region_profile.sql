-- Every figure published for one region, newest period first:
-- regind query -f sql/queries/region_profile.sql --param region=440300
select
    period_code,
    indicator_code,
    indicator_name_en,
    entity_name,
    qualifier,
    value,
    unit,
    published_value,
    published_unit,
    obs_status
from v_observation
where region_code = $region
order by period_code desc, entity_name nulls first, indicator_code
