"""The layout holds: domains without Flask, core without domains, HTTP modules that only translate,
and no import cycle between packages. Read from the source (every import, also inside functions)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "miniprogram_api", "public_lookup", "video_worker")
# backend/ subpackages that are not domains: the Flask-free kernel, the web layer, the console's HTTP
# modules, and development tooling.
NOT_DOMAINS = {"core", "web", "console", "demo", "devtools"}
HTTP_LIBRARIES = ("flask", "flask_smorest", "werkzeug", "webargs")
WEB_LAYER = ("backend.web", "backend.console", "backend.app", "miniprogram_api", "public_lookup")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    found["wsgi"] = ROOT / "wsgi.py"
    return found


MODULES = _modules()


def _imports(module: str) -> set[str]:
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _unit(module: str) -> str:
    """The package an import belongs to: backend.<x> for the backend, else the top-level name."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "backend" and len(parts) > 1 else parts[0]


def _within(name: str, prefixes) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


DOMAINS = sorted(
    {
        m.split(".")[1]
        for m in MODULES
        if m.startswith("backend.") and len(m.split(".")) > 2 and m.split(".")[1] not in NOT_DOMAINS
    }
)


def test_the_tree_has_the_domains_we_expect():
    assert {"accounts", "audit", "blobs", "complaints", "public_card", "registry", "workflow"} <= set(DOMAINS)


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_imports_no_flask_and_no_web_layer(domain):
    offending = {
        (module, name)
        for module in MODULES
        if module.startswith(f"backend.{domain}")
        for name in _imports(module)
        if _within(name, HTTP_LIBRARIES + WEB_LAYER)
    }
    assert not offending


# Rooms a domain goes without, and why (every other domain has models, services, schemas and errors).
WITHOUT = {
    ("blobs", "models.py"): "blobs are files named by their SHA-256 (store.py), not documents",
    ("blobs", "schemas.py"): "uploads arrive inside other domains' contracts",
    ("calendars", "models.py"): "the calendar's years are core's (backend.core.calendar): every deadline needs them",
    ("workflow", "models.py"): "it changes other domains' records",
    ("workflow", "schemas.py"): "it has no contract of its own",
}


@pytest.mark.parametrize("domain", DOMAINS)
def test_a_domain_has_its_rooms(domain):
    rooms = {path.name for path in (ROOT / "backend" / domain).glob("*.py")}
    expected = {
        room for room in ("models.py", "services.py", "schemas.py", "errors.py") if (domain, room) not in WITHOUT
    }
    assert expected <= rooms
    assert not {room for (name, room) in WITHOUT if name == domain} & rooms  # an exemption no longer needed
    assert "views.py" not in rooms  # HTTP lives by audience, not in the domain


def _audit_writes(module: str) -> list[int]:
    """Lines where `module` appends to the audit chain itself (`audit.record(...)` or `record(...)`
    imported from backend.audit.services)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    modules, functions = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "backend.audit":
            modules |= {alias.asname or alias.name for alias in node.names if alias.name == "services"}
        elif isinstance(node, ast.ImportFrom) and node.module == "backend.audit.services":
            functions |= {alias.asname or alias.name for alias in node.names if alias.name == "record"}
        elif isinstance(node, ast.Import):
            modules |= {alias.asname for alias in node.names if alias.name == "backend.audit.services" and alias.asname}
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in modules
            )
            or (isinstance(node.func, ast.Name) and node.func.id in functions)
        )
    ]


def test_audit_entries_are_written_only_by_the_workflow_helpers():
    """Every write goes through `change_state`, `create_record(s)`, `delete_record`, `upsert_record` (or
    `record_access` for an audited read), so no entry is ever written apart from its write."""
    writers = {
        module: lines
        for module in MODULES
        if not _within(module, ("backend.workflow", "backend.audit"))
        if (lines := _audit_writes(module))
    }
    assert writers == {}


def test_every_export_writes_csv_through_the_one_writer():
    """`backend.core.tables.csv_text` neutralises formula cells; a csv.writer elsewhere would not (the
    demo's writer makes an input file, not an export)."""
    writers = [
        module
        for module in MODULES
        if module not in ("backend.core.tables",) and not module.startswith("backend.demo")
        for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in ("writer", "DictWriter")
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]
    assert writers == []


def test_the_audit_check_sees_a_hand_written_entry(tmp_path, monkeypatch):
    sample = tmp_path / "sample.py"
    sample.write_text("from backend.audit import services as log\n\ndef f():\n    log.record(actor='x')\n")
    monkeypatch.setitem(MODULES, "backend.sample", sample)
    assert _audit_writes("backend.sample") == [4]


def test_every_domain_is_installed_and_declares_what_it_brings():
    """One list of domains (`backend.core.domains.INSTALLED`), each declaring `DOMAIN` in its package;
    whatever it names (card sections, jobs, indicators) exists."""
    from backend.core import domains

    assert sorted(domains.INSTALLED) == DOMAINS
    for domain in domains.loaded():
        for reference in (*domain.card_sections, *domain.indicators):
            assert domains.resolve(reference) is not None
        for job in domain.jobs:
            module, _, function = job.rpartition(".")
            assert callable(getattr(importlib.import_module(module), function)), job


def test_core_imports_no_domain_and_no_flask():
    offending = {
        (module, name)
        for module in MODULES
        if module.startswith("backend.core")
        for name in _imports(module)
        if _within(name, HTTP_LIBRARIES) or (name.startswith("backend.") and not _within(name, ("backend.core",)))
    }
    assert not offending


def test_http_modules_only_translate():
    """No query in an HTTP module: they parse, call a service and serialize."""
    http_modules = [m for m in MODULES if _within(m, ("miniprogram_api", "public_lookup", "backend.console"))]
    assert http_modules
    querying = [
        m
        for m in http_modules
        if any(
            isinstance(node, ast.Attribute) and node.attr == "objects"
            for node in ast.walk(ast.parse(MODULES[m].read_text(encoding="utf-8")))
        )
    ]
    assert not querying


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components: each with more than one package is a cycle."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_between_packages():
    graph: dict[str, set[str]] = {}
    for module in MODULES:
        source = _unit(module)
        for name in _imports(module):
            if _within(name, PACKAGES) and _unit(name) != source:
                graph.setdefault(source, set()).add(_unit(name))
    assert _cycles(graph) == []


def test_the_import_test_can_fail():
    """The checks above read what they should: a known import is seen, a known cycle is found."""
    assert "backend.core.principal.Principal" in _imports("backend.web.access")
    assert _unit("backend.registry.services") == "backend.registry" and _unit("public_lookup.pages") == "public_lookup"
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_tests_and_benchmarks_do_not_import_test_modules():
    offenders = []
    for path in [*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").iterdir()]:
        if path.is_file() and (path.suffix == ".py" or path.parent.name == "bench"):
            text = path.read_text(encoding="utf-8", errors="replace")
            tree = ast.parse(text) if path.suffix == ".py" or text.startswith("#!") else None
            if tree is None:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module:
                    is_test_module = any(
                        part.startswith("test_") or part == "conftest" for part in node.module.split(".")
                    )
                    from_tests_in_bench = path.parent.name == "bench" and node.module.startswith("tests")
                    if is_test_module or from_tests_in_bench:
                        offenders.append((str(path.relative_to(ROOT)), node.module))
    assert not offenders
