from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from backend.core.principal import ADMIN, BUREAU, OFFICE, REGULATOR, ROLES, SECTOR_KINDS, VIEWER
from backend.core.schemas import DistrictCode, PaginationQuerySchema, StrictSchema, text

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.-]{3,32}$", error="3-32 letters, digits, '_', '.' or '-'.")


class WeChatLoginSchema(StrictSchema):
    code = text(128, required=True)


class PasswordLoginSchema(StrictSchema):
    username = ma.fields.String(required=True, validate=USERNAME)
    password = text(256, required=True, strip=False)


class RefreshSchema(StrictSchema):
    refresh_token = text(256, required=True)


class UserSchema(ma.Schema):
    id = ma.fields.String()
    role = ma.fields.String(validate=validate.OneOf(ROLES))
    username = ma.fields.String(allow_none=True)
    display_name = ma.fields.String(allow_none=True)
    organisation = ma.fields.String(allow_none=True)
    districts = ma.fields.List(ma.fields.String())
    sectors = ma.fields.List(ma.fields.String())
    is_active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class ColleagueQuerySchema(PaginationQuerySchema):
    district = DistrictCode(
        metadata={"description": "Only those who cover this district (whom an inspection there may name)."}
    )
    q = text(32, metadata={"description": "Part of the name or username."})


class TokenPairSchema(ma.Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    expires_in = ma.fields.Integer(metadata={"description": "Access token lifetime in seconds."})
    token_type = ma.fields.String()


class TokenResponseSchema(TokenPairSchema):
    user = ma.fields.Nested(UserSchema)


class ConsoleUserCreateSchema(StrictSchema):
    username = ma.fields.String(required=True, validate=USERNAME)
    password = text(256, required=True, strip=False)
    role = ma.fields.String(required=True, validate=validate.OneOf((REGULATOR, ADMIN, OFFICE, BUREAU, VIEWER)))
    districts = ma.fields.List(DistrictCode(), load_default=list, validate=validate.Length(max=50))
    sectors = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(SECTOR_KINDS)),
        load_default=list,
        validate=validate.Length(max=len(SECTOR_KINDS)),
        metadata={"description": "bureau: the kinds of canteen it oversees"},
    )
    display_name = text(64)
    organisation = text(128)
