-- Every check of a consistency rule (data/raw/rules) that the published figures fail: the figure a rule checks, the
-- figure recomputed from the figures it relates to, and a gap beyond the rule's tolerance and the rounding of the
-- printed figures. consistency_finding explains them. No figure is changed or dropped. Only reported or
-- estimated figures printed without a qualifier are compared; a growth rate at comparable prices is never compared
-- with levels at current prices (rules of price basis 'current'). The rules compare figures of one release group
-- (v_rule_figure): the current figures, and a publication's own figures once a later release replaced some of them.
-- A check through two groups of the same figures is kept once; where a publication's own figures give a check, the
-- check mixing its figures with another publication's current ones is dropped (the seed page's R&D intensity against
-- a yearbook's revised GDP says nothing about either). Two publications of the same day that disagree are a check of
-- their own (rule type conflict: observation_revision).
-- incremental by region and rule of observations, through consistency_scope and v_rule_figure: the runner fills
-- temp.scope_rule and temp.scope_figure (v_rule_figure) with every rule and figure, or with the rules and regions
-- whose figures changed
-- duckdb chooses join sides: its estimates keep the hash tables on the small side here
-- duckdb memory limit: 1GB (every check of 10 million random figures fails: 816,000 findings at 10M rows)
with rules as (
    select * from staging.stg_rules where rule_key in (select rule_key from temp.scope_rule)
),

observed as not materialized (  -- figures printed without a qualifier
    select * from temp.scope_figure where qualifier = ''
),

observed_once as not materialized (  -- one figure per region, entity, indicator and period, for sums
    select * from observed
    qualify
        row_number() over (
            partition by release_group, region_code, entity_name, period_code, indicator_code order by observation_key
        ) = 1
),

-- each ratio rule's numerators and denominators, by rule: joins on the rule never pair two indicators
ratio_inputs as (
    select rules.rule_key, rules.scale, position, observed.*
    from rules
    join (values (1), (2)) as inputs (position) on true
    join observed on observed.indicator_code = rules.inputs[position]
    where rules.rule_type = 'ratio'
),

ratio_checks as (  -- result = scale x numerator / denominator
    select
        rules.rule_key, rules.rule_code, r.region_code, r.entity_name, r.period_code, r.indicator_code,
        [r.observation_key, a.observation_key, b.observation_key] as observation_keys,
        r.value as published_value,
        rules.scale * a.value / b.value as recomputed_value,
        r.precision
        + abs(rules.scale * a.value / b.value) * (a.precision / abs(a.value) + b.precision / abs(b.value)) as rounding,
        [a.value, b.value] as input_values,
        r.release_group,
        r.is_current and a.is_current and b.is_current as all_current,
        r.source_key = a.source_key and a.source_key = b.source_key as one_source
    from rules
    join observed as r on r.indicator_code = rules.indicator_code
    join ratio_inputs as a
        on a.rule_key = rules.rule_key and a.position = 1 and a.group_region = r.group_region
        and a.entity_name is not distinct from r.entity_name and a.period_code = r.period_code
    join ratio_inputs as b
        on b.rule_key = rules.rule_key and b.position = 2 and b.group_region = r.group_region
        and b.entity_name is not distinct from r.entity_name and b.period_code = r.period_code
    where rules.rule_type = 'ratio' and a.value <> 0 and b.value <> 0
),

part_checks as (  -- part <= whole: published is the part, recomputed the whole
    select
        rules.rule_key, rules.rule_code, part.region_code, part.entity_name, part.period_code, part.indicator_code,
        [part.observation_key, whole.observation_key],
        part.value, whole.value, part.precision + whole.precision, null::double[],
        part.release_group, part.is_current and whole.is_current, part.source_key = whole.source_key
    from rules
    join observed as part on part.indicator_code = rules.indicator_code
    join observed as whole
        on whole.indicator_code = rules.inputs[1] and whole.group_region = part.group_region
        and whole.entity_name is not distinct from part.entity_name and whole.period_code = part.period_code
    where rules.rule_type = 'part_of'
),

parts as (  -- each part of a sum_of rule once per region, entity and period
    select
        rules.rule_key,
        parts.release_group,
        parts.group_region,
        parts.region_code,
        parts.entity_name,
        parts.period_code,
        list(parts.observation_key order by parts.indicator_code) as observation_keys,
        bool_and(parts.is_current) as all_current,
        min(parts.source_key) as source_key,
        max(parts.source_key) = min(parts.source_key) as one_source,
        sum(parts.value) as total,
        sum(parts.precision) as precision,
        count(*) as found,
        any_value(len(rules.inputs)) as wanted
    from rules
    join observed_once as parts
        on list_contains(rules.inputs, parts.indicator_code)
    where rules.rule_type = 'sum_of'
    group by all
),

sum_checks as (
    select
        rules.rule_key, rules.rule_code, whole.region_code, whole.entity_name, whole.period_code, whole.indicator_code,
        list_prepend(whole.observation_key, parts.observation_keys),
        whole.value, parts.total, whole.precision + parts.precision, null::double[],
        whole.release_group,
        whole.is_current and parts.all_current,
        parts.one_source and parts.source_key = whole.source_key
    from rules
    join observed as whole on whole.indicator_code = rules.indicator_code
    join parts
        on parts.rule_key = rules.rule_key and parts.group_region = whole.group_region
        and parts.entity_name is not distinct from whole.entity_name and parts.period_code = whole.period_code
        and parts.found = parts.wanted
),

growth_checks as (  -- growth = 100 x (level / level a year before - 1)
    select
        rules.rule_key, rules.rule_code, g.region_code, g.entity_name, g.period_code, g.indicator_code,
        [g.observation_key, now.observation_key, before.observation_key],
        g.value,
        rules.scale * (now.value / before.value - 1),
        g.precision + rules.scale * abs(now.value / before.value)
        * (now.precision / abs(now.value) + before.precision / abs(before.value)),
        null::double[],
        g.release_group, g.is_current and now.is_current and before.is_current,
        g.source_key = now.source_key and now.source_key = before.source_key
    from rules
    join observed as g
        on g.indicator_code = rules.indicator_code
        and (rules.price_basis = '' or g.price_basis <> 'comparable')
    join observed as now
        on now.indicator_code = rules.inputs[1] and now.group_region = g.group_region
        and now.entity_name is not distinct from g.entity_name and now.period_code = g.period_code
    join observed as before
        on before.indicator_code = rules.inputs[1] and before.group_region = g.group_region
        and before.entity_name is not distinct from g.entity_name
        and before.period_code = period_shift(g.period_code, -1)
    where rules.rule_type = 'growth' and before.value <> 0 and now.value <> 0
),

multiples as (  -- each published multiple with the level it divides and its baseline period
    select
        rules.rule_key,
        rules.rule_code,
        rules.inputs[1] as level_code,
        rules.baseline_period || substr(k.period_code, 5) as base_period,
        k.*
    from rules
    join observed as k on k.indicator_code = rules.indicator_code
    where rules.rule_type = 'multiple'
),

multiple_checks as (  -- multiple = level / level of the baseline year
    select
        k.rule_key, k.rule_code, k.region_code, k.entity_name, k.period_code, k.indicator_code,
        [k.observation_key, now.observation_key, base.observation_key],
        k.value,
        now.value / base.value,
        k.precision + abs(now.value / base.value) * (now.precision / abs(now.value) + base.precision / abs(base.value)),
        [now.value, base.value],
        k.release_group, k.is_current and now.is_current and base.is_current,
        k.source_key = now.source_key and now.source_key = base.source_key
    from multiples as k
    join observed as now
        on now.indicator_code = k.level_code and now.group_region = k.group_region
        and now.entity_name is not distinct from k.entity_name and now.period_code = k.period_code
    join observed as base
        on base.indicator_code = k.level_code and base.group_region = k.group_region
        and base.entity_name is not distinct from k.entity_name and base.period_code = k.base_period
    where base.value <> 0 and now.value <> 0
),

children as (  -- the subdivisions of a region in a period, and which of them have the figure
    select
        rules.rule_key, parent.observation_key as parent_key, count(distinct versions.region_code) as wanted,
        count(distinct child.region_code) as found,
        list(child.observation_key order by child.region_code) filter (where child.observation_key is not null)
            as observation_keys,
        coalesce(bool_and(child.is_current), true) as all_current, min(child.source_key) as source_key,
        coalesce(max(child.source_key) = min(child.source_key), true) as one_source,
        sum(child.value) as total, coalesce(sum(child.precision), 0) as precision
    from rules
    join observed as parent on parent.indicator_code = rules.indicator_code and parent.entity_name is null
    join dim_region as versions
        on versions.parent_code = parent.region_code
        and coalesce(versions.valid_from, date '0001-01-01') <= parent.end_date
        and coalesce(versions.valid_to, date '9999-12-31') >= parent.end_date
    left join observed_once as child
        on child.region_code = versions.region_code and child.indicator_code = parent.indicator_code
        and child.period_code = parent.period_code and child.entity_name is null
        and child.release_group = parent.release_group
    where rules.rule_type = 'children_sum'
    group by all
),

children_checks as (
    select
        rules.rule_key,
        rules.rule_code,
        parent.region_code,
        parent.entity_name,
        parent.period_code,
        parent.indicator_code,
        list_prepend(parent.observation_key, children.observation_keys),
        parent.value, children.total, parent.precision + children.precision, null::double[],
        parent.release_group, parent.is_current and children.all_current,
        children.one_source and coalesce(children.source_key = parent.source_key, true)
    from rules
    join children on children.rule_key = rules.rule_key
    join observed as parent on parent.observation_key = children.parent_key
    where children.found = children.wanted and children.wanted > 0
),

conflict_checks as (  -- a figure two publications of the same day give apart (observation_revision)
    select
        rules.rule_key, rules.rule_code, revisions.region_code, revisions.entity_name, revisions.period_code,
        revisions.indicator_code, [revisions.observation_key, revisions.previous_observation_key],
        revisions.value, revisions.previous_value,
        coalesce(revisions.precision, 0) + coalesce(earlier.precision, 0), null::double[],
        0, true, false
    from rules
    join observation_revision as revisions on revisions.change_type = 'conflict'
    join observation_revision as earlier on earlier.observation_key = revisions.previous_observation_key
    where rules.rule_type = 'conflict' and revisions.region_code in (select region_code from temp.scope_rebuilt)
),

checks as (
    select * from ratio_checks
    union all select * from part_checks
    union all select * from sum_checks
    union all select * from growth_checks
    union all select * from multiple_checks
    union all select * from children_checks
    union all select * from conflict_checks
),

judged as (
    select
        checks.*,
        rules.rule_type,
        rules.severity,
        rules.abs_tolerance + rules.rel_tolerance * abs(checks.recomputed_value) + checks.rounding as allowed,
        checks.published_value - checks.recomputed_value as gap
    from checks
    join rules on rules.rule_key = checks.rule_key
),

failed_or_own as materialized (  -- the checks that fail, and every check of a publication's own figures (few): what
    -- the choice needs
    select * from judged
    where case when rule_type = 'part_of' then gap > allowed else abs(gap) > allowed end or release_group <> 0
),

own_checks as (  -- of a publication's own checks, those on a figure a later release replaced (the others are current
    -- checks too)
    select * from failed_or_own where release_group <> 0 and not all_current
),

kept as (  -- and of the current checks, those of one publication, or where no publication's own figures give that check
    -- (anti joins on the few own checks: a window over every failed check cost 2 s at 10M figures)
    select * from own_checks
    union all
    select * from failed_or_own where release_group = 0 and one_source
    union all
    select current.*
    from failed_or_own as current
    anti join own_checks as own
        on own.rule_key = current.rule_key and own.region_code = current.region_code
        and own.entity_name is not distinct from current.entity_name and own.period_code = current.period_code
        and own.indicator_code = current.indicator_code
    where current.release_group = 0 and not current.one_source
)

select * exclude (all_current, one_source) from kept
where case when rule_type = 'part_of' then gap > allowed else abs(gap) > allowed end
