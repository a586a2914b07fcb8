"""Inspections (监督检查) against versioned checklists, results and dynamic grades, rectification, and
the annual grade shown as green / yellow / red (量化分级 · 三色码)."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "inspections",
    work=("backend.inspections.work:work",),
    indicators=("backend.inspections.planning:indicators",),
    shortfalls=("backend.inspections.planning:shortfalls",),
    card_sections=("backend.inspections.card:SECTION",),
    listens=(("risk_input_changed", "backend.inspections.planning:risk_input_changed"),),
    settings=(
        Setting("INSPECTORS_REQUIRED", 2, positive_int, low=1, high=10),
        # working days (the shared calendar) to fix a failed item
        Setting("RECTIFICATION_WORKING_DAYS", 10, positive_int, low=1, high=60, unit="working days"),
        # no dynamic grade this many months after a new licence
        Setting("GRADE_WAIT_MONTHS_AFTER_LICENCE", 3, int, low=0, high=24, unit="months"),
    ),
)
