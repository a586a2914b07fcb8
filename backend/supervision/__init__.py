"""包保 supervision: officials at four levels paired with businesses by the 食安办, the pledges they
and the business heads sign, quarterly supervision tasks done on site or remotely (the cameras, open
problems, daily checks, staff and samples of their own businesses, from anywhere), findings handed to
the business's rectification loop or, through the 食安办, to enforcement as leads."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "supervision",
    work=("backend.supervision.work:work",),
    jobs=("backend.supervision.imports.run_import",),
    indicators=("backend.supervision.kpis:indicators",),
    shortfalls=("backend.supervision.kpis:shortfalls",),
    settings=(
        # an official's invitation code binds a WeChat account within this many days [practice]
        Setting("OFFICIAL_INVITATION_DAYS", 14, positive_int, low=1, high=90, unit="days"),
        # a quarter's task may still be recorded this many days after the quarter ends [unknown: local]
        Setting("SUPERVISION_BACKFILL_DAYS", 10, positive_int, low=1, high=60, unit="days"),
        # a pairings import job is stopped after this long
        Setting("SUPERVISION_IMPORT_TIMEOUT", 600, positive_int, low=10, high=3600, unit="seconds"),
        # the WeChat subscribe-message template officials are reminded with
        Setting("WECHAT_TEMPLATE_SUPERVISION", "sfs-supervision-due"),
    ),
)
