-- Consistent synthetic figures for `make bench` (bench/synthetic.py). The macros derive every figure of a county and
-- month from a few quantities of that county, so the consistency rules (data/raw/rules) hold for them as they hold
-- for published figures. The table `recipes` says how each indicator's figures are made. SYNTHETIC: never to be
-- mistaken for statistics.
--
-- A county has a resident population and a GDP per person, each following a course of its own over the months. GDP is
-- their product. The parts are fixed fractions of the county:
--     the three industries (the tertiary is what the other two leave, so the three add up to GDP);
--     industry within the secondary industry, and industry above designated size within industry;
--     exports and imports, which together make goods trade;
--     the urban population within the resident population.
-- Shares and intensities are those fractions in percent. A growth rate compares its level with the same month a year
-- before. A level that no rule relates to another has a size and a course of its own.
-- Figures are unrounded here and in base units (CNY, persons, percent). bench/synthetic.py prints them rounded in the
-- printed unit, as published. A check recomputed from the printed figures is then off by no more than the rounding
-- of those figures, which consistency_gap allows.
--
-- The tables catalog (data/raw/indicators), units and rules (data/raw/rules) must be loaded first, as must
-- indicators (code, unit, measure, i: the grid's order).

-- A number in [low, high) from a hash: the same key gives the same number in every file and in every run.
create or replace macro uniform(key_hash, low, high) as low + (high - low) * (key_hash % 1000000) / 1000000.0;

-- The same for a county and a name.
create or replace macro drawn(county, name, low, high) as uniform(hash(county, name), low, high);

-- The same, spread evenly over orders of magnitude (a county of 100,000 people is as likely as one of 1,000,000).
create or replace macro drawn_log(county, name, low, high) as exp(drawn(county, name, ln(low), ln(high)));

-- A quantity's course over the months (month 0 is 2020-01, month 12 is 2021-01): a steady yearly log growth between
-- low and high, times a wobble of its own in each month (± half of `wobble`). A year's growth is then about
-- low - wobble .. high + wobble in logs: -9% .. +20% for GDP, as county growth rates are. The trend has a hash
-- of its own, so that it does not follow the quantity's size.
create or replace macro course(county, name, month, low, high, wobble) as exp(
    uniform(hash(county, name, 'trend'), low, high) * month / 12
    + uniform(hash(county, name, month), -wobble / 2, wobble / 2)
);

create or replace macro population(county, month) as
    drawn_log(county, 'population', 1e5, 2e6) * course(county, 'population', month, -0.01, 0.02, 0.005);

create or replace macro gdp_per_person(county, month) as  -- CNY: 20,000 to 150,000 yuan, as China's counties
    drawn(county, 'gdp per person', 2e4, 1.5e5) * course(county, 'gdp per person', month, -0.02, 0.10, 0.06);

create or replace macro gdp(county, month) as population(county, month) * gdp_per_person(county, month);

-- Fractions of the county, fixed over the months (so a share fits its part and whole in every month).
create or replace macro primary_fraction(county) as drawn(county, 'primary', 0.02, 0.15);
create or replace macro secondary_fraction(county) as drawn(county, 'secondary', 0.25, 0.5);
create or replace macro tertiary_fraction(county) as 1 - primary_fraction(county) - secondary_fraction(county);
create or replace macro industrial_fraction(county) as
    secondary_fraction(county) * drawn(county, 'industrial', 0.6, 0.9);
create or replace macro exports_fraction(county) as drawn(county, 'exports', 0.05, 0.4);
create or replace macro imports_fraction(county) as drawn(county, 'imports', 0.03, 0.3);
create or replace macro online_retail_fraction(county) as drawn(county, 'online retail', 0.02, 0.1);
create or replace macro rd_fraction(county) as drawn(county, 'rd', 0.01, 0.04);
create or replace macro urban_fraction(county) as drawn(county, 'urban', 0.3, 0.9);

-- A level that no rule relates to another, by its shape (recipes): 100 to 1,000 of its printed unit, or 12,000 to
-- 120,000 yuan for an amount per person (a wage, an income), within the usual ranges of data/raw/bounds. With three
-- digits or more, the rounding of a printed level stays far below a growth rule's tolerance. An index is about 100
-- and an intensity (energy per unit of GDP) 0.3 to 1.5; their growth rates are checked too.
create or replace macro own_figure(code, shape, multiplier, county, month) as multiplier * case shape
    when 'index' then drawn(county, code, 95, 105) * course(county, code, month, -0.02, 0.04, 0.01)
    when 'intensity' then drawn(county, code, 0.3, 1.5) * course(county, code, month, -0.08, 0.02, 0.03)
    when 'per person' then drawn(county, code, 1.2e4, 1.2e5) * course(county, code, month, -0.02, 0.10, 0.04)
    else drawn(county, code, 100, 1000) * course(county, code, month, -0.05, 0.15, 0.06)
end;

-- A figure of a county and month in its base unit, before rounding: the figures the rules relate, from the county's
-- quantities (keep in step with data/raw/rules/rules.csv: tests/unit/test_bench_synthetic.py checks every rule);
-- any other from a size and course of its own.
create or replace macro figure(code, shape, multiplier, county, month) as case code
    when 'gdp' then gdp(county, month)
    when 'primary_industry_va' then gdp(county, month) * primary_fraction(county)
    when 'secondary_industry_va' then gdp(county, month) * secondary_fraction(county)
    when 'tertiary_industry_va' then gdp(county, month) * tertiary_fraction(county)
    when 'industrial_va' then gdp(county, month) * industrial_fraction(county)
    when 'industrial_va_above_size'
        then gdp(county, month) * industrial_fraction(county) * drawn(county, 'above size', 0.6, 0.95)
    when 'strategic_emerging_industries_va' then gdp(county, month) * drawn(county, 'emerging', 0.05, 0.2)
    when 'software_it_services_va' then gdp(county, month) * drawn(county, 'software', 0.01, 0.05)
    when 'rd_expenditure' then gdp(county, month) * rd_fraction(county)
    when 'goods_exports' then gdp(county, month) * exports_fraction(county)
    when 'goods_imports' then gdp(county, month) * imports_fraction(county)
    when 'goods_trade_total' then gdp(county, month) * (exports_fraction(county) + imports_fraction(county))
    when 'online_retail_sales' then gdp(county, month) * online_retail_fraction(county)
    when 'online_retail_physical_goods'
        then gdp(county, month) * online_retail_fraction(county) * drawn(county, 'physical goods', 0.7, 0.95)
    when 'resident_population' then population(county, month)
    when 'urban_population' then population(county, month) * urban_fraction(county)
    when 'gdp_per_capita' then gdp_per_person(county, month)
    when 'primary_industry_share' then 100 * primary_fraction(county)
    when 'secondary_industry_share' then 100 * secondary_fraction(county)
    when 'tertiary_industry_share' then 100 * tertiary_fraction(county)
    when 'rd_intensity' then 100 * rd_fraction(county)
    when 'urbanisation_rate' then 100 * urban_fraction(county)
    else own_figure(code, shape, multiplier, county, month)
end;

-- The deliberately inconsistent figures: in one county-month of 200 (chosen by hash), every figure is misprinted,
-- 10% too high or too low (by hash). Each rule then fails in about 0.5% of its checks; the misprinted figures are
-- 0.44% of the rows, as the figures drawn at random (ranks, streaks) are not misprinted.
-- Figures derived from a misprinted level are derived from the level as printed, misprint and all, so a misprint
-- breaks only the checks of its own county-month.
create or replace macro misprint(county, month, code) as case
    when hash(county, month) % 200 <> 0 then 1.0
    when hash(county, month, code) % 2 = 0 then 1.1
    else 0.9
end;

-- A figure as printed, before rounding: in its printed unit (亿元 = 1e8 CNY), misprinted or not.
create or replace macro printed(code, shape, multiplier, county, month) as
    figure(code, shape, multiplier, county, month) * misprint(county, month, code) / multiplier;

-- A growth rate in percent: the level as printed against the same month a year before, as the growth rules check it.
-- A misprinted growth rate is 5 points off (10% of a growth rate of a few percent would pass the rule's tolerance).
create or replace macro growth(code, base, shape, multiplier, county, month) as
    100 * (printed(base, shape, multiplier, county, month) / printed(base, shape, multiplier, county, month - 12) - 1)
    + 50 * (misprint(county, month, code) - 1);

-- How each indicator's figures are made, in the grid's order:
-- kind: figure (a level, a count or an index, a figure that a ratio rule derives, or the level of a growth rate),
-- growth (a growth rate of a level), or random (what no rule relates to anything: ranks, streaks, other ratios, drawn
-- as in the random data);
-- shape: the size of a figure of its own (own_figure); base_shape and base_multiplier: those of a growth rate's
-- level;
-- decimals: the printed rounding. Growth, shares and ratios get 2 decimals and an intensity 4. Levels in units of
-- many (万人, 亿元, 公里) get 2 decimals, which keeps persons and enterprises whole in base units; those in 万亿元 get 6
-- (a county's trade is 0.001-0.1 万亿元); those in units of one (元, 辆, 个) get 0.
create or replace table recipes as
with described as (
    select
        indicators.*,
        catalog.base_indicator_code as base,
        cast(units.multiplier as double) as multiplier,
        case
            when indicators.measure = 'index' then 'index'
            when indicators.measure = 'ratio' then 'intensity'
            when indicators.unit = '元' then 'per person'
            else 'level'
        end as shape
    from indicators
    join catalog on catalog.indicator_code = indicators.code
    join units on units.unit = indicators.unit
),

bases as (select distinct base from described where measure = 'growth_yoy'),

kinds as (
    select
        described.*,
        case
            when described.measure = 'growth_yoy' and described.base is not null then 'growth'
            when described.measure in ('level', 'count', 'index')
                or described.code in (select indicator_code from rules where rule_type = 'ratio')
                or described.code in (select base from bases)
                then 'figure'
            else 'random'
        end as kind
    from described
)

select
    kinds.code,
    kinds.unit,
    kinds.measure,
    kinds.i,
    kinds.multiplier,
    kinds.kind,
    kinds.shape,
    kinds.base,
    base_of.shape as base_shape,
    base_of.multiplier as base_multiplier,
    case
        when kinds.measure not in ('level', 'count') and kinds.unit not in ('%', '上年=100') then 4
        when kinds.measure not in ('level', 'count') then 2
        when kinds.multiplier >= 1e12 then 6
        when kinds.multiplier > 1 then 2
        else 0
    end as decimals
from kinds
left join kinds as base_of on base_of.code = kinds.base
