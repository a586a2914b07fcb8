"""Mini-program: an official binds the account with the invitation code, lists their businesses and
tasks, supervises remotely (the overview, snapshots with faces blurred, a frame kept) or on site, and
completes tasks; officials and business heads sign their pledges."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import CITIZEN, OFFICIAL
from backend.core.schemas import PaginationQuerySchema
from backend.supervision import services
from backend.supervision.schemas import (
    AssignmentSchema,
    BindSchema,
    CaptureInSchema,
    CompleteSchema,
    OfficialSchema,
    OverviewSchema,
    PledgeSchema,
    PledgeToSignSchema,
    SignSchema,
    SupervisionChecklistSchema,
    SupervisionTaskQuerySchema,
    SupervisionTaskSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import download, private_response
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent
from backend.web.pagination import paginate

blp = Blueprint("mp_supervision", __name__, url_prefix="/api/v1/mp", description="包保: officials and pledges")


@blp.route("/official/bind")
class Bind(MethodView):
    @access(CITIZEN)
    @blp.arguments(BindSchema)
    @blp.response(200, OfficialSchema)
    def post(self, body):
        """Bind this WeChat account to an official with the invitation code the 食安办 gave"""
        return services.bind_official(current_principal().user_id, body["code"])


@blp.route("/official/businesses")
class MyBusinesses(MethodView):
    @access(OFFICIAL)
    @blp.arguments(PaginationQuerySchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    def get(self, query):
        """The businesses paired with you"""
        return paginate(services.assignments(current_principal()), query["page"], query["per_page"])


@blp.route("/official/businesses/<oid:business_id>/overview")
class Overview(MethodView):
    @access(OFFICIAL)
    @blp.response(200, OverviewSchema)
    def get(self, business_id):
        """足不出户: cameras, open problems and rectifications, daily checks, staff, samples of one of yours"""
        return services.business_overview(current_principal(), business_id)


@blp.route("/official/businesses/<oid:business_id>/cameras/<oid:camera_id>/snapshot.jpg")
class Snapshot(MethodView):
    @access(OFFICIAL)
    @blp.response(200, content_type="image/jpeg")
    def get(self, business_id, camera_id):
        """The camera's latest snapshot, faces blurred"""
        return private_response(services.snapshot(current_principal(), business_id, camera_id), "image/jpeg")


@blp.route("/official/checklist")
class Checklist(MethodView):
    @access(OFFICIAL)
    @blp.response(200, SupervisionChecklistSchema)
    def get(self):
        """The supervision checklist in force"""
        return services.checklist()


@blp.route("/official/tasks")
class MyTasks(MethodView):
    @access(OFFICIAL)
    @blp.arguments(SupervisionTaskQuerySchema, location="query")
    @blp.response(200, SupervisionTaskSchema(many=True))
    def get(self, query):
        """Your supervision tasks, by due day (overdue=true: open past it)"""
        page, per_page = query.pop("page"), query.pop("per_page")
        return paginate(services.tasks_for(current_principal(), **query), page, per_page)


@blp.route("/official/tasks/<oid:task_id>/photos")
class Photos(MethodView):
    @access(OFFICIAL)
    @idempotent
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, SupervisionTaskSchema)
    def post(self, files, task_id):
        """A photo taken on site (JPEG/PNG/WebP), kept with the open task"""
        return services.add_photo(current_principal(), task_id, read_capped(files["file"].stream))


@blp.route("/official/tasks/<oid:task_id>/capture")
class Capture(MethodView):
    @access(OFFICIAL)
    @blp.arguments(CaptureInSchema)
    @blp.response(200, SupervisionTaskSchema)
    def post(self, body, task_id):
        """Keep a camera's latest frame with the task (a remote visit's evidence)"""
        return services.capture_for_task(current_principal(), task_id, body["camera_id"])


@blp.route("/official/tasks/<oid:task_id>/complete")
class Complete(MethodView):
    @access(OFFICIAL)
    @idempotent
    @blp.arguments(CompleteSchema)
    @blp.response(200, SupervisionTaskSchema)
    @blp.alt_response(409, description="Completed already, or its quarter's window closed")
    def post(self, body, task_id):
        """Record the supervision: on site (photos sent to …/photos first, and the position) or remote"""
        return services.complete_task(current_principal(), task_id, body)


@blp.route("/pledges")
class Pledges(MethodView):
    @access(CITIZEN, OFFICIAL)
    @blp.response(200, PledgeToSignSchema(many=True))
    def get(self):
        """What you sign: as an official, your pledge; as a business head, one per business; current text"""
        return services.pledges_to_sign(current_principal().user_id)

    @access(CITIZEN, OFFICIAL)
    @idempotent
    @blp.arguments(SignSchema)
    @blp.response(201, PledgeSchema)
    @blp.alt_response(409, description="Signed already, or the text changed")
    def post(self, body):
        """Sign the current text (send the version and SHA-256 you were shown)"""
        device = request.headers.get("X-Device") or request.headers.get("User-Agent")
        return services.sign_pledge(current_principal().user_id, body, device)


@blp.route("/pledges/<oid:pledge_id>.pdf")
class PledgePdf(MethodView):
    @access(CITIZEN, OFFICIAL)
    @blp.response(200, content_type="application/pdf")
    def get(self, pledge_id):
        """Your signed pledge, printable"""
        pledge, data = services.pledge_pdf(current_principal().user_id, pledge_id)
        return download(data, "application/pdf", f"承诺书-{pledge.signed_name}.pdf")
