"""Query shapes and which index serves them: equality, then sort, then range."""

import pytest

from backend.devtools.query_shapes import Shape, served, shapes_of


def test_a_filter_becomes_equality_range_and_sort_fields():
    (shape,) = shapes_of(
        "samples",
        {"district_scopes": "320682", "status": {"$in": ["a", "b"]}, "sampled_on": {"$gte": 1, "$lte": 2}},
        [("sampled_on", -1)],
    )
    assert shape == Shape("samples", ("district_scopes", "status"), ("sampled_on",), ("sampled_on",))


def test_each_branch_of_an_or_is_a_shape_of_its_own():
    shapes = shapes_of("complaints", {"district_scopes": "x", "$or": [{"number": 1}, {"query_key_hash": 2}]})
    assert {s.equality for s in shapes} == {("district_scopes", "number"), ("district_scopes", "query_key_hash")}


def test_no_filter_is_a_scan():
    assert str(shapes_of("cameras", {})[0]) == "cameras: scan"


@pytest.mark.parametrize(
    ("equality", "ranges", "sort", "index", "result"),
    [
        (("business_id",), (), (), ["business_id", "day"], True),  # a prefix
        (("day",), (), (), ["business_id", "day"], False),  # not the first field
        (("business_id",), ("day",), (), ["business_id", "day"], True),  # equality, then range
        (("business_id",), (), ("created_at",), ["business_id", "created_at"], True),  # equality, then sort
        ((), (), ("created_at",), ["created_at"], True),  # a sort alone
        ((), ("created_at",), (), ["created_at"], True),  # a range alone
        (("district_scopes",), (), ("-",), ["status"], False),
        ((), (), (), ["_id"], False),  # a scan
    ],
)
def test_an_index_serves_a_shape_it_can_walk(equality, ranges, sort, index, result):
    assert served(Shape("c", equality, ranges, sort), index) is result


def test_a_pattern_is_a_range_and_an_elem_match_names_its_inner_fields():
    import re

    (shape,) = shapes_of(
        "recalls", {"status": "open", "name": re.compile("面馆"), "targets": {"$elemMatch": {"holder": 1, "state": 2}}}
    )
    assert shape.equality == ("status", "targets.holder", "targets.state") and shape.ranges == ("name",)


def test_a_query_on_a_sharded_collection_is_targeted_by_its_shard_key_or_excused_by_a_field(app_context):
    from backend.devtools.query_shapes import Recorder

    recorder = Recorder()
    for query in (
        {"supplier_id": 1, "order_id": 2},  # targeted
        {"supplier_id": {"$in": [1, 2]}},  # targeted: the shards of those values
        {"order_id": 2},  # every shard
        {"trace_code": "X"},  # every shard, excused below
        {"supplier_id": {"$gt": 1}},  # a range on a hashed key: every shard
    ):
        recorder.seen.update({shape: "here" for shape in shapes_of("lots", query)})
    recorder.seen.update({shape: "here" for shape in shapes_of("complaints", {"number": 1})})  # not sharded
    scattered = recorder.scattered({"lots": {"trace_code": "a code typed or scanned"}})
    assert {str(shape) for shape in scattered} == {"lots: eq(order_id)", "lots: range(supplier_id)"}
