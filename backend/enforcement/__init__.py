"""Enforcement (执法): leads (线索) from cameras, inspections, samples, complaints or by hand, each
reviewed by a person; administrative penalty cases (行政处罚案件) in the ordinary and the simplified
procedure, every step a state change with its deadline on the working-day calendar. The periods the
law gives are settings where the exact figure is local or unsure (`../shared/DOMAIN-RULES.md`)."""

from backend.core.config import positive_int
from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "enforcement",
    work=("backend.enforcement.work:work",),
    card_sections=("backend.enforcement.card:SECTION", "backend.enforcement.card:DISHONEST_CARD"),
    indicators=("backend.enforcement.services:indicators",),
    risk_inputs=("backend.enforcement.credit:risk_inputs",),
    listens=(
        ("violation_suspected", "backend.enforcement.services:on_violation_suspected"),
        ("approval_requested", "backend.enforcement.services:refuse_listed"),
    ),
    settings=(
        # a lead is checked and a case filed or not within this many working days [law; the article: check]
        Setting("LEAD_FILING_WORKING_DAYS", 15, positive_int, low=1, high=60, unit="working days"),
        # the decision within this many days of filing, extendable once by a named official [law as cited]
        Setting("CASE_DECISION_DAYS", 90, positive_int, low=30, high=365, unit="days"),
        Setting("CASE_EXTENSION_DAYS", 30, positive_int, low=1, high=180, unit="days"),
        # the party's statement and defence after the notice [practice: 3-5 working days]
        Setting("STATEMENT_WORKING_DAYS", 5, positive_int, low=3, high=15, unit="working days"),
        # a hearing is asked for within 5 days of the notice [law, art. 64]
        Setting("HEARING_REQUEST_DAYS", 5, positive_int, low=1, high=15, unit="days"),
        # the decision is delivered within 7 days [law, art. 61]
        Setting("DELIVERY_DAYS", 7, positive_int, low=1, high=30, unit="days"),
        # the simplified procedure: a warning or a fine up to these amounts [law, art. 51]
        Setting("SIMPLE_FINE_PERSON_YUAN", 200, positive_int, low=1, high=10_000, unit="yuan"),
        Setting("SIMPLE_FINE_ORGANISATION_YUAN", 3000, positive_int, low=1, high=100_000, unit="yuan"),
        # fines from which the party may ask for a hearing ("较大数额" is set locally [unknown])
        Setting("HEARING_FINE_PERSON_YUAN", 10_000, positive_int, low=1, unit="yuan"),
        Setting("HEARING_FINE_ORGANISATION_YUAN", 100_000, positive_int, low=1, unit="yuan"),
        # public disclosure (SAMR order No. 45): within 20 working days of the decision; shown 3 months
        # for a warning or a small fine (what is small is local [unknown]), 3 years for the rest
        Setting("DISCLOSURE_WORKING_DAYS", 20, positive_int, low=1, high=60, unit="working days"),
        Setting("DISCLOSURE_SMALL_FINE_YUAN", 3000, positive_int, low=1, unit="yuan"),
        Setting("DISCLOSURE_SHORT_MONTHS", 3, positive_int, low=1, high=36, unit="months"),
        Setting("DISCLOSURE_LONG_YEARS", 3, positive_int, low=1, high=10, unit="years"),
        # the serious-dishonesty list: removed after this many years [practice: commonly 3], and credit
        # repair applied for no earlier than this many months after the listing or decision [unknown]
        Setting("DISHONEST_YEARS", 3, positive_int, low=1, high=10, unit="years"),
        Setting("REPAIR_AFTER_MONTHS", 3, positive_int, low=1, high=60, unit="months"),
    ),
)
