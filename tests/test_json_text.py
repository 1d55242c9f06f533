"""cli/_common.json_text writes exactly what ``json.dumps(indent=2, ensure_ascii=False)``
writes (the faster path for lists of flat records included)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from sinosoviet_cli.cli._common import json_text

_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(alphabet=st.characters(codec="utf-8"), max_size=8))
_JSON = st.recursive(_SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.text(max_size=4), inner, max_size=4)), max_leaves=20)
_RECORDS = st.lists(st.dictionaries(st.text(max_size=4), _SCALAR, min_size=1, max_size=5),
                    max_size=5)


@given(_JSON)
@example({"findings": [{"text": "},\x00{", "n": 1}, {"text": "{", "m": None}], "n": {}})
@example([{"a": "x\n  y"}, {"b": 1.5e300}])
def test_json_text_is_json_dumps(data: Any) -> None:
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)


@given(st.dictionaries(st.text(max_size=3), _RECORDS, max_size=3))
def test_records_under_keys(data: Any) -> None:
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)
