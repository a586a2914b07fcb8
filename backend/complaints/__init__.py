"""Complaints (投诉) and reports (举报), 12315-style: submission, tracking, statutory deadlines, KPIs."""
