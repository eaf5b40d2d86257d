"""The words and patterns the extractor reads prose with: units, measures, comparisons, parts of the year, lists,
ranks. Data, not code: each with an example of what it matches."""

import functools
import re
import unicodedata
from decimal import Decimal

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


PLAN_END = re.compile(r"“?十([一二三四]?)五”?\s*(?:时期)?(?:期末|末)")  # “十五”末: 2005, “十二五”末: 2015


def plan_end(said: re.Match) -> str:
    """The last year of the five-year plan PLAN_END matched: 十五 2005, 十一五 2010, … 十四五 2025."""
    return str(2005 + 5 * ("一二三四".index(said.group(1)) + 1 if said.group(1) else 0))


FROM_BEFORE_YEAR = re.compile(r"(由|从)[^，,。；;\d]{0,8}$")  # 由2018年的, 由“十五”末2005年的: the year a pair leaves


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
    r"(统计局|调查总队|调查队|人民政府|政府|人大|政协|党委|委员会|发改委|财政厅|财政局|商务厅|商务局|海关"
    r"|[\u4e00-\u9fff]{0,2}(信息网|新闻网|政府网|网站)|日报|晚报|电视台)"
)  # (山西统计信息网, 宁波日报: a site or paper named after a place is not the place)


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
    r"(?<![\d.:：∶︰])(\d{1,2}(?:\.\d+)?)%?\s*(?:[:：∶︰]|\.\.)\s*(\d{1,2}(?:\.\d+)?)%?\s*(?:[:：∶︰]|\.\.)\s*"
    r"(\d{1,2}(?:\.\d+)?)%?(?![\d:：∶︰]|\.\d)"
)


SEX_RATIO = re.compile(r"\s*[:：∶]\s*100(?![\d.])")


SEX_RATIO_NOTE = re.compile(r"\s*[(（]\s*以?女性?\s*(为|=)\s*100\s*[)）]")


POINTS_LISTED = re.compile(r"(\s*[、,，和及与]\s*-?\d+(\.\d+)?\s*个)+\s*百分点")


NOUN_AFTER_NAME = re.compile(
    r"(项目)?(投资|用电量|税收|贷款余额|贷款|营业收入|利润总额|从业人员)"
)  # 第三产业投资: another indicator


GAP = re.compile(
    r"(高于|低于|快于|慢于|比全国|比全省|比全市|比全州|较|"
    r"比(上月|上季度|[一二三]季度|上半年|前三季度|(1[0-2]|[1-9])(\s*[-—~至]\s*(1[0-2]|[1-9]))?月份?|(19|20)\d{2}年(全年|同期))|"
    r"比(去年|上年)同期(加快|回落|提高|放缓|收窄|扩大|提升))"
)  # a gap to another figure: 比全国快0.1个百分点, 比1-2月提升2.5个百分点, 比2024年全年加快5.4个百分点


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
    r"^(出台|推出|制定)|(打造|建成|新建|出台|实施|开展|举办|培育|引进|创建|组织|推出|制定|建设"
    r"|挂包|挂钩|帮扶|结对|组成|派出|选派|走访|遍访|认定)$"
)  # a verb, not a name (1175名干部组成114个工作组: what is counted is the noun after)


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
    r"^(其中|但|而|并且|同时|和|及|与|以及|全体|力争|争取|预计|计划|目标|今年|明年|去年|上年|拥有|现有|已有|全年|年末|年底|年初|全县|全市|全区|全省|全旗|全州|全盟|全地区|全国|城乡|累计|合计|共有|共|当年|本年|"
    r"按[^，,]{1,12}(计算|折算)|[^，,]{0,8}汇率(计算|折算)|实现|完成|(19|20)\d{2}年(末|底|度)?|[\s“”\"']|"
    r"前三季度|上半年|下半年|第?[一二三四]季度|1\s*[-—~至]\s*\d{1,2}月份?)+"
)


LABEL_AFTER = re.compile(
    r"(比上年末?|比去年|比年初|较上年末?|同比|与上年相比|比上年同期)?(增长|下降|上涨|提高|增加|减少|回落|上升|下滑|降低|"
    r"净增|净减|增速|增幅|涨幅|降幅|涨)?(将|为|达到|达|实现|完成|共计|共|有|总计|合计|约合|折合|约|分别为|分别|了|累计|已|以)*$"
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
    r".*[年月日份]|.*以来|低于|高于|(由|从)?[一二三四]?(前三|上半|下半)?季度的?|(由|从)?(上半年|全年|前三季度)的?|"
    r"(对|向|给|在)(全|本)?[县市省区镇乡州旗盟]|等.*|据.*|按照.*)$"
)  # (对全县6.48万户: a preposition and the place; 12条等一揽子政策措施, 据…5‰人口抽样调查: no name)


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


HEADLINE_FIGURE = re.compile(r"\d(\.\d+)?\s*(%|‰|亿|万|元|个百分点)")


GOES_ON = re.compile(
    r"((按可比价格?计算|扣除价格因素后?|按不变价格?计算)[，,]?|其中[，,]?\s*(1[0-2]|[1-9])月份?[，,]?)"
    r"(比上年|同比|较上年)?(增长|下降)\d"
)


PART_OF_YEAR = re.compile(
    rf"(?<![比较于前\d\-—~至])(?<![\-—~至]\s)({PARTS_OF_YEAR_SAID}|(?<!\d年)全年|年末|年底|转为|(?:19|20)\d{{2}}年|{MONTH_SAID})"
)  # (比2024年全年加快: the year compared with, not the figure's)


PARTS_OF_YEAR = {"前三季度": "Q1-Q3", "上半年": "H1", "下半年": "H2"}


PART_SAID_ONLY = re.compile(rf"(?<![比较于前])({PARTS_OF_YEAR_SAID})")  # the parts of a year said, nothing else


PART_ENDS = {"Q1": 3, "Q2": 6, "H1": 6, "Q3": 9, "Q1-Q3": 9, "Q4": 12, "H2": 12}  # the month each part ends in


MONTHS_SINCE_JANUARY = re.compile(r"1\s*[-—~至]\s*([369])\s*月")  # 1-6月: the first half


MONTHS_FROM_JANUARY = re.compile(
    r"(?<![\d.比较于])1\s*[-—~至]\s*(1[0-2]|[2-9])\s*月"
)  # 1—5月: the months since January


RELEASE_PARTS = {"3": "Q1", "6": "H1", "9": "Q1-Q3"}


HEAD_AFTER_LIST = re.compile(
    r"(等[\u4e00-\u9fff]{0,6}?|的)+(?P<head>支出|收入|投资|产值|增加值|产量|贷款|存款)(同比|比上年)?(增速|增幅|增长率)?$"
)  # 社会保障和就业等支出, 电子元件等高新高端产品产量
