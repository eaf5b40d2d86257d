"""W11 (pipelines/validate/gx_duckdb.py): metric ids made from native values without GX's converter are the ids GX
makes with it, and values of any other type still go through it."""

import math
from datetime import date
from enum import Enum

import numpy as np
import pytest

from pipelines.validate import gx_duckdb


class Colour(Enum):
    RED = "red"


KWARGS = [
    {"column": "value", "batch_id": "abc", "row_condition": None, "condition_parser": None},
    {"value_set": ["gdp", "gdp_growth_yoy", "rd_intensity"], "mostly": 0.95, "parse_strings_as_datetimes": False},
    {"column_list": ("_file", "_line"), "ignore_row_if": "any_value_is_missing", "nan": math.nan, "inf": math.inf},
    {"nested": {"a": [1, 2.5, None, True], 3: "int key", "deep": {"x": (1, ("y", None))}}},
    {"numpy": np.int64(7), "float64": np.float64(0.1), "day": date(2023, 12, 31), "enum": Colour.RED},
    {"mixed": [np.int32(1), {"set": {"only"}}, "s"], "empty": {}, "none": None},
]


@pytest.fixture(scope="module")
def converters():
    from great_expectations import util
    from great_expectations.core import id_dict

    gx_duckdb.install_duckdb_workarounds()
    return util.convert_to_json_serializable, id_dict.convert_to_json_serializable


@pytest.mark.parametrize("kwargs", KWARGS, ids=range(len(KWARGS)))
def test_the_fast_converter_gives_what_gx_gives(converters, kwargs):
    original, patched = converters
    assert patched is not original  # installed
    assert patched(data=kwargs) == original(data=kwargs)


def test_metric_ids_are_unchanged(converters):
    from great_expectations.core import id_dict

    original, patched = converters
    for kwargs in KWARGS:
        ids = id_dict.IDDict(kwargs).to_id()
        id_dict.convert_to_json_serializable = original
        try:
            assert id_dict.IDDict(kwargs).to_id() == ids
        finally:
            id_dict.convert_to_json_serializable = patched
