"""Theme page figures on the tiny store (``theme_store`` in conftest): comparisons, village values."""

from __future__ import annotations

import pytest

from data_access.errors import InvalidInput, OutOfScope
from data_access.scope import Scope
from data_access.theme_views import comparison_values, village_values

CITY, A, B = "990100000000", "990101000000", "990102000000"
SCOPE = Scope(CITY)
VILLAGES = ["990101001001", "990101002001", "990101002002", "990102001001", "990102001002"]


def test_theme004_comparison_children_or_siblings(theme_store):
    parent, values = comparison_values("t_flow", "990100", "2026-02", SCOPE)
    assert parent.code == CITY
    assert [(v.name, v.value) for v in values] == [("甲区", 12), ("乙县", 4)]
    # 甲区's towns do not collect a county-level indicator: compare 甲区 with its siblings instead.
    parent, values = comparison_values("t_flow", "990101", "2026-02", SCOPE)
    assert parent.code == CITY
    assert [v.code for v in values] == [A, B]
    with pytest.raises(InvalidInput):
        comparison_values("t_flow", "990101", "2026-02", Scope(A))  # the city is outside that scope


def test_theme005_village_values_under_city_town_and_village(theme_store):
    values = village_values("t_kiosk", "990100", "2026-02", SCOPE)
    assert [v.code for v in values] == VILLAGES
    assert [v.value for v in values] == [1, 0, 1, 1, None]
    assert [v.value for v in village_values("t_kiosk", "990101002", "2026-02", SCOPE)] == [0, 1]
    assert [v.value for v in village_values("t_kiosk", "990102001002", "2026-02", SCOPE)] == [None]
    with pytest.raises(InvalidInput):
        village_values("t_flow", "990100", "2026-02", SCOPE)


def test_theme006_out_of_scope_is_refused(theme_store):
    with pytest.raises(OutOfScope):
        village_values("t_kiosk", "990100", "2026-02", Scope(A))
