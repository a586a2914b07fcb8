"""Registration, review, members and documents of food businesses: every rule lives here.

State changes go through `workflow.change_state` (a status precondition), so of two regulators
acting at once exactly one wins and the other gets 409. A USCC is reserved from submission on, not by
a draft: anyone may start a draft with any USCC, and the first to submit it holds it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bson import ObjectId
from mongoengine import NotUniqueError
from redis.exceptions import RedisError

from backend.blobs import services as blobs
from backend.core import context, districts, domains
from backend.core.errors import Forbidden, InvalidInput
from backend.core.ids import object_id
from backend.core.principal import ADMIN, Principal
from backend.core.text import State, Text, Word
from backend.core.timeutil import today_shanghai, utcnow
from backend.public_card import qr
from backend.public_card import services as cards
from backend.registry.errors import (
    AlreadyMember,
    BusinessNotFound,
    ChangeNotFound,
    DocumentNotFound,
    DuplicateUscc,
    InvalidTransition,
    InvitationInvalid,
    StaleVersion,
)
from backend.registry.models import (
    APPROVED,
    BUYER_KINDS,
    CHANGE,
    CHANGE_APPROVED,
    CHANGE_REJECTED,
    CHANGE_SUBMITTED,
    CLOSURE,
    DRAFT,
    EDITABLE_STATUSES,
    HOUSEHOLD,
    KIND_LABELS,
    MANAGER,
    OWNER,
    PUBLIC_STATUSES,
    REJECTED,
    REVOKED,
    STAFF,
    SUBMITTED,
    SUSPENDED,
    Business,
    BusinessChange,
    BusinessDocument,
    Contact,
    Invitation,
    Licence,
    Membership,
)
from backend.registry.validators import licence_kind, normalise_phone, uscc_problem
from backend.workflow.services import change_state, create_record, delete_record

INVITATION_TTL = timedelta(days=7)
# Public codes are typed by people reading a sticker: no characters they confuse (0/O/o, 1/I/l) and no
# punctuation; 17 of these 56 characters carry 98 random bits.
PUBLIC_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
PUBLIC_CODE_LENGTH = 17
MAX_DOCUMENTS_PER_BUSINESS = 50
MAX_DRAFTS_PER_USER = 10
MAX_DOCUMENTS_PER_USER = 200

CATERING_KINDS = set(BUYER_KINDS) - {HOUSEHOLD} | {"central_kitchen"}
LICENCE_PREFIXES = {kind: ("JY",) for kind in CATERING_KINDS}
LICENCE_PREFIXES.update({"food_seller": ("JY", "YB"), "wholesaler": ("JY", "YB"), "farm_base": ("SC", "JY", "YB")})
LICENCE_OPTIONAL_KINDS = {"farm_base"}

# action: (allowed from, to, reason required)
TRANSITIONS = {
    "submit": ((DRAFT, REJECTED), SUBMITTED, False),
    "approve": ((SUBMITTED,), APPROVED, False),
    "reject": ((SUBMITTED,), REJECTED, True),
    "suspend": ((APPROVED,), SUSPENDED, True),
    "revoke": ((APPROVED, SUSPENDED), REVOKED, True),
    "reinstate": ((SUSPENDED, REVOKED), APPROVED, True),
    "close": ((APPROVED, SUSPENDED), REVOKED, False),  # 注销 at the owner's request, once approved
    "change_applied": ((APPROVED, SUSPENDED), None, False),  # 变更: the status stays
}
REVIEW_ACTIONS = ("approve", "reject", "suspend", "revoke", "reinstate")


def new_public_code() -> str:
    return "".join(secrets.choice(PUBLIC_CODE_ALPHABET) for _ in range(PUBLIC_CODE_LENGTH))


# --- who may see what -----------------------------------------------------------------------------


def member_role(business_id: Any, user_id: Any) -> str | None:
    membership = (
        Membership.objects(
            business_id=object_id(business_id, BusinessNotFound), user_id=object_id(user_id, BusinessNotFound)
        )
        .only("role")
        .first()
    )
    return membership.role if membership else None


def get_for_regulator(principal: Principal, business_id: Any) -> Business:
    """Outside the regulator's districts the business does not exist (404, no leak)."""
    if not principal.is_console_user:
        raise BusinessNotFound()
    return Business.objects.get_visible(principal, BusinessNotFound, id=business_id)


def get_for_member(user_id: Any, business_id: Any, roles=(OWNER, MANAGER, STAFF)) -> tuple[Business, str]:
    role = member_role(business_id, user_id)
    if role is None:
        raise BusinessNotFound()
    if role not in roles:
        raise Forbidden(Text("Only the business's {roles} may do this.", roles=Word(" or ".join(roles))))
    business = Business.objects(id=object_id(business_id, BusinessNotFound)).first()
    if business is None:
        raise BusinessNotFound()
    return business, role


def get_for_viewer(principal: Principal, business_id: Any) -> Business:
    """Members of the business and its regulators (and admins) may see it."""
    if principal.is_console_user:
        return get_for_regulator(principal, business_id)
    return get_for_member(principal.user_id, business_id)[0]


def list_mine(principal: Principal) -> list[tuple[Business, str]]:
    roles = {
        m.business_id: m.role
        for m in Membership.objects.of_user(object_id(principal.user_id, BusinessNotFound)).only("business_id", "role")
    }
    businesses = Business.objects.visible_to(principal).order_by("-created_at")
    return [(business, roles[business.id]) for business in businesses if business.id in roles]


def names_for_regulator(principal: Principal, business_ids) -> dict[str, str]:
    """The names of the businesses a list shows (one query for its page), those the principal may see."""
    wanted = {ObjectId(str(b)) for b in business_ids if b and ObjectId.is_valid(str(b))}
    if not wanted:
        return {}
    found = Business.objects.visible_to(principal).filter(id__in=list(wanted)).only("name")
    return {str(b.id): b.name for b in found}


def search_for_regulator(principal: Principal, *, status=None, kind=None, district=None, q=None, order="updated"):
    if not principal.is_console_user:
        raise Forbidden()
    return Business.objects.visible_to(principal).matching(
        status=status, kind=kind, district=district, q=q, order=order
    )


# --- registration -----------------------------------------------------------------------------------


def _validated(kind: str, values: dict) -> dict:
    """Business rules on the fields present in `values`; returns MongoEngine update operands."""
    errors: dict[str, list[str]] = {}
    updates: dict[str, Any] = {}
    if "name" in values:
        updates["name"] = values["name"].strip()
    if "address" in values:
        updates["address"] = values["address"].strip()
    if "district_code" in values:
        code = values["district_code"]
        if not districts.is_known(code):
            errors["district_code"] = [Text("Not a GB/T 2260 administrative division code.")]
        else:
            updates["district_code"] = code
            updates["district_scopes"] = districts.enclosing_codes(code)
    if kind == HOUSEHOLD:
        for field in ("uscc", "licence"):
            if values.get(field):
                errors[field] = [Text("A household registers without a licence or USCC.")]
    else:
        if "uscc" in values and values["uscc"] is not None:
            uscc = values["uscc"].strip().upper()
            problem = uscc_problem(uscc)
            if problem:
                errors["uscc"] = [problem]
            updates["uscc"] = uscc
        if values.get("licence") is not None:
            licence = values["licence"]
            number = (licence.get("number") or "").strip().upper()
            if number:
                prefix = licence_kind(number)
                if prefix is None:
                    errors.setdefault("licence", {}).setdefault("number", []).append(
                        Text("Expected JY + 14 digits, SC + 14 digits or a YB filing number.")
                    )
                elif prefix not in LICENCE_PREFIXES[kind]:
                    errors.setdefault("licence", {}).setdefault("number", []).append(
                        Text(
                            "A {kind} needs a {prefixes} licence.",
                            kind=Word(kind),
                            prefixes="/".join(LICENCE_PREFIXES[kind]),
                        )
                    )
            issued, expires = licence.get("issued_on"), licence.get("expires_on")
            if issued and expires and expires <= issued:
                errors.setdefault("licence", {}).setdefault("expires_on", []).append(
                    Text("Must be after the issue date.")
                )
            if issued and issued > today_shanghai():
                errors.setdefault("licence", {}).setdefault("issued_on", []).append(Text("Cannot be in the future."))
            updates["licence"] = {**licence, "number": number or None}
    if values.get("contact") is not None:
        contact = dict(values["contact"])
        if contact.get("phone") is not None:
            phone = normalise_phone(contact["phone"])
            if phone is None:
                errors.setdefault("contact", {})["phone"] = [Text("A mainland mobile (11 digits) or landline number.")]
            contact["phone"] = phone
        updates["contact"] = contact
    if errors:
        raise InvalidInput(errors=errors)
    return updates


def _apply(business: Business, updates: dict) -> None:
    for field, value in updates.items():
        if field == "licence":
            merged = business.licence.to_mongo().to_dict() if business.licence else {}
            merged.update({k: v for k, v in value.items()})
            business.licence = Licence(**merged)
        elif field == "contact":
            merged = business.contact.to_mongo().to_dict() if business.contact else {}
            merged.update(value)
            business.contact = Contact(**merged)
        else:
            setattr(business, field, value)


def create_draft(user_id: Any, values: dict) -> Business:
    kind = values["kind"]
    if Business.objects.drafts_of(object_id(user_id, BusinessNotFound)).count() >= MAX_DRAFTS_PER_USER:
        raise InvalidInput(
            errors={
                "kind": [
                    Text(
                        "At most {max_drafts_per_user} drafts at a time; submit or delete one.",
                        max_drafts_per_user=MAX_DRAFTS_PER_USER,
                    )
                ]
            }
        )
    business = Business(kind=kind, owner_id=object_id(user_id, BusinessNotFound), status=DRAFT)
    _apply(business, _validated(kind, values))
    return create_record(
        business,
        action="created",
        actor_id=user_id,
        target_type="business",
        then=lambda created: Membership(business_id=created.id, user_id=created.owner_id, role=OWNER).save(
            force_insert=True
        ),
    )


def update_draft(user_id: Any, business_id: Any, values: dict, expected_version: int | None = None) -> Business:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            Text("A business that is {status} cannot be edited.", status=State("business", business.status))
        )
    if expected_version is not None and expected_version != business.version:
        raise StaleVersion()
    _apply(business, _validated(business.kind, values))
    fields = {
        f"set__{name}": getattr(business, name)
        for name in ("name", "address", "district_code", "district_scopes", "uscc", "licence", "contact")
        if getattr(business, name) is not None
    }
    return change_state(
        Business.objects,
        business.id,
        action="updated",
        actor_id=user_id,
        target_type="business",
        from_statuses=EDITABLE_STATUSES,
        expected_version=business.version,
        updates=fields,
        conflict=StaleVersion,
        conflict_message=StaleVersion.default_message,
    )


def _submission_problems(business: Business) -> dict:
    problems: dict[str, Any] = {}
    for field in ("name", "address", "district_code"):
        if not getattr(business, field):
            problems[field] = [Text("Required before submitting.")]
    if not (business.contact and business.contact.name and business.contact.phone):
        problems["contact"] = [Text("A contact person and phone are required before submitting.")]
    if business.kind == HOUSEHOLD:
        return problems
    if not business.uscc:
        problems["uscc"] = [Text("Required before submitting.")]
    licence = business.licence
    if business.kind not in LICENCE_OPTIONAL_KINDS or (licence and licence.number):
        missing = [f for f in ("number", "issued_on", "expires_on", "authority") if not (licence and licence[f])]
        if missing:
            problems["licence"] = {f: [Text("Required before submitting.")] for f in missing}
        elif licence.expires_on < today_shanghai():
            problems["licence"] = {"expires_on": [Text("The licence has expired.")]}
        elif not BusinessDocument.objects(business_id=business.id, kind="licence").first():
            problems["documents"] = [Text("Upload a scan of the licence (kind 'licence') before submitting.")]
    return problems


def submit(user_id: Any, business_id: Any) -> Business:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if business.status not in TRANSITIONS["submit"][0]:
        raise InvalidTransition(
            Text("A business that is {status} cannot be submitted.", status=State("business", business.status))
        )
    problems = _submission_problems(business)
    if problems:
        raise InvalidInput(Text("The registration is incomplete."), errors=problems)
    extra = {"inc__submission_count": 1, "set__status_reason": None}
    if business.uscc:
        extra["set__uscc_claim"] = business.uscc
    try:
        return _transition(
            Business.objects, business.id, "submit", actor_id=user_id, expected_version=business.version, extra=extra
        )
    except NotUniqueError:
        raise DuplicateUscc(errors={"uscc": [Text("Already registered by another business.")]}) from None


def publish_card(business: Business) -> None:
    """The registry's part of the public card: identity, licence, status (a household never has one)."""
    public = business.status in PUBLIC_STATUSES and bool(business.public_code)
    licence = business.licence
    cards.publish_business(
        business.id,
        public_code=business.public_code,
        retired_codes=business.retired_public_codes,
        status=business.status if public else None,
        status_reason=business.status_reason,
        business={
            "name": business.name,
            "kind": business.kind,
            "kind_label": KIND_LABELS[business.kind],
            "address": business.address,
            "district": districts.full_name(business.district_code),
            "district_code": business.district_code,
        },
        location=(business.latitude, business.longitude) if business.latitude is not None else None,
        district_scopes=business.district_scopes,
        licence={
            "number": licence.number,
            "authority": licence.authority,
            "scope": licence.scope,
            "issued_on": licence.issued_on.isoformat() if licence.issued_on else None,
            "expires_on": licence.expires_on.isoformat() if licence.expires_on else None,
        }
        if licence and licence.number
        else None,
    )


def _transition(
    queryset,
    business_id: Any,
    action: str,
    *,
    actor_id: Any,
    reason: str | None = None,
    expected_version: int | None = None,
    extra: dict | None = None,
    conditions: dict | None = None,
) -> Business:
    allowed_from, target, _ = TRANSITIONS.get(action, (None, None, False))
    updates = dict(extra or {})
    if reason is not None:
        updates["set__status_reason"] = reason
    return change_state(
        queryset,
        object_id(business_id, BusinessNotFound),
        action=action,
        actor_id=actor_id,
        target_type="business",
        from_statuses=allowed_from,
        to_status=target,
        updates=updates,
        conditions=conditions,
        expected_version=expected_version,
        audit_extra={"reason": reason} if reason else None,
        not_found=BusinessNotFound,
        conflict=InvalidTransition,
        after_write=publish_card,
        business_id=lambda business: business.id,
    )


def review(
    principal: Principal, business_id: Any, action: str, reason: str | None = None, *, public_code: str | None = None
) -> Business:
    """`public_code`: the code an approval gives, when the caller chooses it (the demo keeps its codes
    across starts, so printed stickers keep working); a new random one otherwise."""
    if action not in REVIEW_ACTIONS:
        raise ValueError(action)
    needs_reason = TRANSITIONS[action][2]
    if needs_reason and not (reason and reason.strip()):
        raise InvalidInput(errors={"reason": [Text("A reason is required.")]})
    business = get_for_regulator(principal, business_id)
    if member_role(business.id, principal.user_id):
        raise Forbidden(Text("A member of a business may not review it."))
    extra: dict[str, Any] = {"set__reviewed_by": object_id(principal.user_id, BusinessNotFound)}
    if action == "approve":
        domains.announce("approval_requested", business_id=business.id)  # a listed business is refused
        extra.update({"set__approved_at": utcnow(), "set__status_reason": None})
        if business.kind != HOUSEHOLD:  # a household is a private person: no public page
            extra["set__public_code"] = public_code or new_public_code()
    if action == "reject":
        extra["unset__uscc_claim"] = True  # a rejected registration holds no USCC until resubmitted
    return _transition(
        Business.objects.visible_to(principal),
        business.id,
        action,
        actor_id=principal.user_id,
        reason=reason.strip() if reason else None,
        extra=extra,
    )


def replace_public_code(principal: Principal, business_id: Any, reason: str) -> Business:
    """Issue a new code (e.g. a sticker was copied onto another shop); the old one then says so."""
    business = get_for_regulator(principal, business_id)
    if not business.public_code:
        raise InvalidTransition(Text("The business has no public code (not approved yet, or a household)."))
    return _transition(
        Business.objects.visible_to(principal),
        business.id,
        "public_code_replaced",
        actor_id=principal.user_id,
        reason=None,
        conditions={"public_code": business.public_code},
        extra={"set__public_code": new_public_code(), "push__retired_public_codes": business.public_code},
    )


def delete_draft(user_id: Any, business_id: Any) -> None:
    """The owner drops a draft (never submitted, or not since a rejection): it and its documents go."""
    business, _ = get_for_member(user_id, business_id, roles=(OWNER,))

    def remove_what_hangs_on_it(draft: Business) -> None:
        Membership.objects.of_business(draft.id).delete()
        Invitation.objects(business_id=draft.id).delete()
        BusinessDocument.objects(business_id=draft.id).delete()

    delete_record(
        Business.objects,
        business.id,
        action="draft_deleted",
        actor_id=user_id,
        target_type="business",
        conditions={"status": DRAFT},
        conflict=InvalidTransition,
        conflict_message=Text(
            "Only a draft can be deleted; this business is {status}.", status=State("business", business.status)
        ),
        after_delete=remove_what_hangs_on_it,
    )


# --- members ------------------------------------------------------------------------------------------


def _invitation_hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    code: str
    role: str
    expires_at: Any


def invite(user_id: Any, business_id: Any, role: str) -> IssuedInvitation:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER,))
    if role not in (MANAGER, STAFF):
        raise InvalidInput(errors={"role": [Text("Invite a manager or staff.")]})
    # 10 characters from an alphabet without look-alikes: easy to read out over the phone.
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))
    invitation = Invitation(
        business_id=business.id,
        code_hash=_invitation_hash(code),
        role=role,
        expires_at=utcnow() + INVITATION_TTL,
        created_by=object_id(user_id, BusinessNotFound),
    )
    create_record(
        invitation,
        action="member_invited",
        actor_id=user_id,
        target_type="business",
        target_id=business.id,
        audit_view=lambda created: {"role": role, "invitation_id": str(created.id)},
    )
    return IssuedInvitation(code=code, role=role, expires_at=invitation.expires_at)


def accept_invitation(user_id: Any, code: str) -> Membership:
    user_oid = object_id(user_id, BusinessNotFound)
    now = utcnow()
    # Spend the invitation first (conditional: unused and unexpired), so it works exactly once.
    invitation = Invitation.objects(code_hash=_invitation_hash(code), used_at=None, expires_at__gt=now).modify(
        new=True, set__used_at=now, set__used_by=user_oid
    )
    if invitation is None:
        raise InvitationInvalid()
    if member_role(invitation.business_id, user_oid):
        Invitation.objects(id=invitation.id).update_one(unset__used_at=True, unset__used_by=True)
        raise AlreadyMember()
    try:
        return create_record(
            Membership(business_id=invitation.business_id, user_id=user_oid, role=invitation.role),
            action="member_joined",
            actor_id=user_id,
            target_type="business",
            target_id=invitation.business_id,
            audit_view=lambda joined: {"user_id": str(user_oid), "role": joined.role},
        )
    except NotUniqueError:
        Invitation.objects(id=invitation.id).update_one(unset__used_at=True, unset__used_by=True)
        raise AlreadyMember() from None


def list_members(user_id: Any, business_id: Any) -> list[Membership]:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    return list(Membership.objects.of_business(business.id).order_by("created_at"))


def remove_member(user_id: Any, business_id: Any, member_user_id: Any) -> None:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER,))
    target = object_id(member_user_id, not_found=BusinessNotFound)
    membership = Membership.objects(business_id=business.id, user_id=target).first()
    if membership is None:
        raise BusinessNotFound(Text("No such member."))
    if membership.role == OWNER:
        raise InvalidInput(errors={"user_id": [Text("The owner cannot be removed.")]})
    delete_record(
        Membership.objects.of_business(business.id),
        membership.id,
        action="member_removed",
        actor_id=user_id,
        target_type="business",
        conditions={"role__ne": OWNER},
        not_found=BusinessNotFound,
        target_id=lambda removed: removed.business_id,
        audit_before=lambda removed: {"user_id": str(removed.user_id), "role": removed.role},
    )


# --- documents ------------------------------------------------------------------------------------------

_SAFE_FILENAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def _display_filename(filename: str | None, kind: str, extension: str) -> str:
    """The name shown on download: the client's stem, made safe, with the extension of the real type."""
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = _SAFE_FILENAME.sub("_", stem).strip("._")[:80] or kind
    return f"{stem}.{extension}"


def add_document(user_id: Any, business_id: Any, kind: str, data: bytes, filename: str | None) -> BusinessDocument:
    business, _ = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if BusinessDocument.objects(business_id=business.id).count() >= MAX_DOCUMENTS_PER_BUSINESS:
        raise InvalidInput(
            errors={
                "file": [
                    Text(
                        "At most {max_documents_per_business} documents per business.",
                        max_documents_per_business=MAX_DOCUMENTS_PER_BUSINESS,
                    )
                ]
            }
        )
    if BusinessDocument.objects(uploaded_by=object_id(user_id, BusinessNotFound)).count() >= MAX_DOCUMENTS_PER_USER:
        raise InvalidInput(
            errors={
                "file": [
                    Text(
                        "At most {max_documents_per_user} documents per person.",
                        max_documents_per_user=MAX_DOCUMENTS_PER_USER,
                    )
                ]
            }
        )
    stored = blobs.store_upload(data, profile=blobs.PHOTO if kind == "storefront_photo" else blobs.DOCUMENT)
    document = BusinessDocument(
        business_id=business.id,
        kind=kind,
        sha256=stored.sha256,
        content_type=stored.content_type,
        size=stored.size,
        filename=_display_filename(filename, kind, stored.extension),
        uploaded_by=object_id(user_id, BusinessNotFound),
    )
    return create_record(
        document,
        action="document_added",
        actor_id=user_id,
        target_type="business",
        target_id=business.id,
        audit_view=lambda added: {
            "document_id": str(added.id),
            "kind": kind,
            "sha256": stored.sha256,
            "content_type": stored.content_type,
        },
    )


def list_documents(business_id: Any) -> list[BusinessDocument]:
    return list(BusinessDocument.objects(business_id=object_id(business_id, BusinessNotFound)).order_by("created_at"))


def with_documents(business: Business) -> Business:
    """The business with its documents attached (`documents`), as its detail view shows it."""
    business.documents = list_documents(business.id)
    return business


def get_document(principal: Principal, business_id: Any, document_id: Any) -> tuple[BusinessDocument, bytes]:
    business = get_for_viewer(principal, business_id)
    document = BusinessDocument.objects(id=object_id(document_id, DocumentNotFound), business_id=business.id).first()
    if document is None:
        raise DocumentNotFound()
    return document, blobs.load(document.sha256)


# --- changes after approval (变更) and closing (注销) -------------------------------------------------------

CHANGEABLE = ("name", "address", "licence", "contact")


def request_change(user_id: Any, business_id: Any, values: dict, *, closure: bool = False) -> BusinessChange:
    """The owner asks to change an approved business (a renewed licence, a new address or contact) or to
    close it. Nothing shows on the card until a regulator of the district approves."""
    business, _ = get_for_member(user_id, business_id, roles=(OWNER,))
    if business.status not in (APPROVED, SUSPENDED):
        raise InvalidTransition(
            Text(
                "A business that is {status} is changed by editing its registration.",
                status=State("business", business.status),
            )
        )
    change = BusinessChange(
        business_id=business.id,
        district_scopes=business.district_scopes,
        kind=CLOSURE if closure else CHANGE,
        requested_by=object_id(user_id, BusinessNotFound),
        note=values.get("note"),
    )
    if not closure:
        wanted = {k: v for k, v in values.items() if k in CHANGEABLE and v is not None}
        if not wanted:
            raise InvalidInput(errors={"_body": [Text("Name at least one of: {fields}", fields=", ".join(CHANGEABLE))]})
        proposed = Business(kind=business.kind, licence=business.licence, contact=business.contact)
        _apply(proposed, _validated(business.kind, wanted))
        for field in wanted:
            setattr(change, field, getattr(proposed, field))
        if "licence" in wanted and proposed.licence.expires_on and proposed.licence.expires_on < today_shanghai():
            raise InvalidInput(errors={"licence": {"expires_on": [Text("The new licence has expired already.")]}})
        documents = [object_id(d, DocumentNotFound) for d in values.get("document_ids") or []]
        if documents and BusinessDocument.objects(id__in=documents, business_id=business.id).count() < len(documents):
            raise DocumentNotFound()
        if "licence" in wanted and not BusinessDocument.objects(id__in=documents, kind="licence").first():
            raise InvalidInput(
                errors={"document_ids": [Text("A new licence needs its scan (a document of kind 'licence').")]}
            )
        change.document_ids = documents

    def claim_the_business(saved: BusinessChange) -> None:
        if Business.objects(id=business.id, pending_change=None).modify(new=True, set__pending_change=saved.id) is None:
            raise InvalidTransition(Text("A change is already waiting for review; wait for it or ask the regulator."))

    return create_record(
        change,
        action=f"{change.kind}_requested",
        actor_id=user_id,
        target_type="business",
        target_id=business.id,
        then=claim_the_business,
    )


def changes_of(user_id: Any, business_id: Any):
    business, _ = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    return BusinessChange.objects(business_id=business.id).order_by("-created_at")


def review_change(principal: Principal, change_id: Any, approve: bool, reason: str | None) -> BusinessChange:
    """A regulator of the district approves (the business and its card take the change) or rejects it."""
    if not principal.is_console_user:
        raise Forbidden()
    if not approve and not (reason or "").strip():
        raise InvalidInput(errors={"reason": [Text("A rejection says why.")]})
    scope = BusinessChange.objects.visible_to(principal)
    change = scope.filter(id=object_id(change_id, ChangeNotFound)).first()
    if change is None:
        raise ChangeNotFound()
    if member_role(change.business_id, principal.user_id):
        raise Forbidden(Text("A member of a business may not review it."))
    if approve:
        domains.announce("approval_requested", business_id=change.business_id)
    reviewed = change_state(
        scope,
        change.id,
        action="approved" if approve else "rejected",
        actor_id=principal.user_id,
        target_type="business_change",
        from_statuses=(CHANGE_SUBMITTED,),
        to_status=CHANGE_APPROVED if approve else CHANGE_REJECTED,
        updates={
            "set__reason": (reason or "").strip() or None,
            "set__reviewed_by": object_id(principal.user_id, BusinessNotFound),
        },
        not_found=ChangeNotFound,
        conflict=InvalidTransition,
    )
    if approve and change.kind == CLOSURE:
        _transition(
            Business.objects,
            change.business_id,
            "close",
            actor_id=principal.user_id,
            reason=reason or "经营者申请注销",
            extra={"unset__pending_change": True},
        )
    elif approve:
        fields = {f"set__{field}": getattr(change, field) for field in CHANGEABLE if getattr(change, field) is not None}
        _transition(
            Business.objects,
            change.business_id,
            "change_applied",
            actor_id=principal.user_id,
            extra={**fields, "unset__pending_change": True},
        )
    else:
        Business.objects(id=change.business_id, pending_change=change.id).update_one(unset__pending_change=True)
    return reviewed


def pending_change_for_regulator(principal: Principal, business_id: Any) -> BusinessChange | None:
    """The change or closure a business asked for that waits for review, if any (one at a time)."""
    business = get_for_regulator(principal, business_id)
    return (
        BusinessChange.objects.visible_to(principal)
        .filter(business_id=business.id, status=CHANGE_SUBMITTED)
        .order_by("-created_at")
        .first()
    )


def pending_changes(principal: Principal):
    if not principal.is_console_user:
        raise Forbidden()
    return BusinessChange.objects.visible_to(principal).filter(status=CHANGE_SUBMITTED).order_by("created_at")


MAX_STICKERS = 500


def codes_for_printing(principal: Principal, district: str) -> list[str]:
    """The public codes of the approved businesses of a district the regulator covers (batch stickers)."""
    if not districts.is_known(district):
        raise InvalidInput(errors={"district": [Text("Not a known district code.")]})
    if not principal.is_console_user or (
        principal.role != ADMIN and not districts.any_covers(principal.districts, district)
    ):
        raise Forbidden(Text("The district is outside yours."))
    found = (
        Business.objects.visible_to(principal)
        .filter(status=APPROVED, public_code__ne=None, district_scopes=district)
        .order_by("name")
        .only("public_code")
    )
    if found.count() > MAX_STICKERS:
        raise InvalidInput(
            errors={
                "district": [
                    Text("More than {max_stickers} businesses: print a county at a time.", max_stickers=MAX_STICKERS)
                ]
            }
        )
    return [business.public_code for business in found]


STICKERS_CACHE_SECONDS = 24 * 3600


def district_stickers_pdf(principal: Principal, district: str) -> bytes:
    """Every approved business's door sticker in the district, one page each. Drawing 500 stickers
    takes seconds of CPU (7.2 s measured), so the PDF is kept in Redis for the day under the digest
    of exactly what it shows: a second print of an unchanged district costs one read."""
    codes = codes_for_printing(principal, district)
    stickers = [qr.Sticker.from_card(card) for card in cards.printable_cards(codes)]
    printed_on = today_shanghai()
    title = f"食品安全信息二维码 {district}"
    digest = hashlib.sha256(
        json.dumps([printed_on.isoformat(), title, [dataclasses.astuple(s) for s in stickers]]).encode()
    ).hexdigest()
    redis = context.stores().binary_redis()
    key = f"stickers:{digest}"
    try:
        cached = redis.get(key)
    except RedisError:
        cached = None
    if cached is not None:
        return cached
    body = qr.stickers_pdf(stickers, printed_on=printed_on, title=title)
    try:
        redis.set(key, body, ex=STICKERS_CACHE_SECONDS)
    except RedisError:
        pass  # printed, just not kept
    return body


def set_location(user_id: Any, business_id: Any, latitude: float, longitude: float) -> Business:
    """Where the business is (a map pick or typed in), in any state; public once it is approved."""
    business, _role = get_for_member(user_id, business_id, roles=(OWNER, MANAGER))
    if not districts.in_china(latitude, longitude):
        raise InvalidInput(errors={"latitude": [Text("Not a point in China (latitude and longitude swapped?).")]})
    return change_state(
        Business.objects,
        business.id,
        action="located",
        actor_id=user_id,
        target_type="business",
        updates={"set__latitude": round(latitude, 6), "set__longitude": round(longitude, 6)},
        after_write=publish_card,
        not_found=BusinessNotFound,
    )


def served_districts(principal: Principal) -> list[str]:
    """The counties where the principal sees approved businesses, in code order: the districts an
    overview compares."""
    return sorted(Business.objects.visible_to(principal).filter(status=APPROVED).distinct("district_code"))


def businesses_by_kind(principal: Principal, district: str | None, kinds=None) -> dict:
    """{kind: [business ids]} of the approved businesses (not households) the principal sees in the
    district, in one query: what coverage indicators count over."""
    found = Business.objects.visible_to(principal).filter(status=APPROVED, kind__ne=HOUSEHOLD)
    if kinds is not None:
        found = found.filter(kind__in=list(kinds))
    if district:
        found = found.filter(district_scopes=district)
    grouped: dict[str, list] = {}
    for business in found.only("kind"):
        grouped.setdefault(business.kind, []).append(business.id)
    return grouped
