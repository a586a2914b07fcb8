"""The purchasing graph at scale, for `bench/recall` and the recall's round-trip test: suppliers ship
lots that buyers split and ship on, up to four hops. Each farm lot is the root of the same tree
(`FAN_OUT` lots from each, `HOPS` deep), so a recall from any first-hop lot touches the same number
of lots whatever the graph's size — only the size of what lies around it changes. Written with
`insert_many` under our own ids, validated as the model defines a lot."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime

from bson import ObjectId

from backend.core.districts import enclosing_codes
from backend.core.timeutil import SHANGHAI
from backend.trace.models import Lot

FAN_OUT, HOPS = 3, 4
TREE = sum(FAN_OUT**hop for hop in range(HOPS + 1))  # 121 lots from each farm lot
BATCH = 10_000


@dataclass
class Graph:
    lots: int
    trees: int
    first_hop_codes: list[str]  # one first-hop lot of each tree: where a recall starts
    leaf_codes: list[str]  # one lot at the last hop of each tree: where a backward trace starts


def generate(
    district: str = "320682",
    *,
    lots: int,
    suppliers: int = 1_000,
    buyers: int = 10_000,
    seed: int = 7,
    prefix: str = "T",
) -> Graph:
    """`lots` (rounded down to whole trees) in `district`; `prefix` keeps two graphs' codes apart."""
    rng = random.Random(seed)
    scopes = enclosing_codes(district)
    supplier_ids = [ObjectId() for _ in range(min(suppliers, max(1, lots // TREE)))]
    buyer_ids = [ObjectId() for _ in range(buyers)]
    produced, shipped = date(2026, 11, 1), datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    collection, batch, written = Lot._get_collection(), [], 0
    first_hops, leaves = [], []

    def lot(code: str, supplier, inputs: list) -> dict:
        document = Lot(
            id=ObjectId(),
            trace_code=code,
            supplier_id=supplier,
            supplier_name="负载测试供应商",
            lot_code=code,
            supplier_lot=code,
            order_id=ObjectId(),
            order_number=f"DD{code}",
            line=0,
            product_id=supplier,
            product_name="青菜",
            category="食用农产品",
            quantity=10.0,
            unit="公斤",
            produced_on=produced,
            origin="江苏如皋",
            input_ids=inputs,
            buyer_user_id=rng.choice(buyer_ids),
            buyer_name="负载测试买方",
            status="accepted",
            shipped_at=shipped,
            district_scopes=scopes,
        )
        if written == 0 and not batch:
            document.validate()
        return document.to_mongo().to_dict()

    trees = lots // TREE
    for tree in range(trees):
        supplier = supplier_ids[tree % len(supplier_ids)]
        level = [lot(f"{prefix}{tree:07d}R", supplier, [])]
        batch.append(level[0])
        for hop in range(1, HOPS + 1):
            following = []
            for parent_index, parent in enumerate(level):
                for branch in range(FAN_OUT):
                    child = lot(f"{prefix}{tree:07d}H{hop}P{parent_index:03d}B{branch}", supplier, [parent["_id"]])
                    following.append(child)
            batch.extend(following)
            if hop == 1:
                first_hops.append(following[0]["trace_code"])
            level = following
        leaves.append(level[-1]["trace_code"])
        if len(batch) >= BATCH:
            collection.insert_many(batch, ordered=False)
            written, batch = written + len(batch), []
    if batch:
        collection.insert_many(batch, ordered=False)
        written += len(batch)
    return Graph(lots=written, trees=trees, first_hop_codes=first_hops, leaf_codes=leaves)
