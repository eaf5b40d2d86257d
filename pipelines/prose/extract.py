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

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

from pipelines.ingest.numbers import NumberFormatError, parse_printed
from pipelines.prose.documents import Document
from pipelines.prose.extract_tables import read_tables

COLUMNS = [
    "indicator_code",
    "label",
    "region_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "measure_type",
    "quote",
    "start",
    "end",
    "confidence",
    "printed",
    "entity",
    "status",
    "price_basis",
    "pattern",
    "flags",
]

QUALIFIERS_BEFORE = ["超过", "突破", "接近", "大约", "超", "逾", "近", "约", "上"]  # 上千件 = 1000件以上
QUALIFIERS_AFTER = ["余", "多"]
QUALIFIERS_TRAILING = ["以上", "左右"]
QUALIFIER_CANONICAL = {"上": "以上"}
CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿"
GROWTH_UP = ("增长", "增加", "提高", "上升", "提升", "增产")
GROWTH_DOWN = ("下降", "减少", "回落", "下滑", "减产")
TARGET_WORDS = ("计划", "预计", "力争", "目标", "拟", "争取", "将")
AS_OF_WORDS = ("目前", "截至目前", "现有", "已有", "现已", "如今", "当前")
ADDED_WORDS = r"(新增|新认定|新设立|新引进|新落地|新培育|净增|增加|减少)"
TOTAL_WORDS = r"(总数|总量|总计|合计|累计|总额)"
COMPARISON_BEFORE_YEAR = ("是", "比", "较", "相当于", "与", "为")  # 是2014年的5.2倍: 2014 is the base, not the period
SENTENCE_END = "。！？!?"  # a ；-separated list is one sentence: its 今年, 目标 and 分别 reach every part
FRAGMENT = 30  # a line this short without punctuation is an infographic's or a caption's fragment, not broken prose
LINE_END = "。！？!?；;：:”」』）)…"
SCOPE = "规模以上"
MULTIPLIER_VALUES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}

FIGURE = re.compile(
    r"(?P<pre>超过|突破|接近|大约|超|逾|近|约|上)?"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+)"
)
# a verb a bulletin prints between a name's subject and its head
# (规模以上工业实现增加值, 实现营业收入): the same indicator
VERB_HEADS = ("增加值", "营业收入", "利润总额", "总产值", "产值", "零售额", "收入", "总额")
VERBS_INSIDE = ("累计实现", "累计完成", "实现", "完成")
CONTRIBUTION_WORDS = r"(拉动|贡献)"
BRACKETED_NAME = re.compile(r"[(（]([^()（）]{2,20})[)）]\s*(为|达到|达|是)?\s*$")
GENERIC_DISTRICT = re.compile(r"[一二三四五六七八九十新城郊矿东西南北中老]区")
INSTITUTION = re.compile(
    r"(统计局|调查总队|调查队|人民政府|政府|人大|政协|党委|委员会|发改委|财政厅|财政局|商务厅|商务局|海关)"
)
GROWTH_LIST = re.compile(r"(上涨|增长|上升)的?(有|为|是)?\s*[:：][^。；;：:]*$")
VERB_INSIDE_LABEL = re.compile(r"(?<=[\u4e00-\u9fff])(累计实现|累计完成|实现|完成|创造)(?=[\u4e00-\u9fff]{2})")
ZONE = re.compile(
    r"[\u4e00-\u9fff]{0,6}?(经济区|经济圈|经济带|都市圈|城市群|示范区|片区|新区|开发区|高新区|园区|试验区)"
)
PARTNER_BEFORE = ("对", "向", "赴", "与", "同", "来自", "面向", "从")
ALSO_CALLED = re.compile(r"[(（]([\u4e00-\u9fff]{2,12}(?:率|比重|比例|占比))[)）]\s*(?:为|是|达到?)?\s*$")
TARGET_DONE = re.compile(r"(分别)?(完成)?(全年|年度)?(工作)?(目标|任务)(任务)?的?")
AGE_GROUP = re.compile(r"\d{1,2}\s*[-—~至]\s*\d{1,2}\s*周?岁|\d{1,2}\s*周?岁\s*(及以上|以上|以下|及以下)")
STRUCTURE_RATIO = re.compile(
    r"(?<![\d.:：∶])(\d{1,2}(?:\.\d+)?)%?\s*[:：∶]\s*(\d{1,2}(?:\.\d+)?)%?\s*[:：∶]\s*(\d{1,2}(?:\.\d+)?)%?(?![\d.:：∶])"
)
SEX_RATIO = re.compile(r"\s*[:：∶]\s*100(?![\d.])")
SEX_RATIO_NOTE = re.compile(r"\s*[(（]\s*以?女性?\s*(为|=)\s*100\s*[)）]")
POINTS_LISTED = re.compile(r"(\s*[、,，和及与]\s*-?\d+(\.\d+)?\s*个)+\s*百分点")
NOUN_AFTER_NAME = re.compile(
    r"(项目)?(投资|用电量|税收|贷款余额|贷款|营业收入|利润总额|从业人员)"
)  # 第三产业投资: another indicator
GAP = re.compile(
    r"(高于|低于|快于|慢于|比全国|比全省|比全市|比全州|较|"
    r"比(上月|上季度|[一二三]季度|上半年|前三季度|(1[0-2]|[1-9])(\s*[-—~至]\s*(1[0-2]|[1-9]))?月份?))"
)  # a gap to another figure: 比全国快0.1个百分点, 比1-2月提升2.5个百分点
FASTER_THAN_ITS = re.compile(r"(明显|远|略)?(快于|高于|低于|慢于)(?P<other>[^全本\d][^，,]{1,15}?)的")
NEWLY = re.compile(r"(新登记|新增|新设立?|新注册|新认定|新发展|新开业)")  # a flow's name: 新登记市场主体
WHOLE_THEN_PARTS = re.compile(r"\s*[\u4e00-\u9fff]{1,8}(产业|工业|服务业|行业|消费品|商品)(中|里)(?=\S)")
GAP_AFTER_NAME = re.compile(
    r"(总量|绝对额|绝对值)?(?P<gap>(比|较)(全国|全省|全市|全州|全区|全盟)[^，,。；;\d]{0,8}?(高|低|多|少|快|慢))(出|了)?"
)
GAP_AHEAD = re.compile(r"(高于|低于|快于|慢于|超过|超出|领先)\S")  # 高于GDP增速3.6个百分点: a gap to a named figure
GAP_NOTE = re.compile(
    r"[(（](高于|低于|快于|慢于|超过|超出|领先|比|较)[^()（）]*[)）]$"
)  # (比全国快) after a name: a gap's note
RANK_MOVED = re.compile(r"(比|较)(上年|去年|上年同期)(提升|提高|上升|前移|前进|后移|下降|后退)了?")
SINCE = re.compile(r"(上半年|下半年|[一二三四]季度|年?底|年?末|\d{1,2}月份?)?(以来|起|开始)")
PARTS_OF_YEAR_SAID = (
    r"前三季度|上半年|下半年|第?[一二三四]季度"  # 一季度(6.1%)、上半年(6.9%): figures of a part of the year
)
MONTH = r"(?:1[0-2]|[1-9])月份?"  # 12月份
MONTH_SAID = MONTH + r"(?![\d\-—~至])"  # a month, not the start of a span (3月-5月)
MORE_THAN_LAST_YEAR = r"(比|较)(上年|去年|上年同期|去年同期)(多增|少增|多|少)了?"  # 比上年多增115人: a change
FROM = r"由|从(?!业|事|严|而|中|此|未|来|小|头|事)"  # 由/从 N 增加到 M opens a pair (从业人员 does not)
PART_SAID = re.compile(rf"(?<![比较于])({PARTS_OF_YEAR_SAID}|全年)\s*[(（]?\s*(为|增长|下降|同比增长)?\s*$")
INDEX_NAMED = re.compile(r"(环比|同比)?(?:价格)?指数(?:为|是)?\s*$")
SECTION_LINE = re.compile(
    r"([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])[^，,。；;:：\d]{1,12}"
)  # 一、综 合: a heading
DOING = re.compile(
    r"^(出台|推出|制定)|(打造|建成|新建|出台|实施|开展|举办|培育|引进|创建|组织|推出|制定|建设)$"
)  # a verb, not a name
SEX_RATIO_UNIT = "女=100"  # males per 100 females, the unit of units.csv a sex ratio printed 103.5:100 is read in
HEADS = (
    "增加值",
    "总产值",
    "产值",
    "产量",
    "营业收入",
    "利润总额",
    "播种面积",
    "收获面积",
    "种植面积",
    "面积",
)  # what a name's last words measure
COUNTED = ("count", "enterprise", "person", "piece", "household", "head")
COUNTED_AFTER = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:全部|均|已|被|实现|通过|获得|入选|成功|[，,。；;、])")
LISTED = re.compile(r"(?:\s*[、和及与]\s*[-−]?\d+(?:\.\d+)?)+(?=\s*\D)")  # the numbers after a bare one in a list
# the words an uncatalogued figure's name gets for what it measures
# (registered_measure_type in sql/macros.sql reads them)
MEASURE_SUFFIXES = {
    "growth_average": "平均增长",
    "growth": "增长",
    "change": "增减",
    "contribution": "拉动",
    "share": "比重",
    "multiple": "倍数",
    "rank": "位次",
}
POINTS = ("个百分点", "百分点", "个千分点", "千分点")
LABEL_BREAKS = "，,；;：:。、"  # brackets stay inside a name: 蔬菜(含菜瓜)种植面积
# words around a name as a bulletin prints it, not part of it: 其中，全年全县完成...；...比上年增长
LABEL_BEFORE = re.compile(
    r"^(其中|但|而|并且|同时|和|及|与|以及|全体|力争|争取|预计|计划|目标|今年|明年|去年|上年|拥有|现有|已有|全年|年末|年底|年初|全县|全市|全区|全省|全旗|全州|全盟|全国|城乡|累计|合计|共有|共|当年|本年|"
    r"按[^，,]{1,12}(计算|折算)|[^，,]{0,8}汇率(计算|折算)|实现|完成|(19|20)\d{2}年(末|底|度)?|[\s“”\"']|"
    r"前三季度|上半年|下半年|第?[一二三四]季度|1\s*[-—~至]\s*\d{1,2}月份?)+"
)
LABEL_AFTER = re.compile(
    r"(比上年末?|比去年|比年初|较上年末?|同比|与上年相比|比上年同期)?(增长|下降|上涨|提高|增加|减少|回落|上升|下滑|降低|"
    r"净增|净减|增速|增幅|涨幅|降幅|涨)?(为|达到|达|实现|完成|共|有|总计|合计|约合|折合|约|分别为|分别|了|累计|已)*$"
)
AMONG = re.compile(
    r"(?P<n>\d+)个(?P<what>[\u4e00-\u9fff]{2,8}?)中[，,]?\s*有?(?P<m>\d+)个(?P<said>[^，,。；;]{2,16}?)(?=[，,。；;]|$)"
)  # 全市32个大类行业中有14个增加值保持增长
PARENT_IN_BRACKETS = re.compile(
    r"(?P<gap>(比|较|高于|低于|快于|慢于)(全国|全省|全市|全州|全盟)(、(全国|全省|全市|全州|全盟))*(平均水平|平均)?)\s*[(（](均为|为)?\s*$"
)
SCOPE_ABOVE = re.compile(r"全国|全省|全市|全州|全盟")  # a figure of the region above the document's
SCOPE_LEVELS = {"全国": "country", "全省": "province", "全市": "prefecture", "全州": "prefecture", "全盟": "prefecture"}
LEVELS = ("country", "province", "prefecture", "county")
ACCORDING_TO = re.compile(r"(根据|按照|依据)[^，,。；;]{0,30}(核算|结果|数据|资料|口径|反馈)")
FROM_AFTER = re.compile(r"(由|从)(上年末?|去年|(19|20)\d{2}年末?)?的?$")  # 占…的比重由上年的17.8%: the pair's start
LABEL_SHAPE = re.compile(r"[\u4e00-\u9fff0-9][\u4e00-\u9fffA-Za-z0-9\-—+·“”\"、_()（）]*[\u4e00-\u9fffA-Za-z]")
PARTS = {
    "城市",
    "农村",
    "城镇",
    "乡村",
    "男性",
    "女性",
    "城区",
    "郊区",
    "市区",
    "县城",
}  # what 其中 splits a whole into
NOT_NAMES = re.compile(
    r"^(增长|下降|同比|比上年|其中|分别|达|为|共|约|占|是|有|总计|合计|以上|以下|实际|名义|首个|首家|同口径|新增|.*[和及与]|第[一二三四五六七八九十\d]+[位名个批次届]?|"
    r".*[年月日份]|.*以来|低于|高于|(由|从)?[一二三四]?(前三|上半|下半)?季度的?|(由|从)?(上半年|全年|前三季度)的?)$"
)
MIDDLE_DOT = re.compile(r"(?<=\d)[·・•‧](?=\d)")
YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年(?P<rest>\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|末|底|的|度|全年)?")
RANK = re.compile(
    r"(?:连续(?P<streak>\d+|[一二两三四五六七八九十]+)年)?"
    r"(?:稳居|位居|位列|居于|居|排名|排在|排|保持|实现|成为)"
    r"(?P<scope>[^，,。；;]{0,14}?)"
    r"(?:首位|第(?P<nth>\d+|[一二三四五六七八九十]+)(?:位|名)?|(?P<champion>冠军|第一|“?双第一”?))"
    r"(?!方阵|梯队|阵营|集团|档|批|次)"  # 居第一方阵: a tier, not a rank
)
STREAK_CHAMPION = re.compile(r"“?(?P<streak>\d+)连冠”?")


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


@functools.cache
def _simplified() -> dict[str, str]:
    """Traditional -> simplified, character for character, from OpenCC's table (package opencc-python-reimplemented,
    Apache-2.0): the first simplified form of each traditional character that has one."""
    from importlib.resources import files

    table = (files("opencc") / "dictionary" / "TSCharacters.txt").read_text(encoding="utf-8")
    pairs = (line.split("\t") for line in table.splitlines() if "\t" in line)
    return {
        t: forms.split()[0]
        for t, forms in pairs
        if len(t) == 1 and len(forms.split()[0]) == 1 and forms.split()[0] != t
    }


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _alternation(words) -> re.Pattern:
    listed = sorted((w for w in words if w), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, listed)) if listed else r"(?!)")


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


HEADLINE_FIGURE = re.compile(r"\d(\.\d+)?\s*(%|‰|亿|万|元|个百分点)")
GOES_ON = re.compile(
    r"((按可比价格?计算|扣除价格因素后?|按不变价格?计算)[，,]?|其中[，,]?\s*(1[0-2]|[1-9])月份?[，,]?)"
    r"(比上年|同比|较上年)?(增长|下降)\d"
)
# a sentence opening with only the growth of what the last one stated


def _sentences(reading: Reading, lines: list[tuple[int, int]]) -> list[tuple[str, list[int]]]:
    """A paragraph's sentences: (text, offset of each character), split after 。！？；."""
    chars, origin = [], []
    for start, end in lines:
        for i in range(start, end):
            if reading.norm[i] not in "\r":
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


class Extractor:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog

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

    def _document_places(self, document: Document) -> tuple:
        """The places the sidecar's region (a code or a name) or else the title names."""
        given = document.region
        if given:
            key = _key(given)
            by_code = tuple(p for places in self.catalog.regions.values() for p in places if p.code == key)
            return by_code[:1] or tuple(self.catalog.regions.get(key, ()))
        named = [p for _, _, p, _ in self.places(_key(document.title), []) if p]
        return named[0] if named else ()

    def sentence(self, document, s, origin, paragraph, context) -> list[Candidate]:
        self._last_respectively = None
        self._said_before = paragraph.get("said", "")  # the paragraph's sentence before this one
        self._named: list[Item] = []  # the items read with a name, one per name, in order
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
        for m in structures:  # 三次产业结构为7.2:40.0:52.8: the shares of GDP of the three industries
            last_year = re.search(r"由上年的?\s*$", s[max(0, m.start() - 8) : m.start()]) and document.year
            if m is not structures[0] and document.year and not YEAR.search(s[max(0, m.start() - 8) : m.start()]):
                last_year, this_year = (
                    False,
                    str(document.year),
                )  # 由2018年的5.7:49.3:45.0优化为6.6:45.8:47.6: the year's
            else:
                this_year = None
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
                                year=str(int(document.year) - 1) if last_year else this_year,
                            ),
                        )
                    )
        self._carry(s, paragraph, places, entities, years)
        paragraph["label"] = last_named.label if last_named else None
        paragraph["subject"] = last_subject
        paragraph["said"] = s
        return out

    @staticmethod
    def _structures(s: str) -> list[re.Match]:
        """The three industries' structure printed as a ratio (三次产业结构比为7.2:40.0:52.8;
        由2018年的5.7:49.3:45.0调整为2019年的6.6:45.8:47.6), when its parts add up to 100."""
        out = []
        for m in STRUCTURE_RATIO.finditer(s):
            said = re.search(
                r"(三次产业|产业结构|三产|产业比|产业之比|产业增加值比)", s[max(0, m.start() - 40) : m.start()]
            )
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
            r"两年平均|三年平均|年均|扣除价格因素|实际|可比|与|相比|"
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

    def _respectively(self, s: str, lead_from: int, item: Item, rest: list[Item]):
        """A、B(和C) 分别增长 P%、Q%(、R%): [((code, subject start, kind), item)] or None."""
        lead = s[lead_from : item.start]
        at = lead.rfind("分别")
        if at >= 0:
            # 分别仅增长2.0%、2.8%; 分别同比增长9.3%、10.5%
            verb = re.sub(r"^(仅|只|均|也|还|又)?(同比|比上年同期|比上年|较上年)?", "", lead[at + 2 :])
        elif self._last_respectively and re.fullmatch(
            r"\s*[，,]\s*(同比|比上年)?(增长|下降|增加|减少|提高|上涨)\s*", lead
        ):
            at, verb = (
                0,
                lead.strip(" ，,"),
            )  # 城、乡居民人均可支配收入分别为22694元、9527元，增长8.5%、11%: the same items
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
        grew = not items and kind == "growth"  # 事故3起，死亡4人，同比分别下降50%、42.9%
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

    def _level_of(self, code: str | None) -> str | None:
        indicator = self.catalog.indicators.get(code) if code else None
        if indicator is None:
            return None
        return (
            indicator.base
            if indicator.measure_type in ("growth_yoy", "share", "ratio", "rank") and indicator.base
            else code
        )

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

    def _scope_above(self, s: str, subject_start: int | None, before: int, place: Place) -> Place | None:
        """The region above the document's that a figure's subject names by its scope (全省 in a city's release, 全市
        in a district's, 全国), when the words do not compare with it or measure a part of it (比全省, 占全市)."""
        start = subject_start if subject_start is not None and subject_start < before else before
        clause = s[max(s.rfind(c, 0, start) for c in "，,。；;：:") + 1 : before]
        scope = SCOPE_ABOVE.search(clause)
        if (
            scope is None
            or not re.fullmatch(r"\s*(在|其中)?[\u4e00-\u9fff]{0,4}\s*", clause[: scope.start()])  # (在四川)全省
            or re.search(r"(比|较|高于|低于|快于|慢于|占|于|居(?!民)|排|位|为|与)", clause[: scope.start()])
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
        """What the next sentences of the paragraph inherit: the last region, year and entity named."""
        named = [p for _, _, p, _ in places if p]
        if named:
            paragraph["place"] = named[-1]
        stated = [
            y
            for y in years
            if not self._comparison(s, y)
            and not (y.group("rest") or "").strip(" 的")
            and not s[: y.start()].endswith(("由", "从"))  # 由2018年的…优化为…: the year it left, not the one it is in
        ]
        if stated:
            paragraph["year"] = stated[-1].group("year")
        if entities:
            paragraph["entity"] = entities[-1][2]

    @staticmethod
    def _comparison(s: str, year: re.Match) -> bool:
        before = s[: year.start()].rstrip()
        return (
            before.endswith(COMPARISON_BEFORE_YEAR)
            and not re.search(
                r"(调整|优化|变|转|提高|提升|上升|增加|下降|降|升)为$", before
            )  # 调整为2018年的: its year
            and not s[year.end() :].startswith(("以来",))
        )

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
                and not (s[: y.start()].endswith(("由", "从")) and re.search(r"(到|至|为)", s[y.end() : before]))
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


PART_OF_YEAR = re.compile(
    rf"(?<![比较于前\d\-—~至])(?<![\-—~至]\s)({PARTS_OF_YEAR_SAID}|全年|年末|年底|转为|(?:19|20)\d{{2}}年|{MONTH_SAID})"
)
PARTS_OF_YEAR = {"前三季度": "Q1-Q3", "上半年": "H1", "下半年": "H2"}


MONTHS_SINCE_JANUARY = re.compile(r"1\s*[-—~至]\s*([369])\s*月")  # 1-6月: the first half
RELEASE_PARTS = {"3": "Q1", "6": "H1", "9": "Q1-Q3"}


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
    return PARTS_OF_YEAR.get(part) or f"Q{'一二三四'.index(part.lstrip('第')[0]) + 1}"


def _part_of_year(s: str, before: int) -> str | None:
    """The part of the year the words since the last full stop or semicolon before a figure name last
    (一季度: Q1, 上半年: H1, 前三季度: Q1-Q3), or None where they name the year (全年, 年末, 2017年,
    由一季度的下降转为), or compare with a part (降幅比一季度收窄), or name nothing."""
    segment = s[max(s.rfind(c, 0, before) for c in "。；;") + 1 : before]
    said = PART_OF_YEAR.findall(segment)
    if not said and (
        heading := re.match(
            r"\s*(" + PART_OF_YEAR.pattern + r")[末底]?\s*[，,]", s[s.rfind("。", 0, before) + 1 : before]
        )
    ):
        said = [
            heading.group(1)
        ]  # 12月份，A为99.9；B为100.5 (5月末，…): a part of the year said first is the sentence's
    if not said:
        return None
    if said[-1] in ("全年", "年末", "年底", "转为") or re.fullmatch(r"\d{4}年", said[-1]):
        return ""  # the year named
    part = said[-1]
    if part[0].isdigit():
        return f"{int(part.rstrip('月份')):02d}"  # 12月份，新建商品住宅销售价格环比指数为99.9: the month's
    return PARTS_OF_YEAR.get(part) or f"Q{'一二三四'.index(part.lstrip('第')[0]) + 1}"


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
    label = re.sub(r"^[^\u4e00-\u9fff0-9]+", "", label)
    for start, end, _, _ in reversed(extractor.places(label, [])):
        if (
            start > 0
            and label[start - 1] not in PARTNER_BEFORE
            and label[max(0, start - 2) : start] not in PARTNER_BEFORE
        ):
            label = label[:start] + label[end:]  # 占玉州区生产总值的比重: the region is not part of the name
    label = VERB_INSIDE_LABEL.sub("", label)  # 民营经济完成增加值: the verb is not part of the name
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


HEAD_AFTER_LIST = re.compile(
    r"(等[\u4e00-\u9fff]{0,6}?|的)+(?P<head>支出|收入|投资|产值|增加值|产量|贷款|存款)(同比|比上年)?(增速|增幅|增长率)?$"
)  # 社会保障和就业等支出, 电子元件等高新高端产品产量


def _spelled_out(items: list[str], figures: int) -> list[str]:
    """The names of a list a bulletin prints elliptically: 第一、二、三产业增加值 -> 第一产业增加值, 第二产业增加值,
    第三产业增加值; 三次产业贡献率 (before three figures) -> the same of 第一产业, 第二产业, 第三产业."""
    if len(items) == 1 and figures == 3 and (m := re.match(r"(.*?)三次产业(.*)$", items[0])):
        return [f"{m.group(1)}第{n}产业{m.group(2)}" for n in "一二三"]
    if (
        len(items) > 1
        and re.fullmatch(r"\s*第[一二三四五六七八九十]", items[0])
        and all(re.fullmatch(r"\s*[一二三四五六七八九十]", t) for t in items[1:-1])
        and re.match(r"\s*[一二三四五六七八九十]\S", items[-1])
    ):
        tail = items[-1].strip()[1:]
        return [f"第{t.strip()[-1]}{tail}" for t in items[:-1]] + [f"第{items[-1].strip()}"]
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


def _gap_label(prior: str, gap: str, figure: Figure, previous: "Item | None") -> str:
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
    """One candidate per observation: a figure printed twice (a headline and its paragraph) keeps its first
    quote at the higher confidence."""
    kept: dict[tuple, Candidate] = {}
    for candidate in candidates:
        key = (*candidate.key, candidate.qualifier)
        if key not in kept:
            kept[key] = candidate
        elif candidate.confidence > kept[key].confidence:
            kept[key] = candidate
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


def extract(document: Document, catalog: Catalog) -> list[Candidate]:
    return Extractor(catalog).extract(document)
