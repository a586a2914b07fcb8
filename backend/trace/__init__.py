"""Traceability (追溯): lots and their trace codes, produce certificates (承诺达标合格证), receipt checks,
tracing backward and forward, recalls, and FSMA 204 / EPCIS exports."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "trace",
    work=("backend.trace.work:work",),
    card_sections=("backend.trace.pages:SECTION",),
    indicators=("backend.trace.kpis:indicators",),
    settings=(
        Setting("WECHAT_TEMPLATE_RECALL", "sfs-recall"),
        # a holder confirms a recalled lot within this many days, else enforcement gets a lead [unknown: local]
        Setting("RECALL_CONFIRM_DAYS", 3, positive_int, low=1, high=30, unit="days"),
    ),
)
