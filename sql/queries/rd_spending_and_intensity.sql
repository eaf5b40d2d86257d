-- R&D spending (CNY and as printed) and R&D intensity (percent of GDP), by region and year.
select
    region_code,
    region_name_en,
    year,
    max(value) filter (where indicator_code = 'rd_expenditure') as rd_expenditure_cny,
    max(published_value || published_unit) filter (where indicator_code = 'rd_expenditure') as rd_expenditure_printed,
    max(value) filter (where indicator_code = 'rd_intensity') as rd_intensity_percent
from v_observation
where indicator_code in ('rd_expenditure', 'rd_intensity')
    and freq = 'A'
group by all
order by region_code, year
