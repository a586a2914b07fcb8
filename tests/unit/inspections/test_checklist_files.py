"""Checklist files: XLSX (formulas never evaluated) and JSON, checked by the JSON API's contract."""

import json

import pytest

from backend.core.errors import InvalidInput, UnsupportedMediaType
from backend.core.principal import ADMIN, Principal
from backend.inspections import checklist_files, services
from tests.builders import checklist_workbook as workbook

ADMIN_PRINCIPAL = Principal(user_id="6b0000000000000000000009", role=ADMIN)


def test_an_xlsx_checklist_loads_as_a_new_version(app_context):
    data = workbook([("samples_kept", "按规定留样", "重点", 10), ("pest_control", "防鼠防蝇设施完好", "一般", 5)])
    loaded = services.load_checklist_file(ADMIN_PRINCIPAL, data)
    assert (loaded.kind, loaded.version, loaded.basically_max_general) == ("canteen", 1, 2)
    assert [(i.code, i.key, i.points) for i in loaded.items] == [("samples_kept", True, 10), ("pest_control", False, 5)]
    again = services.load_checklist_file(ADMIN_PRINCIPAL, data)
    assert again.version == 2


def test_formulas_bad_rows_and_other_files_are_refused(app_context):
    with pytest.raises(InvalidInput) as formula:
        checklist_files.parse(workbook([("a", "x", "重点", "=1+1")]))
    assert "formulas" in str(formula.value.errors)
    with pytest.raises(InvalidInput) as bad_key:
        checklist_files.parse(workbook([("a", "x", "maybe", 10)]))
    assert "row 2" in str(bad_key.value.errors)
    with pytest.raises(InvalidInput) as contract:  # points out of range: the API's own contract says so
        services.load_checklist_file(ADMIN_PRINCIPAL, workbook([("a", "x", "重点", 1000)]))
    assert "items" in contract.value.errors
    with pytest.raises(UnsupportedMediaType):
        checklist_files.parse(b"\x89PNG\r\n\x1a\n....")
    with pytest.raises(InvalidInput):
        checklist_files.parse(b"PK\x03\x04 not really a zip")


def test_a_json_file_loads_too(app_context):
    data = json.dumps(
        {
            "kind": "sales",
            "name": "销售（省版）",
            "thresholds": {"basically_compliant_max_general_failures": 1},
            "items": [{"code": "licence_valid", "text": "许可证有效", "key": True, "points": 10}],
        },
        ensure_ascii=False,
    ).encode()
    services.ensure_shipped_checklists()
    assert services.load_checklist_file(ADMIN_PRINCIPAL, data).version == 2  # after the shipped v1
