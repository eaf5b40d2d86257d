-- Observations restated on today's region codes where every change since is one-to-one (region_current): a county
-- turned district, a recode, a rename, or a chain of them. A region merged, split or abolished since is not restated
-- (restated = false), and restatement says what happened to it: its figures are not moved onto another place.
with observations as (
    select * from v_observation
),

current_regions as (
    select * from region_current
)

select
    observations.*,
    current_regions.current_region_code,
    current_regions.current_region_name_zh,
    current_regions.current_region_name_en,
    coalesce(current_regions.restated, false) as restated,
    coalesce(current_regions.restatement, 'not restated: no region') as restatement
from observations
left join current_regions
    on current_regions.region_key = observations.region_key
