from __future__ import annotations

from mongoengine import DictField, FloatField, ListField, ObjectIdField, QuerySet, StringField

from backend.core.models import BaseDocument

GRADE_FILTERS = ("A", "B", "C", "none")  # what a search may ask of the grade ("none": not yet rated)


class PublicCardQuerySet(QuerySet):
    def listed(self):
        """What the public search shows: approved businesses only."""
        return self.filter(status="approved")

    def graded(self, level: str, section_names):
        """Businesses whose card shows grade `level` (A, B or C) from any of `section_names`; "none" for
        those not yet rated."""
        if level == "none":
            rated = GRADE_FILTERS[:-1]
            return self.filter(
                __raw__={"$nor": [{f"sections.{name}.grade.level": {"$in": rated}} for name in section_names]}
            )
        return self.filter(__raw__={"$or": [{f"sections.{name}.grade.level": level} for name in section_names]})

    def by_code(self, code: str):
        """Current or retired code; one query."""
        return self.filter(__raw__={"$or": [{"public_code": code}, {"retired_codes": code}]})


class PublicCard(BaseDocument):
    """What the public page of one business shows, kept up to date at write time by the services
    that own each part (the registry its `business`, `licence` and status; every other domain its
    entry in `sections`). A card is built from this one document: one query, whatever the domains."""

    id = ObjectIdField(primary_key=True)  # the business id
    public_code = StringField()
    retired_codes = ListField(StringField())
    status = StringField()  # approved | suspended | revoked; None: not public
    status_reason = StringField()
    business = DictField()  # name, kind, kind_label, address, district, district_code
    district_scopes = ListField(StringField())  # for the public list per district
    licence = DictField()  # number, issued_on, expires_on, authority, scope
    latitude = FloatField()  # where the business is, when it said so ("near me")
    longitude = FloatField()
    # section name -> {"data": {...}, "alerts": [...], "grade": {...} | None, "updated_at": datetime}
    sections = DictField()

    meta = {
        "collection": "public_cards",
        "queryset_class": PublicCardQuerySet,
        # Every domain writes its part by business id (an upsert, which needs the whole shard key). The
        # code is unique where it is issued (businesses.public_code); here it is only looked up.
        "shard_key": ("id",),
        "indexes": [
            {"fields": ["public_code"], "sparse": True},
            "retired_codes",
            ("district_scopes", "status"),
            ("latitude", "longitude"),
            ("status", "business.name"),  # the public search: shown cards in name order, filtered as they pass
        ],
    }
