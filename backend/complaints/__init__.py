"""Complaints (投诉) and reports (举报), 12315-style: submission, tracking, statutory deadlines, KPIs."""

from backend.core.config import rate_limit_reason
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "complaints",
    work=("backend.complaints.work:work",),
    indicators=("backend.complaints.services:indicators",),
    shortfalls=("backend.complaints.kpis:shortfalls",),
    settings=(
        # per client IP and per signed-in user on complaint submission (uploads get 9x); "off" disables
        Setting("COMPLAINT_RATE_LIMIT", "5/hour", check=rate_limit_reason),
    ),
)
