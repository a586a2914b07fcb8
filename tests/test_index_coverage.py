"""Every query the suite ran is served by an index the models declare (equality, then sort, then range),
or is a collection scan allowed here with its reason; and every query on a sharded collection names its
shard key, or is a scatter-gather allowed here with its reason. Runs after every other test (conftest)."""

ALLOWED_SCANS: dict[str, str] = {
    "checklists: scan": "the versioned checklists: a few per kind of business, read whole to pick one",
    "lots: range(inputs) sort(lot_code)": "the demo's printed trace URLs: its own few lots, once at start",
}


def test_every_query_shape_is_served_by_a_declared_index(recorded_query_shapes):
    assert len(recorded_query_shapes.seen) > 0
    seen = recorded_query_shapes.seen
    uncovered = [f"{shape}  ← {seen[shape]}" for shape in recorded_query_shapes.uncovered(ALLOWED_SCANS)]
    assert uncovered == [], "\n".join(uncovered)


# Reads that every shard answers, from its own index, by a field the shape compares or sorts on. Writes
# are not among them: the workflow helpers add the shard key to every conditional write.
ALLOWED_SCATTER: dict[str, dict[str, str]] = {
    "*": {
        "_id": "one record by the id a URL or a form carries; the write that follows names the shard key",
        "district_scopes": "a regulator's list or indicator over a district: paged at console rates, and an "
        "indicator of a closed period is counted once (Redis)",
    },
    "audit_log": {
        "target_type": "a record's history, or the log by kind: admins and the console, paged",
        "seq": "the chain's head (each append reads it) and its verification in order: on a range key the "
        "head is on the last chunk",
    },
    "camera_events": {"business_id": "a business's file (一户一档) and its 包保 bulletin: one business's few"},
    "lots": {
        "trace_code": "a code typed or scanned (trace pages, a recall's start, a shipment's inputs, a new "
        "code's check): one index probe per shard",
        "input_ids": "the forward walk of a trace or a recall: a lot's buyers ship to anyone",
        "certificate_id": "the lots that carry one produce certificate",
        "inputs": "the demo's printed trace URLs: its own few lots, once at start",
    },
    "orders": {
        "supplier_id": "a supplier's incoming orders, paged",
        "buyer_business_id": "a business's orders placed by any of its staff, and the 包保 sector checks",
        "number": "a new order number checked among every buyer's: one index probe per shard",
    },
    "public_cards": {
        "public_code": "a card Redis does not hold: at most once a day per card (cached until midnight)",
        "retired_codes": "the same, under an old sticker's code",
        "status": "the public search and the nearby search: paged, each shard walks its (status, name) index",
    },
    "samples": {
        "business_id": "one business's results: its file, its card section, the inspection plan",
        "announcement_id": "the public results, newest announcement first, paged",
        "trace_code": "the results of one traced lot",
    },
}


def test_every_query_on_a_sharded_collection_names_its_shard_key(recorded_query_shapes):
    seen = recorded_query_shapes.seen
    scattered = [f"{shape}  ← {seen[shape]}" for shape in recorded_query_shapes.scattered(ALLOWED_SCATTER)]
    assert scattered == [], "\n".join(scattered)
