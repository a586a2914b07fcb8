"""The business's own food-safety routine (三件事): its risk-control list, daily checks (日管控), weekly
reviews (周排查) and monthly meetings (月调度)."""

from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "routine",
    card_sections=("backend.routine.card:SECTION",),
    indicators=("backend.routine.kpis:indicators",),
    settings=(
        # how many days late a daily check, weekly or monthly record may be entered (never for the future)
        Setting("ROUTINE_BACKFILL_DAYS", 7, int, low=0, high=62, unit="days"),
        # from this hour (Asia/Shanghai) a business with no daily check today is reminded, once
        Setting("DAILY_CHECK_REMINDER_HOUR", 17, int, low=0, high=23, unit="hours"),
        Setting("WECHAT_TEMPLATE_DAILY_CHECK", "sfs-daily-check-missed"),
    ),
)
