"""What a figure of a sentence measures (a mixin of Extractor): the catalog name printed before it or after a count,
the subject carried over from the figure before it, the measure of that subject (its growth, share, rank ...), the
years of a 由...到 pair, and, for a figure the catalog holds no indicator of, the name as printed."""

import re

from pipelines.prose.labels import (
    _clean_label,
    _gap_label,
    _place_only,
    _stem,
)
from pipelines.prose.patterns import (
    ADDED_WORDS,
    ALSO_CALLED,
    BRACKETED_NAME,
    CONTRIBUTION_WORDS,
    COUNTED,
    COUNTED_AFTER,
    DOING,
    FASTER_THAN_ITS,
    FROM,
    GAP,
    GAP_AFTER_NAME,
    GAP_AHEAD,
    GAP_NOTE,
    HEADS,
    LABEL_AFTER,
    MORE_THAN_LAST_YEAR,
    NEWLY,
    NOUN_AFTER_NAME,
    PART_SAID,
    PARTS,
    PLAN_END,
    POINTS,
    RANK_MOVED,
    TARGET_DONE,
    TOTAL_WORDS,
    _key,
    plan_end,
)
from pipelines.prose.reading import FigureReading, SentenceState, Step


class Subjects:
    """The extractor's reading of what a figure measures (a mixin of Extractor)."""

    def _read_subject(self, st: SentenceState, step: Step) -> bool:
        """The name a figure is of: printed before it or after a count, carried over from the figure before, or words
        that make a name of their own. True when the step's figure is read; else its code and subject are set."""
        s, names, previous = st.at.text, st.names, st.previous
        item, figure, lead, lead_from, kind = step.item, step.figure, step.lead, step.lead_from, step.kind
        following_item = step.following_item
        leading = [n for n in names if lead_from <= n[0] and n[1] <= item.start]
        share = re.search(r"占([^，,。]{1,20}?)的?(比重|比例)", lead) if kind == "share" else None
        if kind == "share" and share is None:
            share = re.search(
                r"(?<![\u4e00-\u9fff])占([^，,。；;]{1,20}?)的?\s*$", lead
            )  # ；占全区投资的51.1%: of what
        named = BRACKETED_NAME.search(lead)
        if named and (
            inside := [n for n in leading if lead_from + named.start(1) <= n[0] and n[1] <= lead_from + named.end(1)]
        ):
            # 占常住人口的比重（常住人口城镇化率）为43.01%: the name in brackets is the indicator
            leading, share = inside[-1:], None
        if share:
            leading = [n for n in leading if n[1] <= lead_from + share.start()]
        if (
            leading
            and (cut := re.search(r"[，,；;：:]([^，,；;：:]*)$", s[leading[-1][1] : item.start]))
            and kind in ("level", "growth")
            and not self._bare(cut.group(1))
            and _clean_label(cut.group(1), self)
            and "其中" not in s[leading[-1][1] : item.start]
            and _clean_label(cut.group(1), self) not in PARTS
            and not re.match(
                r"(预计|计划|投入|实现|完成|达到|共|累计|新增|带动|吸引|争取|拉动|带来|总计|合计|同比|比上年)",
                cut.group(1).strip(),
            )
        ):
            # 在第三产业中，批发和零售业增加值增长5.1%: the clause names its own subject, not the one before
            leading = []
        if leading and re.search(r"等(?!于)", s[leading[-1][1] : item.start]) and kind in ("level", "growth"):
            leading = []  # 新能源汽车、智能电网和海洋工程等新兴产业销售收入: the group's figure, not the one named
        step.leading = leading
        # 24个重大科技创新载体, 4万平方米的专业无人机生产制造基地: the name after the figure
        following = [
            n
            for n in names
            if figure.end <= n[0]
            and (following_item is None or n[1] <= following_item.start)
            and not re.search(r"[，,。；;：:]", s[figure.end : n[0]])
            and (
                self.catalog.indicators[self.catalog.names[n[2]]].measure_type == "count"
                or s[figure.end : figure.end + 1] == "的"
                or (self.catalog.unit(figure.unit) or ("",))[0] == "m2"
            )
        ]  # 2.6平方公里科技创新集群
        if (
            not following
            and not leading
            and (selected := re.match(r"[^，,。；;]{0,6}[，,]?(入选|入围|获评|被评为|认定为)", s[figure.end :]))
        ):
            following = [
                n
                for n in names
                if figure.end + selected.end() <= n[0] <= figure.end + selected.end() + 2
                and self.catalog.indicators[self.catalog.names[n[2]]].measure_type == "count"
            ]
        near_before = leading and item.start - leading[-1][1] <= 4
        # what 同比增长 after a figure measures: the figure's subject, unless the words before it name another
        said = (
            lead[: share.start()] if kind == "share" and share else lead
        )  # 占地区生产总值的比重: of the subject before 占
        inherit = (
            previous
            if previous and previous.subject and self._bare(said) and not any(lead_from <= e[0] for e in st.at.entities)
            else st.last_subject  # 增长2.8%，比1-2月提升2.5个百分点。其中，3月增长6.3%: the growth's, past its gap
            if previous
            and not previous.subject
            and previous.label
            and GAP_NOTE.search(previous.label)
            and st.last_subject
            and self._bare(said)
            else None
        )
        step.pairing = bool(st.pair is not None and st.pair[1] is None and re.search(r"(到|至)", lead))
        if (
            kind == "level"
            and following
            and (
                following[0][0] - figure.end <= 2
                or not leading
                or following[0][0] - figure.end <= 6
                and not near_before
            )
        ):
            step.code, step.subject_start, step.pattern = self.catalog.names[following[0][2]], following[0][0], "count"
        elif leading and (gapped := GAP_AFTER_NAME.fullmatch(s[leading[-1][1] : item.start])):
            # 城镇居民人均可支配收入总量比全省平均水平高1500元: the name's gap to the province, not its level
            segment = self._segment_start(s, lead_from, item)
            label = _gap_label(s[leading[-1][0] : leading[-1][1]], gapped.group("gap"), figure, None)
            self._uncatalogued(st, item, FigureReading("change", step.pattern, segment, label=label))
            self._done(st, item, self.catalog.names[leading[-1][2]], leading[-1][0], label=label)  # (a rank after: its)
            return True
        elif (
            figure.unit in POINTS
            and previous is not None
            and previous.label
            and GAP_AHEAD.match(gap := s[self._segment_start(s, lead_from, item) : item.start].strip())
        ):
            # 增长10%，高于GDP增速3.6个百分点; 占GDP的比重达49.5%，超过第二产业6.5个百分点: the gap of the figure
            # before to the one named, not a figure of the one named
            segment = self._segment_start(s, lead_from, item)
            label = _gap_label(previous.label, gap, figure, previous)
            self._uncatalogued(st, item, FigureReading("change", step.pattern, segment, label=label))
            self._done(st, item, None, segment, label=label)
            return True
        elif leading and (qualified := self._qualified(s, self._segment_start(s, lead_from, item), leading[-1], item)):
            # 对香港出口, 机电产品出口值, 城镇常住人口: words before a catalog name narrow it to an indicator of its own
            segment = self._segment_start(s, lead_from, item)
            qualified = aka.group(1) if (aka := ALSO_CALLED.search(lead)) else qualified  # (户籍人口城镇化率)为27.33%
            self._uncatalogued(st, item, FigureReading(kind, step.pattern, segment, label=qualified))
            self._done(st, item, None, segment, label=qualified)
            return True
        elif leading:
            code, subject_start = self.catalog.names[leading[-1][2]], leading[-1][0]
            extended = NOUN_AFTER_NAME.match(s, leading[-1][1])
            if (
                extended
                and extended.end() <= item.start
                and not self.catalog.indicators[code].name_zh.endswith(extended.group(2))
            ):
                # 第二产业投资增长2%: the industry's investment, not the industry's value added
                label = s[subject_start : extended.end()]
                self._uncatalogued(st, item, FigureReading(kind, step.pattern, subject_start, label=label))
                self._done(st, item, None, subject_start, label=label)
                return True
            clause = s[max(s.rfind(c, 0, subject_start) for c in "，,；;：:") + 1 : subject_start]
            if (
                kind == "level"
                and re.search(ADDED_WORDS, clause + s[leading[-1][1] : item.start])
                and not re.search(ADDED_WORDS, self.catalog.indicators[code].name_zh)
            ):
                # 新增国家高新技术企业186家: the additions, not the total the indicator counts (总数达到 after it is)
                label = _clean_label(s[self._segment_start(s, lead_from, item) : item.start], self)
                self._uncatalogued(st, item, FigureReading("level", step.pattern, subject_start, label=label))
                self._done(st, item, code, subject_start)
                return True
            step.code, step.subject_start = code, subject_start
        elif (
            previous
            and previous.figure
            and not leading
            and PART_SAID.search(lead)
            and (previous.code and self.fits(previous.code, figure) or not previous.code and previous.label)
        ):
            # 增速一季度(6.1%)…、上半年(6.9%)…；全年增长7%: the same name's figure for another part of the year
            if not previous.code:
                reading = FigureReading(
                    kind, step.pattern, previous.subject_start, label=previous.label, inherited=True
                )
                self._uncatalogued(st, item, reading)
                self._done(st, item, None, previous.subject_start, label=previous.label)
                return True
            step.code, step.subject_start, step.inherited = previous.code, previous.subject_start, True
        elif (
            kind == "level"
            and previous
            and previous.code
            and previous.figure
            and self.fits(previous.code, figure)
            and (place := _place_only(s, lead_from, item.start, st.at.places)) is not None
        ):
            # 生产总值：潍城区364.0亿元，寒亭区(含经济开发区)270.3亿元: each region's figure of the name said first
            step.code, step.subject_start, step.inherited = previous.code, place, True
        elif inherit and (kind != "level" or re.search(TOTAL_WORDS, lead) or step.pairing):
            step.code, step.subject_start, step.inherited = inherit.subject, inherit.subject_start, True
        elif inherit and kind == "level":  # 首次突破5万亿元大关: a figure of the same subject, read as no observation
            segment = self._segment_start(s, lead_from, item)
            label = self._after_subject(s[segment : item.start], inherit, figure, part="其中" in lead)
            if (
                label
            ):  # ，其中：男性61.11万人; 按平均汇率计算为2865美元: a figure of its own, of a part or in another unit
                self._uncatalogued(st, item, FigureReading(kind, step.pattern, segment, label=label))
                self._done(st, item, None, segment, label=label)
            else:
                self._done(st, item, inherit.subject, inherit.subject_start)
            return True
        elif previous and previous.label and not previous.subject and kind != "level" and self._bare(lead):
            # 牧业产值32.36亿元，同比增长31.7%: the growth of a name the catalog lacks
            reading = FigureReading(kind, step.pattern, previous.subject_start, label=previous.label, inherited=True)
            self._uncatalogued(st, item, reading)
            self._done(st, item, None, previous.subject_start, label=previous.label)
            return True
        return False

    def _read_measure(self, st: SentenceState, step: Step) -> None:
        """The catalog's indicator of the subject's measure (its growth, share, ...) and the figure's year in a 由...到
        pair; a figure of no such indicator is proposed with the name as printed."""
        s, item, figure, lead = st.at.text, step.item, step.figure, step.lead
        step.base_subject = code = step.code
        if code:
            own_type = self.catalog.indicators[code].measure_type
            if step.kind == "level" and own_type in ("growth_yoy", "share", "ratio"):
                step.kind = {"growth_yoy": "growth", "share": "share"}.get(
                    own_type, "multiple" if self.catalog.indicators[code].unit == "times" else "share"
                )
            resolved = self.measure_of(code, step.kind)
            if resolved is None and step.kind == "growth" and step.leading and not step.inherited:
                resolved = self.by_text(step.leading[-1][2], "growth")
            step.code = self.variant(resolved, figure, s) if resolved else None
            step.base_subject = self._level_of(step.code) if step.code else self._level_of(step.base_subject)
        # 由 YYYY 年的 N 增长到 YYYY 年的 M: each figure of its year; a pair without years takes the last pair's
        if (
            st.pair is not None
            and st.pair[1] is None
            and re.search(r"(到|至)", lead)
            and st.pair_kind
            and step.kind == "level"
            and step.base_subject
            and (paired := self.measure_of(step.base_subject, st.pair_kind))
        ):
            # 由4.02%提高至5.81%: the second of a pair is what the first is
            step.kind, step.code = st.pair_kind, self.variant(paired, figure, s)
        self._read_pair(st, step)
        if step.code is None:
            self._read_printed(st, step)
            return
        reading = FigureReading(
            step.kind, step.pattern, step.subject_start, code=step.code, inherited=step.inherited, year=step.year
        )
        st.out.append(self._candidate(st.at, figure, reading))
        self._done(st, item, step.base_subject, step.subject_start, step.code)

    def _read_pair(self, st: SentenceState, step: Step) -> None:
        """由 YYYY 年的 N 增长到 YYYY 年的 M: the year of each figure of the pair."""
        s, item, lead, following_item = st.at.text, step.item, step.lead, step.following_item
        to_next = (
            re.search(FROM, lead)
            and following_item is not None
            and following_item.figure is not None
            and re.search(r"(到|至)", s[item.end : following_item.start])
        )
        if not (to_next or (st.pair is not None and st.pair[1] is None and re.search(r"(到|至)", lead))):
            return
        step.pattern = "from_to"
        own = [
            y.group("year")
            for y in st.at.years
            if step.lead_from <= y.start() < item.start and not self._comparison(s, y)
        ]
        last_pair, year = st.last_pair, st.at.document.year
        if to_next:
            last_year = re.search(r"(由|从)上年的?\s*$", lead) and year  # 由上年的45009元提高到
            # 由“十五”末的12.8亿元增加到19.2亿元: from the plan's last year to the report's, and so the pairs after it
            plan = None if own else PLAN_END.search(lead)
            back = st.at.paragraph.get("years_back") if st.at.document.kind == "report" and year else None
            first = (
                own[-1]
                if own
                else plan_end(plan)
                if plan
                else str(int(year) - 1)
                if last_year
                else str(int(year) - back)  # 过去五年…，地区生产总值从179.92亿元增加到245亿元: five years before
                if back
                else None
            )
            st.pair, st.pair_kind, st.pair_planned = [first, None], step.kind, bool(plan or back)
            step.year = st.pair[0] or (last_pair[0] if last_pair else None)
        else:
            st.pair[1] = own[-1] if own else str(year) if st.pair_planned and year else None
            step.year = st.pair[1] or (last_pair[1] if last_pair else None)
            st.last_pair, st.pair = (st.pair if st.pair[0] and st.pair[1] else last_pair), None
            st.at.paragraph["pair"] = st.last_pair

    def _read_printed(self, st: SentenceState, step: Step) -> None:
        """A figure the catalog holds no indicator of: proposed with its name as printed, or as the words before it
        make it (the change of a level, a gap, a part, the same figure in dollars, the name after a count)."""
        s, previous, base_subject = st.at.text, st.previous, step.base_subject
        item, figure, lead, lead_from = step.item, step.figure, step.lead, step.lead_from
        kind, leading, subject_start, label = step.kind, step.leading, step.subject_start, None
        if base_subject and kind != "level":  # the change or contribution of a catalogued level
            label = self.catalog.indicators[base_subject].name_zh
            if step.inherited and previous and previous.subject == base_subject and previous.label:
                label = previous.label  # 产销率达到97.8%，比上年提高0.3个百分点: the name as printed, not the level's
            printed = _clean_label(s[self._segment_start(s, lead_from, item) : item.start], self) if leading else None
            if printed and any(_key(n) in _key(printed) for n in (label, s[leading[-1][0] : leading[-1][1]])):
                label = printed  # 第一产业比重下降2.5个百分点: the name as printed
            elif kind == "change" and re.search(r"(比重|占比)", lead) and not re.search(r"(比重|占比)", label):
                label += "比重"  # 第三产业增加值比重比上年提高0.8个百分点: the share's change
            elif (
                kind == "change"
                and step.inherited
                and (rate := re.match(r"\s*[，,]?\s*(涨幅|增幅|增速|降幅)", lead))
                and (said := next((n for n in st.names if n[0] == subject_start), None))
            ):
                # 居民消费价格上涨1.1%，涨幅回落0.7个百分点: 居民消费价格涨幅
                label = LABEL_AFTER.sub("", s[said[0] : said[1]]) + rate.group(1)
            if aka := ALSO_CALLED.search(lead):
                label = aka.group(1)  # 占全市户籍人口的比重(户籍人口城镇化率)为27.33%: the name in brackets
            if figure.unit == "位" and (moved := RANK_MOVED.search(lead)):
                label = f"{label}位次({moved.group()})"  # 居全省第1位，比上年提升10位: the rank's change
        elif (
            base_subject
            and kind == "level"
            and leading
            and self._bare(s[leading[-1][1] : item.start])
            and (self.catalog.unit(figure.unit) or ("",))[0] not in ("", self.catalog.indicators[base_subject].unit)
        ):
            # 粮食播种面积10477.1万亩 (the catalog's is in hectares), 人均生产总值约合20533美元: another unit that does
            # not convert at a fixed rate, registered apart by its base unit
            label = self.catalog.indicators[base_subject].name_zh
        elif base_subject and kind == "level" and leading and not step.inherited:
            # 规模以上工业企业资产负债率为78.0%: words after a catalog name make another indicator of it
            segment = self._segment_start(s, lead_from, item)
            label = _clean_label(s[segment : item.start], self)
            label = label if label and _key(label) != leading[-1][2] else None
            subject_start = segment if label else subject_start
        else:
            segment = self._segment_start(s, lead_from, item)
            label, kind, segment = self._label_as_printed(st, step, segment)
            subject_start = segment if label else subject_start
        if label and not (
            kind == "level"
            and step.following_item is None
            and re.match(r"[^，,。；;]{0,4}(以上|以下|及以上)", s[item.end :])
        ):
            self._uncatalogued(st, item, FigureReading(kind, step.pattern, subject_start, label=label, year=step.year))
        self._done(st, item, base_subject, subject_start, label=label)  # the name as printed, for what follows

    def _label_as_printed(self, st: SentenceState, step: Step, segment: int) -> tuple[str | None, str, int]:
        """The name of a figure of no catalogued subject, from the words of its clause: (label, kind, where the name
        starts)."""
        s, item, figure, previous, kind = st.at.text, step.item, step.figure, st.previous, step.kind
        base_subject = step.base_subject
        words = s[segment : item.start]
        # the name read last: in this sentence, else the sentence before (上涨0.9%。其中，城市上涨0.6%)
        prior = previous.label if previous and previous.label else None if previous else st.at.paragraph.get("label")
        if prior is None and previous and previous.rank is not None and st.last_named:
            prior = st.last_named.label  # 增长5.8%，居全市第4位，高于全市平均增速11.5个百分点: the growth's gap
        if kind == "share" and words.lstrip().startswith("占") and prior:
            words = prior + words.lstrip()  # 民营经济增加值...，占全市经济总量的59.0%
            segment = previous.subject_start if previous and previous.subject_start is not None else segment
        label = _clean_label(words, self) if not base_subject else None
        if (aka := ALSO_CALLED.search(words)) and not base_subject:
            label = aka.group(1)  # 占全市户籍人口的比重(户籍人口城镇化率)为27.33%: the name in brackets
        if (
            label
            and step.pairing
            and st.pair_kind
            and previous
            and previous.label
            and re.fullmatch(
                r"(提高|下降|上升|增加|减少|降低|回落|扩大|缩小|提升|增长|发展|跃升|攀升)?(到|至)了?", label
            )
        ):
            label, kind = previous.label, st.pair_kind  # 比重由上年的17.8%提高至19.2%: the same, a year on
        if label and re.fullmatch(MORE_THAN_LAST_YEAR, label) and prior:
            label = prior  # 夏粮产量…，比上年多0.07万吨: the change of the name before
        if (
            label is None
            and prior
            and re.fullmatch(r"\s*[，,]?\s*(年末|年底)?(实有|共有|累计|总数)(达到|达|为)?\s*", words)
            and (flow := NEWLY.match(prior))
        ):
            label = "实有" + prior[flow.end() :]  # 新登记市场主体11428户，年末实有66094户: the stock
        if label is None and kind == "share" and prior and re.fullmatch(r"\s*[，,；;]?\s*占", s[segment : item.start]):
            label = prior + "比重"  # 男性人口663.38万人，占51.05%: the name's share of the whole
        if label and TARGET_DONE.fullmatch(label) and prior:
            label = prior + "完成目标比例"  # 城镇新增就业…，完成全年目标的120.5%
        if (
            (label is None or "汇率" in label)  # (按年末汇率折合1983美元)
            and kind == "level"
            and prior
            and "美元" in figure.unit
            and re.search(r"(汇率|折合|约合|折算|相当于)", words)
        ):
            label = prior  # 人均地区生产总值59447元，按2022年平均汇率计算为8838美元: the same figure in dollars
        if (
            label is None
            and kind == "change"
            and previous
            and previous.label
            and previous.figure
            and re.fullmatch(r"\s*[，,]\s*(新增|净增|净减)了?\s*", s[previous.end : item.start])
        ):
            label = previous.label  # 私有企业4万户，新增1.38万户
        if label and re.fullmatch(r"(两年|三年)?平均|年均", label) and st.last_named:
            label = st.last_named.label  # ...增长8.7%，两年平均增长5.6%: the same name's average
        elif label and (rate := re.match(r"(降幅|增幅|增速|涨幅)", label)) and prior:
            # 增长8.1%，增幅比上年提高2.2个百分点: the change of that growth; 降幅比1-5月收窄3.6个百分点: the fall's gap
            gap = label[rate.end() :]
            label = prior + (f"{rate.group(0)}({gap})" if GAP.match(gap) else label)
        elif (
            label
            and (other := FASTER_THAN_ITS.fullmatch(label))
            and figure.unit == "%"
            and not GAP.match(other.group("other"))
        ):
            label = other.group("other")  # 增速达到7%，明显快于重工业的3.9%: the other's own figure
            if re.search(r"(增速|增幅|增长)", s[max(0, item.start - 24) : item.start]):
                kind = "growth"
        elif label and GAP.match(label.removeprefix("总量")) and prior:
            # 增长7%，比全国快0.1个百分点: the gap of that growth, named as tables name it; 34411元，
            # 总量比全省平均水平高1195元: the gap of that level
            label = _gap_label(prior, label.removeprefix("总量"), figure, previous)
            kind = "change" if kind == "level" else kind
        elif label and RANK_MOVED.fullmatch(label) and figure.unit == "位" and prior:
            # 居全省第1位，比上年提升10位: the change of that rank
            label = f"{GAP_NOTE.sub('', prior).removesuffix('位次')}位次({label})"
        elif label and figure.unit == "位" and (moved := re.search(r"(前移|后移|前进|后退|提升|上升)了?$", label)):
            label, kind = f"{label[: moved.start()]}({moved.group(1)})", "change"  # 竞争力排名前移3位: a rank's change
        if (
            label
            and label.startswith(("对", "拉动"))
            and re.search(CONTRIBUTION_WORDS, label)
            and previous
            and previous.label
        ):
            # 服务业占GDP的比重达49.5%，超过第二产业6.5个百分点，对经济增长的贡献率: 服务业's
            whole = (
                re.sub(r"(占[^占]*(比重|比例)|对[^对]*贡献率?|拉动.*)$", "", GAP_NOTE.sub("", previous.label))
                or previous.label
            )
            stem = whole if _stem(whole) is None else _stem(whole)
            # 第一产业增加值...，对GDP增长贡献率为12.6%: the first industry's (拉动全市经济增长: 拉动经济增长)
            label = stem.rsplit("_", 1)[0] + re.sub(r"^拉动全[市县省区州旗盟国]", "拉动", label)
        if label in PARTS and prior:
            # 居民消费价格上涨1.6%，其中城市上涨1.4%，农村上涨1.8%: the parts of the whole named before them
            whole = prior.rsplit("_", 1)[0] if "_" in prior else None if prior in PARTS else prior
            label = f"{whole}_{label}" if whole else label
        if label in HEADS and previous and previous.label:  # 农林牧渔业总产值69.93亿元，增加值37.90亿元
            stem = _stem(previous.label)
            label = stem + label if stem else label
        elif (
            (herd := re.fullmatch(r"(年内|年末|全年|当年)?((存栏|出栏)量?)", label or ""))
            and previous
            and previous.label
        ):
            # 家禽年末存栏45.97万只，年内出栏115.49万只: the same animals' 出栏
            stem = re.sub(r"(年内|年末|全年|当年)?(存栏|出栏)量?$", "", previous.label)
            label = stem + herd.group(2) if stem != previous.label and stem else label
        counted = kind == "level" and (self.catalog.unit(figure.unit) or ("",))[0] in COUNTED
        if label and counted and not base_subject and (DOING.search(label) or label.endswith("等")):
            # 精心打造8条特色餐饮街区: what is counted comes after the count; 出台…12条 counts no statistic
            after = COUNTED_AFTER.match(s, item.end)
            label = _clean_label(after.group(1), self) if after and not after.group(1).startswith("等") else None
        if label is None and not base_subject and counted and (after := COUNTED_AFTER.match(s, item.end)):
            label = _clean_label(after.group(1), self)  # 1919个贫困村全部脱贫出列: the name after a count
        return label, kind, segment
