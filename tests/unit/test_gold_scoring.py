"""How the real gold set's scorer compares a proposal with a figure annotated by hand: its name and its period."""

import pytest

from pipelines.prose.gold_real import _names_agree, _period_agrees


@pytest.mark.parametrize(
    ("gold", "read", "same"),
    [
        ("生猪出栏量", "生猪年出栏量", True),  # a character put in
        ("十大生态产业增加值占生产总值比重", "十大生态产业增加值占全市生产总值的比重", True),
        ("工业增加值对经济增长贡献率", "工业对经济增长贡献率", True),  # an industry and its value added
        ("地区生产总值增速(快于全国)", "地区生产总值增速", True),  # the annotator's note is not the name
        ("高新技术产业总产值占规模以上工业总产值比重(比年初)", "高新技术产业总产值占规模以上工业总产值的比重", True),
        ("烤烟种植面积", "种植烤烟", False),  # the words in another order
        ("规模以上工业高技术产业增加值占规模以上工业增加值", "对规模以上工业增加值增长贡献率", False),
        ("城镇居民人均可支配收入", "比上年经济增减", False),
        ("出栏量", "年出栏", False),  # too short to be near
    ],
)
def test_a_name_agrees_when_it_holds_the_gold_or_differs_by_a_character_or_two(gold, read, same):
    assert _names_agree(gold, {read}) is same


@pytest.mark.parametrize(
    ("read", "printed", "same"),
    [
        ("2021", "2021年末", True),
        ("2021-H1", "2021-H1", True),
        ("2021-H1", "2020-2021", True),  # a two-year average in a half year's release
        ("2021", "2020-2021", True),
        ("2020-H1", "2020-2021", False),
        ("2021-Q2", "2021-06", False),  # a quarter's end is its last month, not the quarter
    ],
)
def test_an_average_over_years_is_of_its_last_year_or_a_part_of_it(read, printed, same):
    assert _period_agrees(read, printed) is same
