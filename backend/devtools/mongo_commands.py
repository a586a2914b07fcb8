"""Counting MongoDB round trips, for the tests that bound them and the benches that print them."""

from __future__ import annotations

import os

READ_WRITE_METHODS = (
    "find",
    "find_one",
    "aggregate",
    "count_documents",
    "estimated_document_count",
    "distinct",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "bulk_write",
)


class MongoCommandCounter:
    """Counts MongoDB round trips while active.

    mongomock emits no command-monitoring events, so calls are counted at the collection layer
    (every method that sends a command); against a real server (MONGODB_URI) the PyMongo command
    monitor counts the commands actually sent, and `server_commands` holds them.
    """

    _monitor_registered = False
    _active: MongoCommandCounter | None = None

    def __init__(self, monkeypatch):
        import mongoengine

        self.calls: list[str] = []
        self.server_commands: list[str] = []
        collection_class = type(mongoengine.get_db()["any"])
        for name in READ_WRITE_METHODS:
            original = getattr(collection_class, name)
            monkeypatch.setattr(collection_class, name, self._counting(name, original))
        if os.environ.get("MONGODB_URI"):
            MongoCommandCounter._active = self

    def _counting(self, name, original):
        counter = self

        def method(collection, *args, **kwargs):
            counter.calls.append(f"{collection.name}.{name}")
            return original(collection, *args, **kwargs)

        return method

    @classmethod
    def register_monitor(cls):
        """Call before any client exists (conftest import) so real-server commands are seen."""
        if cls._monitor_registered or not os.environ.get("MONGODB_URI"):
            return
        from pymongo import monitoring

        class Listener(monitoring.CommandListener):
            def started(self, event):
                if cls._active is not None and event.command_name not in {"endSessions", "ping", "hello", "isMaster"}:
                    cls._active.server_commands.append(event.command_name)

            def succeeded(self, event):
                pass

            def failed(self, event):
                pass

        monitoring.register(Listener())
        cls._monitor_registered = True

    def reset(self):
        self.calls.clear()
        self.server_commands.clear()

    @property
    def count(self) -> int:
        return max(len(self.calls), len(self.server_commands))
