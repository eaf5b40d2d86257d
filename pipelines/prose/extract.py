"""Figures from prose: a document's sentences -> candidate observations, each with its quote and offsets.

The extractor reads a sentence as a sequence of figures (a number with its unit and qualifier: 超2.4万家,
增长6%, 近千人), each with the text that leads to it. A figure's indicator is the catalog name printed closest
before it (or right after a count: 24个重大科技创新载体), turned into the growth, share, multiple, rank or streak
indicator of that name when the wording says so (同比增长, 比重, 是...的K倍, 居...首位, 连续N年). Its region is the
region named last before it (the sentence, the paragraph, the section's heading, the document's title or
sidecar); its period the year printed with it or before it, else the document's. What it cannot resolve it
leaves empty and flags, never guesses: a name two regions share, a unit the indicator is not measured in.

Constructions (the `pattern` of a candidate, scored apart by `make eval-extract`):
  level         X为/达/实现 N 单位                      growth        (同比/比上年)增长/下降 P%
  respectively  A、B 分别增长 P%、Q%                    from_to       由 YYYY 年的 N 增长到 YYYY 年的 M
  share         比重由 P% 提高至 Q%, 占比 P%            multiple      是 YYYY 年的 K 倍
  rank          居全国首位, 排名第二, 冠军, N连冠       streak        连续 N 年居...首位
  count         N个<name> (the name after the figure)
"""

import re
from dataclasses import replace

from pipelines.prose.catalog import Catalog
from pipelines.prose.documents import Document
from pipelines.prose.extract_tables import read_tables
from pipelines.prose.labels import (
    _clean_label,
    _gap_label,
    _headed,
    _measure_label,
    _place_only,
    _release_part,
    _stem,
    merge,
    uncatalogued_flag,
)
from pipelines.prose.lists import Lists
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
    HEADLINE_FIGURE,
    HEADS,
    LABEL_AFTER,
    MORE_THAN_LAST_YEAR,
    NEWLY,
    NOUN_AFTER_NAME,
    PARENT_IN_BRACKETS,
    PART_SAID,
    PARTS,
    POINTS,
    RANK_MOVED,
    TARGET_DONE,
    TOTAL_WORDS,
    _key,
)
from pipelines.prose.reading import Candidate, Figure, FigureReading, Item, Reading, Sentence, _sentences
from pipelines.prose.resolving import Resolving


class Extractor(Resolving, Lists):
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    # --- a document ---------------------------------------------------------------------------------------
    def extract(self, document: Document) -> list[Candidate]:
        self._year = str(document.year) if document.year else None  # names of places that no longer existed are words
        reading = Reading(document.text)
        self._release_part = _release_part(document, reading.norm)
        doc_places = self._document_places(document)
        doc_place = self.resolve(doc_places, str(document.year) if document.year else None)
        context = [doc_place.code] if doc_place else []
        section_places = doc_places
        candidates: list[Candidate] = []
        for heading, lines in reading.paragraphs(document.title):
            if heading:
                start, end = lines[0]
                named = [p for _, _, p, _ in self.places(reading.norm[start:end], context) if p]
                if named:
                    section_places = named[-1]
                    if place := self.resolve(section_places, str(document.year) if document.year else None):
                        context = list(dict.fromkeys([*context, place.code]))
                if not HEADLINE_FIGURE.search(reading.norm[start:end]):
                    continue  # (a headline stating a figure is read: 2024年GDP预期增长目标4.5%左右)
            paragraph = {
                "place": section_places,
                "year": None,
                "pair": None,
                "entity": None,
                "status": self.catalog.printed_status(reading.norm[lines[0][0] : lines[-1][1]]),
            }
            for sentence, origin in _sentences(reading, lines):
                candidates += self.sentence(document, sentence, origin, paragraph, context)
        candidates += self.tables(document, reading, doc_places)
        return merge(candidates)

    def tables(self, document: Document, reading: "Reading", doc_places: tuple) -> list[Candidate]:
        """The figures of the tables in the text (pipelines/prose/extract_tables.py): each cell of a row whose name the
        catalog knows as that indicator, or uncatalogued with the row's name; of the document's region."""
        out = []
        for cell in read_tables(reading.norm):
            if cell.unit is None or self.catalog.unit(cell.unit) is None:
                continue  # a table that does not say its unit: its figures cannot be put in base units
            figure = Figure(
                cell.start, cell.end, cell.number, None, cell.unit, "", document.text[cell.start : cell.end]
            )
            key = _key(cell.label)
            code = self.catalog.names.get(key)
            if code is None and re.search(r"(生产总值|增加值)", cell.caption):
                code = self.catalog.names.get(key + "增加值")  # 第一产业, in a table of GDP by industry
            resolved = (
                (self.measure_of(code, cell.kind) or (self.by_text(key, cell.kind) if cell.kind == "growth" else None))
                if code
                else None
            )
            resolved = self.variant(resolved, figure) if resolved else None
            label = None if resolved else _clean_label(cell.label, self)
            if resolved is None and label is None:
                continue
            period = cell.year or (str(document.year) if document.year else None)
            place = self.resolve(doc_places, period)
            flags = [] if place else ["no region named in the text, its title or sidecar; set it"]
            if resolved is None:
                flags.append(uncatalogued_flag(label))
            multiplier = self.catalog.unit(cell.unit)[1]
            out.append(
                Candidate(
                    indicator_code=resolved,
                    region_code=place.code if place else None,
                    period=period,
                    value=float(cell.number * multiplier),
                    unit=cell.unit,
                    qualifier="",
                    measure_type=cell.kind,
                    quote=document.text[cell.row_start : cell.row_end],
                    start=cell.row_start,
                    end=cell.row_end,
                    confidence=round(0.85 - 0.25 * (resolved is None) - 0.3 * (place is None), 2),
                    printed=figure.printed,
                    price_basis=self.catalog.indicators[resolved].price_basis if resolved else None,
                    pattern="table",
                    flags=flags,
                    figure_start=cell.start,
                    figure_end=cell.end,
                    label=self.catalog.indicators[resolved].name_zh if resolved else _measure_label(label, cell.kind),
                )
            )
        return out

    def sentence(self, document, s, origin, paragraph, context) -> list[Candidate]:
        self._last_respectively = None
        self._said_before = paragraph.get("said", "")  # the paragraph's sentence before this one
        self._named: list[Item] = []  # the items read with a name, one per name, in order
        structures, items, names, places, entities, years = self._parts(s, context)
        at = Sentence(document, s, origin, paragraph, places, entities, years)
        out: list[Candidate] = []
        previous: Item | None = None
        last_named: Item | None = (
            None  # the last item read with a name: 增速全省排列第92位，两年平均增长5.6% averages the GDP's
        )
        last_subject: Item | None = None  # the last item read as a measure of an indicator
        pair: list | None = None  # the years of a 由...到 pair being read, and of the last one read
        pair_kind: str | None = None
        last_pair: list | None = paragraph.get("pair")  # a pair without years in the next sentence takes its years

        def done(
            item: Item, subject: str | None, start: int | None, code: str | None = None, label: str | None = None
        ) -> None:
            nonlocal previous, last_named, last_subject
            item.subject, item.subject_start, item.code = subject, start, code
            item.label = (
                label
                if label is not None
                else (self.catalog.indicators[subject].name_zh if subject in self.catalog.indicators else None)
            )
            previous = item
            last_named = item if item.label else last_named
            last_subject = item if item.subject else last_subject
            if item.label and item.figure and (not self._named or self._named[-1].label != item.label):
                self._named.append(item)

        def uncatalogued(item: Item, reading: FigureReading) -> None:
            """Proposes a figure no catalog indicator reads, with the name as printed: an analyst cannot review what is
            never shown."""
            if reading.label:
                out.append(
                    self._candidate(
                        at, item.figure, replace(reading, label=_measure_label(reading.label, reading.kind))
                    )
                )

        for index, item in enumerate(items):
            lead_from = previous.end if previous else 0
            lead = s[lead_from : item.start]
            following_item = items[index + 1] if index + 1 < len(items) else None
            if item.rank is not None:
                before = (
                    previous
                    if previous and previous.subject
                    else last_named
                    if last_named and last_named.subject
                    else last_subject  # 增长15.8%，比全省平均水平高5.6个百分点，居全省第1位: the growth's rank
                    or (paragraph.get("subject") if re.match(r"\s*(总量|增速|增幅)", lead) else None)
                )  # …增长4.4%。总量居全省第五位，增速居全省第四位: the ranks of the sentence before's subject
                before = None if any(lead_from <= e[0] < item.start for e in entities) else before
                # 进口完成119.5亿元，增长38%，居河北省第二位: the rank of the uncatalogued figure before
                printed_before = (
                    previous.label
                    if previous and previous.label and not previous.subject and not GAP.search(previous.label)
                    else None
                )  # (not of a gap: 增速比全国快0.2个百分点，居全国第8位 is the growth's rank)
                out += self._ranks(at, item, None if printed_before else before, names, lead_from, printed_before)
                done(item, item.subject, item.subject_start)
                continue
            figure = item.figure
            if figure is None:  # read already, as a part of 分别 or a streak's threshold
                continue
            if item.restates:  # the figure before it in another unit: of the same name; what follows is of that figure
                main = item.restates
                code = main.code if main.code and self.fits(main.code, figure) else None
                if code:
                    out.append(
                        self._candidate(
                            at,
                            figure,
                            FigureReading("level", "restated", main.subject_start, code=code, inherited=True),
                        )
                    )
                elif main.label or main.code:
                    uncatalogued(
                        item,
                        FigureReading(
                            "level",
                            "restated",
                            main.subject_start,
                            label=main.label or self.catalog.indicators[main.code].name_zh,
                            inherited=True,
                        ),
                    )
                continue
            kind, pattern = self._kind(lead, figure, s[: item.start])
            if kind == "streak":
                code = previous and (
                    self.measure_of(previous.code, "streak")
                    if previous.code
                    else None or (self.measure_of(previous.subject, "streak") if previous.subject else None)
                )
                if code:
                    out.append(
                        self._candidate(
                            at,
                            figure,
                            FigureReading("streak", "streak", previous.subject_start, code=code, inherited=True),
                        )
                    )
                # the figure after 连续N年保持 (35%以上的增长) is the streak's threshold, not an observation
                if (
                    following_item
                    and following_item.figure
                    and not re.search(r"[，,。；;]", s[item.end : following_item.start])
                ):
                    following_item.figure = None
                previous = item
                continue
            if figure.unit == "个" and (among := self._of_how_many(s, item)):
                # 全市32个大类行业中有14个增加值保持增长: the industries counted, and those that grew
                uncatalogued(item, FigureReading("level", "count", lead_from, label=among))
                done(item, None, lead_from, label=among)
                continue
            if previous is not None and previous.label and (bracket := PARENT_IN_BRACKETS.search(s, 0, item.start)):
                # 增长6.8%，比全国(8.1%)低1.3个百分点: the region above's figure of what the one before measures
                compared = previous.compared or (
                    previous.code,
                    previous.label,
                    "growth" if previous.figure and previous.figure.unit == "%" else "level",
                )
                self._figure_above(at, item, compared, bracket, out)
                item.scope_gap, item.compared = bracket.group("gap"), compared
                previous = item
                continue
            if (
                previous is not None
                and previous.scope_gap
                and (moved := re.fullmatch(r"\s*[)）]\s*(低|高|快|慢|多|少)?了?\s*", lead))
            ):
                # …(8.1%)低1.3个百分点, 低于全市平均水平(3.5%)2.9个百分点: the gap to it
                label = _gap_label(previous.compared[1], previous.scope_gap + (moved.group(1) or ""), figure, None)
                uncatalogued(item, FigureReading("change", "gap", lead_from, label=label))
                item.compared = previous.compared  # (比全省、全州(均为7.3%) after it: the same figure's)
                done(item, None, lead_from, label=label)
                continue
            respectively = self._respectively(s, lead_from, item, items[index:])
            if respectively:
                for (code, subject_start, kind_r, text, *place_end), other in respectively:
                    if place_end == [None]:
                        other.figure = (
                            None  # 松山新区、滨海新区 among a list of districts: a zone's figure, no region's
                        )
                        continue
                    code = self.variant(code, other.figure, s) if code else None
                    place_end = place_end[0] if place_end else None  # each place of a list of places: its own figure
                    if code:
                        out.append(
                            self._candidate(
                                at,
                                other.figure,
                                FigureReading(kind_r, "respectively", subject_start, code=code, place_before=place_end),
                            )
                        )
                    else:
                        uncatalogued(
                            other,
                            FigureReading(
                                kind_r,
                                "respectively",
                                subject_start,
                                label=_clean_label(_headed(text, respectively), self),
                                place_before=place_end,
                            ),
                        )
                    other.figure = None
                    done(
                        other,
                        self._level_of(code),
                        subject_start,
                        code,
                        label=None if code else _clean_label(_headed(text, respectively), self),
                    )
                continue
            code, subject_start, inherited = None, None, False
            leading = [n for n in names if lead_from <= n[0] and n[1] <= item.start]
            share = re.search(r"占([^，,。]{1,20}?)的?(比重|比例)", lead) if kind == "share" else None
            if kind == "share" and share is None:
                share = re.search(
                    r"(?<![\u4e00-\u9fff])占([^，,。；;]{1,20}?)的?\s*$", lead
                )  # ；占全区投资的51.1%: of what, not what
            named = BRACKETED_NAME.search(lead)
            if named and (
                inside := [
                    n for n in leading if lead_from + named.start(1) <= n[0] and n[1] <= lead_from + named.end(1)
                ]
            ):
                leading, share = (
                    inside[-1:],
                    None,
                )  # 占常住人口的比重（常住人口城镇化率）为43.01%: the name in brackets is the indicator
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
                if previous and previous.subject and self._bare(said) and not any(lead_from <= e[0] for e in entities)
                else last_subject  # 增长2.8%，比1-2月提升2.5个百分点。其中，3月增长6.3%: the growth's, past its gap
                if previous
                and not previous.subject
                and previous.label
                and GAP_NOTE.search(previous.label)
                and last_subject
                and self._bare(said)
                else None
            )
            pairing = pair is not None and pair[1] is None and re.search(r"(到|至)", lead)
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
                code, subject_start, pattern = self.catalog.names[following[0][2]], following[0][0], "count"
            elif leading and (gapped := GAP_AFTER_NAME.fullmatch(s[leading[-1][1] : item.start])):
                # 城镇居民人均可支配收入总量比全省平均水平高1500元: the name's gap to the province, not its level
                segment = self._segment_start(s, lead_from, item)
                label = _gap_label(s[leading[-1][0] : leading[-1][1]], gapped.group("gap"), figure, None)
                uncatalogued(item, FigureReading("change", pattern, segment, label=label))
                done(item, self.catalog.names[leading[-1][2]], leading[-1][0], label=label)  # (a rank after: its)
                continue
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
                uncatalogued(item, FigureReading("change", pattern, segment, label=label))
                done(item, None, segment, label=label)
                continue
            elif leading and (
                qualified := self._qualified(s, self._segment_start(s, lead_from, item), leading[-1], item)
            ):
                # 对香港出口, 机电产品出口值, 城镇常住人口:
                # words before a catalog name narrow it to an indicator of its own
                segment = self._segment_start(s, lead_from, item)
                qualified = (
                    aka.group(1) if (aka := ALSO_CALLED.search(lead)) else qualified
                )  # (户籍人口城镇化率)为27.33%
                uncatalogued(item, FigureReading(kind, pattern, segment, label=qualified))
                done(item, None, segment, label=qualified)
                continue
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
                    uncatalogued(item, FigureReading(kind, pattern, subject_start, label=label))
                    done(item, None, subject_start, label=label)
                    continue
                clause = s[max(s.rfind(c, 0, subject_start) for c in "，,；;：:") + 1 : subject_start]
                if (
                    kind == "level"
                    and re.search(ADDED_WORDS, clause + s[leading[-1][1] : item.start])
                    and not re.search(ADDED_WORDS, self.catalog.indicators[code].name_zh)
                ):
                    # 新增国家高新技术企业186家: the additions,
                    # not the total the indicator counts (总数达到 after it is)
                    label = _clean_label(s[self._segment_start(s, lead_from, item) : item.start], self)
                    uncatalogued(item, FigureReading("level", pattern, subject_start, label=label))
                    done(item, code, subject_start)
                    continue
            elif (
                previous
                and previous.figure
                and not leading
                and PART_SAID.search(lead)
                and (previous.code and self.fits(previous.code, figure) or not previous.code and previous.label)
            ):
                # 增速一季度(6.1%)…、上半年(6.9%)…；全年增长7%: the same name's figure for another part of the year
                if not previous.code:
                    uncatalogued(
                        item, FigureReading(kind, pattern, previous.subject_start, label=previous.label, inherited=True)
                    )
                    done(item, None, previous.subject_start, label=previous.label)
                    continue
                code, subject_start, inherited = previous.code, previous.subject_start, True
            elif (
                kind == "level"
                and previous
                and previous.code
                and previous.figure
                and self.fits(previous.code, figure)
                and (place := _place_only(s, lead_from, item.start, places)) is not None
            ):
                # 生产总值：潍城区364.0亿元，寒亭区(含经济开发区)270.3亿元: each region's figure of the name said first
                code, subject_start, inherited = previous.code, place, True
            elif inherit and (kind != "level" or re.search(TOTAL_WORDS, lead) or pairing):
                code, subject_start, inherited = inherit.subject, inherit.subject_start, True
            elif (
                inherit and kind == "level"
            ):  # 首次突破5万亿元大关: a figure of the same subject, read as no observation
                segment = self._segment_start(s, lead_from, item)
                label = self._after_subject(s[segment : item.start], inherit, figure, part="其中" in lead)
                if (
                    label
                ):  # ，其中：男性61.11万人; 按平均汇率计算为2865美元: a figure of its own, of a part or in another unit
                    uncatalogued(item, FigureReading(kind, pattern, segment, label=label))
                    done(item, None, segment, label=label)
                else:
                    done(item, inherit.subject, inherit.subject_start)
                continue
            elif previous and previous.label and not previous.subject and kind != "level" and self._bare(lead):
                # 牧业产值32.36亿元，同比增长31.7%: the growth of a name the catalog lacks
                uncatalogued(
                    item, FigureReading(kind, pattern, previous.subject_start, label=previous.label, inherited=True)
                )
                done(item, None, previous.subject_start, label=previous.label)
                continue
            base_subject = code
            if code:
                own_type = self.catalog.indicators[code].measure_type
                if kind == "level" and own_type in ("growth_yoy", "share", "ratio"):
                    kind = {"growth_yoy": "growth", "share": "share"}.get(
                        own_type, "multiple" if self.catalog.indicators[code].unit == "times" else "share"
                    )
                resolved = self.measure_of(code, kind)
                if resolved is None and kind == "growth" and leading and not inherited:
                    resolved = self.by_text(leading[-1][2], "growth")
                code = self.variant(resolved, figure, s) if resolved else None
                base_subject = self._level_of(code) if code else self._level_of(base_subject)
            # 由 YYYY 年的 N 增长到 YYYY 年的 M: each figure of its year; a pair without years takes the last pair's
            year = None
            if (
                pair is not None
                and pair[1] is None
                and re.search(r"(到|至)", lead)
                and pair_kind
                and kind == "level"
                and base_subject
                and (paired := self.measure_of(base_subject, pair_kind))
            ):
                kind, code = (
                    pair_kind,
                    self.variant(paired, figure, s),
                )  # 由4.02%提高至5.81%: the second of a pair is what the first is
            to_next = (
                re.search(FROM, lead)
                and following_item is not None
                and following_item.figure is not None
                and re.search(r"(到|至)", s[item.end : following_item.start])
            )
            if to_next or (pair is not None and pair[1] is None and re.search(r"(到|至)", lead)):
                pattern = "from_to"
                own = [
                    y.group("year") for y in years if lead_from <= y.start() < item.start and not self._comparison(s, y)
                ]
                if to_next:
                    last_year = re.search(r"(由|从)上年的?\s*$", lead) and document.year  # 由上年的45009元提高到
                    pair, pair_kind = (
                        [own[-1] if own else str(int(document.year) - 1) if last_year else None, None],
                        kind,
                    )
                    year = pair[0] or (last_pair[0] if last_pair else None)
                else:
                    pair[1] = own[-1] if own else None
                    year = pair[1] or (last_pair[1] if last_pair else None)
                    last_pair, pair = (pair if pair[0] and pair[1] else last_pair), None
                    paragraph["pair"] = last_pair
            if code is None:
                if base_subject and kind != "level":  # the change or contribution of a catalogued level
                    label = self.catalog.indicators[base_subject].name_zh
                    if inherited and previous and previous.subject == base_subject and previous.label:
                        label = (
                            previous.label
                        )  # 产销率达到97.8%，比上年提高0.3个百分点: the name as printed, not the level's
                    printed = (
                        _clean_label(s[self._segment_start(s, lead_from, item) : item.start], self) if leading else None
                    )
                    if printed and any(_key(n) in _key(printed) for n in (label, s[leading[-1][0] : leading[-1][1]])):
                        label = printed  # 第一产业比重下降2.5个百分点: the name as printed
                    elif kind == "change" and re.search(r"(比重|占比)", lead) and not re.search(r"(比重|占比)", label):
                        label += "比重"  # 第三产业增加值比重比上年提高0.8个百分点: the share's change
                    elif (
                        kind == "change"
                        and inherited
                        and (rate := re.match(r"\s*[，,]?\s*(涨幅|增幅|增速|降幅)", lead))
                        and (said := next((n for n in names if n[0] == subject_start), None))
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
                    and (self.catalog.unit(figure.unit) or ("",))[0]
                    not in ("", self.catalog.indicators[base_subject].unit)
                ):
                    # 粮食播种面积10477.1万亩 (the catalog's is in hectares), 人均生产总值约合20533美元: another unit
                    # that does not convert at a fixed rate, registered apart by its base unit
                    label = self.catalog.indicators[base_subject].name_zh
                elif base_subject and kind == "level" and leading and not inherited:
                    # 规模以上工业企业资产负债率为78.0%: words after a catalog name make another indicator of it
                    segment = self._segment_start(s, lead_from, item)
                    label = _clean_label(s[segment : item.start], self)
                    label = label if label and _key(label) != leading[-1][2] else None
                    subject_start = segment if label else subject_start
                else:
                    segment = self._segment_start(s, lead_from, item)
                    words = s[segment : item.start]
                    # the name read last: in this sentence, else the sentence before (上涨0.9%。其中，城市上涨0.6%)
                    prior = (
                        previous.label if previous and previous.label else None if previous else paragraph.get("label")
                    )
                    if kind == "share" and words.lstrip().startswith("占") and prior:
                        words = prior + words.lstrip()  # 民营经济增加值...，占全市经济总量的59.0%
                        segment = previous.subject_start if previous and previous.subject_start is not None else segment
                    label = _clean_label(words, self) if not base_subject else None
                    if (aka := ALSO_CALLED.search(words)) and not base_subject:
                        label = aka.group(1)  # 占全市户籍人口的比重(户籍人口城镇化率)为27.33%: the name in brackets
                    if (
                        label
                        and pairing
                        and pair_kind
                        and previous
                        and previous.label
                        and re.fullmatch(r"(提高|下降|上升|增加|减少|降低|回落|扩大|缩小|提升|增长)?(到|至)了?", label)
                    ):
                        label, kind = previous.label, pair_kind  # 比重由上年的17.8%提高至19.2%: the same, a year on
                    if label and re.fullmatch(MORE_THAN_LAST_YEAR, label) and prior:
                        label = prior  # 夏粮产量…，比上年多0.07万吨: the change of the name before
                    if (
                        label is None
                        and prior
                        and re.fullmatch(r"\s*[，,]?\s*(年末|年底)?(实有|共有|累计|总数)(达到|达|为)?\s*", words)
                        and (flow := NEWLY.match(prior))
                    ):
                        label = "实有" + prior[flow.end() :]  # 新登记市场主体11428户，年末实有66094户: the stock
                    if (
                        label is None
                        and kind == "share"
                        and prior
                        and re.fullmatch(r"\s*[，,；;]?\s*占", s[segment : item.start])
                    ):
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
                        label = (
                            prior  # 人均地区生产总值59447元，按2022年平均汇率计算为8838美元: the same figure in dollars
                        )
                    if (
                        label is None
                        and kind == "change"
                        and previous
                        and previous.label
                        and previous.figure
                        and re.fullmatch(r"\s*[，,]\s*(新增|净增|净减)了?\s*", s[previous.end : item.start])
                    ):
                        label = previous.label  # 私有企业4万户，新增1.38万户
                    if label and re.fullmatch(r"(两年|三年)?平均|年均", label) and last_named:
                        label = last_named.label  # ...增长8.7%，两年平均增长5.6%: the same name's average
                    elif label and (rate := re.match(r"(降幅|增幅|增速|涨幅)", label)) and prior:
                        # 增长8.1%，增幅比上年提高2.2个百分点: the change of that growth;
                        # 降幅比1-5月收窄3.6个百分点: the fall's gap
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
                        label, kind = (
                            _gap_label(prior, label.removeprefix("总量"), figure, previous),
                            ("change" if kind == "level" else kind),
                        )
                    elif label and RANK_MOVED.fullmatch(label) and figure.unit == "位" and prior:
                        # 居全省第1位，比上年提升10位: the change of that rank
                        label = f"{GAP_NOTE.sub('', prior).removesuffix('位次')}位次({label})"
                    if (
                        label
                        and label.startswith(("对", "拉动"))
                        and re.search(CONTRIBUTION_WORDS, label)
                        and previous
                        and previous.label
                    ):
                        # 服务业占GDP的比重达49.5%，超过第二产业6.5个百分点，对经济增长的贡献率: 服务业's
                        whole = (
                            re.sub(r"(占[^占]*(比重|比例)|对[^对]*贡献率?)$", "", GAP_NOTE.sub("", previous.label))
                            or previous.label
                        )
                        stem = whole if _stem(whole) is None else _stem(whole)
                        label = (
                            stem.rsplit("_", 1)[0] + label
                        )  # 第一产业增加值...，对GDP增长贡献率为12.6%: the first industry's
                    if label in PARTS and prior:
                        # 居民消费价格上涨1.6%，其中城市上涨1.4%，农村上涨1.8%: the parts of the whole named before them
                        whole = prior.rsplit("_", 1)[0] if "_" in prior else None if prior in PARTS else prior
                        label = f"{whole}_{label}" if whole else label
                    if label in HEADS and previous and previous.label:  # 农林牧渔业总产值69.93亿元，增加值37.90亿元
                        stem = _stem(previous.label)
                        label = stem + label if stem else label
                    counted = kind == "level" and (self.catalog.unit(figure.unit) or ("",))[0] in COUNTED
                    if label and counted and not base_subject and DOING.search(label):
                        # 精心打造8条特色餐饮街区: what is counted comes after the count; 出台…12条 counts no statistic
                        after = COUNTED_AFTER.match(s, item.end)
                        label = (
                            _clean_label(after.group(1), self)
                            if after and not after.group(1).startswith("等")
                            else None
                        )
                    if label is None and not base_subject and counted and (after := COUNTED_AFTER.match(s, item.end)):
                        label = _clean_label(after.group(1), self)  # 1919个贫困村全部脱贫出列: the name after a count
                    subject_start = segment if label else subject_start
                if label and not (
                    kind == "level"
                    and following_item is None
                    and re.match(r"[^，,。；;]{0,4}(以上|以下|及以上)", s[item.end :])
                ):
                    uncatalogued(item, FigureReading(kind, pattern, subject_start, label=label, year=year))
                done(item, base_subject, subject_start, label=label)  # the name as printed, for what follows
                continue
            out.append(
                self._candidate(
                    at, figure, FigureReading(kind, pattern, subject_start, code=code, inherited=inherited, year=year)
                )
            )
            done(item, base_subject, subject_start, code)
        out += self._structure_shares(at, structures)
        self._carry(s, paragraph, places, entities, years)
        paragraph["label"] = last_named.label if last_named else None
        paragraph["subject"] = last_subject
        paragraph["said"] = s
        return out


def extract(document: Document, catalog: Catalog) -> list[Candidate]:
    return Extractor(catalog).extract(document)
