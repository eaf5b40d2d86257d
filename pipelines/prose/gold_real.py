"""The real documents' gold set (tests/gold/real): their texts when at hand, the figures annotated by hand, and how a
proposal is matched to them (the same printed number, value, measure, period, region and name)."""

import csv
import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pipelines.core.paths import PROJECT_ROOT
from pipelines.ingest.numbers import parse_printed
from pipelines.prose.catalog import COUNTRY, Catalog
from pipelines.prose.documents import read_document
from pipelines.prose.extract import Extractor
from pipelines.prose.labels import unmeasured
from pipelines.prose.patterns import VERB_INSIDE_LABEL, _key, _simplified
from pipelines.prose.reading import Candidate

GOLD_DIR = PROJECT_ROOT / "tests" / "gold"


@dataclass
class Score:
    true: int = 0
    proposed: int = 0
    expected: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.true / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def base_value(printed: str, unit: str, catalog: Catalog) -> float:
    number = parse_printed(printed).number
    multiplier = (catalog.unit(unit) or (None, Decimal(1)))[1]
    return float(number * multiplier)


def key(indicator, region, period, entity, value) -> tuple:
    return (indicator, region or None, period, entity or None, f"{value:.6g}")


# --- real documents: texts kept outside the project, facts inside -------------------------------------------------
REAL_DIR = GOLD_DIR / "real"


REAL_TEXTS = Path(os.environ.get("REGIND_GOLD_TEXTS", REAL_DIR / "texts"))


MEASURE_GROUPS = {
    "level": "level",
    "count": "level",
    "ratio": "level",
    "share": "level",
    "multiple": "level",
    "growth": "growth",
    "growth_average": "growth",
    "change": "change",
    "contribution": "contribution",
    "rank": "rank",
    "streak": "rank",
}


@dataclass
class RealDocument:
    name: str
    url: str
    title: str
    region: str
    level: str
    year: int
    kind: str
    sha256: str
    characters: int
    held_out: bool
    text_path: Path

    def present(self, figures: list[dict]) -> bool:
        """Whether its text is at hand, as annotated: its SHA-256, or (a copy of the page that differs in a character
        no figure is printed in, such as a site's stray mark) no more than its length, and every figure's number at its
        offset.
        A text that changed otherwise would score against the wrong offsets."""
        if not self.text_path.exists():
            return False
        data = self.text_path.read_bytes()
        if hashlib.sha256(data).hexdigest() == self.sha256:
            return True
        text = data.decode("utf-8", errors="replace")
        return len(text) <= self.characters and bool(figures) and all(_printed_at(text, f) for f in figures)


PRINTED_AT = re.compile(r"[0-9][0-9,·.]*")


def _printed_at(text: str, figure: dict) -> bool:
    """Whether the figure's number is printed at its offset: the value as printed (7.2:40.0:52.8, 第一), or a number
    equal to it (1,234.5 or 2·3), or a number in Chinese numerals (taken as it is)."""
    offset, value = figure["offset"], figure["value"]
    if text.startswith(value, offset):
        return True
    match = PRINTED_AT.match(text, offset)
    if match is None:
        return offset < len(text) and text[offset] in "零〇一二三四五六七八九十百千万两半"
    try:
        return abs(Decimal(match.group().replace(",", "").replace("·", ".").rstrip("."))) == abs(Decimal(value))
    except ArithmeticError:
        return False


def real_documents(texts: Path = REAL_TEXTS) -> list[RealDocument]:
    with (REAL_DIR / "manifest.csv").open(encoding="utf-8") as handle:
        return [
            RealDocument(
                row["document"],
                row["url"],
                row["title"],
                row["region"],
                row["level"],
                int(row["reference_year"]),
                row["kind"],
                row["sha256"],
                int(row["characters"]),
                row["held_out"] == "yes",
                texts / row["document"],
            )
            for row in csv.DictReader(handle)
        ]


def real_annotations() -> dict[str, list[dict]]:
    out = defaultdict(list)
    with (REAL_DIR / "annotations.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            row["offset"] = int(row["offset"])
            out[row["document"]].append(row)
    return out


def _names_of(catalog: Catalog) -> dict[str, set[str]]:
    """Every name key of each indicator, and of the level it measures the growth, share or rank of."""
    names = defaultdict(set)
    for key, codes in catalog.alternatives.items():
        for code in codes:
            names[code].add(key)
    for key, code in catalog.names.items():
        names[code].add(key)
    for code, indicator in catalog.indicators.items():
        names[code].add(_key(indicator.name_zh))
        if indicator.base:
            names[code] |= (
                names[indicator.base] | {_key(catalog.indicators[indicator.base].name_zh)}
                if indicator.base in catalog.indicators
                else set()
            )
    return names


def readings_of(candidate: Candidate, names: dict[str, set[str]], catalog: Catalog) -> set[str]:
    """The names a candidate reads its figure as: its indicator's (and its level's), or its label as printed, with and
    without the words of its measure (牧业产值增长: 牧业产值), and the catalog's names of that level."""
    if candidate.indicator_code:
        return names.get(candidate.indicator_code, set()) | {_key(candidate.label)}
    label = _key(candidate.label)
    level = unmeasured(label)
    # a note in brackets after the name is not part of it, as in the gold's labels: 地区生产总值增速(比全国快)
    unnoted = unmeasured(re.sub(r"[（(][^()（）]*[)）]$", "", level)) if level.endswith((")", "）")) else level
    code = next(
        (catalog.names[n] for n in (level, level.split("_")[0], unnoted) if n in catalog.names), None
    )  # 居民消费价格指数_城市: a part of a catalogued whole
    return {label, level, unnoted} | (names.get(code, set()) if code else set())


def _unnoted(label: str) -> str:
    """A gold label without the annotator's notes: where it was printed (蛋(图2表)) and the table's numbering
    (二、衣着)."""
    return re.sub(r"^([一二三四五六七八九十]+、|#+)", "", re.sub(r"[（(][^)）]*[表图][^)）]*[)）]$", "", label.strip()))


def _gold_name(label: str) -> str:
    """A gold label as it is compared: without the annotator's notes, quotes, the verb inside it and 的."""
    gold = _key(re.sub(r"[（(][^)）]*[)）]$", "", _unnoted(label))).replace("“", "").replace("”", "").replace('"', "")
    gold = "".join(_simplified().get(c, c) for c in gold)  # a label annotated in traditional characters, as printed
    gold = VERB_INSIDE_LABEL.sub(
        "", gold
    )  # 就业困难群体实现就业: the extractor's names drop the verb, as the catalog's do
    return gold.replace("的", "")  # 占规模以上工业总产值(的)比重: the particle names nothing


def _agrees(label: str, names: set[str]) -> bool:
    """A printed label and a reading's names name the same thing: one holds the other (第一产业 in 第一产业增加值)."""
    gold = _gold_name(label)
    return any(len(n) >= 2 and (n in gold or gold in n) for n in {n.replace("的", "") for n in names if n})


def _names_agree(label: str, names: set[str]) -> bool:
    """A gold label and a proposal's names agree (_agrees); or do without 增加值, as an industry and its value added
    name one thing where a proposal reads a figure of it (工业对经济增长贡献率, 工业增加值对经济增长贡献率); or differ
    only by a few characters put in or left out (生猪出栏量, 生猪年出栏量)."""
    if _agrees(label, names) or _agrees(label.replace("增加值", ""), {n.replace("增加值", "") for n in names}):
        return True
    gold = _gold_name(label)
    return any(_nearly(gold, n.replace("的", "")) for n in names if n)


def _nearly(a: str, b: str) -> bool:
    """Two names of four characters or more whose longest common subsequence is three quarters of the longer one:
    the same words in the same order, a character or two apart (十大生态产业增加值占(全市)生产总值(的)比重)."""
    if min(len(a), len(b)) < 4:
        return False
    row = [0] * (len(b) + 1)
    for x in a:
        diagonal = 0
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], diagonal + 1 if x == y else max(row[j], row[j - 1])
    return row[-1] >= 0.75 * max(len(a), len(b))


def gold_value(printed: str, unit: str, catalog: Catalog) -> float | None:
    """A gold figure's value in the base unit of the unit read: 25002.79 (亿元), -0.8, 第一 (a rank: 1); None for what
    is no number (7.2:40.0:52.8)."""
    if re.fullmatch(r"首位?|榜首", printed):  # 位居全市首位: the first
        return 1.0
    if re.fullmatch(r"第?[一二三四五六七八九十]+", printed):
        from pipelines.prose.reading import _int

        return float(_int(printed.lstrip("第")))
    if not re.fullmatch(r"[-−]?\d+(,\d{3})*(\.\d+)?", printed):
        return None
    return base_value(printed.replace("−", "-"), unit, catalog)


def gold_period(printed: str) -> str:
    """2021, 2021-06, 2021-Q1, 2021-H1, 2021-Q1-Q3 as they are; 2021年末 -> 2021; 2020-2021 (a two-year
    average) -> 2021, the year it is reported for."""
    if span := re.fullmatch(r"\d{4}\s*[-—~至]\s*(\d{4})", printed.strip()):
        return span.group(1)
    return re.match(r"\d{4}(-\d{2}|-Q[1-4](-Q[1-4])?|-H[12])?", printed).group(0)


def _period_agrees(read: str | None, printed: str) -> bool:
    """A proposal's period is the gold's; for an average over years (2020-2021), the one its last year reports it
    for, the year or a part of it: 两年平均增长6.0% in a half year's release is read for 2021-H1."""
    if re.fullmatch(r"\d{4}\s*[-—~至]\s*\d{4}", printed.strip()):
        return (read or "")[:4] == gold_period(printed)
    return read == gold_period(printed)


def observations(gold: list[dict]) -> list[dict]:
    """The gold figures as observations: a figure printed twice (in the prose and in its table:
    地区生产总值 617.50 亿元) is one, found when either printing is read."""
    out: list[dict] = []
    shares = [r for r in gold if r["measure"] == "share"]
    for row in sorted(gold, key=lambda r: r["offset"]):
        if parts := _ratio_parts(row["value"]):
            at = [row["offset"] + m.start() for m in re.finditer(r"\d+(?:\.\d+)?", row["value"])]
            same = [
                next(
                    (
                        r
                        for r in shares
                        if r["period"][:4] == row["period"][:4]
                        and _ratio_parts(r["value"]) is None
                        and gold_number(r["value"]) == part
                    ),
                    None,
                )
                for part in parts
            ]
            if all(same):  # 三次产业结构为6.6:45.8:47.6 after each share printed: the same three figures, printed twice
                for share, offset in zip(same, at):
                    share.setdefault("also", []).append(offset)
                continue
        # the same figure again: its label agrees, or it is a table's cell restating a level of the prose
        # (年末总人口 506427 人, then 全市总人口 | 506427 in the table; 88.30 and 88.3)
        same = next(
            (
                o
                for o in out
                if (o["unit"], MEASURE_GROUPS.get(o["measure"]), o["period"][:4])
                == (row["unit"], MEASURE_GROUPS.get(row["measure"]), row["period"][:4])
                and _same_number(o["value"], row["value"])
                and (
                    _agrees(o["label"], {_key(_unnoted(row["label"]))})
                    or row["in_table"] == "yes" != o["in_table"]
                    and row["measure"] in ("level", "count")
                    and len(re.sub(r"\D", "", row["value"])) >= 3
                )
            ),
            None,
        )
        if same:
            same["offsets"].append(row["offset"])
            same["labels"].append(row["label"])
        else:
            out.append({**row, "offsets": [row["offset"]], "labels": [row["label"]]})
    for o in out:
        o["offsets"] += o.pop("also", []) + [
            a for r in gold if r is not o and r.get("offset") in o["offsets"] for a in r.pop("also", [])
        ]
    return out


def _region_agrees(code: str | None, region_code: str | None, labels: list[str], places: dict) -> bool:
    """The document's region, or a region under it that the gold's label names (福州市新建商品住宅销售价格 in 福建's
    bulletin: the gold keeps the document's region and names the city in its label)."""
    if not region_code or code == region_code:
        return True
    place = places.get(code)
    if place is None and code == COUNTRY.code:
        place = COUNTRY
    home = places.get(region_code)
    if place is not None and home is not None and code in (home.parent_code, *home.ancestors, COUNTRY.code):
        # 全省地区生产总值 in a city's release: the gold keeps the document's region and scopes its label
        scope = {"country": ("全国",), "province": ("全省",), "prefecture": ("全市", "全州", "全盟")}.get(
            place.level, ()
        )
        return any(_key(label).startswith(scope) or _key(place.name)[:2] in _key(label)[:4] for label in labels)
    return (
        place is not None
        and region_code in (place.parent_code, *place.ancestors)
        and any(_key(place.name) in _key(label) or _key(place.name)[:2] in _key(label)[:4] for label in labels)
    )


def _same_number(a: str, b: str) -> bool:
    """Two printings of one number, sign aside: 88.30 and 88.3."""
    x, y = gold_number(a), gold_number(b)
    return x == y if x is not None and y is not None else a.lstrip("-−") == b.lstrip("-−")


def score_real(
    candidates: list[Candidate], gold: list[dict], region_code: str | None, names: dict[str, set[str]], catalog: Catalog
) -> tuple[Score, list]:
    """A candidate matches a gold figure when it reads the same printed figure (its offsets hold the gold's), with the
    same absolute value, measure, period and region, and its indicator (or printed label) names what the gold's label
    names."""
    result, errors, used = Score(), [], set()
    places = {p.code: p for ps in catalog.regions.values() for p in ps}
    gold = observations(gold)
    result.proposed, result.expected = len(candidates), len(gold)
    for row in gold:
        if parts := _ratio_parts(row["value"]):
            hits = _ratio_hits(row, parts, candidates, used, region_code)
            if hits:
                used |= set(hits)
                result.found += 1
            else:
                errors.append(("missed", row))
            continue
        hits: dict[int, int] = {}  # a printing's offset -> the candidate that reads it
        for i, c in enumerate(candidates):
            at = next((offset for offset in row["offsets"] if c.figure_start <= offset < c.figure_end), None)
            if i in used or at is None or at in hits:
                continue
            value = gold_value(row["value"], c.unit, catalog)
            if c.value is None or value is None or abs(round(c.value, 6)) != abs(round(value, 6)):
                continue
            if MEASURE_GROUPS.get(c.measure_type, c.measure_type) != MEASURE_GROUPS.get(row["measure"], row["measure"]):
                continue
            if not _period_agrees(c.period, row["period"]) or not _region_agrees(
                c.region_code, region_code, row["labels"], places
            ):
                continue
            if any(_names_agree(label, readings_of(c, names, catalog)) for label in row["labels"]):
                hits[at] = i  # each printing read is a true proposal; the observation is found once
        if not hits:
            errors.append(("missed", row))
        else:
            used |= set(hits.values())
            result.found += 1
    result.true = len(used)
    errors += [("proposed, not in the gold", c) for i, c in enumerate(candidates) if i not in used]
    return result, errors


def gold_number(printed: str) -> float | None:
    try:
        return abs(float(printed.replace(",", "")))
    except ValueError:
        return None


def _ratio_parts(printed: str) -> list[float] | None:
    """The parts of a structure printed as a ratio (7.2:40.0:52.8), or None for any other figure."""
    if not re.fullmatch(r"\d+(\.\d+)?%?(\s*[:：∶]\s*\d+(\.\d+)?%?){2,}", printed):
        return None
    return [float(p) for p in re.findall(r"\d+(?:\.\d+)?", printed)]


def _ratio_hits(
    row: dict, parts: list[float], candidates: list[Candidate], used: set, region_code: str | None
) -> list[int]:
    """The candidates that read a gold ratio's parts in order, each a share at its own offset inside the printed ratio;
    empty unless every part is read (a structure is found whole or not at all)."""
    hits, after = [], -1
    for part in parts:
        hit = next(
            (
                i
                for i, c in enumerate(candidates)
                if i not in used
                and i not in hits
                and c.value is not None
                and any(o <= c.figure_start < o + len(row["value"]) + 6 for o in row["offsets"])
                and c.figure_start > after
                and c.measure_type == "share"
                and abs(round(c.value, 6)) == round(part, 6)
                and c.period == gold_period(row["period"])
                and (not region_code or c.region_code == region_code)
            ),
            None,
        )
        if hit is None:
            return []
        hits.append(hit)
        after = candidates[hit].figure_start
    return hits


def evaluate_real(catalog: Catalog, texts: Path = REAL_TEXTS) -> dict:
    """Scores of the real documents whose texts are at hand, per document, and summed apart for the ones tuned on
    and the ones held out; and the documents whose texts are missing."""
    extractor, names, gold = Extractor(catalog), _names_of(catalog), real_annotations()
    per_document, missing = {}, []
    totals = {"tuned": Score(), "held out": Score()}
    for doc in real_documents(texts):
        if not doc.present(gold[doc.name]):
            missing.append(doc)
            continue
        document = read_document(doc.text_path)
        document.title = doc.title or document.title
        document.kind, document.year, document.region = doc.kind, doc.year, doc.region
        places = catalog.regions.get(_key(doc.region), [])
        region_code = places[-1].code if len({p.code for p in places}) == 1 else None
        found, errors = score_real(extractor.extract(document), gold[doc.name], region_code, names, catalog)
        per_document[doc.name] = (doc, found, errors)
        total = totals["held out" if doc.held_out else "tuned"]
        for field in ("true", "proposed", "expected", "found"):
            setattr(total, field, getattr(total, field) + getattr(found, field))
    return {"documents": per_document, "totals": totals, "missing": missing}
