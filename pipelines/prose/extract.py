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
    _release_part,
    merge,
    uncatalogued_flag,
)
from pipelines.prose.lists import Lists
from pipelines.prose.patterns import (
    COUNTED_AFTER,
    GAP,
    HEADLINE_FIGURE,
    PARENT_IN_BRACKETS,
    _key,
)
from pipelines.prose.reading import (
    Candidate,
    Figure,
    FigureReading,
    Item,
    Reading,
    Sentence,
    SentenceState,
    Step,
    _sentences,
)
from pipelines.prose.resolving import Resolving
from pipelines.prose.subjects import Subjects


class Extractor(Resolving, Lists, Subjects):
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    # --- a document ---------------------------------------------------------------------------------------
    def extract(self, document: Document) -> list[Candidate]:
        self._year = str(document.year) if document.year else None  # names of places that no longer existed are words
        reading = Reading(document.text)
        self._release_part = _release_part(document, reading.norm)
        doc_places = self._document_places(document)
        doc_place = self.resolve(doc_places, str(document.year) if document.year else None)
        self._doc_place = doc_place
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
        st = SentenceState(at, items, names, last_pair=paragraph.get("pair"))
        for index, item in enumerate(items):
            lead_from = st.previous.end if st.previous else 0
            following_item = items[index + 1] if index + 1 < len(items) else None
            step = Step(index, item, lead_from, s[lead_from : item.start], following_item)
            if item.rank is not None:
                self._read_rank(st, step)
            elif item.figure is None:  # read already, as a part of 分别 or a streak's threshold
                continue
            elif (
                item.restates
            ):  # the figure before it in another unit: of the same name; what follows is of that figure
                self._read_restated(st, step)
            else:
                step.kind, step.pattern = self._kind(step.lead, item.figure, s[: item.start])
                if not self._read_alongside(st, step) and not self._read_subject(st, step):
                    self._read_measure(st, step)
        st.out += self._structure_shares(at, structures)
        self._carry(s, paragraph, places, entities, years)
        paragraph["label"] = st.last_named.label if st.last_named else None
        paragraph["subject"] = st.last_subject
        paragraph["said"] = s
        return st.out

    def _done(
        self,
        st: SentenceState,
        item: Item,
        subject: str | None,
        start: int | None,
        code: str | None = None,
        label: str | None = None,
    ) -> None:
        """An item read: what it measures and the name it was read with, for the items after it."""
        item.subject, item.subject_start, item.code = subject, start, code
        item.label = (
            label
            if label is not None
            else (self.catalog.indicators[subject].name_zh if subject in self.catalog.indicators else None)
        )
        st.previous = item
        st.last_named = item if item.label else st.last_named
        st.last_subject = item if item.subject else st.last_subject
        if item.label and item.figure and (not self._named or self._named[-1].label != item.label):
            self._named.append(item)

    def _uncatalogued(self, st: SentenceState, item: Item, reading: FigureReading) -> None:
        """Proposes a figure no catalog indicator reads, with the name as printed: an analyst cannot review what is
        never shown. Not a bound (单项投资在1000万元以上的重点项目) nor a count inside a name (30个典型旗县区之一)."""
        printed, after = st.at.text[item.start : item.end], st.at.text[item.end :]
        if reading.kind == "level" and (
            re.search(r"(以上|以下)$", printed)
            and re.match(r"的?[\u4e00-\u9fff]", after)
            or re.match(r"[^，,。；;\d]{0,12}之一", after)
        ):
            return
        if reading.label and reading.label.endswith("等"):  # 六大强农等11项工作: what is counted is named after it
            counted = COUNTED_AFTER.match(st.at.text, item.end)
            label = _clean_label(counted.group(1), self) if counted else None
            reading = replace(reading, label=label)
        if reading.label:
            st.out.append(
                self._candidate(st.at, item.figure, replace(reading, label=_measure_label(reading.label, reading.kind)))
            )

    def _read_rank(self, st: SentenceState, step: Step) -> None:
        item, previous, lead_from = step.item, st.previous, step.lead_from
        before = (
            previous
            if previous and previous.subject
            else st.last_named
            if st.last_named and st.last_named.subject
            else st.last_subject  # 增长15.8%，比全省平均水平高5.6个百分点，居全省第1位: the growth's rank
            or (st.at.paragraph.get("subject") if re.match(r"\s*(总量|增速|增幅)", step.lead) else None)
        )  # …增长4.4%。总量居全省第五位，增速居全省第四位: the ranks of the sentence before's subject
        before = None if any(lead_from <= e[0] < item.start for e in st.at.entities) else before
        # 进口完成119.5亿元，增长38%，居河北省第二位: the rank of the uncatalogued figure before
        printed_before = (
            previous.label
            if previous and previous.label and not previous.subject and not GAP.search(previous.label)
            else None
        )  # (not of a gap: 增速比全国快0.2个百分点，居全国第8位 is the growth's rank)
        st.out += self._ranks(st.at, item, None if printed_before else before, st.names, lead_from, printed_before)
        self._done(st, item, item.subject, item.subject_start)

    def _read_restated(self, st: SentenceState, step: Step) -> None:
        main, figure = step.item.restates, step.figure
        code = main.code if main.code and self.fits(main.code, figure) else None
        if code:
            reading = FigureReading("level", "restated", main.subject_start, code=code, inherited=True)
            st.out.append(self._candidate(st.at, figure, reading))
        elif main.label or main.code:
            label = main.label or self.catalog.indicators[main.code].name_zh
            reading = FigureReading("level", "restated", main.subject_start, label=label, inherited=True)
            self._uncatalogued(st, step.item, reading)

    def _read_alongside(self, st: SentenceState, step: Step) -> bool:
        """The figures read alongside another: a streak and its threshold, a count among a whole, a region above's
        figure in brackets and the gap to it, the items of 分别. True when the step's figure is read."""
        s, previous = st.at.text, st.previous
        item, figure, lead, lead_from = step.item, step.figure, step.lead, step.lead_from
        if step.kind == "streak":
            code = previous and (
                self.measure_of(previous.code, "streak")
                if previous.code
                else None or (self.measure_of(previous.subject, "streak") if previous.subject else None)
            )
            if code:
                reading = FigureReading("streak", "streak", previous.subject_start, code=code, inherited=True)
                st.out.append(self._candidate(st.at, figure, reading))
            # the figure after 连续N年保持 (35%以上的增长) is the streak's threshold, not an observation
            following_item = step.following_item
            if (
                following_item
                and following_item.figure
                and not re.search(r"[，,。；;]", s[item.end : following_item.start])
            ):
                following_item.figure = None
            st.previous = item
            return True
        if figure.unit == "个" and (among := self._of_how_many(s, item)):
            # 全市32个大类行业中有14个增加值保持增长: the industries counted, and those that grew
            self._uncatalogued(st, item, FigureReading("level", "count", lead_from, label=among))
            self._done(st, item, None, lead_from, label=among)
            return True
        if previous is not None and previous.label and (bracket := PARENT_IN_BRACKETS.search(s, 0, item.start)):
            # 增长6.8%，比全国(8.1%)低1.3个百分点: the region above's figure of what the one before measures
            compared = previous.compared or (
                previous.code,
                previous.label,
                "growth" if previous.figure and previous.figure.unit == "%" else "level",
            )
            self._figure_above(st.at, item, compared, bracket, st.out)
            item.scope_gap, item.compared = bracket.group("gap"), compared
            st.previous = item
            return True
        if (
            previous is not None
            and previous.scope_gap
            and (moved := re.fullmatch(r"\s*[)）]\s*(低|高|快|慢|多|少)?了?\s*", lead))
        ):
            # …(8.1%)低1.3个百分点, 低于全市平均水平(3.5%)2.9个百分点: the gap to it
            label = _gap_label(previous.compared[1], previous.scope_gap + (moved.group(1) or ""), figure, None)
            self._uncatalogued(st, item, FigureReading("change", "gap", lead_from, label=label))
            item.compared = previous.compared  # (比全省、全州(均为7.3%) after it: the same figure's)
            self._done(st, item, None, lead_from, label=label)
            return True
        respectively = self._respectively(s, lead_from, item, st.items[step.index :])
        if not respectively:
            return False
        for (code, subject_start, kind_r, text, *place_end), other in respectively:
            if place_end == [None]:
                other.figure = None  # 松山新区、滨海新区 among a list of districts: a zone's figure, no region's
                continue
            code = self.variant(code, other.figure, s) if code else None
            place_end = place_end[0] if place_end else None  # each place of a list of places: its own figure
            label = None if code else _clean_label(_headed(text, respectively), self)
            reading = FigureReading(
                kind_r, "respectively", subject_start, code=code, label=label, place_before=place_end
            )
            if code:
                st.out.append(self._candidate(st.at, other.figure, reading))
            else:
                self._uncatalogued(st, other, reading)
            other.figure = None
            self._done(st, other, self._level_of(code), subject_start, code, label=label)
        return True


def extract(document: Document, catalog: Catalog) -> list[Candidate]:
    return Extractor(catalog).extract(document)
