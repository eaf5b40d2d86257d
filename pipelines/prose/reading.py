"""What the extractor reads and proposes: a document's text as read (Reading, its sentences), the figures and items
in a sentence, and the candidate observations."""

import re
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from pipelines.prose.documents import Document
from pipelines.prose.patterns import (
    COLUMNS,
    FRAGMENT,
    GOES_ON,
    LINE_END,
    MIDDLE_DOT,
    SECTION_LINE,
    SENTENCE_END,
    _simplified,
)


@dataclass
class Candidate:
    indicator_code: str | None
    region_code: str | None
    period: str | None
    value: float | None  # in the indicator's base unit
    unit: str  # as printed (亿元, 万家, %)
    qualifier: str
    measure_type: str  # level, growth, share, multiple, rank, streak
    quote: str
    start: int  # offsets in the document's text: text[start:end] == quote
    end: int
    confidence: float
    printed: str  # the figure as printed: 超2.4万家
    entity: str | None = None
    status: str = "reported"  # reported, target, or a status the paragraph prints (provisional: stg_obs_statuses)
    price_basis: str | None = None
    pattern: str = "level"
    flags: list[str] = field(default_factory=list)
    figure_start: int = 0  # the figure's own offsets
    figure_end: int = 0
    label: str = ""  # the indicator's name, or the name as printed when no catalog entry matches (uncatalogued)

    def row(self) -> dict:
        row = asdict(self)
        row["flags"] = "; ".join(self.flags)
        return {k: row[k] for k in COLUMNS}

    @property
    def reading(self) -> str:
        """What the figure is read as: its indicator, or an uncatalogued figure's name as printed."""
        return self.indicator_code or f"uncatalogued: {self.label}"

    @property
    def key(self) -> tuple:
        return (
            self.reading,
            self.region_code,
            self.period,
            self.entity,
            None if self.value is None else round(self.value, 6),
        )


@dataclass
class Figure:
    start: int
    end: int
    number: Decimal
    upper: Decimal | None
    unit: str
    qualifier: str
    printed: str


PINYIN_NOTE = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńň]{1,6}\)")


class Reading:
    """The document's text as the extractor reads it: NFKC per character (same length, same offsets), lines
    joined into paragraphs where a line ends without punctuation (a line break inside a sentence, a page's
    infographic), headings apart."""

    def __init__(self, text: str):
        self.text = text
        self.norm = "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text).lower()
        # a middle dot between digits is a decimal point, as some bulletins print it (上涨2·3%):
        # same length, same offsets
        self.norm = MIDDLE_DOT.sub(".", self.norm)
        # traditional characters read as simplified ones (糧食產量 as 粮食产量), one for one: the offsets stay
        simplified = _simplified()
        if any(c in simplified for c in self.norm):
            self.norm = "".join(simplified.get(c, c) for c in self.norm)
        # a mirror's pinyin after a character it converted (生產(chǎn)總值): not read, so that names stay whole
        self.notes = {i for m in PINYIN_NOTE.finditer(self.norm) for i in range(m.start(), m.end())}

    def _fragment(self, start: int, end: int) -> bool:
        return len(self.text[start:end].strip()) <= FRAGMENT

    def paragraphs(self, title: str = "") -> list[tuple[bool, list[tuple[int, int]]]]:
        """[(is_heading, [(start, end) of each line of the paragraph])]. A '#' line, a section's line (一、综 合)
        and the title are headings."""
        out, current = [], []
        offset = 0
        for line in self.text.split("\n"):
            start, end = offset, offset + len(line)
            offset = end + 1
            stripped = line.strip()
            if not stripped:
                continue
            if (
                stripped.startswith("#")
                or SECTION_LINE.fullmatch(stripped)
                or (title and not out and not current and stripped == title.strip() and stripped[-1] not in LINE_END)
            ):
                if current:
                    out.append((False, current))
                    current = []
                out.append((True, [(start, end)]))
                continue
            if current and len(stripped) > FRAGMENT and all(self._fragment(a, b) for a, b in current):
                out.append((False, current))  # an infographic's or caption's fragments end before the prose after them
                current = []
            current.append((start, end))
            if stripped[-1] in LINE_END:
                out.append((False, current))
                current = []
        if current:
            out.append((False, current))
        return out


def _sentences(reading: Reading, lines: list[tuple[int, int]]) -> list[tuple[str, list[int]]]:
    """A paragraph's sentences: (text, offset of each character), split after 。！？；."""
    chars, origin = [], []
    for start, end in lines:
        for i in range(start, end):
            if reading.norm[i] not in "\r" and i not in reading.notes:
                chars.append(reading.norm[i])
                origin.append(i)
    sentences, begin = [], 0
    for i, c in enumerate(chars):
        closes = c in SENTENCE_END and not (i + 1 < len(chars) and chars[i + 1] in "”」』")
        if closes and c == "。" and GOES_ON.match("".join(chars[i + 1 : i + 24])):
            continue  # 总量居全省第二位。按可比价格计算增长9.0%: the growth before, in a new sentence
        if closes or (c in "”」』" and i > 0 and chars[i - 1] in SENTENCE_END) or i == len(chars) - 1:
            text = "".join(chars[begin : i + 1])
            if text.strip():
                sentences.append((text, origin[begin : i + 1]))
            begin = i + 1
    return sentences


def _int(text: str) -> int:
    if text.isdigit():
        return int(text)
    import cn2an

    return int(cn2an.cn2an(text, "smart"))


@dataclass
class Item:
    """A figure or a rank phrase of a sentence, in the order printed."""

    start: int
    end: int
    figure: Figure | None = None
    rank: re.Match | None = None
    subject: str | None = None  # the indicator code the item was read as the measure of
    subject_start: int | None = None
    code: str | None = None  # the indicator it was read as
    label: str | None = None  # the name it was read with, as printed, when the catalog has no indicator of it
    restates: "Item | None" = None  # the figure before it that it restates in another unit: 1.09万公顷(16.35万亩)
    scope_gap: str | None = None  # 比全国 before a figure of the region above in brackets: 比全国(8.1%)
    compared: tuple | None = None  # (code, label, kind) of the figure a region above's figure and its gap compare with


@dataclass
class Sentence:
    """A sentence being read, and what every figure in it is read against: its document and paragraph, and the places,
    entities and years it names."""

    document: Document
    text: str
    origin: str
    paragraph: dict
    places: list
    entities: list
    years: list


@dataclass
class FigureReading:
    """How one figure is read: its measure, the pattern that read it, where its name starts, and its indicator (or, for
    a figure the catalog does not hold, the name as printed)."""

    kind: str
    pattern: str
    subject_start: int | None
    code: str | None = None
    label: str | None = None
    inherited: bool = False  # the name is carried over from a figure before it
    year: str | None = None  # a period printed apart from the figure's own words
    place_before: int | None = None  # the place is named before this offset (a 分别 list's subjects)


@dataclass
class SentenceState:
    """What reading one sentence has settled so far: its candidates, and the items read before the one being read."""

    at: Sentence
    items: list[Item]
    names: list  # the catalog names the sentence prints: (start, end, key)
    out: list[Candidate] = field(default_factory=list)
    previous: Item | None = None
    last_named: Item | None = None  # the last item read with a name (两年平均增长5.6% after it averages its figure)
    last_subject: Item | None = None  # the last item read as a measure of an indicator
    pair: list | None = None  # the years of the 由...到 pair being read
    pair_kind: str | None = None
    pair_planned: bool = (
        False  # the pair leaves a five-year plan's last year (由“十五”末的…增加到): it ends in the report's
    )
    last_pair: list | None = None  # the last pair read: a pair without years takes its years


@dataclass
class Step:
    """One figure of a sentence being read: the words that lead to it, and what is settled about it so far."""

    index: int
    item: Item
    lead_from: int  # the end of the item before it
    lead: str
    following_item: Item | None
    kind: str = "level"
    pattern: str = "level"
    code: str | None = None
    subject_start: int | None = None
    inherited: bool = False  # the name is carried over from a figure before it
    leading: list = field(default_factory=list)  # the catalog names in its lead
    pairing: bool = False  # the second figure of a 由...到 pair
    base_subject: str | None = None  # the level its measure is of
    year: str | None = None

    @property
    def figure(self) -> Figure | None:
        return self.item.figure
