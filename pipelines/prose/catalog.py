"""The catalog the extractor reads against: indicators and their names, regions and their versions, entities, units,
statuses, from the published warehouse."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from pipelines.prose.patterns import MULTIPLIER_VALUES, SCOPE, VERB_HEADS, VERBS_INSIDE, _alternation, _key


@dataclass
class Indicator:
    code: str
    name_zh: str
    measure_type: str
    base: str | None
    unit: str
    published_unit: str | None
    price_basis: str | None


@dataclass
class Place:
    code: str
    name: str
    level: str
    parent_code: str | None
    ancestors: tuple[str, ...]  # codes
    valid_from: str | None
    valid_to: str | None


COUNTRY = Place("000000", "中国", "country", None, (), None, None)  # dim_region's row for the whole country


@dataclass
class Catalog:
    indicators: dict[str, Indicator]
    names: dict[str, str]  # name key -> indicator code
    regions: dict[str, list[Place]]  # name -> places of that name
    entities: dict[str, tuple[str, str | None]]  # name -> (entity name, region code)
    units: dict[str, tuple[str, Decimal]]  # printed unit -> (base unit, multiplier)
    children: dict[tuple[str, str], str] = field(default_factory=dict)  # (base code, kind) -> code
    alternatives: dict[str, list[str]] = field(default_factory=dict)  # name key -> every indicator of that name
    statuses: list[tuple[str, list[str]]] = field(default_factory=list)  # (status, markers): 初步核算 -> provisional

    def __post_init__(self):
        for indicator in self.indicators.values():
            kind = {"growth_yoy": "growth", "rank": "rank", "streak": "streak", "share": "share"}.get(
                indicator.measure_type
            )
            if indicator.measure_type == "ratio":
                kind = "multiple" if indicator.unit == "times" else "share"
            if kind and indicator.base:
                self.children.setdefault((indicator.base, kind), indicator.code)
        self._name_pattern = _alternation(self.names)
        self.siblings: dict[
            str, set[str]
        ] = {}  # indicators sharing a name (出口: goods, vehicles): unit and words decide
        for codes in self.alternatives.values():
            for code in codes:
                self.siblings.setdefault(code, set()).update(c for c in codes if c != code)
        # 规模以上 printed once for a list: 规模以上汽车制造业增加值增长47.3%，金属制品业增加值增长23.2%
        self.scoped = {
            key[len(SCOPE) :]: key for key in self.names if key.startswith(SCOPE) and len(key) > len(SCOPE) + 1
        }
        self._scoped_pattern = _alternation(self.scoped)
        self._region_pattern = _alternation(self.regions)
        self._entity_pattern = _alternation(self.entities)
        self._units = sorted(self.units, key=len, reverse=True)

    def unit(self, printed: str) -> tuple[str, Decimal] | None:
        """(base unit, multiplier) of a printed unit: one of the units table, or a multiplier before one (亿吨)."""
        key = _key(printed)
        if key in self.units:
            return self.units[key]
        multiplier = re.match(r"万亿|亿|万|千", key)
        inner = self.units.get(key[multiplier.end() :]) if multiplier else None
        if inner and inner[1] == 1:
            return inner[0], MULTIPLIER_VALUES[multiplier.group(0)]
        return None

    @classmethod
    def from_warehouse(cls, con) -> "Catalog":
        """The catalog, region names, entities and units of a built warehouse (the build database or the
        published file): the names the rest of the warehouse resolves printed names by."""
        indicators = {
            row[0]: Indicator(*row)
            for row in con.execute(
                "select indicator_code, name_zh, measure_type, base_indicator_code, unit, published_unit, price_basis "
                "from staging.stg_indicators"
            ).fetchall()
        }
        names, alternatives = {}, {}
        for key, code in con.execute(
            "select name_key, indicator_code from indicator_name order by indicator_code"
        ).fetchall():
            names.setdefault(key, code)
            alternatives.setdefault(key, []).append(code)
        for key, code in list(names.items()):  # a verb inside the name: 工业实现增加值, 全年完成一般公共预算收入
            head = next((h for h in VERB_HEADS if key.endswith(h) and len(key) > len(h) + 1), None)
            for verb in VERBS_INSIDE if head else ():
                names.setdefault(key[: -len(head)] + verb + head, code)
        for code, indicator in indicators.items():  # a count is printed without 数: 24个重大科技创新载体
            key = _key(indicator.name_zh)
            if indicator.measure_type == "count" and key.endswith("数") and len(key) > 3:
                names.setdefault(key[:-1], code)
        regions: dict[str, list[Place]] = {}
        for name, form, code, level, parent, ancestors, valid_from, valid_to in con.execute(
            "select name, form, region_code, level, parent_code, ancestor_codes, cast(valid_from as varchar), "
            "cast(valid_to as varchar) from region_name"
        ).fetchall():
            if len(_key(name)) < 2 or form == "short" and (level == "county" or name in ("全国",)):
                continue  # 朝阳, 东方, 城关: a county's short name is too common a word to read as a place
            places = regions.setdefault(_key(name), [])
            if not any(p.code == code and p.valid_from == valid_from for p in places):
                places.append(Place(code, name, level, parent, tuple(ancestors or ()), valid_from, valid_to))
        entities = {
            _key(name): (name, region)
            for name, region in con.execute("select name_zh, region_code from dim_entity").fetchall()
        }
        units = {
            _key(unit): (base, Decimal(str(multiplier)))
            for unit, base, multiplier in con.execute(
                "select unit, base_unit, cast(multiplier as varchar) from staging.stg_units"
            ).fetchall()
        }
        statuses = [
            (status, list(markers))
            for status, markers in con.execute(
                "select obs_status, markers from staging.stg_obs_statuses where len(markers) > 0 order by ordinal"
            ).fetchall()
        ]
        return cls(indicators, names, regions, entities, units, alternatives=alternatives, statuses=statuses)

    def printed_status(self, text: str) -> str | None:
        """The status a paragraph prints for its figures (初步核算，全年...: provisional), or None."""
        lowered = text.lower()
        return next((status for status, markers in self.statuses if any(m in lowered for m in markers)), None)
