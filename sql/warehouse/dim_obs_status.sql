-- The status flags a figure carries (fact_observation.obs_status), with SDMX's observation status and Eurostat's flag
-- for each, and the words that flag a table's figures when printed in its title or notes.
with statuses as (
    select * from staging.stg_obs_statuses
)

select
    obs_status,
    sdmx_obs_status,
    eurostat_flag,
    name_zh,
    meaning_en,
    markers,
    compared
from statuses
