"""Staff, their health certificates (健康证明) and the business's food-safety team (三类人)."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "staff",
    card_sections=("backend.staff.card:SECTION",),
    indicators=("backend.staff.kpis:indicators",),
    settings=(
        # the common local reading: valid this many months from the issue date (the default expiry, and the longest)
        Setting("HEALTH_CERTIFICATE_MONTHS", 12, positive_int, low=1, high=36, unit="months"),
        # subscribe-message template (from the mini-program's admin console) for an expiring certificate
        Setting("WECHAT_TEMPLATE_CERTIFICATE", "sfs-certificate-expiring"),
    ),
)
