"""The shapes of the MongoDB queries the code runs, and whether an index the models declare serves each.

A shape is what decides index use: the collection, the fields compared for equality (`$in` and
`$elemMatch` count as equality, as MongoDB's planner treats them for a prefix), the fields compared by
range (`$gt`, `$lt`, `$ne`, `$exists`, `$regex` …) and the sort. A `$or` is one shape per branch (each
branch needs its own index). Recorded at the collection layer on mongomock (`install_mongomock`) or
from a real server's command monitoring (`record_command`).

An index serves a shape when it can be walked the way the planner walks it — equality, then sort, then
range (ESR): its leading fields are the shape's equality fields (in any order), then its sort fields in
order, then at most one range field; it serves at all when at least its first field is used. A query
with no filter and no sort is a collection scan, served by nothing."""

from __future__ import annotations

import inspect
import json
import re
import threading
import traceback
from dataclasses import dataclass

RANGE_OPERATORS = {"$gt", "$gte", "$lt", "$lte", "$ne", "$nin", "$exists", "$regex", "$not", "$type", "$size", "$mod"}
EQUALITY_OPERATORS = {"$eq", "$in", "$elemMatch", "$all"}
METHODS = (
    "estimated_document_count",  # from the collection's metadata: no query (recorded as nothing)
    "find",
    "find_one",
    "count_documents",
    "distinct",
    "update_one",
    "update_many",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "find_one_and_delete",
    "replace_one",
    "aggregate",
)


@dataclass(frozen=True, order=True)
class Shape:
    collection: str
    equality: tuple[str, ...]
    ranges: tuple[str, ...]
    sort: tuple[str, ...]

    def __str__(self) -> str:
        parts = [f"eq({', '.join(self.equality)})" if self.equality else ""]
        parts.append(f"range({', '.join(self.ranges)})" if self.ranges else "")
        parts.append(f"sort({', '.join(self.sort)})" if self.sort else "")
        return f"{self.collection}: " + " ".join(p for p in parts if p) if any(parts) else f"{self.collection}: scan"


def _fields(query: dict, prefix: str = "") -> list[tuple[set[str], set[str]]]:
    """The (equality, range) field sets of a filter, one pair per `$or` branch combination."""
    found = [(set(), set())]
    for key, value in (query or {}).items():
        if key in ("$and",):
            for part in value:
                found = [(e | e2, r | r2) for e, r in found for e2, r2 in _fields(part, prefix)]
        elif key in ("$or", "$nor"):
            branches = [pair for part in value for pair in _fields(part, prefix)]
            found = [(e | e2, r | r2) for e, r in found for e2, r2 in branches] or found
        elif key.startswith("$"):
            continue  # $where, $text, $comment: not index-shaped
        else:
            name = prefix + key
            if isinstance(value, re.Pattern):  # a pattern: a range at best (anchored), a scan of the index else
                found = [(e, r | {name}) for e, r in found]
            elif isinstance(value, dict) and isinstance(value.get("$elemMatch"), dict):
                inner = _fields(value["$elemMatch"], name + ".")
                found = [(e | e2, r | r2) for e, r in found for e2, r2 in inner]
            elif isinstance(value, dict) and value and all(op.startswith("$") for op in value):
                ops = set(value)
                if ops & RANGE_OPERATORS and not ops & EQUALITY_OPERATORS:
                    found = [(e, r | {name}) for e, r in found]
                else:
                    found = [(e | {name}, r) for e, r in found]
            else:
                found = [(e | {name}, r) for e, r in found]
    return found


def shapes_of(collection: str, query: dict | None, sort=None) -> list[Shape]:
    keys = tuple(field for field, _direction in (sort or ()))
    return [
        Shape(collection, tuple(sorted(equality)), tuple(sorted(ranges - equality)), keys)
        for equality, ranges in _fields(query or {})
    ]


def served(shape: Shape, index: list[str]) -> bool:
    """Whether an index (its field names in order) serves the shape, equality then sort then range."""
    if not index:
        return False
    position = 0
    while position < len(index) and index[position] in shape.equality:
        position += 1
    used = position
    sort = [field for field in shape.sort if field not in index[:position]]
    if sort:
        if index[position : position + len(sort)] == sort:
            position += len(sort)
            used = position
        elif used == 0:
            return False
    if position < len(index) and index[position] in shape.ranges:
        used = position + 1
    return used > 0


def declared_indexes() -> dict[str, list[list[str]]]:
    """Every collection's indexes as the MongoEngine models declare them (with `_id`)."""
    from mongoengine.base import _document_registry

    found: dict[str, list[list[str]]] = {}
    for document in _document_registry.values():
        meta = getattr(document, "_meta", {})
        if meta.get("abstract") or not meta.get("collection"):
            continue
        specs = found.setdefault(meta["collection"], [["_id"]])
        for spec in meta.get("index_specs") or []:
            specs.append([field for field, _direction in spec["fields"]])
        for name, field in document._fields.items():
            if getattr(field, "unique", False):
                specs.append([field.db_field or name])
    return found


def declared_shard_keys() -> dict[str, str]:
    """Each sharded collection's shard key, by the leading field the models declare (`meta["shard_key"]`),
    as stored (`_id` for the primary key)."""
    from mongoengine.base import _document_registry

    found: dict[str, str] = {}
    for document in _document_registry.values():
        meta = getattr(document, "_meta", {})
        if meta.get("abstract") or not meta.get("collection") or not meta.get("shard_key"):
            continue
        field = document._fields[meta["shard_key"][0]]
        found[meta["collection"]] = "_id" if field.primary_key else field.db_field
    return found


def targeted(shape: Shape, shard_key: str) -> bool:
    """Whether mongos can send the query to the shards that hold the answer: the shard key is compared
    for equality (a `$in` goes to the shards of its values)."""
    return shard_key in shape.equality


class Recorder:
    """Every query shape seen while installed, with a place that ran it."""

    def __init__(self) -> None:
        self.seen: dict[Shape, str] = {}
        self._lock = threading.Lock()

    def record(self, collection: str, query: dict | None, sort=None) -> None:
        with self._lock:
            for shape in shapes_of(collection, query, sort):
                if shape not in self.seen and (where := _caller()):
                    self.seen[shape] = where

    def install_mongomock(self, monkeypatch) -> None:
        import mongomock.collection

        recorder = self
        for name in METHODS:
            original = getattr(mongomock.collection.Collection, name)
            monkeypatch.setattr(mongomock.collection.Collection, name, _recording(recorder, name, original))

    def record_command(self, command_name: str, command: dict) -> None:
        """From a real server's CommandStartedEvent."""
        collection = command.get(command_name)
        if not isinstance(collection, str):
            return
        if command_name in ("find", "count", "distinct"):
            self.record(collection, command.get("filter") or command.get("query"), _sort(command.get("sort")))
        elif command_name in ("update", "delete"):
            for statement in command.get("updates") or command.get("deletes") or ():
                self.record(collection, statement.get("q"))
        elif command_name == "findAndModify":
            self.record(collection, command.get("query"), _sort(command.get("sort")))
        elif command_name == "aggregate":
            self._record_pipeline(collection, command.get("pipeline") or [])

    def _record_pipeline(self, collection: str, pipeline: list) -> None:
        match = pipeline[0].get("$match") if pipeline and "$match" in pipeline[0] else None
        sort = pipeline[1].get("$sort") if match is not None and len(pipeline) > 1 and "$sort" in pipeline[1] else None
        self.record(collection, match, _sort(sort))

    def uncovered(self, allowed: dict[str, str] | None = None) -> list[Shape]:
        """The shapes no declared index serves, minus the allowed scans (by `str(shape)` or collection)."""
        indexes, allowed = declared_indexes(), allowed or {}
        return sorted(
            shape
            for shape in self.seen
            if str(shape) not in allowed
            and shape.collection not in allowed
            and not any(served(shape, index) for index in indexes.get(shape.collection, [["_id"]]))
        )

    def scattered(self, allowed: dict[str, dict[str, str]] | None = None) -> list[Shape]:
        """The shapes on a sharded collection that every shard must answer (no shard key), minus those
        allowed: `allowed[collection][field]` (or `allowed["*"][field]`) names a field whose presence in
        the shape (compared, or sorted on) makes the scatter acceptable, with the reason."""
        keys, allowed = declared_shard_keys(), allowed or {}
        found = []
        for shape in self.seen:
            key = keys.get(shape.collection)
            if key is None or targeted(shape, key):
                continue
            excused = {**allowed.get("*", {}), **allowed.get(shape.collection, {})}
            if not excused.keys() & {*shape.equality, *shape.ranges, *shape.sort}:
                found.append(shape)
        return sorted(found)

    def dump(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(
                sorted((str(shape), where) for shape, where in self.seen.items()), out, ensure_ascii=False, indent=1
            )


def _caller() -> str | None:
    """Where in our code a query was made: the innermost frame of `backend/` outside this module and the
    store's lock; None for a query only a test or a bench made (not the platform's)."""
    for frame in reversed(traceback.extract_stack()):
        if "/backend/" in frame.filename and not frame.filename.endswith(("/query_shapes.py", "/core/stores.py")):
            return f"{frame.filename.rsplit('/backend/', 1)[1]}:{frame.lineno}"
    return None


def _sort(spec) -> list[tuple[str, int]]:
    if not spec:
        return []
    if isinstance(spec, dict):
        return list(spec.items())
    return [(field, direction) for field, direction in spec]


_inside = threading.local()  # mongomock's methods call each other (aggregate reads through find): once


def _recording(recorder: Recorder, name: str, original):
    def method(collection, *args, **kwargs):
        if getattr(_inside, "active", False):
            return original(collection, *args, **kwargs)
        _inside.active = True
        try:
            return _recorded(recorder, name, original, collection, args, kwargs)
        finally:
            _inside.active = False

    return method


def _recorded(recorder: Recorder, name: str, original, collection, args, kwargs):
    if name == "find":  # recorded when first read, once its sort is known
        query = args[0] if args else kwargs.get("filter")
        return _SortSpy(original(collection, *args, **kwargs), recorder, collection.name, query, kwargs.get("sort"))
    if name == "estimated_document_count":
        return original(collection, *args, **kwargs)
    if name == "aggregate":
        recorder._record_pipeline(collection.name, list(args[0]) if args else list(kwargs.get("pipeline", [])))
    elif name == "distinct":
        recorder.record(collection.name, kwargs.get("filter", args[1] if len(args) > 1 else None))
    else:
        recorder.record(collection.name, args[0] if args else kwargs.get("filter"), kwargs.get("sort"))
    return original(collection, *args, **kwargs)


class _SortSpy:
    """A cursor that records its query's shape when first read, with the sort it was given by then
    (`find(...).sort(...)`, as MongoEngine builds it). Methods that return the cursor return the spy."""

    def __init__(self, cursor, recorder: Recorder, collection: str, query, sort) -> None:
        self._cursor, self._recorder, self._collection, self._query = cursor, recorder, collection, query
        self._sort, self._recorded, self._limit = _sort(sort), False, 0

    def _read(self):
        if not self._recorded:
            self._recorded = True
            if self._query or self._sort or self._limit != 1:  # else any one document: no scan
                self._recorder.record(self._collection, self._query, self._sort)
        return self._cursor

    def sort(self, key_or_list, direction=None):
        self._sort = [(key_or_list, direction or 1)] if isinstance(key_or_list, str) else list(key_or_list)
        self._cursor = self._cursor.sort(key_or_list, direction) if direction else self._cursor.sort(key_or_list)
        return self

    def __getattr__(self, name):
        attribute = getattr(self._cursor, name)
        if not inspect.ismethod(attribute):  # a property such as `collection` (itself "callable")
            return attribute

        def call(*args, **kwargs):
            if name == "limit":
                self._limit = args[0] if args else kwargs.get("limit", 0)
            result = attribute(*args, **kwargs)
            if result is self._cursor or type(result) is type(self._cursor):
                self._cursor = result
                return self
            self._read()
            return result

        return call

    def __iter__(self):
        self._read()
        return self

    def __next__(self):
        return next(self._read())

    def __getitem__(self, index):
        result = self._read()[index]
        return self if type(result) is type(self._cursor) else result
