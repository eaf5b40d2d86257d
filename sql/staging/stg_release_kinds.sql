-- The kinds of publication a figure comes from, and which one stands when two publications of the same day give a
-- figure: the higher precedence (a census revision over a yearbook, a yearbook over the statistics bureau's portal,
-- the portal over a bulletin, a bulletin over news and prose). sources.csv may set a source's precedence.
-- words: what in a source's title, publisher, notes or file name tells its kind when nothing declares it (first
-- kind of highest precedence that matches, the first listed of equal ones).
with kinds as (
    select *
    from (
        values
        (1, 'census revision', '普查修订', 5, ['普查后', '普查修订', '系统修订', 'census revision']),
        (2, 'yearbook', '统计年鉴', 4, ['年鉴', 'yearbook']),
        (3, 'portal export', '数据库导出', 3, ['数据库', '国家数据', 'data.stats.gov.cn', 'portal']),
        (4, 'bulletin', '统计公报', 2, ['公报', '快报', 'bulletin', 'communiqué', 'communique']),
        (5, 'news', '新闻', 1, ['新闻', '日报', '晚报', '报道', 'newspaper', 'news']),
        (6, 'work report', '政府工作报告', 1, ['工作报告', 'work report']),
        (7, 'document', '其他文件', 1, [])
    ) as kinds (ordinal, release_kind, name_zh, precedence, words)
)

select * from kinds
