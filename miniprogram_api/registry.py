"""Mini-program: register a business, edit and submit it, members, documents.

Mini-program endpoints are for citizens (WeChat users): regulators and admins act through the
console, so a reviewer can never also be the one who registers.
"""

from __future__ import annotations

from flask.views import MethodView

from backend.blobs.services import read_capped
from backend.core.principal import CITIZEN
from backend.registry import services
from backend.registry.models import DOCUMENT_KINDS
from backend.registry.schemas import (
    BusinessChangeInSchema,
    BusinessChangeSchema,
    BusinessCreateSchema,
    BusinessDetailSchema,
    BusinessSchema,
    BusinessUpdateSchema,
    ClosureInSchema,
    DocumentFormSchema,
    DocumentSchema,
    InvitationAcceptSchema,
    InvitationCreateSchema,
    InvitationSchema,
    LocationSchema,
    MemberSchema,
    MyBusinessSchema,
)
from backend.web.access import access, current_principal
from backend.web.blueprint import Blueprint
from backend.web.downloads import document_response
from backend.web.fields import FileUploadSchema
from backend.web.idempotency import idempotent

blp = Blueprint("mp_businesses", __name__, url_prefix="/api/v1/mp", description="Food business registration")


def _user_id() -> str:
    return current_principal().user_id


@blp.route("/businesses")
class Businesses(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(BusinessCreateSchema)
    @blp.response(201, BusinessSchema)
    def post(self, body):
        """Register a business as a draft; you become its owner. Send an Idempotency-Key to retry safely"""
        return services.create_draft(_user_id(), body)


@blp.route("/businesses/mine")
class MyBusinesses(MethodView):
    @access(CITIZEN)
    @blp.response(200, MyBusinessSchema(many=True))
    def get(self):
        """Businesses you are a member of, with your role"""
        result = []
        for business, role in services.list_mine(current_principal()):
            business.my_role = role
            result.append(business)
        return result


@blp.route("/businesses/<oid:business_id>")
class Business(MethodView):
    @access(CITIZEN)
    @blp.response(200, BusinessDetailSchema)
    def get(self, business_id):
        """One of your businesses, with its documents"""
        return services.with_documents(services.get_for_member(_user_id(), business_id)[0])

    @access(CITIZEN)
    @blp.arguments(BusinessUpdateSchema)
    @blp.response(200, BusinessSchema)
    def patch(self, body, business_id):
        """Edit a draft or rejected registration (owner, manager)"""
        version = body.pop("version", None)
        return services.update_draft(_user_id(), business_id, body, expected_version=version)

    @access(CITIZEN)
    @blp.response(204)
    def delete(self, business_id):
        """Delete a draft (owner); a submitted registration cannot be deleted"""
        services.delete_draft(_user_id(), business_id)


@blp.route("/businesses/<oid:business_id>/submit")
class Submit(MethodView):
    @access(CITIZEN)
    @blp.response(200, BusinessSchema)
    def post(self, business_id):
        """Submit (or resubmit after rejection) for review"""
        return services.submit(_user_id(), business_id)


@blp.route("/businesses/<oid:business_id>/documents")
class Documents(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(DocumentFormSchema, location="form")
    @blp.arguments(FileUploadSchema, location="files")
    @blp.response(201, DocumentSchema)
    # one multipart body holds both parts: documented as such, so generated clients send `kind` too
    @blp.doc(
        requestBody={
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["kind", "file"],
                        "properties": {
                            "kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
                            "file": {"type": "string", "format": "binary"},
                        },
                    }
                }
            },
        }
    )
    def post(self, form, files, business_id):
        """Upload a document (multipart: `file`, `kind`). JPEG/PNG/WebP/PDF, at most 10 MB and 40 megapixels"""
        upload = files["file"]
        return services.add_document(_user_id(), business_id, form["kind"], read_capped(upload.stream), upload.filename)


@blp.route("/businesses/<oid:business_id>/documents/<oid:document_id>")
class Document(MethodView):
    @access(CITIZEN)
    @blp.response(200, content_type="application/octet-stream")
    def get(self, business_id, document_id):
        """Download a document (members of the business)"""
        return document_response(*services.get_document(current_principal(), business_id, document_id))


@blp.route("/businesses/<oid:business_id>/invitations")
class Invitations(MethodView):
    @access(CITIZEN)
    @blp.arguments(InvitationCreateSchema)
    @blp.response(201, InvitationSchema)
    def post(self, body, business_id):
        """Invite a manager or staff member (owner); the one-time code expires in 7 days"""
        return services.invite(_user_id(), business_id, body["role"])


@blp.route("/invitations/accept")
class AcceptInvitation(MethodView):
    @access(CITIZEN)
    @blp.arguments(InvitationAcceptSchema)
    @blp.response(201, MemberSchema)
    def post(self, body):
        """Join a business with an invitation code"""
        return services.accept_invitation(_user_id(), body["code"])


@blp.route("/businesses/<oid:business_id>/members")
class Members(MethodView):
    @access(CITIZEN)
    @blp.response(200, MemberSchema(many=True))
    def get(self, business_id):
        """Members of the business (owner, manager)"""
        return services.list_members(_user_id(), business_id)


@blp.route("/businesses/<oid:business_id>/members/<oid:member_user_id>")
class Member(MethodView):
    @access(CITIZEN)
    @blp.response(204)
    def delete(self, business_id, member_user_id):
        """Remove a manager or staff member (owner)"""
        services.remove_member(_user_id(), business_id, member_user_id)


@blp.route("/businesses/<oid:business_id>/changes")
class BusinessChanges(MethodView):
    @access(CITIZEN)
    @blp.response(200, BusinessChangeSchema(many=True))
    def get(self, business_id):
        """Change and closure requests of the business, newest first"""
        return list(services.changes_of(_user_id(), business_id))

    @access(CITIZEN)
    @idempotent
    @blp.arguments(BusinessChangeInSchema)
    @blp.response(201, BusinessChangeSchema)
    def post(self, body, business_id):
        """Ask to change an approved business (变更: licence, address, contact, name); the card keeps the
        approved version until a regulator approves"""
        return services.request_change(_user_id(), business_id, body)


@blp.route("/businesses/<oid:business_id>/closure")
class BusinessClosure(MethodView):
    @access(CITIZEN)
    @idempotent
    @blp.arguments(ClosureInSchema)
    @blp.response(201, BusinessChangeSchema)
    def post(self, body, business_id):
        """Ask to close the business (注销); it takes effect when a regulator approves"""
        return services.request_change(_user_id(), business_id, body, closure=True)


@blp.route("/businesses/<oid:business_id>/location")
class Location(MethodView):
    @access(CITIZEN)
    @blp.arguments(LocationSchema)
    @blp.response(200, BusinessDetailSchema)
    def put(self, body, business_id):
        """Where the business is (a map pick, WGS-84): it is then found by "near me" once approved"""
        return services.set_location(current_principal().user_id, business_id, body["latitude"], body["longitude"])
