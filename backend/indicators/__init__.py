"""The indicators' catalogue (as data: what each measures, its unit and direction, the plan and clause
its target comes from, whether the public sees it), the targets per district and year, and each
indicator evaluated against its target with its trend over the previous period — computed through the
one KPI contract (`backend.core.indicators`), by the domain that counts it."""

from backend.core.domains import Domain

DOMAIN = Domain("indicators")
