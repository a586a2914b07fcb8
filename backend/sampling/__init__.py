"""Food sampling (抽检) and rapid tests (快检): result imports, failed samples' disposition cases and
re-tests, announcements, and what the public card and pages show of them."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "sampling",
    work=("backend.sampling.work:work",),
    indicators=("backend.sampling.kpis:indicators",),
    shortfalls=("backend.sampling.kpis:shortfalls",),
    card_sections=("backend.sampling.card:SECTION",),
    jobs=("backend.sampling.importing.run_import",),
    settings=(
        # days from a failed sample's case opening to its deadline (核查处置, moved to the next working day)
        Setting("DISPOSITION_DAYS", 90, positive_int, low=1, high=365, unit="days"),
        # working days for the business to ask for a re-test after it was notified, and to decide on one
        Setting("RETEST_REQUEST_WORKING_DAYS", 7, positive_int, low=1, high=60, unit="working days"),
        Setting("RETEST_DECISION_WORKING_DAYS", 7, positive_int, low=1, high=60, unit="working days"),
        # hours to ask for a re-test (by a method that is not rapid) after a failed rapid test
        Setting("RAPID_RETEST_HOURS", 4, positive_int, low=1, high=72, unit="hours"),
        # result file imports: the largest file, the most rows in one, the job's hard time limit
        Setting("IMPORT_MAX_BYTES", 64 * 1024 * 1024, positive_int, low=1024, high=1024**3, unit="bytes"),
        Setting("IMPORT_MAX_ROWS", 200_000, positive_int, low=1, high=5_000_000, unit="rows"),
        Setting("IMPORT_JOB_TIMEOUT", 1800, positive_int, low=10, high=24 * 3600, unit="seconds"),
        Setting("WECHAT_TEMPLATE_SAMPLE_FAILED", "sfs-sample-failed"),
    ),
)
