"""Food businesses: registration, licences, documents, members, review, public codes."""

from backend.core.domains import Domain

DOMAIN = Domain("registry", work=("backend.registry.work:work",))
