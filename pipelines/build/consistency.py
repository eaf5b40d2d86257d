"""The consistency check: a WARN summary of consistency_finding (sql/warehouse/consistency_finding.sql) after each
build of it. Findings never block the publish: the figures are published as printed, with what contradicts them."""

import dagster as dg

from pipelines.core.resources import Warehouse

FINDINGS = dg.AssetKey(["consistency_finding"])

SUMMARY_SQL = """
select severity, explanation, rule_code, count(*) as findings
from consistency_finding
group by severity, explanation, rule_code
order by severity = 'info', severity = 'warning', findings desc, rule_code
"""

# figures a rule does not compare: a growth rate at comparable prices beside current-price levels is no contradiction
NOT_COMPARED_SQL = """
select coalesce(sum(scope.figures), 0)
from consistency_scope as scope
join dim_indicator as indicators on indicators.indicator_code = scope.indicator_code
where indicators.price_basis = 'comparable' and scope.indicator_code in (
    select indicator_code from staging.stg_rules where rule_type = 'growth' and price_basis = 'current'
)
"""

EXAMPLES_SQL = """
select rule_code || ' ' || coalesce(region_code, '') || coalesce(' ' || entity_name, '') || ' ' || period_code
    || ': published ' || printf('%.6g', published_value) || ', recomputed ' || printf('%.6g', recomputed_value)
    || ' (' || explanation_text || ')'
from consistency_finding
order by severity = 'info', severity = 'warning', abs(coalesce(relative_gap, 0)) desc
limit 5
"""


@dg.asset_check(
    asset=FINDINGS,
    name="consistency",
    blocking=False,
    description="WARN when published figures contradict each other beyond the tolerance of a rule in data/raw/rules "
    "(findings of severity error or warning); lists the findings per rule and explanation. Findings of severity info "
    "(explained by the rounding of printed figures) are counted, not warned about.",
)
def consistency_check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    from pipelines.core.ledger import Verdict, record_check

    with warehouse.connect() as con:
        summary = con.execute(SUMMARY_SQL).fetchall()
        (not_compared,) = con.execute(NOT_COMPARED_SQL).fetchone()
        examples = [row[0] for row in con.execute(EXAMPLES_SQL).fetchall()]
        warned = sum(n for severity, _, _, n in summary if severity in ("error", "warning"))
        total = sum(n for *_, n in summary)
        verdict = f"{total} finding(s), {warned} of severity error or warning" + (
            f": {examples[0]}" if examples else ""
        )
        record_check(con, "consistency_finding:consistency", Verdict(warned == 0, False, verdict, context.run.run_id))
    table = "\n".join(f"| {severity} | {explanation} | {rule} | {n} |" for severity, explanation, rule, n in summary)
    return dg.AssetCheckResult(
        passed=warned == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=verdict,
        metadata={
            "findings": total,
            "warned": warned,
            "not compared (comparable-price growth against current-price levels)": int(not_compared),
            "by rule": dg.MetadataValue.md("| severity | explanation | rule | findings |\n|---|---|---|---|\n" + table),
            "examples": dg.MetadataValue.md("\n".join(f"- {e}" for e in examples) or "none"),
        },
    )
