"""The settings and stores the current code runs with, for services that take ids and values.

No Flask here: the web layer installs a resolver (the current app's runtime) once per process, and a
job or a command line tool runs its work inside `use(runtime)`. A runtime set with `use` wins over the
resolver, so a background job in the web process sees the stores it was given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from backend.core.config import Settings
from backend.core.stores import Stores


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    stores: Stores


_current: ContextVar[Runtime | None] = ContextVar("sfs_runtime", default=None)
_resolver: Callable[[], Runtime | None] | None = None


def install_resolver(resolver: Callable[[], Runtime | None]) -> None:
    """Where to find the runtime when none was set with `use` (the web layer: the current app's)."""
    global _resolver
    _resolver = resolver


@contextlib.contextmanager
def use(runtime: Runtime) -> Iterator[Runtime]:
    token = _current.set(runtime)
    try:
        yield runtime
    finally:
        _current.reset(token)


def from_environment() -> Runtime:
    """For command-line tools and workers: the settings of the environment and their stores."""
    from backend.core.config import load_settings

    settings = load_settings()
    return Runtime(settings, Stores.connect(settings))


def current() -> Runtime:
    runtime = _current.get()
    if runtime is None and _resolver is not None:
        runtime = _resolver()
    if runtime is None:
        raise RuntimeError("no runtime: run inside an app context or context.use(runtime)")
    return runtime


def settings() -> Settings:
    return current().settings


def stores() -> Stores:
    return current().stores


def redis():
    return current().stores.redis
