-- Regions ranked by each published 2023 growth rate (regional totals, not company figures).
select
    indicator_code,
    indicator_name_en,
    rank() over (partition by indicator_code order by value desc) as rank,
    region_code,
    region_name_en,
    value as growth_yoy_percent,
    qualifier,
    price_basis
from v_observation
where measure_type = 'growth_yoy'
    and period_code = '2023'
    and entity_name is null
    and obs_status = 'reported'
order by indicator_code, rank
