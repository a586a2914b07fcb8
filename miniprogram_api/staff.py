"""Mini-program: the business's staff, their health certificates, and its food-safety team (owner, manager)."""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import CITIZEN
from backend.core.schemas import PaginationQuerySchema
from backend.notifications import services as notifications
from backend.notifications.schemas import NotificationSchema
from backend.staff import services
from backend.staff.schemas import (
    CertificateCreateSchema,
    CertificateSchema,
    HandlerStatusSchema,
    SafetyProfileInSchema,
    SafetyProfileSchema,
    SafetyTeamSchema,
    StaffCreateSchema,
    StaffEndSchema,
    StaffQuerySchema,
    StaffSchema,
    StaffUpdateSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint(
    "mp_staff",
    __name__,
    url_prefix="/api/v1/mp/businesses/<oid:business_id>",
    description="Staff, health certificates (健康证明) and the food-safety team (三类人)",
)


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/staff")
class Staff(MethodView):
    @access(CITIZEN)
    @blp.arguments(StaffQuerySchema, location="query")
    @blp.response(200, StaffSchema(many=True))
    def get(self, query, business_id):
        """Staff, current and past (owner, manager); `current=true` for those employed today"""
        people = services.list_staff(_user_id(), business_id, current_only=query["current"])
        return paginate(people, query["page"], query["per_page"])

    @access(CITIZEN)
    @idempotent
    @blp.arguments(StaffCreateSchema)
    @blp.response(201, StaffSchema)
    def post(self, body, business_id):
        """Add a staff member; the ID number is validated and kept only as a keyed hash"""
        return services.add_staff(_user_id(), business_id, body)


@blp.route("/staff/<oid:staff_id>")
class StaffMember(MethodView):
    @access(CITIZEN)
    @blp.response(200, StaffSchema)
    def get(self, business_id, staff_id):
        """One staff member"""
        return services.get_staff(_user_id(), business_id, staff_id)

    @access(CITIZEN)
    @blp.arguments(StaffUpdateSchema)
    @blp.response(200, StaffSchema)
    def patch(self, body, business_id, staff_id):
        """Change post, phone, food handling, safety roles or this year's training hours"""
        return services.update_staff(_user_id(), business_id, staff_id, body)


@blp.route("/staff/<oid:staff_id>/end")
class EndEmployment(MethodView):
    @access(CITIZEN)
    @blp.arguments(StaffEndSchema)
    @blp.response(200, StaffSchema)
    def post(self, body, business_id, staff_id):
        """Record that the person left: the record is kept as history"""
        return services.end_staff(_user_id(), business_id, staff_id, body["ended_on"])


@blp.route("/staff/<oid:staff_id>/photo")
class StaffPhoto(MethodView):
    @access(CITIZEN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(200, StaffSchema)
    def post(self, files, business_id, staff_id):
        """A photo of the staff member (JPEG/PNG/WebP); never on the public card"""
        return services.attach_photo(_user_id(), business_id, staff_id, read_capped(files["file"].stream))


@blp.route("/staff/<oid:staff_id>/health-certificates")
class HealthCertificates(MethodView):
    @access(CITIZEN)
    @blp.response(200, CertificateSchema(many=True))
    def get(self, business_id, staff_id):
        """The person's health certificates, newest expiry first"""
        return list(services.list_certificates(_user_id(), business_id, staff_id))

    @access(CITIZEN)
    @idempotent
    @blp.arguments(CertificateCreateSchema)
    @blp.response(201, CertificateSchema)
    def post(self, body, business_id, staff_id):
        """Record a health certificate; expiry defaults to one year after issue"""
        return services.add_certificate(_user_id(), business_id, staff_id, body)


@blp.route("/staff/<oid:staff_id>/health-certificates/<oid:certificate_id>/scan")
class CertificateScan(MethodView):
    @access(CITIZEN)
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(200, CertificateSchema)
    def post(self, files, business_id, staff_id, certificate_id):
        """A scan of the certificate (image or PDF)"""
        return services.attach_scan(
            _user_id(), business_id, staff_id, certificate_id, read_capped(files["file"].stream)
        )


@blp.route("/food-handlers")
class FoodHandlers(MethodView):
    @access(CITIZEN)
    @blp.response(200, HandlerStatusSchema(many=True))
    def get(self, business_id):
        """Today's food handlers with their cover: who may not handle food, and since when"""
        return services.food_handlers(_user_id(), business_id)


@blp.route("/health-certificates/expiring")
class ExpiringCertificates(MethodView):
    @access(CITIZEN)
    @blp.response(200, HandlerStatusSchema(many=True))
    def get(self, business_id):
        """Food handlers whose certificate runs out within 30 days"""
        return services.expiring_certificates(_user_id(), business_id)


@blp.route("/safety-team")
class SafetyTeam(MethodView):
    @access(CITIZEN)
    @blp.response(200, SafetyTeamSchema)
    def get(self, business_id):
        """Head, officers and director (三类人), whether a director is required, and what is missing"""
        return services.team_for_member(_user_id(), business_id)


@blp.route("/safety-profile")
class SafetyProfile(MethodView):
    @access(CITIZEN)
    @blp.arguments(SafetyProfileInSchema)
    @blp.response(200, SafetyProfileSchema)
    def put(self, body, business_id):
        """Scale and diners per meal: they decide whether a food-safety director is required"""
        return services.set_profile(_user_id(), business_id, body)


@blp.route("/notifications")
class Notifications(MethodView):
    @access(CITIZEN)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    def get(self, query, business_id):
        """Reminders sent about the business (certificates running out, daily checks missing), to whom, when"""
        found = notifications.history_for_member(_user_id(), business_id)
        return paginate(found, query["page"], query["per_page"])
