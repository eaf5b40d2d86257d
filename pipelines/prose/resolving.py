"""How the extractor resolves what a sentence names: its figures and units, the catalog's indicators and their
measures, places and the region version valid in a period, the kind of a figure, the clause a name stands in."""

import re

from pipelines.ingest.numbers import NumberFormatError, parse_printed
from pipelines.prose.catalog import COUNTRY, Place
from pipelines.prose.documents import Document
from pipelines.prose.labels import (
    _clean_label,
    _existed,
    _family,
    _stem,
    _valid_in,
    _within,
)
from pipelines.prose.patterns import (
    ACCORDING_TO,
    CHINESE_DIGITS,
    COMPARISON_BEFORE_YEAR,
    CONTRIBUTION_WORDS,
    FIGURE,
    FROM,
    FROM_BEFORE_YEAR,
    GENERIC_DISTRICT,
    GROWTH_DOWN,
    GROWTH_LIST,
    GROWTH_UP,
    HEADS,
    INDEX_NAMED,
    INSTITUTION,
    LABEL_BREAKS,
    LEVELS,
    LISTED,
    MONTH,
    MORE_THAN_LAST_YEAR,
    PARTNER_BEFORE,
    PARTS,
    POINTS,
    POINTS_LISTED,
    QUALIFIER_CANONICAL,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    QUALIFIERS_TRAILING,
    RANK,
    SCOPE,
    SCOPE_ABOVE,
    SCOPE_LEVELS,
    SEX_RATIO,
    SEX_RATIO_NOTE,
    SEX_RATIO_UNIT,
    SINCE,
    STREAK_CHAMPION,
    STRUCTURE_RATIO,
    YEAR,
    ZONE,
    _key,
)
from pipelines.prose.reading import Figure, Item


class Resolving:
    """The extractor's lookups: words -> figures, indicators, places (a mixin of Extractor, which holds the catalog)."""

    # --- the parts of a sentence ---------------------------------------------------------------------------
    def figures(self, s: str) -> list[Figure]:
        found = []
        for match in FIGURE.finditer(s):
            pre, num = match.group("pre") or "", match.group("num")
            start, pos = match.start(), match.end()
            chinese = num[0] in CHINESE_DIGITS
            streak = s[max(0, match.start("num") - 2) : match.start("num")] == "连续"
            before = s[match.start() - 1] if match.start() > 0 else ""
            if chinese and not any(c in "十百千万亿" for c in num) and not streak:
                continue  # 一批, 两所: a lone Chinese digit is a word, not a figure (but 连续两年 is)
            if chinese and len(num) == 1 and not pre and not streak:
                continue  # 千家万户, 万人空巷 (but 连续两年)
            if (
                before.isdigit()
                or before in "第几.+"
                or (before == "数" and chinese)
                or (before in "-−" and match.start() > 1 and s[match.start() - 2].isdigit())
                or s[pos : pos + 1] in ("几", "+")
                or (before == "“" and not chinese and s[pos : pos + 1] == "”")
            ):
                continue  # 第七届, 十几名, 几十件, 数十家, 20+8 (but 就业人数0.30万人)
            after = next((q for q in QUALIFIERS_AFTER if s.startswith(q, pos)), "")
            pos += len(after)
            gap = len(s[pos:]) - len(s[pos:].lstrip(" "))
            unit = self._unit(s[pos + gap :])
            if unit is None and "性别比" in s[max(0, start - 12) : start]:
                # 性别比为103.5:100, 98.5(以女性为100), or a bare 109.4: males per 100 females
                ratio = SEX_RATIO.match(s, pos) or SEX_RATIO_NOTE.match(s, pos)
                unit, gap = SEX_RATIO_UNIT, (ratio.end() - pos if ratio else 0) - len(SEX_RATIO_UNIT)
            if unit is None and not chinese and (index := INDEX_NAMED.search(s, max(0, start - 8), start)):
                # 环比指数为99.9、同比指数为94.6: an index whose base its name says
                unit = (
                    "上月=100"
                    if index.group(1) == "环比"
                    else "上年=100"
                    if index.group(1) is None
                    else "上年同月=100"
                    if re.search(rf"(?<![\d\-—~至]){MONTH}", s[:start])
                    else "上年同期=100"
                )
                gap = -len(unit)
            if unit is None and not chinese and (chain := LISTED.match(s, pos)):
                unit = self._unit(s[chain.end() :].lstrip(" "))  # 分别拉动0.9、-0.6和1.4个百分点: the unit printed once
                gap = -len(unit) if unit else 0
            if unit == "个" and POINTS_LISTED.match(s, pos + gap + 1):
                unit, gap = "个百分点", gap + 1 - len("个百分点")  # 分别提高3.6个、1.0个、4.3个百分点: points, each
            if unit is None:
                continue
            pos += gap + len(unit)
            if s.startswith("兑", pos) or s[max(0, start - 1) : start] == "兑":
                continue  # 1美元兑6.7027元: an exchange rate, not a figure of the region
            if unit == "年" and not streak:
                continue  # 2023年 is a year, 10年间 a span
            if unit in ("个", "多个") and s[pos : pos + 1] in "月":
                continue  # 连续8个月: a span of months
            if unit == "岁" and re.match(r"(及?以[上下]|[、至~\-])", s[pos:]):
                continue  # 60岁及以上人口: an age group's bound, not a figure
            trailing = next((q for q in QUALIFIERS_TRAILING if s.startswith(q, pos)), "")
            pos += len(trailing)
            if re.match(r"(的)?(企业|项目|城市|县|乡镇|村)", s[pos:]):
                continue  # 营业收入超亿元企业: a threshold describing what is counted, not a figure
            if before in "≤≥<>＜＞" or s.startswith("以内", pos):
                continue  # 城镇登记失业率≤4%, 控制在6‰以内: a bound (a goal's), not a figure
            if chinese and (
                re.search(r"首破$", s[max(0, start - 3) : start])
                or (pre in ("超", "超过", "突破") or re.search(r"(破|迈入|跨入)$", s[max(0, start - 3) : start]))
                and re.match(r"\s*([，,]\s*(达到|达|为)\s*\d|大关)", s[pos:])
            ):
                continue  # 突破千亿元，达1082.18亿元; 首破万亿元: a milestone in words (but 突破两万家 is a figure)
            if re.search(r"(跨越|迈上|站上|跃上)$", s[max(0, start - 3) : start]) or (
                trailing and re.search(r"(保持在|稳定在|均在|控制在)$", s[max(0, start - 4) : start])
            ):
                continue  # 跨越130亿元 (a milestone), 保持在80%以上 (a floor): not figures
            if pre == "上" and not chinese:
                pre, start = "", start + 1
            if not chinese and len(num.split(".")[0]) > 10 and "," not in num:
                continue  # 分别为23323395346268亿元: numbers a page glued together, which no reading can split
            try:
                parsed = parse_printed(("一" + num) if chinese and num[0] in "十百千万亿" else num)
            except (NumberFormatError, ValueError):
                continue
            qualifiers = [q for q in (QUALIFIER_CANONICAL.get(pre, pre), after, trailing) if q]
            if parsed.number is None or len(qualifiers) > 1:
                continue
            number = parsed.number
            if not pre and before in "-−" and not (match.start() > 1 and s[match.start() - 2].isdigit()):
                number, start = -number, start - 1  # 贡献率分别为54.1%、-39.5%: a sign, not a range's dash (2020-2023)
            found.append(
                Figure(start, pos, number, parsed.upper, unit, qualifiers[0] if qualifiers else "", s[start:pos])
            )
        return found

    def _unit(self, text: str) -> str | None:
        """The unit a figure is printed in: one of the units table, or a multiplier before one (4.6亿吨)."""
        unit = next((unit for unit in self.catalog._units if text.startswith(unit)), None)
        if unit is None and (multiplier := re.match(r"万亿|亿|万|千", text)):
            inner = next((u for u in self.catalog._units if text.startswith(u, multiplier.end())), None)
            if inner and self.catalog.unit(multiplier.group(0) + inner):
                unit = multiplier.group(0) + inner
        return unit

    def _mentions(self, pattern: re.Pattern, s: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(s)]

    # --- resolving ----------------------------------------------------------------------------------------
    def measure_of(self, code: str, kind: str) -> str | None:
        """The indicator measuring `kind` (level, growth, share, multiple, rank, streak) of indicator `code`."""
        indicator = self.catalog.indicators.get(code)
        if indicator is None:
            return None
        own = {
            "growth_yoy": "growth",
            "rank": "rank",
            "streak": "streak",
            "share": "share",
            "ratio": "multiple" if indicator.unit == "times" else "share",
        }
        if kind == "level" or own.get(indicator.measure_type) == kind:
            return code
        return self.catalog.children.get((code, kind))

    def by_text(self, text: str, kind: str) -> str | None:
        """An indicator named by `text` (a catalog key), or by text + 增长/增速 for a growth."""
        key = _key(text)
        if kind == "growth":
            for word in ("增速", "增长", "增长率"):
                if (
                    key + word in self.catalog.names
                    and self.catalog.indicators[self.catalog.names[key + word]].measure_type == "growth_yoy"
                ):
                    return self.catalog.names[key + word]
        code = self.catalog.names.get(key)
        return self.measure_of(code, kind) if code else None

    def variant(self, code: str, figure: Figure, context: str = "") -> str | None:
        """The indicator itself if the figure's unit fits it, else the one of the same name in that unit
        (实际使用外资28.6亿美元 -> 实际使用外资金额（美元）); among indicators printed by the same name
        (出口, 国家和地区) that fit, the one whose name shares most characters with the sentence
        (有贸易往来 -> 贸易往来国家和地区数)."""
        indicator = self.catalog.indicators[code]
        options = [code, *sorted(self.catalog.siblings.get(code, ()))]
        options += [
            o.code
            for o in self.catalog.indicators.values()
            if o.code not in options
            and o.name_zh.startswith(indicator.name_zh)
            and o.measure_type == indicator.measure_type
        ]
        fitting = [
            o
            for o in options
            if self.catalog.indicators[o].measure_type == indicator.measure_type and self.fits(o, figure)
        ]
        if not fitting:
            return None
        words = set(context)
        return max(fitting, key=lambda o: (len(set(self.catalog.indicators[o].name_zh) & words), o == code))

    def fits(self, code: str, figure: Figure) -> bool:
        indicator = self.catalog.indicators[code]
        base = (self.catalog.unit(figure.unit) or (None,))[0]
        return base == indicator.unit or (indicator.unit == "count" and base in ("count", "enterprise"))

    def places(self, s: str, context: list[str]) -> list[tuple[int, int, tuple, str]]:
        """Region names in a sentence: (start, end, the places the name may mean, the name). A name that regions
        share (朝阳区; 嘉兴市 before 1983 a county) is narrowed to those under a region of the context; the
        figure's period settles the rest (resolve)."""
        found = []
        mentions = self._mentions(self.catalog._region_pattern, s)
        for i, (start, end, name) in enumerate(mentions):
            if (
                i + 1 < len(mentions)
                and mentions[i + 1][0] == end
                and _within(self.catalog.regions[mentions[i + 1][2]], name, self.catalog)
            ):
                continue  # 赤峰市元宝山区: the city qualifies the district named next, the figure is the district's
            if s[max(0, start - 1) : start] in PARTNER_BEFORE or s[max(0, start - 2) : start] in PARTNER_BEFORE:
                continue  # 对香港出口38.57亿元: a trading partner, not the region the figure is of
            if s.rfind("《", 0, start) > s.rfind("》", 0, start):
                continue  # 《赤峰市区第七次全国人口普查公报》: a publication's title, not the figure's region
            if (
                len(name) <= 2
                and start > 0
                and "\u4e00" <= s[start - 1] <= "\u9fff"
                and s[start - 1] != "在"  # (在四川全省)
                and not (i > 0 and mentions[i - 1][1] == start)  # (四川宜宾一季度GDP)
            ):
                continue  # 玉东新区: the end of a longer name, not the county named 新区
            if GENERIC_DISTRICT.fullmatch(name):
                continue  # 一区四中心, 新区, 城区: common words first, a place's name rarely
            if (
                len(name) <= 2
                and "、" in (s[start - 1 : start] + s[end : end + 1])
                and not any(m[1] == start - 1 or m[0] == end + 1 for m in mentions)
            ):
                continue  # 电解镍、精炼铜、黄金、白银、铁产量: a word in a list of things, not the city 白银
            if ZONE.match(s, end) or INSTITUTION.match(s, end):
                continue  # 成都平原经济区, 广东省统计局: a zone or an office named after a place is not that place
            places = tuple(self.catalog.regions[name])
            if not _existed(places, getattr(self, "_year", None)):
                continue  # 惠民 (a prefecture until 1992) in a 2017 bulletin: the word, not the place
            near = tuple(
                p
                for p in places
                if p.code in context or p.parent_code in context or any(a in context for a in p.ancestors)
            )
            if near and len({p.code for p in near}) < len({p.code for p in places}):
                places = near
            found.append((start, end, places, name))
        return found

    @staticmethod
    def resolve(places: tuple, period: str | None) -> Place | None:
        """The one region among `places` valid in the period (a name resolves to the version valid then), or
        None when that leaves more than one."""
        if not places:
            return None
        if len({p.code for p in places}) > 1 and period:
            year = period[:4]
            valid = [p for p in places if _valid_in(p, year)]
            places = tuple(valid) or places
        if len({p.code for p in places}) > 1:
            current = [p for p in places if p.valid_to is None]
            if period is None and len({p.code for p in current}) == 1:
                return current[-1]
            return None
        return places[-1]

    def _document_places(self, document: Document) -> tuple:
        """The places the sidecar's region (a code or a name) or else the title names."""
        given = document.region
        if given:
            key = _key(given)
            by_code = tuple(p for places in self.catalog.regions.values() for p in places if p.code == key)
            return by_code[:1] or tuple(self.catalog.regions.get(key, ()))
        named = [p for _, _, p, _ in self.places(_key(document.title), []) if p]
        return named[0] if named else ()

    @staticmethod
    def _structures(s: str) -> list[re.Match]:
        """The three industries' structure printed as a ratio (三次产业结构比为7.2:40.0:52.8;
        由2018年的5.7:49.3:45.0调整为2019年的6.6:45.8:47.6), when its parts add up to 100."""
        out = []
        for m in STRUCTURE_RATIO.finditer(s):
            said = re.search(
                r"(三次产业|产业结构|三产|产业比|产业之比|产业增加值比)", s[max(0, m.start() - 40) : m.start()]
            ) or (out and m.start() - out[-1].end() <= 16)  # (由…12.0:48.7:39.3转变为10.9:51.6:37.5: a pair's second)
            if said and 99 <= sum(float(m.group(n)) for n in range(1, 4)) <= 101:
                out.append(m)
        return out

    @staticmethod
    def _segment_start(s: str, lead_from: int, item: Item) -> int:
        """Where the words naming a figure begin: after the last mark of punctuation before it, or the figure before."""
        return max(lead_from, max(s.rfind(c, 0, item.start) for c in LABEL_BREAKS) + 1)

    def _after_subject(self, words: str, subject: Item, figure: Figure, part: bool = False) -> str | None:
        """The name of a level printed right after another's figure, if it is one: a part after 其中
        (户籍人口...，其中：男性61.11万人 -> 户籍人口男性), the same level in another currency
        (人均地区生产总值19763元，按平均汇率计算为2865美元), not the same figure said again (首次突破5万亿元大关)."""
        if (
            re.search(r"(按.{0,16}(计算|折算)|汇率(计算|折算)|约合|折合)", words) or words.strip() in ("(", "（")
        ) and subject.label:
            # ...，按平均汇率计算为2865美元; 17.8万公顷(267万亩): the same level in another unit
            level_unit = (self.catalog.unit(subject.figure.unit) or (None,))[0] if subject.figure else None
            return subject.label if level_unit != (self.catalog.unit(figure.unit) or (None,))[0] else None
        label = _clean_label(words, self)
        if label is None or re.search(r"(突破|首次|大关|超过|跨越|迈上|站上)", label):
            return None
        if label in HEADS and subject.label:  # 农林牧渔业总产值98.20亿元，增加值61.50亿元
            stem = _stem(subject.label)
            return stem + label if stem else None
        return (subject.label or "") + label if part else label

    def _qualified(self, s: str, segment: int, name: tuple, item: Item) -> str | None:
        """The name printed when words the sentence does not otherwise explain (not 全年, 全市, a region, 实现,
        规模以上) stand right before a catalog name: an indicator of its own, uncatalogued (对香港出口 is not 出口)."""
        before = s[segment : name[0]]
        if ZONE.search(before) and re.search(r"(区|圈|带|群)$", before.rstrip()):
            return _clean_label(s[segment : item.start], self)  # 成都平原经济区地区生产总值: a zone's, not the region's
        if re.search(r"[轻重]$", before) and s[name[0] : name[1]].startswith("工业"):
            return _clean_label(s[segment : item.start], self)  # 轻工业增加值: light industry's, not all industry's
        if len(name[2]) > 5 or any(
            segment <= st < name[0] for st, _, _ in self._mentions(self.catalog._entity_pattern, s)
        ):
            # a long name is specific already (民用...驾驶员训练机构); an entity is read as the figure's entity
            return None
        prefix = _clean_label(before + "某某", self)
        prefix = prefix[:-2] if prefix and prefix.endswith("某某") else None
        if (
            not prefix
            or len(re.findall(r"[\u4e00-\u9fff]", prefix)) < 2
            or re.search(r"(规模以上|规上|实现|完成|达到|累计|其中|全体|合计|公司|企业|集团)", prefix)
        ):
            return None
        if not before.rstrip().endswith(prefix) or re.search(r"\s$", before):
            return None  # the words must touch the name
        return _clean_label(s[segment : item.start], self)

    @staticmethod
    def _bare(lead: str) -> bool:
        """Whether the words between two figures name nothing new (，同比增长; ，比上年末提高; ，是2014年的)."""
        lead = re.sub(
            r"^\s*[(（][^()（）]*[)）]", "", lead
        )  # 1.09万公顷(16.35万亩)，增长10.1%: an aside restating the figure
        rest = re.sub(
            r"(19|20)\d{2}年(的|末|底)?|(1[0-2]|[1-9])月份?|(前三季度|上半年|下半年|第?[一二三四]季度)的?|同比|比上年末?|比年初|较上年|按[^，,]{0,8}计算|首次|其中|分别|总数|总量|累计|全年|年末|"
            r"两年平均|三年平均|年均|扣除价格因素|实际|可比|与|相比|同期|由?[降负增正升减]转[增正负降升减]|"  # 由降转增
            r"增长|下降|提高|增加|减少|回落|上升|增速|增幅|达到|达|实现|为|了|是|的|超过|突破|接近|大约|超|逾|近|约|"
            rf"{FROM}|到|至|跃升|升至|降至|大关|[\s，,；;：:、▲■●“”\"'（）()]",
            "",
            lead,
        )
        if (
            len(rest) == 2
            and rest not in PARTS
            and re.fullmatch(r"[\u4e00-\u9fff]{2}", rest)
            and not re.search(
                r"[全本当上下今季半年月期同现价自然增减降升提涨跌产完实达超占比为有计共累新净多少加长总额量率值亿万元幅速]",
                rest,
            )
        ):
            return False  # 衣着同比下降0.4%, 居住下降1.6%: a name of two characters is a name
        if re.fullmatch(r"[\u4e00-\u9fff]", rest) and re.search(rf"[，,、；;]\s*{rest}\s*(同比)?(增长|下降)", lead):
            return False  # 精制茶增长23.9%，纱增长16.2%: a product of one character is named, not the one before
        return len(rest) <= 2

    def _kind(self, lead: str, figure: Figure, before: str = "") -> tuple[str, str]:
        tail = lead.rstrip(" ")
        for q in QUALIFIERS_BEFORE:
            if tail.endswith(q):
                tail = tail[: -len(q)]
        tail = re.sub(r"(了|为|达到|达|约为|分别为)$", "", tail)
        tail = re.sub(r"(预期)?目标$", "", tail)  # GDP预期增长目标4.5%左右: the growth's target
        clause = re.split(r"[，,；;。]", lead)[-1]
        if figure.unit == "年":
            return "streak", "streak"
        if figure.unit == "倍":
            if tail.endswith(("增长", "增加", "提高")):
                return "growth", "growth"  # 产量增长3.3倍: a growth rate printed in times (330%)
            return "multiple", "multiple"  # 是上年的2.5倍
        if re.search(CONTRIBUTION_WORDS, clause) and figure.unit in ("%", *POINTS):
            return "contribution", "contribution"  # 拉动经济增长2.1个百分点, 对经济增长的贡献率为45%
        if figure.unit in POINTS:
            return "change", "change"  # 比上年提高1.2个百分点, 下降1.05个千分点
        if figure.unit in ("%", "‰"):
            if GROWTH_LIST.search(before):
                return "growth", "growth"  # 上涨的有：交通通信3.2%、教育文化娱乐2.6%: a list of growth rates
            if (
                tail.endswith(GROWTH_UP + GROWTH_DOWN + ("增速", "增幅", "增长率", "上涨", "涨幅", "降幅", "涨"))
                or (tail.endswith("增") and not tail.endswith(("新增", "净增", "多增", "少增")))  # 增7.6%
            ) and not tail.endswith("自然增长率"):
                if re.search(r"(两年|三年|年)平均|年均|平均每年", clause):
                    return "growth_average", "growth"  # 两年平均增长4.5%: not the year's growth, a measure of its own
                return "growth", "growth"
            if re.search(r"(比重|比例|占比)", lead) or re.search(r"占[^，,；;。]{1,16}$", tail):
                return "share", "share"
        elif re.search(MORE_THAN_LAST_YEAR + "$", tail):
            return "change", "change"  # 比上年多增115人: the change of the level before
        elif tail.endswith(GROWTH_UP + GROWTH_DOWN + ("净增", "净减")) and not tail.endswith(("新增",)):
            return "change", "change"  # 比上年末增加45公顷: a change in a level, not the level
        elif re.search(r"\d\s*[\u4e00-\u9fff]{0,3}\s*[，,]\s*(新增|净增|净减)了?$", before):
            return "change", "change"  # 私有企业4万户，新增1.38万户: the level's change, right after it
        return "level", "level"

    def _level_of(self, code: str | None) -> str | None:
        indicator = self.catalog.indicators.get(code) if code else None
        if indicator is None:
            return None
        return (
            indicator.base
            if indicator.measure_type in ("growth_yoy", "share", "ratio", "rank") and indicator.base
            else code
        )

    def _scope_above(self, s: str, subject_start: int | None, before: int, place: Place) -> Place | None:
        """The region above the document's that a figure's subject names by its scope (全省 in a city's release, 全市
        in a district's, 全国), when the words do not compare with it or measure a part of it (比全省, 占全市)."""
        start = subject_start if subject_start is not None and subject_start < before else before
        clause = s[max(s.rfind(c, 0, start) for c in "，,。；;：:") + 1 : before]
        scope = SCOPE_ABOVE.search(clause)
        if (
            scope is None
            or not re.fullmatch(r"\s*(在|其中)?[\u4e00-\u9fff]{0,4}\s*", clause[: scope.start()])  # (在四川)全省
            or re.search(
                r"(比|较|高于|低于|快于|慢于|超过|超出|高出|领先|落后|占|于|居(?!民)|排|位|为|与)",
                clause[: scope.start()],
            )
            or re.search(r"\d", clause[scope.end() :])  # 24个全国重点镇、21个文化小镇: a name's
            or re.search(r"(占|比重|比例|之比|位次|排名|居(全|第|前))", clause[scope.end() :])
        ):
            return None
        return self._region_above(place, scope.group())

    def _region_above(self, place: Place, scope: str) -> Place | None:
        """The region 全国, 全省 or 全市 names in a document of `place`, when it is above it (全市 in 玉环市's bulletin
        is 玉环市 itself, 全省 in a province's the province)."""
        level = SCOPE_LEVELS[scope]
        if (scope == "全市" and place.name.endswith("市")) or LEVELS.index(level) >= LEVELS.index(place.level):
            return None
        if level == "country":
            return COUNTRY
        codes = (place.parent_code, *place.ancestors)
        above = {p.code: p for ps in self.catalog.regions.values() for p in ps if p.code in codes and p.level == level}
        return next(iter(above.values()), None)

    def _carry(self, s, paragraph, places, entities, years):
        """What the next sentences of the paragraph inherit: the last region, year and entity named, and the span of a
        report's review (五年奋勇争先，…: its pairs start five years before)."""
        if re.search(r"(?<!连续)五年|“十[一二三四]?五”(期间|以来|时期)", s):
            paragraph["years_back"] = 5
        doc = getattr(self, "_doc_place", None)
        above = {doc.parent_code, *doc.ancestors} if doc else set()
        # 视察甘肃重要讲话 in a district's bulletin: the province said in passing is not what the next sentences are of
        named = [p for _, _, p, _ in places if p and not {q.code for q in p} <= above]
        if named:
            paragraph["place"] = named[-1]
        stated = [
            y
            for y in years
            if not self._comparison(s, y)
            and not (y.group("rest") or "").strip(" 的")
            and not FROM_BEFORE_YEAR.search(
                s[: y.start()]
            )  # 由2018年的…优化为…: the year it left, not the one it is in
        ]
        if stated:
            paragraph["year"] = stated[-1].group("year")
        if entities:
            paragraph["entity"] = entities[-1][2]

    @staticmethod
    def _comparison(s: str, year: re.Match) -> bool:
        before = s[: year.start()].rstrip()
        return (
            (
                before.endswith(COMPARISON_BEFORE_YEAR)
                and not re.search(
                    r"(调整|优化|变|转|提高|提升|上升|增加|下降|降|升)为$", before
                )  # 调整为2018年的: its year
                and not s[year.end() :].startswith(("以来",))
            )
            or bool(re.match(r"\s*(的)?(不变价|可比价|价格)", s[year.end() :]))
        )  # (2010年不变价): a price base

    def _parts(self, s: str, context) -> tuple[list, list[Item], list, list, list, list]:
        """What a sentence holds, in order: its structure ratios, its items (figures and ranks), the catalog names it
        mentions, the places, entities and years it names."""
        structures = self._structures(s)
        figures = [f for f in self.figures(s) if not any(m.start() <= f.start < m.end() for m in structures)]
        ranks = [m for m in RANK.finditer(s)] + [m for m in STREAK_CHAMPION.finditer(s)]
        items = sorted(
            [Item(f.start, f.end, figure=f) for f in figures]
            + [
                Item(m.start(), m.end(), rank=m)
                for m in ranks
                if not any(f.start < m.end() and m.start() < f.end for f in figures if f.unit != "年")
            ],
            key=lambda i: i.start,
        )
        for before, item in zip(
            items, items[1:]
        ):  # 1.09万公顷(16.35万亩)，增长10.1%: the same area restated, not a figure
            if (
                before.figure
                and item.figure
                and re.fullmatch(r"\s*[(（]\s*(约|合|折合)?", s[before.end : item.start])
                and re.match(r"\s*[)）]", s[item.end :])
                and _family((self.catalog.unit(item.figure.unit) or ("",))[0])
                == _family((self.catalog.unit(before.figure.unit) or (None,))[0])
            ):
                item.restates = before
        # a streak's number is read by its rank phrase, not as a figure of its own
        items = [
            i
            for i in items
            if not (i.figure and i.figure.unit == "年" and any(j.rank and j.start <= i.start < j.end for j in items))
        ]
        names = self._mentions(self.catalog._name_pattern, s)
        names = [
            n
            for i, n in enumerate(names)
            if not (
                i
                and names[i - 1][1] + 1 == n[0]
                and s[n[0] - 1 : n[0]] in "(（"
                and s[n[1] : n[1] + 1] in ")）"
                and self.catalog.names[_key(n[2])] == self.catalog.names[_key(names[i - 1][2])]
            )
        ]  # 生产总值(gdp): the name again, abbreviated
        if SCOPE in s:  # after 规模以上, a name of the list it heads is of that scope
            after = s.index(SCOPE)
            names = [
                (
                    st,
                    en,
                    SCOPE + key
                    if st > after and not key.startswith(SCOPE) and SCOPE + key in self.catalog.names
                    else key,
                )
                for st, en, key in names
            ]
            names += [
                (st, en, self.catalog.scoped[key])
                for st, en, key in self._mentions(self.catalog._scoped_pattern, s)
                if st > after and not any(a < en and st < b for a, b, _ in names)
            ]
            names.sort()
        entities = self._mentions(self.catalog._entity_pattern, s)
        # 根据广东省地区生产总值统一核算结果: the place whose accounts are followed, not the figures' region
        sources = [m.span() for m in ACCORDING_TO.finditer(s)]
        places = [p for p in self.places(s, context) if not any(a <= p[0] < b for a, b in sources)]
        # 于2020年投资建设, 2020年以来, 2016年下半年以来: the year of an event or a start, not a figure's period
        years = [
            m
            for m in YEAR.finditer(s)
            if not (m.group("rest") or "").strip()[:1].isdigit()
            and not s[: m.start()].endswith(("于", "自", "在", "按"))
            and not (s[: m.start()].endswith("从") and m.group("rest") != "的")  # 从2016年的N增加到: the year's N
            and not SINCE.match(s, m.end())
        ]
        return structures, items, names, places, entities, years
