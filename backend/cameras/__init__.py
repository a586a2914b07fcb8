"""Kitchen cameras (明厨亮灶): registration, the video worker's statuses, snapshots and events, the
regulators' wall and review, and what the public card shows."""

from backend.core.config import parse_bool, positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "cameras",
    work=("backend.cameras.work:work",),
    card_sections=("backend.cameras.card:SECTION",),
    indicators=("backend.cameras.kpis:indicators",),
    settings=(
        # cameras one video worker samples at most; seconds a lease lasts (a killed worker's cameras
        # are taken over within it); the worker's metrics and health port (0: none)
        Setting("VIDEO_MAX_CAMERAS", 50, positive_int, low=1, high=10_000, unit="cameras"),
        Setting("VIDEO_LEASE_SECONDS", 15, positive_int, low=3, high=600, unit="seconds"),
        Setting("VIDEO_METRICS_PORT", 0, int, low=0, high=65535),
        # whether camera URLs may point at loopback or private addresses (never in production: a URL
        # is user input), and the folder whose files may be cameras (demo clips; unset: no files)
        Setting("CAMERA_ALLOW_PRIVATE_ADDRESSES", False, parse_bool),
        Setting("CAMERA_FILE_DIR", None),
        # cameras a business may register (a household none), and the shortest sampling interval: a
        # camera flood must not fill the workers' slots or the regulators' wall
        Setting("CAMERA_MAX_PER_BUSINESS", 16, positive_int, low=1, high=500, unit="cameras"),
        Setting("CAMERA_MIN_INTERVAL", 5, positive_int, low=1, high=300, unit="seconds"),
        # samples in a row a new status must hold before it is the camera's (and an event)
        Setting("CAMERA_STATUS_HOLD", 2, positive_int, low=1, high=10, unit="samples"),
        # 非现场执法 in practice: a fix plan within 2 hours of being told, the fix rechecked at 72 hours
        Setting("CAMERA_PLAN_HOURS", 2, positive_int, low=1, high=72, unit="hours"),
        Setting("CAMERA_RECHECK_HOURS", 72, positive_int, low=1, high=720, unit="hours"),
    ),
)
