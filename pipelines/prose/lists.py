"""Figures that come in lists or ranks: A、B分别增长P%、Q%, places listed alone, ranks and streaks, a figure in brackets
after the region above, and the candidate each reading proposes."""

import re
from dataclasses import replace
from decimal import Decimal

from pipelines.prose.labels import (
    _existed,
    _listed,
    _measure_label,
    _part_of_year,
    _spelled_out,
    _subject,
    uncatalogued_flag,
)
from pipelines.prose.patterns import (
    AMONG,
    AS_OF_WORDS,
    CONTRIBUTION_WORDS,
    FROM_BEFORE_YEAR,
    GROWTH_DOWN,
    GROWTH_UP,
    POINTS,
    TARGET_WORDS,
    WHOLE_THEN_PARTS,
    YEAR,
    ZONE,
    _key,
)
from pipelines.prose.reading import Candidate, Figure, FigureReading, Item, Sentence, _int


class Lists:
    """The extractor's readings of lists and ranks, and the candidate of a reading (a mixin of Extractor)."""

    def _respectively(self, s: str, lead_from: int, item: Item, rest: list[Item]):
        """A、B(和C) 分别增长 P%、Q%(、R%): [((code, subject start, kind), item)] or None."""
        lead, bare = s[lead_from : item.start], None
        at = lead.rfind("分别")
        if at >= 0:
            # 分别仅增长2.0%、2.8%; 分别同比增长9.3%、10.5%
            verb = re.sub(r"^(仅|只|均|也|还|又)?(同比|比上年同期|比上年|较上年)?", "", lead[at + 2 :])
        elif self._last_respectively and re.fullmatch(
            r"\s*[，,]\s*(同比|比上年)?(增长|下降|增加|减少|提高|上涨)\s*", lead
        ):
            # 城、乡居民人均可支配收入分别为22694元、9527元，(同比)增长8.5%、11%: the same items
            at, verb = 0, re.sub(r"^(同比|比上年)", "", lead.strip(" ，,"))
        elif bare := re.search(r"为\s*$", lead):
            at, verb = bare.start(), "为"  # A、B、C为x、y和z: a list without its 分别, read when the counts agree
        else:
            return None
        group = [rest[0]]
        for other in rest[1:]:
            glued = (
                s[group[-1].end - 1 : group[-1].end] in "%‰" and other.start == group[-1].end
            )  # 4.2%5.0%6.7%: a page that lost its 、
            if other.figure is None or not (
                glued or re.fullmatch(r"\s*[、,，和及与]\s*", s[group[-1].end : other.start])
            ):
                break
            group.append(other)
        clause_start = max(lead.rfind(c, 0, at) for c in "，,。；;：:") + 1
        items = _spelled_out(_listed(lead[clause_start:at], len(group)), len(group))
        if len(group) >= 3 and len(items) < len(group):
            # 行业中，橡胶和塑料制品业，专用设备制造业，…，纺织业分别增长: items a page set apart by commas
            pieces = re.split(r"[，,]", lead[:at])
            listed = pieces[-len(group) :]
            if (
                len(pieces) > len(group)
                and all(0 < len(p.strip()) <= 16 and not re.search(r"\d", p) for p in listed)
                and re.search(r"(中|里|有)\s*$", pieces[-len(group) - 1])
            ):
                items, clause_start = listed, len(",".join(pieces[: -len(group)])) + 1
        if bare and not (len(group) > 1 and len(items) == len(group) and "、" in lead[clause_start:at]):
            return None
        if len(items) == 1 and re.fullmatch(r"\s*(两者|二者|三者)(实际|名义)?\s*", items[0]):
            items = []  # 扣除价格因素，两者实际分别增长9.4%、10.0%: the two named before
        if len(items) > 1 and (whole := WHOLE_THEN_PARTS.match(items[0])):
            items[0] = items[0][
                whole.end() :
            ]  # 第三产业中交通运输仓储和邮政、批发和零售…分别增长: the parts, not the whole
        suffix = ""
        if (
            len(items) == 1
            and len(group) > 1
            and (gap := re.fullmatch(r"\s*(增速|增幅|涨幅|降幅)((比|较)\S+)", items[0]))
        ):
            # A、B、C回升明显，增速较上半年分别加快2.7、1.9和1.4个百分点: each one's gap, named as gaps are
            items, suffix = [], f"{gap.group(1)}({gap.group(2)})"
        rate_only = len(items) == 1 and len(group) > 1 and re.fullmatch(r"\s*(增速|增幅|涨幅|降幅)\s*", items[0])
        if (not items or rate_only) and clause_start > 0 and (earlier := lead.rfind("分别", 0, clause_start)) < 0:
            # 液晶显示模组、电子元件等高新高端产品产量大幅增长，分别增长504.6%、13.8%: the list of the clause before;
            # 古塔区、松山新区和凌河区实现正增长，增速分别为70.3%、46.4%和6.0%: the places of the clause before
            since = max(lead.rfind(c, 0, clause_start - 1) for c in "，,。；;：:") + 1
            said = re.sub(
                r"(均|都)?(保持|实现)?(大幅|较快|明显|稳步|快速|较高|正)?(增长|下降|提高|回升|回落|增速)$",
                "",
                lead[since : clause_start - 1],
            )  # (新材料制造业和先进轻纺制造业均保持较高增速，同比分别增长13.3%和8.9%)
            said = re.sub(r"(回升|恢复|增长|下降)?(明显|较快|较好)$", "", said)
            named = _spelled_out(_listed(said, len(group)), len(group)) if re.search(r"[、和与及]", said) else []
            if len(named) == len(group):
                items, clause_start = [t.strip() + suffix for t in named], since
        if not items and (earlier := lead.rfind("分别", 0, clause_start)) >= 0:
            # 第一、二、三产业增加值分别为(figures the page glued together)，分别增长4.2%、5.0%、6.7%: the items before
            since = max(lead.rfind(c, 0, earlier) for c in "，,。；;：:") + 1
            named = _spelled_out(_listed(lead[since:earlier], len(group)), len(group))
            items, clause_start = (named, since) if len(named) == len(group) else (items, clause_start)
        kind = "growth" if verb.startswith(GROWTH_UP + GROWTH_DOWN + ("上涨", "下跌")) else "level"
        if kind == "level" and group[0].figure.unit == "%" and re.search(r"(增速|增幅|增长率|涨幅)\s*$", lead[:at]):
            kind = "growth"  # …等支出同比增速分别为-9.4%、23.0%
        if kind == "growth" and group[0].figure.unit not in ("%", "‰", "倍", *POINTS):
            kind = "change"  # 分别增加1.2万人、0.8万人: the changes of levels
        if (
            kind == "level"
            and group[0].figure.unit in ("%", "‰")
            and (re.search("(比重|占比|比例)", verb + lead[clause_start:at]) or verb.strip().startswith("占"))
        ):
            kind = "share"
        if re.search(CONTRIBUTION_WORDS, verb + lead[clause_start:at]) and group[0].figure.unit in ("%", *POINTS):
            kind = "contribution"
        elif group[0].figure.unit in POINTS:
            kind = "change"
        measured = len(items) == 1 and items[0].strip().startswith(
            "对"
        )  # ，对经济增长的贡献率分别为10.1%、44.3%、45.6%
        before = self._last_respectively
        measure_word = len(items) == 1 and re.fullmatch(r"\s*(增幅|增速|涨幅|降幅)\s*", items[0])
        share_of = not items and kind == "share" and verb.strip().startswith("占")
        # 事故3起，死亡4人，同比分别下降50%、42.9%; 出栏率达30.9%、商品率为27.1%，分别比上年提高1.4、1.3个百分点
        grew = not items and kind in ("growth", "change")
        if not before and (measure_word or share_of or grew) and len(self._named) >= len(group) > 1:
            # the names said before: A增长13.5%，B增长13.9%，增幅分别比上年提高3.6个、1.0个百分点;
            # 男性3459万人，女性3168万人，分别占总人口的52.2%、47.8%
            said = (
                items[0].strip() if measure_word else re.sub(r"的?\s*$", "", verb.strip()) + "比重" if share_of else ""
            )
            return [
                (
                    (self.measure_of(n.subject, kind) if n.subject else None, n.subject_start, kind, n.label + said),
                    other,
                )
                for n, other in zip(self._named[-len(group) :], group)
            ]
        if measured and not before and len(group) == 3 and "三次产业" in s[: lead_from + clause_start]:
            before = [
                (None, lead_from + clause_start, f"第{n}产业") for n in "一二三"
            ]  # 三次产业结构比为…，对经济增长的贡献率分别为
        if (not items or measured) and before and len(before) == len(group) and len(group) > 1:
            # ，分别拉动经济增长0.9、-0.6和1.4个百分点: the items named before, each with the verb printed now
            said = (
                items[0].strip() if measured else verb.strip() if len(re.findall(r"[\u4e00-\u9fff]", verb)) >= 2 else ""
            )
            return [
                (
                    (
                        self.measure_of(base, kind) if base else None,
                        start,
                        kind,
                        _subject(text) + said if said else text,
                    ),
                    other,
                )
                for (base, start, text), other in zip(before, group)
            ]
        if len(items) != len(group) or len(group) < 2:
            return None
        if listed := self._places_listed(items, lead_from + clause_start):
            # 福州市、厦门市、泉州市新建商品住宅销售价格分别上涨4.4%、4.5%和5.5%: one name, each place's figure
            name, ends = listed
            code = self.by_text(_key(name), kind)
            if not _key(name):
                # 全市9个县(市)区GDP增速“四升五降”。古塔区、松山新区和凌河区分别增长27.5%、21.8%和3.8%: the
                # places alone, their indicator the one named last before them, in this sentence or the one before
                named = self._mentions(
                    self.catalog._name_pattern, _key(self._said_before + s[: lead_from + clause_start])
                )
                base = self.catalog.names[named[-1][2]] if named else None
                code = self.measure_of(base, kind) if base else None
                if code is None:
                    return None
                name = self.catalog.indicators[code].name_zh
            return [((code, lead_from + clause_start, kind, name, end), other) for end, other in zip(ends, group)]
        out, bases, last = [], [], _key(items[-1])
        offset = lead_from + clause_start
        for i, text in enumerate(items):
            key = _key(text)
            code = None
            tries = [key + last[k:] for k in range(1, len(last))] if i < len(items) - 1 else []
            tries += [key] + [_key(items[0])[:k] + key for k in range(len(_key(items[0])) - 1, 0, -1)]
            for attempt in tries:
                code = self.by_text(attempt, kind)
                if code:
                    break
            if code is None:  # the item names its indicator inside longer words
                inner = self._mentions(self.catalog._name_pattern, key)
                code = self.measure_of(self.catalog.names[inner[-1][2]], kind) if inner else None
            out.append(((code, offset, kind, text), group[i]))
            bases.append((self._level_of(code), offset, text))
            offset += len(text) + 1
        self._last_respectively = bases
        return out

    def _places_listed(self, items: list[str], offset: int) -> tuple[str, list[int | None]] | None:
        """The name and where each place ends, for a list of places that names what is listed once, after the
        last (福州市、厦门市、泉州市新建商品住宅销售价格), or nowhere (the name is then empty). A zone the region codes
        do not hold, or hold in another province (锦州's 松山新区、滨海新区, not Tianjin's), ends at None: no region's
        figure."""
        ends, name, provinces, zones = [], "", set(), []
        for i, text in enumerate(items):
            found = self.places(text, [])
            if i < len(items) - 1 and ZONE.fullmatch(text.strip()):
                ends.append(None)
                zones.append((i, offset, found))
                offset += len(text) + 1
                continue
            if not found or text[: found[0][0]].strip():
                return None
            rest = text[found[0][1] :].strip()
            if rest and i < len(items) - 1:
                return None
            name = rest
            ends.append(offset + found[0][1])
            provinces |= {q.code[:2] for q in found[0][2]}
            offset += len(text) + 1
        for i, at, found in zones:
            if found and not items[i][: found[0][0]].strip() and {q.code[:2] for q in found[0][2]} & provinces:
                ends[i] = at + found[0][1]  # 高新区 that the codes hold in this province
        return (name, ends) if any(e is not None for e in ends) else None

    def _ranks(self, at: Sentence, item: Item, previous: Item | None, names: list, lead_from: int, label=None):
        s, match = at.text, item.rank
        groups = match.groupdict()
        if "nth" in groups:
            nth = groups.get("nth")
            value = _int(nth) if nth else 1
            scope_from = match.start("scope")
        else:
            value, scope_from = 1, match.start()
        streak = groups.get("streak")
        subjects = [n for n in names if lead_from <= n[0] and n[1] <= match.start()]
        if not subjects:
            subjects = [n for n in names if scope_from <= n[0] and n[1] <= match.end()]
        codes = [(self.catalog.names[n[2]], n[0]) for n in subjects]
        if len(codes) > 1 and not re.search(r"[、及和与]", s[codes[0][1] : match.start()]):
            codes = codes[-1:]
        if not codes and previous is not None and previous.subject:
            codes = [(previous.subject, previous.subject_start)]
        out = []
        printed = s[match.start() : match.end()]

        def uncatalogued(start: int, name: str, inherited: bool) -> Candidate:
            """A rank the catalog does not hold, proposed with the name it ranks."""
            figure = Figure(match.start(), match.end(), Decimal(value), None, "位", "", printed)
            return self._candidate(
                at,
                figure,
                FigureReading("rank", "rank", start, inherited=inherited, label=_measure_label(name, "rank")),
            )

        if not codes and label:  # the rank of a figure the catalog does not hold, with its name as printed
            return [
                uncatalogued(lead_from, re.sub(r"[(（][^()（）]*[)）]$", "", label), True)
            ]  # 增速(高于全省): not the gap's
        for code, start in codes:
            rank = self.measure_of(code, "rank")
            if rank is None:  # 增速全省排列第92位: a rank the catalog does not hold, proposed with its subject's name
                item.subject, item.subject_start = code, start
                growth = self.measure_of(code, "growth") if "增速" in s[lead_from : match.start()] else None
                name = self.catalog.indicators[growth or code].name_zh
                if re.match(r"\s*总量", s[lead_from : match.start()]) and growth is None:
                    name += "总量"  # 总量居全省第五位，增速居全省第四位: the level's rank beside the growth's
                out.append(uncatalogued(start, name, not subjects))
                continue
            item.subject, item.subject_start = code, start
            figure = Figure(match.start(), match.end(), Decimal(value), None, "位", "", printed)
            out.append(
                self._candidate(at, figure, FigureReading("rank", "rank", start, code=rank, inherited=not subjects))
            )
            streak_code = self.measure_of(rank, "streak")
            if streak and streak_code:
                figure = Figure(match.start(), match.end(), Decimal(_int(streak)), None, "年", "", printed)
                out.append(
                    self._candidate(
                        at, figure, FigureReading("streak", "streak", start, code=streak_code, inherited=not subjects)
                    )
                )
        return out

    @staticmethod
    def _of_how_many(s: str, item: Item) -> str | None:
        """The name of a count of the form N个X中(有)M个Y (35个行业大类中19个行业大类同比增长): X for N, Y的X for M."""
        for m in AMONG.finditer(s):
            what = m.group("what")
            if m.start("n") == item.start:
                return what
            if m.start("m") == item.start:
                said = re.sub(r"^\s*" + re.escape(what), "", m.group("said")).strip()
                return f"{said}的{what}" if said else None
        return None

    def _figure_above(self, at: Sentence, item: Item, compared: tuple, bracket: re.Match, out: list) -> None:
        """Proposes the figure in brackets after a region above the document's (比全国(8.1%), 比全省、全州(均为7.3%),
        低于全市平均水平(3.5%)) for each region named: the indicator of the figure compared, (code, label, kind)."""
        code, label, kind = compared
        home = self.resolve(at.paragraph["place"], str(at.document.year) if at.document.year else None)
        for scope in re.findall(r"全国|全省|全市|全州|全盟", bracket.group("gap")):
            above = self._region_above(home, scope) if home else None
            if above is None:
                continue
            found = self._candidate(
                at,
                item.figure,
                FigureReading(
                    kind, "parent", item.start, code=code, label=None if code else _measure_label(label, kind)
                ),
            )
            out.append(replace(found, region_code=above.code))

    def _candidate(self, at: Sentence, figure: Figure, reading: FigureReading) -> Candidate:
        document, s, origin, paragraph = at.document, at.text, at.origin, at.paragraph
        places, entities, years = at.places, at.entities, at.years
        code, kind, pattern, subject_start = reading.code, reading.kind, reading.pattern, reading.subject_start
        inherited, year, label, place_before = reading.inherited, reading.year, reading.label, reading.place_before
        flags, confidence = [], 0.95
        if code is None:
            flags.append(uncatalogued_flag(label))
            confidence -= 0.25
        before = figure.start
        # entity: named in the sentence before the figure, or 公司 after one named earlier in the paragraph
        named = [e for e in entities if e[1] <= before]
        entity = self.catalog.entities[named[-1][2]] if named else None
        if entity is None and paragraph["entity"] and re.search(r"(公司|企业|集团)", s[:before]):
            entity = self.catalog.entities[paragraph["entity"]]
            confidence -= 0.1
        # period
        period = year
        if period is None:
            stated = [
                y
                for y in years
                if y.end() <= before
                and not self._comparison(s, y)
                and not (y.group("rest") or "").strip().endswith("日")
                # 由2018年的5.7:49.3:45.0优化为6.6:45.8:47.6，第三产业占比提高2.6个百分点: not 2018's
                and not (FROM_BEFORE_YEAR.search(s[: y.start()]) and re.search(r"(到|至|为)", s[y.end() : before]))
            ]
            months = [y for y in stated if (y.group("rest") or "").strip().endswith("月")]
            plain = [y for y in stated if not (y.group("rest") or "").strip()[:1].isdigit()]
            if plain:
                period = plain[-1].group("year")
            elif months and months[-1] is stated[-1]:
                m = re.match(r"(\d{1,2})", months[-1].group("rest").strip())
                period = f"{months[-1].group('year')}-{int(m.group(1)):02d}"
            elif "今年" in s[:before] and document.published_on:
                period = str(document.published_on.year)
            elif any(w in s[:before] for w in AS_OF_WORDS) and document.published_on:
                period = f"{document.published_on:%Y-%m}"
            elif paragraph["year"]:
                period = paragraph["year"]
            elif kind in ("rank", "streak") and document.year:  # a rank is of a year's figures: the document's year
                period = str(document.year)
            elif document.kind == "news" and document.published_on:
                period = f"{document.published_on:%Y-%m}"
            elif document.year:
                period = str(document.year)
                confidence -= 0.05
            else:
                flags.append("no reference period in the text, title or sidecar; set it")
                confidence -= 0.3
        part = _part_of_year(s, before) if year is None and period and re.fullmatch(r"\d{4}", period) else ""
        if part is None and self._release_part and period == str(document.year):
            part = self._release_part  # a release on the first half: its figures are the half's unless said otherwise
            if re.search(r"(当月|单月)", s[s.rfind("。", 0, before) + 1 : before]):
                part = {"Q1": "03", "H1": "06", "Q1-Q3": "09"}.get(part, part)  # 当月 in a release on Q1: March
        if part:
            # 一季度(6.1%)、上半年(6.9%)、前三季度(7.2%)；全年增长7%: the quarters' figures are not the year's
            period = f"{period}-{part}"
            if part not in ("Q1", "Q2", "Q3", "Q4") and not part.isdigit():
                flags.append(
                    f"a period of quarters together ({period}): the warehouse holds years, quarters and months; set it"
                )
                confidence -= 0.1
        # region: named last before the figure (not an ancestor of the region in context: 稳居青岛市首位), else the
        # entity's, else the paragraph's, section's or document's; the version valid in the period
        context_place = self.resolve(paragraph["place"], period)
        ancestors = (set(context_place.ancestors) | {context_place.parent_code}) if context_place else set()
        named_places = [
            (p, name)
            for st, en, p, name in places
            if en <= (place_before or before)
            and not any(e[0] <= st < e[1] for e in entities)
            and not (context_place and {q.code for q in p} <= ancestors)
            and _existed(p, period)
        ]
        place, region_flag = None, None
        if named_places:
            places_named, name = named_places[-1]
            place = self.resolve(places_named, period)
            if place is None:
                region_flag = f"region '{name}' names more than one place; set it"
        elif entity and entity[1]:
            place = self.resolve(
                tuple(p for ps in self.catalog.regions.values() for p in ps if p.code == entity[1]), period
            )
        else:
            place = context_place
            if place is None:
                region_flag = (
                    "no region named in the text, its title or sidecar; set it"
                    if not paragraph["place"]
                    else "the region in context names more than one place; set it"
                )
            else:
                confidence -= 0.05
        if place is not None and (parent := self._scope_above(s, subject_start, before, place)):
            place = parent  # 在四川全省一季度GDP同比下降3%的情况下 in 宜宾's release: the province's figure
        region_code = place.code if place else None
        if region_flag:
            flags.append(region_flag)
            confidence -= 0.3
        value = figure.number
        if kind in ("growth", "growth_average", "change", "contribution") and re.search(
            r"(下降|减少|回落|下滑|降低|减产)[^，,。]{0,3}$", s[max(0, figure.start - 6) : figure.start]
        ):
            value = -value
        multiplier = (self.catalog.unit(figure.unit) or (None, Decimal(1)))[1]
        status = "target" if any(w in s[:before] for w in TARGET_WORDS) else "reported"
        if status == "reported" and paragraph.get("status") and (document.year is None or period == str(document.year)):
            status = paragraph[
                "status"
            ]  # 初步核算，全年...: the reference year's figures of the paragraph are provisional
        price_basis = self.catalog.indicators[code].price_basis if code else None
        if "可比价" in s:
            price_basis = "comparable"
        elif "现价" in s or "当年价" in s:
            price_basis = "current"
        if inherited:
            confidence -= 0.1
        if figure.upper is not None:
            flags.append(f"a range: {figure.number} to {figure.upper}")
        start = subject_start if subject_start is not None and subject_start < figure.start else figure.start
        clause = max(s.rfind(c, 0, start) for c in "，,。；;：:“") + 1
        begin, end = origin[clause] if clause < len(origin) else origin[start], origin[figure.end - 1] + 1
        quote_text = document.text[begin:end]
        lead_space = len(quote_text) - len(quote_text.lstrip())
        begin += lead_space
        return Candidate(
            indicator_code=code,
            region_code=region_code,
            period=period,
            value=float(value * multiplier),
            unit=figure.unit,
            qualifier=figure.qualifier,
            measure_type=kind,
            quote=document.text[begin:end],
            start=begin,
            end=end,
            confidence=round(max(0.05, confidence), 2),
            printed=figure.printed.strip(),
            entity=entity[0] if entity else None,
            status=status,
            price_basis=price_basis,
            pattern=pattern,
            flags=flags,
            figure_start=origin[figure.start],
            figure_end=origin[figure.end - 1] + 1,
            label=self.catalog.indicators[code].name_zh if code else label,
        )

    def _structure_shares(self, at: Sentence, structures: list) -> list[Candidate]:
        """三次产业结构为7.2:40.0:52.8: the shares of GDP of the three industries; 由2018年的5.7:49.3:45.0优化为
        6.6:45.8:47.6: the first of a pair is the year before's."""
        s, document, out = at.text, at.document, []
        for m in structures:  # 三次产业结构为7.2:40.0:52.8: the shares of GDP of the three industries
            before = s[max(0, m.start() - 8) : m.start()]
            last_year = document.year and (
                re.search(r"由(上年|去年)(同期)?的?\s*$", before)
                or (m is structures[0] and len(structures) > 1 and re.search(r"(由|从)\s*$", before))
            )  # 由7.3:53.5:39.2调整为…: a pair's first, of no year said, is the year before's
            if m is not structures[0] and document.year and not YEAR.search(s[max(0, m.start() - 8) : m.start()]):
                last_year, this_year = (
                    False,
                    str(document.year),
                )  # 由2018年的5.7:49.3:45.0优化为6.6:45.8:47.6: the year's
            else:
                this_year = None
            part = f"-{self._release_part}" if self._release_part and (last_year or this_year) else ""
            years_back = 1  # 五年…三产结构比由19.6:40.9:39.5调整为…: a report's pair over five years starts five before
            if last_year and document.kind == "report" and not re.search(r"(上年|去年)", before):
                years_back = at.paragraph.get("years_back") or 1
            # 由去年同期的7.2:39.5:53.3变化为8.5:37.0:54.5 in a release on the first quarter: 2024-Q1, then 2025-Q1
            this_year = this_year and this_year + part
            for n, code in zip(
                range(1, 4), ("primary_industry_share", "secondary_industry_share", "tertiary_industry_share")
            ):
                if code in self.catalog.indicators:
                    figure = Figure(m.start(n), m.end(n), Decimal(m.group(n)), None, "%", "", m.group(n))
                    out.append(
                        self._candidate(
                            at,
                            figure,
                            FigureReading(
                                "share",
                                "structure",
                                m.start(),
                                code=code,
                                year=str(int(document.year) - years_back) + part if last_year else this_year,
                            ),
                        )
                    )
        return out
