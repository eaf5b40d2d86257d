-- What analysts query first: the current figure of every region (or entity) x indicator x period, one row each,
-- with its region, indicator, period and source. is_revised: a later release changed it (or it is printed as
-- revised); first_released_value: its first release's value; releases: how many publications gave it. Every
-- release is in v_observation_all, the changes in observation_revision.
select * exclude (is_current, superseded_by)
from v_observation_all
where is_current
