"""The indicators' catalogue (as data: what each measures, its unit and direction, the plan and clause
its target comes from, whether the public sees it), the targets per district and year, and each
indicator evaluated against its target with its trend over the previous period — computed through the
one KPI contract (`backend.core.indicators`), by the domain that counts it."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "indicators",
    jobs=("backend.indicators.reports.run_report",),
    settings=(
        # a monthly report's job is stopped after this long
        Setting("REPORT_JOB_TIMEOUT", 900, positive_int, low=30, high=6 * 3600, unit="seconds"),
    ),
)
