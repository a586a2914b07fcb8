"""The base every MongoEngine document derives from, and the one rule of who may see a record."""

from __future__ import annotations

from mongoengine import DateTimeField, Document, ObjectIdField, QuerySet, StringField, ValidationError

from backend.core import districts
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.principal import ADMIN, CITIZEN, REGULATOR, Principal
from backend.core.timeutil import utcnow


class BaseDocument(Document):
    meta = {"abstract": True}

    created_at = DateTimeField(default=utcnow, required=True)
    updated_at = DateTimeField(default=utcnow, required=True)

    def audit_view(self) -> dict:
        """What the audit chain keeps of the record: its fields, less the timestamps. A model holding
        personal data says what it keeps instead (masked or left out)."""
        view = self.to_mongo().to_dict()
        view["id"] = view.pop("_id", None)
        view.pop("created_at", None)
        view.pop("updated_at", None)
        return view

    def save(self, *args, **kwargs):
        """Saves after the model's own checks; a value the model refuses (too long, wrong shape) is the
        caller's input error (422 naming the field), never a 500, whichever channel it came through."""
        self.updated_at = utcnow()
        try:
            self.validate()
        except ValidationError as invalid:
            raise InvalidInput(errors=_field_errors(invalid)) from None
        return super().save(*args, validate=False, **kwargs)


def _field_errors(invalid: ValidationError) -> dict:
    def plain(errors):
        if isinstance(errors, dict):
            return {name: plain(inner) for name, inner in errors.items()}
        if isinstance(errors, ValidationError):
            return plain(errors.errors) if errors.errors else [errors.message]
        return [str(errors)]

    return plain(invalid.errors) if invalid.errors else {"_record": [invalid.message]}


class DistrictCodeField(StringField):
    """A GB/T 2260 code as stored (its shape; services check it against the shipped list)."""

    def __init__(self, **kwargs):
        super().__init__(regex=districts.DISTRICT_CODE.pattern, **kwargs)


class ScopedQuerySet(QuerySet):
    """`visible_to(principal)` decides, in one place per kind of record, what a principal may see:
    admins everything, regulators the records in their districts (documents with a `district_scopes`
    list: the district, its city, its province), citizens what `_own(principal)` says they own or
    belong to. Anything else sees nothing. Outside it a record does not exist (404, no leak)."""

    def get_visible(self, principal: Principal, not_found: type[Exception], **key):
        """The one record `key` names (`id=…`, `number=…`) if `principal` may see it; otherwise — not
        there, not theirs, not an id at all — `not_found()` (404, no leak)."""
        if "id" in key and isinstance(self._document._fields["id"], ObjectIdField):
            key["id"] = object_id(key["id"], not_found)
        found = self.visible_to(principal).filter(**key).first()
        if found is None:
            raise not_found()
        return found

    def visible_to(self, principal: Principal):
        if principal.role == ADMIN:
            return self._for_admin()
        if principal.role == REGULATOR:
            return self._for_regulator(principal)
        if principal.role == CITIZEN:
            return self._own(principal)
        return self.none()

    def _for_admin(self):
        return self.clone()

    def _for_regulator(self, principal: Principal):
        return self.filter(district_scopes__in=list(principal.districts))

    def _own(self, principal: Principal):
        return self.none()
