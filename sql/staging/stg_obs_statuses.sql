-- The status a figure is published with, as a code list that maps onto SDMX's observation status (OBS_STATUS) and
-- Eurostat's flags. markers: what printed beside a table's figures (its title, a note) flags them, in a clause
-- that names the years it applies to (2023年数据为初步核算数) or none (every figure of the table). SDMX has no code
-- for a revised figure (a revision is a new vintage of the same code): revised maps to A, Eurostat's r.
-- compared: whether the consistency rules compare figures of this status (never targets, nor missing cells).
-- ordinal: of two markers in one clause, the first listed flags the figures.
with statuses as (
    select *
    from (
        values
        (1, 'reported', 'A', '', '正式数', 'a figure as published', [], true),
        (
            2, 'provisional', 'P', 'p', '初步数', 'preliminary: a later release may revise it',
            ['初步核算', '初步统计', '初步数', '初步结果', '快报', 'preliminary', 'provisional'], true
        ),
        (3, 'revised', 'A', 'r', '修订数', 'revised by its publisher', ['修订', '修正', 'revised'], true),
        (4, 'estimate', 'E', 'e', '估计数', 'estimated', ['估计数', '估算', '推算', 'estimated'], true),
        (
            5, 'break', 'B', 'b', '口径调整', 'a break in the series: not comparable with earlier periods',
            ['口径调整', '不可比', '口径变化', 'break in series'], true
        ),
        (6, 'target', 'F', 'f', '目标', 'a target or forecast, not an outcome', [], false),
        (7, 'missing', 'O', ':', '缺失', 'printed as missing (—, …)', [], false),
        (
            8, 'derived', 'I', 's', '推算', 'derived by a consistency rule from published figures (derived_observation)',
            [], false
        )
    ) as statuses (ordinal, obs_status, sdmx_obs_status, eurostat_flag, name_zh, meaning_en, markers, compared)
)

select * from statuses
