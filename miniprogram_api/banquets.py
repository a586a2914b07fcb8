"""Mini-program: a travelling chef registers and adds certificates; the host or the chef reports a
banquet, records each dish's sample, and the chef completes a small banquet's checklist; an official
completes the visit the size asks; anyone signed in reports a suspected food-safety incident."""

from __future__ import annotations

from flask.views import MethodView

from backend.banquets import services
from backend.banquets.schemas import (
    BanquetInSchema,
    BanquetQuerySchema,
    BanquetSchema,
    ChefCertificateInSchema,
    ChefInSchema,
    ChefSchema,
    DishSampleFormSchema,
    GuidanceDoneSchema,
    GuidanceQuerySchema,
    GuidanceSchema,
    IncidentInSchema,
    IncidentReceiptSchema,
    InsuranceInSchema,
    InsuranceSchema,
)
from backend.blobs.services import read_capped
from backend.core.principal import CITIZEN, OFFICIAL
from backend.core.schemas import PaginationQuerySchema
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint("mp_banquets", __name__, url_prefix="/api/v1/mp", description="Rural banquets: chefs, reports, samples")


@blp.route("/chefs")
class Chefs(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, ChefSchema(many=True))
    def get(self, query):
        """Your chef registration"""
        return paginate(services.my_chefs(current_principal().user_id), query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(ChefInSchema)
    @blp.response(201, ChefSchema)
    @blp.alt_response(409, description="This person is registered already")
    def post(self, body):
        """Register as a travelling chef (乡厨): a regulator or the 食安办 approves"""
        return services.register_chef(current_principal().user_id, body)


@blp.route("/chefs/<oid:chef_id>/certificates")
class ChefCertificates(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ChefCertificateInSchema)
    @blp.response(201, ChefSchema)
    def post(self, body, chef_id):
        """A health certificate (valid at most the staff records' months)"""
        return services.add_chef_certificate(current_principal().user_id, chef_id, body)


@blp.route("/venues/<oid:business_id>/insurance")
class Insurance(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, InsuranceSchema(many=True))
    def get(self, query, business_id):
        """A banquet venue's insurance policies, latest first"""
        return paginate(
            services.insurance_of(current_principal().user_id, business_id), query["page"], query["per_page"]
        )

    @access(CITIZEN)
    @idempotent
    @blp.arguments(InsuranceInSchema)
    @blp.response(201, InsuranceSchema)
    def post(self, body, business_id):
        """Record the venue's insurance (owner, manager)"""
        return services.record_insurance(current_principal().user_id, business_id, body)


@blp.route("/chefs/<oid:chef_id>/photo")
class ChefPhoto(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(200, ChefSchema)
    def put(self, files, chef_id):
        """The chef's photo (JPEG/PNG/WebP), for the regulators who review the registration"""
        return services.attach_chef_photo(current_principal().user_id, chef_id, read_capped(files["file"].stream))


@blp.route("/banquets")
class Banquets(MethodView):
    @access(CITIZEN)
    @blp.arguments(BanquetQuerySchema, location="query")
    @blp.response(200, BanquetSchema(many=True))
    def get(self, query):
        """Banquets you reported, or that you cook"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.banquets_for(current_principal(), **query), page, per_page)

    @access(CITIZEN)
    @blp.arguments(BanquetInSchema)
    @blp.response(201, BanquetSchema)
    def post(self, body):
        """报告登记 before the banquet (the same client_key again: the first report, 200 no, 201 either way)"""
        banquet, _created = services.report_banquet(current_principal().user_id, body)
        return banquet


@blp.route("/banquets/<oid:banquet_id>/samples")
class Samples(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(DishSampleFormSchema, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, BanquetSchema)
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["dish", "grams", "file"],
                        "properties": {
                            "dish": {"type": "string"},
                            "grams": {"type": "integer"},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    )
    def post(self, form, files, banquet_id):
        """留样 of one dish: its weight and a photo (multipart: `dish`, `grams`, `file`)"""
        photo = read_capped(files["file"].stream)
        return services.record_sample(current_principal().user_id, banquet_id, form, photo)


@blp.route("/guidance-tasks")
class MyGuidance(MethodView):
    @access(CITIZEN, OFFICIAL)
    @blp.arguments(GuidanceQuerySchema, location="query")
    @blp.response(200, GuidanceSchema(many=True))
    def get(self, query):
        """Guidance tasks you give: a chef's checklist, an official's visit"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.guidance_for(current_principal(), **query), page, per_page)


@blp.route("/guidance-tasks/<oid:task_id>/photos")
class GuidancePhotos(MethodView):
    @access(CITIZEN, OFFICIAL)
    @idempotent
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, GuidanceSchema)
    def post(self, files, task_id):
        """A photo of the guidance, kept with the open task"""
        return services.add_guidance_photo(current_principal(), task_id, read_capped(files["file"].stream))


@blp.route("/guidance-tasks/<oid:task_id>/done")
class GuidanceDone(MethodView):
    @access(CITIZEN, OFFICIAL)
    @blp.arguments(GuidanceDoneSchema)
    @blp.response(200, GuidanceSchema)
    def post(self, body, task_id):
        """The checklist's results and the guidance's result"""
        return services.complete_guidance(current_principal(), task_id, body)


@blp.route("/incidents")
class Incidents(MethodView):
    @access(CITIZEN, OFFICIAL)
    @idempotent
    @blp.arguments(IncidentInSchema)
    @blp.response(201, IncidentReceiptSchema)
    def post(self, body):
        """Report a suspected food-safety incident (one of your banquets may be named)"""
        return services.report_incident(current_principal(), body)
