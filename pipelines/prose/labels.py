"""Names, periods and places of a figure, from the words around it: a label cleaned to its indicator's name, the part
of the year a sentence names, lists split into their items, and the merge of figures read twice."""

import dataclasses
import re
from typing import TYPE_CHECKING

from pipelines.prose.catalog import Place
from pipelines.prose.documents import Document
from pipelines.prose.patterns import (
    AGE_GROUP,
    CONTRIBUTION_WORDS,
    FROM_AFTER,
    GAP_NOTE,
    HEAD_AFTER_LIST,
    HEADS,
    LABEL_AFTER,
    LABEL_BEFORE,
    LABEL_SHAPE,
    MEASURE_SUFFIXES,
    MONTHS_FROM_JANUARY,
    MONTHS_SINCE_JANUARY,
    NOT_NAMES,
    PART_ENDS,
    PART_OF_YEAR,
    PART_SAID_ONLY,
    PARTNER_BEFORE,
    PARTS_OF_YEAR,
    POINTS,
    RELEASE_PARTS,
    VERB_INSIDE_LABEL,
)
from pipelines.prose.reading import Candidate, Figure, Item

if TYPE_CHECKING:  # the extractor reads with these helpers; they only need its catalog and places
    from pipelines.prose.extract import Extractor


def _release_part(document: "Document", text: str) -> str | None:
    """The part of the year a release is about, when its title or its opening names one and no year
    (上半年河北省生产总值…, 2023年前三季度佛山市经济运行情况, 一季度GDP同比增长0.3%): H1, Q1-Q3, Q1. A bulletin's
    or a report's figures are the year's."""
    if document.kind in ("bulletin", "report"):
        return None
    opening = f"{document.title or ''}\n{text[:160]}"
    said = PART_OF_YEAR.search(opening) or MONTHS_SINCE_JANUARY.search(opening)
    while said and re.fullmatch(r"(19|20)\d{2}年", said.group(0)):
        said = PART_OF_YEAR.search(opening, said.end()) or MONTHS_SINCE_JANUARY.search(opening, said.end())
    if said is None or said.group(0) in ("全年", "年末", "年底", "转为"):
        return None
    if said.re is MONTHS_SINCE_JANUARY:
        return RELEASE_PARTS[said.group(1)]
    part = said.group(0)
    if part[0].isdigit():
        return None  # a month's release: each figure names its month
    # 在今年一季度实现“开门红”的基础上…上半年，全市…: a release names the parts before its own, never the ones after
    parts = [
        PARTS_OF_YEAR.get(p) or f"Q{'一二三四'.index(p.lstrip('第')[0]) + 1}" for p in PART_SAID_ONLY.findall(opening)
    ]
    return max(parts, key=lambda p: PART_ENDS[p]) if parts else None


def _part_of_year(s: str, before: int) -> str | None:
    """The part of the year the words since the last full stop or semicolon before a figure name last
    (一季度: Q1, 上半年: H1, 前三季度: Q1-Q3), or None where they name the year (全年, 年末, 2017年,
    由一季度的下降转为), or compare with a part (降幅比一季度收窄), or name nothing."""
    segment = s[max(s.rfind(c, 0, before) for c in "。；;") + 1 : before]
    said = [(m.group(0), segment[m.end() : m.end() + 1], m.start()) for m in PART_OF_YEAR.finditer(segment)]
    spans = list(MONTHS_FROM_JANUARY.finditer(segment))
    sentence = s[s.rfind("。", 0, before) + 1 : before]
    if not said and not spans:  # (利润大幅增长，1—5月，…营业收入…；实现利润…: months said first reach the parts after)
        spans = [m for m in MONTHS_FROM_JANUARY.finditer(sentence) if re.match(r"\s*份?\s*[，,]", sentence[m.end() :])]
    if spans and (not said or spans[-1].start() > said[-1][2]):
        # 1—5月，全区规模以上工业实现营业收入…: months from January, in a half year's release too; the warehouse holds
        # a quarter or half of them, else the year (as a months release's figures are read)
        return RELEASE_PARTS.get(spans[-1].group(1), "")
    said = [(part, after) for part, after, _ in said]
    if not said and (heading := re.match(r"\s*(" + PART_OF_YEAR.pattern + r")([末底]?)\s*[，,]", sentence)):
        said = [
            (heading.group(1), heading.group(heading.lastindex))
        ]  # 12月份，A为99.9；B为100.5 (5月末，…): a part of the year said first is the sentence's
    if not said:
        return None
    part, after = said[-1]
    if part in ("全年", "年末", "年底", "转为") or re.fullmatch(r"\d{4}年", part):
        return ""  # the year named
    if part[0].isdigit():
        return f"{int(part.rstrip('月份')):02d}"  # 12月份，新建商品住宅销售价格环比指数为99.9: the month's
    part = PARTS_OF_YEAR.get(part) or f"Q{'一二三四'.index(part.lstrip('第')[0]) + 1}"
    if after in ("末", "底"):  # 二季度末，生猪存栏71.5万头: a stock at the quarter's last month's end
        return last_month(part)
    return part


def last_month(part: str) -> str:
    """The month a part of the year ends in (Q1: 03, H1: 06, Q1-Q3: 09), or "" for one that ends with the year."""
    return f"{PART_ENDS[part]:02d}" if PART_ENDS[part] < 12 else ""


def _place_only(s: str, start: int, end: int, places) -> int | None:
    """Where the place named between start and end begins, when the words there are that place alone (and a note in
    brackets): 、寒亭区(含经济开发区) before a figure."""
    inside = [(st, en) for st, en, _, _ in places if start <= st and en <= end]
    if not inside:
        return None
    rest = re.sub(r"[(（][^)）]*[)）]", "", s[start : inside[-1][0]] + s[inside[-1][1] : end])
    return inside[-1][0] if re.fullmatch(r"[\s，,、；;]*", rest) else None


def _within(places, name: str, catalog) -> bool:
    """Whether one of `places` lies within a region called `name` (元宝山区 within 赤峰市)."""
    parents = {p.code for p in catalog.regions.get(name, ())}
    return any(parents & {p.parent_code, *p.ancestors} for p in places)


def _existed(places: tuple, period: str | None) -> bool:
    """Whether a name's places include one that existed in the period: 惠民 (a prefecture until 1992) in a 2017
    bulletin is the word 惠民生, not the place."""
    if not period:
        return True
    return any(_valid_in(p, period[:4]) for p in places)


def _valid_in(place: Place, year: str) -> bool:
    return (place.valid_from or "0000")[:4] <= year <= (place.valid_to or "9999")[:4]


def _clean_label(text: str, extractor: "Extractor") -> str | None:
    """The name of a figure as printed, without the words a sentence wraps it in (全年, 2023年, the region, 比上年增长,
    为, 达到), or None when what is left is no name: a verb, a year, a mark."""
    label = re.sub(
        r"^([(（][^()（）]*[)）])+", "", text.replace("“", "").replace("”", "").replace('"', "").strip()
    )  # (下同)
    label = re.sub(r"^[(（]", "", label)  # (按年平均汇率折算为: an aside opening before the figure
    # 一、综 合2019年末, 综 合2019年末: a section's heading before the sentence's year
    label = re.sub(
        r"^([一二三四五六七八九十]+、\s*[\u4e00-\u9fff](\s?[\u4e00-\u9fff]){0,5}|[\u4e00-\u9fff](\s[\u4e00-\u9fff])+)\s*(?=\d)",
        "",
        label,
    )
    if (
        (chunks := re.split(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff0-9])", label))
        and len(chunks) > 1
        and len(chunks[-1]) >= 3
    ):
        label = chunks[-1]  # 二、农业 全年农业总产值: a heading the page ran into the sentence
    for _ in range(3):
        for start, end, _, _ in reversed(extractor.places(label, [])):
            if start == 0 or not label[:start].strip("全年末底在 "):  # (在四川全省…: 在 too)
                label = label[end:]  # 湘阴县农林牧渔总产值: the region is not part of the name
                break
        label = LABEL_AFTER.sub("", LABEL_BEFORE.sub("", FROM_AFTER.sub("", label))).strip()
    label = re.sub(r"[(（][^()（）]*[)）]$", "", label).strip()  # 地区生产总值(GDP): an abbreviation after the name
    label = re.sub(r"^([^\u4e00-\u9fff0-9]+|的)", "", label)  # (…以上的重点项目37个: 重点项目)
    for start, end, _, _ in reversed(extractor.places(label, [])):
        if (
            start > 0
            and label[start - 1] not in PARTNER_BEFORE
            and label[max(0, start - 2) : start] not in PARTNER_BEFORE
        ):
            label = label[:start] + label[end:]  # 占玉州区生产总值的比重: the region is not part of the name
    label = VERB_INSIDE_LABEL.sub("", label)  # 民营经济完成增加值: the verb is not part of the name
    if len(label) > 4:
        label = re.sub(r"(?<=[\u4e00-\u9fff])(?<!年)全年", "", label)  # 蔬菜全年产量: 蔬菜产量 (not 比2024年全年)
    if (grouped := re.search(r"等(?!于)([\u4e00-\u9fff]{2,})$", label)) and re.search(
        r"[、和及与]", label[: grouped.start()]
    ):
        label = grouped.group(1)  # 智能电网和海洋工程等新兴产业销售收入: the group's name
    label = re.sub(
        r"(?<=[\u4e00-\u9fff]{2})类(价格)?$", "", label
    )  # 食品烟酒类价格: the category, as its table row names it
    if AGE_GROUP.fullmatch(label):
        return (
            re.sub(r"\s+", "", label) + "人口"
        )  # 0-14岁 (a row of a table of population by age): the people of that age
    longest = 32 if re.search(r"占.+(比重|比例)$", label) else 20  # 六大高耗能行业产值占规模以上工业总产值的比重
    if not (2 <= len(label) <= longest) or not LABEL_SHAPE.fullmatch(label) or NOT_NAMES.match(label):
        return None
    if sum("\u4e00" <= c <= "\u9fff" for c in label) < 2:
        return None
    return label


def _listed(text: str, figures: int) -> list[str]:
    """The items of a list before 分别: split at 、 and at 和, 及, 与 (批发和零售、住宿和餐饮及金融业: split at 、, then
    at the last 和 or 及 if one item is still missing, so names holding 和 stay whole)."""

    def kept(items):
        return [t for t in items if t.strip() and not re.fullmatch(r"\s*(同比|比上年|较上年|比去年|与上年相比)\s*", t)]

    every = kept(re.split(r"[、和与]|及(?!以上|以下)", text))
    if len(every) == figures:
        return every
    commas = kept(text.split("、"))
    if len(commas) == figures:
        return commas
    if commas and len(commas) == figures - 1 and (last := re.search(r"(.*)(和|及|与)(.+)$", commas[-1])):
        return commas[:-1] + [last.group(1), last.group(3)]
    return every


def _headed(text: str, listed: list) -> str:
    """An item of a list that names its head once, at the end: 0-17岁、...、60岁及以上人口 -> 0-17岁人口."""
    last = listed[-1][0][3]
    head = re.search(r"(?:以上|以下)?([\u4e00-\u9fff]{1,4})$", last)
    if text is last or not head or re.search(r"[\u4e00-\u9fff]{2}$", text):
        return text
    return text + head.group(1)


def _spelled_out(items: list[str], figures: int) -> list[str]:
    """The names of a list a bulletin prints elliptically: 第一、二、三产业增加值 -> 第一产业增加值, 第二产业增加值,
    第三产业增加值; 三次产业贡献率 (before three figures) -> the same of 第一产业, 第二产业, 第三产业."""
    if len(items) == 1 and figures == 3 and (m := re.match(r"(.*?)三次产业(.*)$", items[0])):
        return [f"{m.group(1)}第{n}产业{m.group(2)}" for n in "一二三"]
    if (
        len(items) > 1
        and re.fullmatch(r"\s*第[一二三四五六七八九十]", items[0])
        and all(re.fullmatch(r"\s*第?[一二三四五六七八九十]", t) for t in items[1:-1])
        and re.match(r"\s*第?[一二三四五六七八九十]\S", items[-1])
    ):  # (第一、第二和第三产业: 第 said each time)
        last = items[-1].strip().removeprefix("第")
        return [f"第{t.strip()[-1]}{last[1:]}" for t in items[:-1]] + [f"第{last}"]
    head = HEAD_AFTER_LIST.search(items[-1].strip()) if len(items) > 1 else None
    if head and not any(t.strip().endswith(head.group("head")) for t in items[:-1]):
        # 一般公共服务、教育…、社会保障和就业等支出; 用于农林水事务、…、社会保障与就业的支出: each item's 支出
        last = items[-1].strip()
        every = [t.strip() for t in items[:-1]] + [last[: head.start()]]
        return [re.sub(r"^用于", "", t) + head.group("head") for t in every]
    short = {len(t.strip()) for t in items[:-1]}
    if (
        len(items) > 1
        and len(short) == 1
        and (n := short.pop()) <= 2
        and len(items[-1].strip()) >= n + 2
        and all(re.fullmatch(r"[\u4e00-\u9fff]+", t.strip()) for t in items)
    ):
        tail = items[-1].strip()[
            n:
        ]  # 猪、牛、羊出栏量 -> 猪出栏量, 牛出栏量, 羊出栏量: the last item's words are every item's
        if {t.strip() for t in items[:-1]} | {items[-1].strip()[:n]} <= {"城", "乡"}:
            return [{"城": "城镇", "乡": "农村"}[t.strip()[:1]] + tail for t in items]  # 城、乡居民人均可支配收入
        return [t.strip() + tail for t in items[:-1]] + [items[-1].strip()]
    return items


def _gap_label(prior: str, gap: str, figure: Figure, previous: Item | None) -> str:
    """The name of a gap to another figure, as tables name it: 地区生产总值增速(比全国快) for 增长7%，比全国快0.1个
    百分点; a level's for a gap in its unit (总量比全省平均水平高1195元)."""
    prior = GAP_NOTE.sub("", prior)  # 比全国快…，比全省高…: each gap of the figure, not of the gap before
    prior = prior.removesuffix("降幅") + "增速" if prior.endswith("降幅") else prior  # a fall's gap is its growth's
    grew = figure.unit in POINTS or (
        figure.unit == "%" and previous is not None and previous.figure is not None and previous.figure.unit == "%"
    )
    stem = prior + "增速" if grew and not re.search(r"(增速|增幅|涨幅|率|比重)$", prior) else prior
    return f"{stem}({gap})"


def unmeasured(label: str, shortest: int = 2) -> str:
    """The name of the level an uncatalogued label measures (牧业产值增长 -> 牧业产值), when at least `shortest`
    characters are left of it; else the label itself."""
    return next(
        (label[: -len(s)] for s in MEASURE_SUFFIXES.values() if label.endswith(s) and len(label) - len(s) >= shortest),
        label,
    )


def _family(base: str | None) -> str | None:
    """What a base unit measures, for units that convert (公顷 and 亩 are both areas)."""
    return {"mu": "m2"}.get(base, base)


def _subject(text: str) -> str:
    """What a list item names, without the measure it was listed with: 第一产业增加值占生产总值的比重 -> 第一产业."""
    text = re.sub(r"占.*$", "", text.split("对")[0])
    return _stem(text) or text


def _stem(label: str) -> str | None:
    """A name without the head that says what it measures (农林牧渔业总产值 -> 农林牧渔业), or None if it has none."""
    return next((label[: -len(h)] for h in HEADS if label.endswith(h)), None)


def uncatalogued_flag(label: str) -> str:
    return (
        f"uncatalogued: no catalog indicator is named '{label}'; accepting it registers one "
        "(or map the name first: regind map-indicator)"
    )


def _measure_label(label: str, kind: str) -> str:
    """The name a registered indicator gets for the measure read (registered_measure_type reads it back)."""
    suffix = MEASURE_SUFFIXES.get(kind, "")
    return (
        label
        if not suffix
        or label.endswith(suffix)
        or (kind == "share" and re.search(r"(比重|占比|比例|率)$", label))
        or (kind == "contribution" and re.search(CONTRIBUTION_WORDS, label))
        else label + suffix
    )


def merge(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per observation: a figure printed twice (a headline and its paragraph) keeps the reading of
    higher confidence, and one printed in the prose and again in a table keeps the prose's (the sentence says more
    than the row, and it is where the figure is first printed)."""
    kept: dict[tuple, Candidate] = {}
    for candidate in candidates:
        key = (*candidate.key, candidate.qualifier)
        if key not in kept:
            kept[key] = candidate
        elif (candidate.pattern == "table") != (kept[key].pattern == "table"):
            kept[key] = kept[key] if candidate.pattern == "table" else candidate
        elif candidate.confidence > kept[key].confidence:
            # the figure printed again (a headline, then its paragraph): the first printing, at the higher confidence
            kept[key] = dataclasses.replace(kept[key], confidence=candidate.confidence)
    # a table's row restating a figure the prose read as a catalog indicator
    # (居民消费价格 | 1.1 after 居民消费价格上涨1.1%)
    read = {(c.region_code, c.period, c.measure_type, round(c.value, 6)): c for c in kept.values() if c.indicator_code}
    prose = {}
    for c in kept.values():
        if c.pattern != "table":
            prose.setdefault((c.region_code, c.period, c.measure_type, round(c.value, 6)), c)
    return sorted(
        (
            c
            for c in kept.values()
            if (c.indicator_code or not _restates(c, read)) and not (c.pattern == "table" and _restates(c, prose))
        ),
        key=lambda c: c.start,
    )


def _restates(candidate: Candidate, read: dict) -> bool:
    same = read.get((candidate.region_code, candidate.period, candidate.measure_type, round(candidate.value, 6)))
    if same is None or same is candidate:
        return False
    level = unmeasured(candidate.label, shortest=0)
    return len(level) >= 2 and (level in same.label or same.label in level)
