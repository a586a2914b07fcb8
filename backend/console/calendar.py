"""Console: the working-day calendar's years (admins load them; everyone in the console sees the status)."""

from __future__ import annotations

from flask.views import MethodView

from backend.calendars import services
from backend.calendars.schemas import CalendarStatusSchema, CalendarYearInSchema, CalendarYearSchema
from backend.core.principal import ADMIN, REGULATOR
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint

blp = Blueprint(
    "console_calendar",
    __name__,
    url_prefix="/api/v1/console/calendar",
    description="The working-day calendar behind every statutory deadline",
)


@blp.route("")
class CalendarStatus(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, CalendarStatusSchema)
    def get(self):
        """Until when public holidays are known, and a warning when that is near"""
        return services.status()


@blp.route("/years")
class CalendarYears(MethodView):
    @access(ADMIN)
    @blp.arguments(CalendarYearInSchema)
    @blp.response(200, CalendarYearSchema)
    def post(self, body):
        """Load (or replace) a year's public holidays and make-up working days, as the State Council publishes them"""
        return services.load_year(current_principal(), body["year"], body["holidays"], body["makeup_workdays"])
