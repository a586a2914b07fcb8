"""Regulator workflow on complaints in their districts, deadlines and KPIs."""

from __future__ import annotations

from flask.views import MethodView

from backend.complaints import services
from backend.complaints.schemas import (
    AssignSchema,
    CloseSchema,
    ConsoleComplaintSchema,
    ConsoleQuerySchema,
    ContactSchema,
    NoteSchema,
    ReplyInSchema,
)
from backend.core.principal import ADMIN, REGULATOR
from backend.core.schemas import EmptySchema, ReasonSchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import private_response
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_complaints",
    __name__,
    url_prefix="/api/v1/console/complaints",
    description="Complaint handling within statutory deadlines (regulators of the target's district)",
)


def _shown(complaint):
    """The record as officials see it: the phone masked (the handler asks for it at /contact)."""
    complaint.complainant_shown = services.masked_complainant(complaint)
    return complaint


@blp.route("")
class ConsoleComplaints(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(ConsoleQuerySchema, location="query")
    @blp.response(200, ConsoleComplaintSchema(many=True))
    def get(self, query):
        """Complaints in your districts; filter by status, kind, category, overdue, due within 2 working days"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return [_shown(c) for c in paginate(services.search(current_principal(), **query), page, per_page)]


indicator_views(
    blp,
    "/kpis",
    services.indicators,
    what="Complaint indicators",
    filename="complaint-kpis",
)


@blp.route("/<number>")
class ConsoleComplaint(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, ConsoleComplaintSchema)
    def get(self, number):
        """One complaint"""
        return _shown(services.get_for_regulator(current_principal(), number))


@blp.route("/<number>/photos/<int:index>")
class ComplaintPhoto(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, number, index):
        """A photo of the complaint (0-based index; `photo_count` says how many)"""
        content_type, data = services.photo_for_regulator(current_principal(), number, index)
        return private_response(data, content_type)


@blp.route("/<number>/contact")
class ComplainantContact(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, ContactSchema)
    def get(self, number):
        """The complainant's full name, phone and address: the assigned handler only, and audited"""
        return services.contact_for_handler(current_principal(), number)


def _action_view(action: str, schema, call, doc: str):
    class Action(MethodView):
        @access(REGULATOR, ADMIN)
        @blp.arguments(schema)
        @blp.response(200, ConsoleComplaintSchema)
        def post(self, body, number):
            return _shown(call(current_principal(), number, body))

    Action.post.__doc__ = doc
    Action.__name__ = f"{action.title()}Complaint"
    blp.route(f"/<number>/{action}", endpoint=action)(Action)


_action_view(
    "accept",
    EmptySchema,
    lambda p, n, b: services.accept(p, n),
    f"Accept (within {services.ACCEPT_DAYS} working days of receipt)",
)
_action_view("refuse", ReasonSchema, lambda p, n, b: services.refuse(p, n, b["reason"]), "Refuse, with the reason")
_action_view(
    "assign",
    AssignSchema,
    lambda p, n, b: services.assign(p, n, b["assignee_id"], b.get("office")),
    "Assign to an official of the district (and an office)",
)
_action_view(
    "handle", NoteSchema, lambda p, n, b: services.handle(p, n, b["note"]), "Record handling (the assigned official)"
)
_action_view(
    "reply",
    ReplyInSchema,
    lambda p, n, b: services.reply(p, n, b["text"]),
    "Reply to the submitter (the assigned official)",
)
_action_view(
    "close",
    CloseSchema,
    lambda p, n, b: services.close(p, n, b["result"], upheld=b["upheld"]),
    "Close (the assigned official)",
)
_action_view(
    "extend",
    ReasonSchema,
    lambda p, n, b: services.extend(p, n, b["reason"]),
    "Extend a report's verification once by 15 working days",
)
