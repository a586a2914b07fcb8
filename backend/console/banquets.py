"""Regulators' and the 食安办's banquet work: chefs to review, banquets reported, guidance tasks,
food-safety incidents with their handling, decision and recall, and the indicators."""

from __future__ import annotations

from flask.views import MethodView

from backend.banquets import kpis, services
from backend.banquets.schemas import (
    BanquetQuerySchema,
    BanquetSchema,
    ChefQuerySchema,
    ChefReviewSchema,
    ChefSchema,
    GuidanceDoneSchema,
    GuidanceQuerySchema,
    GuidanceSchema,
    IncidentDecisionSchema,
    IncidentInSchema,
    IncidentQuerySchema,
    IncidentRecallsSchema,
    IncidentSchema,
    IncidentStepInSchema,
    VenueSchema,
)
from backend.blobs.services import read_capped, sniff
from backend.core.principal import ADMIN, OFFICE, REGULATOR
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import private_response
from backend.web.fields import FileUploadSchema
from backend.web.indicators import indicator_views
from backend.web.pagination import paginate

blp = Blueprint(
    "console_banquets", __name__, url_prefix="/api/v1/console", description="Rural banquets and food-safety incidents"
)


@blp.route("/chefs")
class Chefs(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.arguments(ChefQuerySchema, location="query")
    @blp.response(200, ChefSchema(many=True))
    def get(self, query):
        """Travelling chefs of your districts (status=pending: to review)"""
        return paginate(
            services.chefs_for(current_principal(), status=query.get("status")), query["page"], query["per_page"]
        )


@blp.route("/chefs/<oid:chef_id>/photo")
class ChefPhoto(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.response(200, content_type="image/jpeg")
    def get(self, chef_id):
        """The chef's photo, to check against the person at review"""
        data = services.chef_photo(current_principal(), chef_id)
        return private_response(data, sniff(data) or "application/octet-stream")


@blp.route("/chefs/<oid:chef_id>/review")
class ReviewChef(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.arguments(ChefReviewSchema)
    @blp.response(200, ChefSchema)
    @blp.alt_response(409, description="Banned from food work, no valid certificate, or reviewed meanwhile")
    def post(self, body, chef_id):
        """Approve (a public card) or reject, with the reason"""
        return services.review_chef(current_principal(), chef_id, body)


@blp.route("/venues")
class Venues(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.response(200, VenueSchema(many=True))
    def get(self):
        """Banquet venues (集中办酒场所) of your districts, each with its insurance in force (or none)"""
        return services.venues_for(current_principal())


@blp.route("/banquets")
class Banquets(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.arguments(BanquetQuerySchema, location="query")
    @blp.response(200, BanquetSchema(many=True))
    def get(self, query):
        """Banquets reported in your districts (month=2026-11, late=true)"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.banquets_for(current_principal(), **query), page, per_page)


@blp.route("/guidance-tasks")
class Guidance(MethodView):
    @access(REGULATOR, OFFICE, ADMIN)
    @blp.arguments(GuidanceQuerySchema, location="query")
    @blp.response(200, GuidanceSchema(many=True))
    def get(self, query):
        """Guidance tasks of your districts, by due day (overdue=true: open past it)"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.guidance_for(current_principal(), **query), page, per_page)


@blp.route("/guidance-tasks/<oid:task_id>/photos")
class GuidancePhotos(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, GuidanceSchema)
    def post(self, files, task_id):
        """A photo of the on-site visit, kept with the open task"""
        return services.add_guidance_photo(current_principal(), task_id, read_capped(files["file"].stream))


@blp.route("/guidance-tasks/<oid:task_id>/done")
class GuidanceDone(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(GuidanceDoneSchema)
    @blp.response(200, GuidanceSchema)
    def post(self, body, task_id):
        """A regulator's on-site visit the day before a large banquet (or a visit no official took)"""
        return services.complete_guidance(current_principal(), task_id, body)


@blp.route("/incidents")
class Incidents(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    def get(self, query):
        """Food-safety incidents of your districts (status=suspected: to handle now)"""
        return paginate(
            services.incidents_for(current_principal(), status=query.get("status")), query["page"], query["per_page"]
        )

    @access(REGULATOR, ADMIN)
    @blp.arguments(IncidentInSchema)
    @blp.response(201, IncidentSchema)
    def post(self, body):
        """Register a suspected incident a regulator learnt of (a hospital's report, a call)"""
        return services.report_incident(current_principal(), body)


@blp.route("/incidents/<oid:incident_id>")
class OneIncident(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(200, IncidentSchema)
    def get(self, incident_id):
        """One incident with its handling steps"""
        return services.get_incident(current_principal(), incident_id)


@blp.route("/incidents/<oid:incident_id>/steps")
class Steps(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(IncidentStepInSchema)
    @blp.response(200, IncidentSchema)
    def post(self, body, incident_id):
        """应急处置: a handling step, samples taken, the lots involved"""
        return services.add_step(current_principal(), incident_id, body)


@blp.route("/incidents/<oid:incident_id>/decision")
class Decision(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.arguments(IncidentDecisionSchema)
    @blp.response(200, IncidentSchema)
    @blp.alt_response(409, description="Decided meanwhile")
    def post(self, body, incident_id):
        """Confirmed (the business's grade held 6 months, a lead opened) or not food-borne, with the reason"""
        return services.decide_incident(current_principal(), incident_id, body)


@blp.route("/incidents/<oid:incident_id>/recall")
class Recall(MethodView):
    @access(REGULATOR, ADMIN)
    @blp.response(201, IncidentRecallsSchema)
    def post(self, incident_id):
        """Start a recall from each lot the handling named"""
        return {"recalls": services.recall_for_incident(current_principal(), incident_id)}


indicator_views(
    blp,
    "/banquets/kpis",
    kpis.indicators,
    what="Banquets reported (in time), guidance per size, samples kept, incidents and people ill",
    filename="banquet-kpis",
    roles=(REGULATOR, ADMIN, OFFICE),
)
