"""Rural banquets (农村集体聚餐): travelling chefs with their public card, banquet venues' insurance,
banquet reports against each district's threshold, graded guidance by size, sample retention, and
food-safety incidents that hold a business's grade, open a lead and may start a recall."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "banquets",
    work=("backend.banquets.work:work",),
    indicators=("backend.banquets.kpis:indicators",),
    grade_holds=("backend.banquets.services:grade_hold",),
    settings=(
        # no grade within this many months after a confirmed food-safety incident [law as cited in the
        # grading rules: SAMR order No. 49's practice]
        Setting("INCIDENT_GRADE_HOLD_MONTHS", 6, positive_int, low=1, high=24, unit="months"),
        # the WeChat subscribe-message template a chef or an official is reminded of guidance with
        Setting("WECHAT_TEMPLATE_BANQUET", "sfs-banquet-guidance"),
    ),
)
