"""The rules shipped as data (`data/director_rules.json`): when a business needs a food-safety
director, and how many training hours a year the team is expected to have."""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def director_rules() -> dict:
    return json.loads(resources.files("backend.staff").joinpath("data/director_rules.json").read_text("utf-8"))


def director_required(
    kind: str, *, scale: str | None, diners_per_meal: int | None, serves_kindergarten: bool = False
) -> tuple[bool, str | None]:
    """(required, why) for a business of this kind and size."""
    rules = director_rules()
    if kind in rules["always"]:
        return True, f"{kind} always needs a food-safety director"
    if scale and scale in rules["by_scale"].get(kind, ()):
        return True, f"a {scale} {kind} needs a food-safety director"
    thresholds = rules["diners_per_meal_over"]
    limit = thresholds.get("kindergarten") if serves_kindergarten else thresholds.get(kind, thresholds["*"])
    if diners_per_meal is not None and diners_per_meal > limit:
        return True, f"more than {limit} diners per meal"
    return False, None


def expected_training_hours() -> int:
    return int(director_rules()["training_hours_per_year"])
