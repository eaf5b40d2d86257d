"""Names as printed. Regions: English names generated from the Chinese ones (pinyin of the name with its administrative
suffix translated: 即墨区 -> Jimo District, 黔东南苗族侗族自治州 -> Qiandongnan Miao and Dong Autonomous
Prefecture), for the versions that data/raw/regions/regions.csv names in no compiled English; every such name is
labelled generated (dim_region.name_en_origin). Indicators: the keys names are compared by, a unit printed inside a
name (地区生产总值（亿元）) and growth wording (比上年增长): the SQL resolves them against the catalog."""

import re
import unicodedata
from functools import lru_cache

import pandas as pd

# longest first: 自治县 before 县
SUFFIXES = {
    "特别行政区": "Special Administrative Region",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "行政区": "Administrative Region",
    "地区": "Prefecture",
    "新区": "New Area",
    "林区": "Forestry District",
    "矿区": "Mining District",
    "特区": "Special District",
    "省": "Province",
    "盟": "League",
    "区": "District",
    "县": "County",
    "旗": "Banner",
    "市": "City",
}
SUFFIX = re.compile("(" + "|".join(sorted(SUFFIXES, key=len, reverse=True)) + ")$")
ETHNIC_GROUPS = {
    "维吾尔": "Uygur",
    "哈萨克": "Kazakh",
    "柯尔克孜": "Kirgiz",
    "蒙古": "Mongol",
    "藏": "Tibetan",
    "彝": "Yi",
    "苗": "Miao",
    "侗": "Dong",
    "布依": "Bouyei",
    "土家": "Tujia",
    "哈尼": "Hani",
    "傣": "Dai",
    "白": "Bai",
    "景颇": "Jingpo",
    "傈僳": "Lisu",
    "壮": "Zhuang",
    "朝鲜": "Korean",
    "回": "Hui",
    "羌": "Qiang",
    "黎": "Li",
    "瑶": "Yao",
    "满": "Manchu",
    "畲": "She",
    "仡佬": "Gelao",
    "水": "Sui",
    "纳西": "Naxi",
    "拉祜": "Lahu",
    "佤": "Va",
    "怒": "Nu",
    "普米": "Pumi",
    "独龙": "Derung",
    "撒拉": "Salar",
    "土": "Tu",
    "东乡": "Dongxiang",
    "保安": "Bonan",
    "裕固": "Yugur",
    "锡伯": "Xibe",
    "塔吉克": "Tajik",
    "达斡尔": "Daur",
    "鄂温克": "Evenki",
    "鄂伦春": "Oroqen",
    "仫佬": "Mulao",
    "毛南": "Maonan",
    "各族": "Various Nationalities",
    "阿昌": "Achang",
    "布朗": "Blang",
    "德昂": "De'ang",
    "基诺": "Jino",
}
ETHNIC = re.compile("(" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")族?$")
# place names read otherwise than pypinyin's everyday reading of their characters
PLACE_READINGS = {
    "朝阳": "chao yang",
    "单县": "shan xian",
    "莘县": "shen xian",
    "浚县": "xun xian",
    "洪洞": "hong tong",
    "铅山": "yan shan",
    "东阿": "dong e",
    "乐清": "yue qing",
    "荥阳": "xing yang",
    "荥经": "ying jing",
    "涡阳": "guo yang",
    "蚌埠": "beng bu",
    "亳州": "bo zhou",
    "厦门": "xia men",
    "乐亭": "lao ting",
    "番禺": "pan yu",
    "六安": "lu an",
    "六合": "lu he",
    "长治": "chang zhi",
    "大埔": "da bu",
    "尉犁": "yu li",
    "尉氏": "wei shi",
    "綦江": "qi jiang",
    "郫都": "pi du",
    "郫县": "pi xian",
    "犍为": "qian wei",
    "筠连": "jun lian",
    "会理": "hui li",
    "会东": "hui dong",
    "会泽": "hui ze",
    "会宁": "hui ning",
    "会同": "hui tong",
    "阆中": "lang zhong",
    "东莞": "dong guan",
    "台州": "tai zhou",
    "天台": "tian tai",
    "丽水": "li shui",
    "丽江": "li jiang",
    "大冶": "da ye",
    "曲阜": "qu fu",
    "曲靖": "qu jing",
    "曲周": "qu zhou",
    "冠县": "guan xian",
    "长子": "zhang zi",
    "巴中": "ba zhong",
    "中牟": "zhong mou",
    "牟平": "mu ping",
    "枞阳": "zong yang",
    "藁城": "gao cheng",
    "沈丘": "shen qiu",
    "沈阳": "shen yang",
}
_readings_loaded = False


def romanised(text: str, characters: int | None = None) -> str:
    """Pinyin of a Chinese name (of its first `characters` only, read in the whole name's context: 单 of 单县 is
    Shan) as one word, capitalised, with an apostrophe where a syllable starting with a, o or e would run into
    the one before it: 西安 -> Xi'an, 六安 -> Lu'an."""
    from pypinyin import lazy_pinyin, load_phrases_dict

    global _readings_loaded
    if not _readings_loaded:
        load_phrases_dict({k: [[s] for s in v.split()] for k, v in PLACE_READINGS.items()})
        _readings_loaded = True
    syllables = [s for s in lazy_pinyin(text, errors="default") if s.strip()][:characters]
    word = "".join(s if i == 0 or s[0] not in "aoe" else "'" + s for i, s in enumerate(syllables))
    return word[:1].upper() + word[1:]


@lru_cache(maxsize=None)  # the same few thousand names come again in each of 82 revisions
def parts(name_zh: str) -> tuple[str, list[str], str]:
    """A name as (place, ethnic groups in English, administrative suffix): 黔东南苗族侗族自治州 -> ('黔东南', ['Miao',
    'Dong'], '自治州'); 即墨区 -> ('即墨', [], '区'); 鄂温克族自治旗 -> ('', ['Evenki'], '自治旗')."""
    match = SUFFIX.search(name_zh)
    stem, suffix = (name_zh[: match.start()], match.group(1)) if match and match.start() > 0 else (name_zh, "")
    groups = []
    if suffix.startswith(
        "自治"
    ):  # the groups after the place (积石山保安族东乡族撒拉族), never leaving one character (内蒙古)
        while stem and (found := ETHNIC.search(stem)) and found.start() != 1:
            groups.insert(0, ETHNIC_GROUPS[found.group(1)])
            stem = stem[: found.start()]
    return stem, groups, suffix


@lru_cache(maxsize=None)
def english_name(name_zh: str, level: str) -> str:
    """An English name made from the Chinese one. A prefecture-level 市 is its bare name (深圳市 -> Shenzhen);
    a county-level one is a City (即墨市 -> Jimo City)."""
    stem, groups, suffix = parts(name_zh)
    listed = ", ".join(groups[:-1]) + " and " + groups[-1] if len(groups) > 1 else "".join(groups)
    words = [romanised(name_zh, len(stem)) if stem else "", listed]
    if suffix and not (suffix == "市" and level in ("prefecture", "province")):
        words.append(SUFFIXES[suffix])
    return " ".join(w for w in words if w)


@lru_cache(maxsize=None)
def generated_names(name_zh: str, level: str) -> tuple[str | None, str | None]:
    """(English name, short name) of a region's Chinese name at its level; (None, None) for no name."""
    return (english_name(name_zh, level), parts(name_zh)[0] or None) if name_zh else (None, None)


def add_generated_names(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Region rows -> the same with _name_en_generated (Jimo District) and _name_short, the name without its
    suffix and ethnic groups (即墨, 黔东南, 广西), made once per distinct name and level: the 82 revisions' 260,000
    rows hold about 5,000 (row by row in Python, the levels and lookups took twice the time)."""
    import numpy as np
    import pandas as pd

    codes = frame["region_code"].fillna("").str.pad(6, side="right", fillchar="0")
    levels = np.where(
        codes.str.endswith("0000"), "province", np.where(codes.str.endswith("00"), "prefecture", "county")
    )
    keys = pd.MultiIndex.from_arrays([frame["name_zh"].fillna("").to_numpy(dtype=object), levels])
    distinct = keys.unique()
    made = [generated_names(n, level) for n, level in distinct]
    at = distinct.get_indexer(keys)
    english = np.array([m[0] for m in made], dtype=object)[at]
    short = np.array([m[1] for m in made], dtype=object)[at]
    return frame.assign(
        _name_en_generated=pd.Series(english, index=frame.index, dtype="str"),
        _name_short=pd.Series(short, index=frame.index, dtype="str"),
    )


# --- indicator names ----------------------------------------------------------------------------------------

UNIT_IN_NAME = re.compile(r"^(.+?)\(([^()]+)\)$")  # 地区生产总值(亿元): after NFKC, full-width parentheses are ASCII
GROWTH_WORDS = [
    "比上年增长",
    "比上年增减",
    "比上年增速",
    "同比增长",
    "同比增速",
    "增长率",
    "增长速度",
    "增速",
    "增长",
    "增幅",
]


def name_key(text: str | None) -> str | None:
    """How names are compared: NFKC (full-width to ASCII), lower case, no spaces:
    地区生产总值（亿元） -> 地区生产总值(亿元)."""
    if not isinstance(text, str):
        return None
    key = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return key or None


def indicator_parts(printed: str) -> tuple[str | None, str | None, str | None, str | None]:
    """An indicator as printed -> (its key; its key without a trailing parenthesis; what the parenthesis held, a unit
    if the units table knows it: 亿元, %; the key of the level it is the growth of, if it ends in growth words:
    固定资产投资比上年增长(%) -> 固定资产投资)."""
    key = name_key(printed)
    if key is None:
        return None, None, None, None
    match = UNIT_IN_NAME.match(key)
    bare, unit = (match.group(1), match.group(2)) if match else (key, None)
    level = next((bare[: -len(w)].rstrip("_") for w in GROWTH_WORDS if bare.endswith(w) and len(bare) > len(w)), None)
    return key, bare, unit, level


def add_indicator_keys(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Observation rows naming their indicator -> _indicator_key, _indicator_bare, _indicator_name_unit,
    _indicator_level (see indicator_parts), computed once per distinct name."""
    made = {value: indicator_parts(value) for value in frame["indicator"].dropna().unique()}
    columns = zip(
        *(made.get(value, (None,) * 4) if isinstance(value, str) else (None,) * 4 for value in frame["indicator"])
    )
    keys, bare, units, levels = (list(c) for c in columns) if len(frame) else ([], [], [], [])
    return frame.assign(
        _indicator_key=pd.Series(keys, index=frame.index, dtype="str"),
        _indicator_bare=pd.Series(bare, index=frame.index, dtype="str"),
        _indicator_name_unit=pd.Series(units, index=frame.index, dtype="str"),
        _indicator_level=pd.Series(levels, index=frame.index, dtype="str"),
    )


def add_catalog_names(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Indicator catalog rows -> _names: the keys of every name an indicator is printed by (its Chinese and English
    names, its code, its synonyms), separated by ;."""

    def names(row) -> str:
        synonyms = row.get("synonyms")  # an empty cell is NaN: not the name "nan"
        listed = [
            row.get("name_zh"),
            row.get("name_en"),
            row.get("indicator_code"),
            *(synonyms.split(";") if isinstance(synonyms, str) else []),
        ]
        return ";".join(dict.fromkeys(k for k in map(name_key, listed) if k))

    return frame.assign(_names=pd.Series([names(r) for r in frame.to_dict("records")], index=frame.index, dtype="str"))


def add_mapped_names(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Indicator mapping rows (a name as printed -> a catalog code) -> _name_key, the printed name's key, and _names:
    the keys it becomes a synonym by, the name with and without its unit in brackets
    (房地产开发投资额(亿元);房地产开发投资额)."""
    parts = [indicator_parts(v) if isinstance(v, str) else (None,) * 4 for v in frame["printed"]]
    return frame.assign(
        _name_key=pd.Series([p[0] for p in parts], index=frame.index, dtype="str"),
        _names=pd.Series(
            [";".join(dict.fromkeys(k for k in p[:2] if k)) or None for p in parts], index=frame.index, dtype="str"
        ),
    )
