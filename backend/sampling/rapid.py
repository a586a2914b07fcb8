"""Rapid tests (快检) a business records itself; a failed one opens a disposition case."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from backend.core import context
from backend.core.errors import InvalidInput
from backend.core.ids import object_id
from backend.core.text import Text
from backend.core.timeutil import today_shanghai, utcnow
from backend.registry.services import get_for_member
from backend.routine.models import RoutinePhoto
from backend.sampling.cases import case_deadline, open_case
from backend.sampling.models import (
    FAIL,
    SOURCE_RAPID,
    DispositionCase,
    RapidTest,
)
from backend.workflow.services import create_record

log = logging.getLogger(__name__)


# -- rapid tests -----------------------------------------------------------------------------------


def record_rapid_test(user_id: Any, business_id: Any, values: dict) -> RapidTest:
    business, _role = get_for_member(user_id, business_id)
    tested_at = values["tested_at"]
    now = utcnow()
    if tested_at > now + timedelta(minutes=5):
        raise InvalidInput(errors={"tested_at": [Text("In the future.")]})
    if tested_at < now - timedelta(days=7):
        raise InvalidInput(
            errors={"tested_at": [Text("More than 7 days ago; rapid tests are entered when they are read.")]}
        )
    photo = values.get("photo")
    if photo and RoutinePhoto.objects.missing(business.id, [photo]):
        raise InvalidInput(errors={"photo": [Text("A photo was not uploaded for this business.")]})
    test = RapidTest(
        business_id=business.id,
        district_scopes=list(business.district_scopes),
        food_name=values["food_name"],
        item=values["item"],
        method=values.get("method"),
        verdict=values["verdict"],
        photo=photo,
        operator=values["operator"],
        tested_at=tested_at,
        entered_by=object_id(user_id),
    )
    create_record(test, action="recorded", actor_id=user_id, target_type="rapid_test")
    if test.verdict == FAIL:
        deadline, provisional = case_deadline(today_shanghai())
        hours = context.settings().RAPID_RETEST_HOURS
        open_case(
            DispositionCase(
                id=f"R-{test.id}",
                source=SOURCE_RAPID,
                rapid_test_id=test.id,
                business_id=business.id,
                business_name=business.name,
                district_scopes=list(business.district_scopes),
                food_name=test.food_name,
                failed_items=[test.item],
                opened_at=now,
                notified_on=today_shanghai(),
                retest_request_by=max(tested_at, now - timedelta(hours=hours)) + timedelta(hours=hours),
                deadline=deadline,
                deadline_provisional=provisional,
            ),
            user_id,
        )
    return test


def rapid_tests_for_member(user_id: Any, business_id: Any):
    business, _role = get_for_member(user_id, business_id)
    return RapidTest.objects(business_id=business.id).order_by("-tested_at")
