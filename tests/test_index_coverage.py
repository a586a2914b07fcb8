"""Every query the suite ran is served by an index the models declare (equality, then sort, then range),
or is a collection scan allowed here with its reason. Runs after every other test (conftest)."""

ALLOWED_SCANS: dict[str, str] = {
    "checklists: scan": "the versioned checklists: a few per kind of business, read whole to pick one",
    "lots: range(inputs) sort(lot_code)": "the demo's printed trace URLs: its own few lots, once at start",
}


def test_every_query_shape_is_served_by_a_declared_index(recorded_query_shapes):
    assert len(recorded_query_shapes.seen) > 0
    seen = recorded_query_shapes.seen
    uncovered = [f"{shape}  ← {seen[shape]}" for shape in recorded_query_shapes.uncovered(ALLOWED_SCANS)]
    assert uncovered == [], "\n".join(uncovered)
