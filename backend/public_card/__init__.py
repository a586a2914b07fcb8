"""The read model behind the public QR page: built from MongoDB in a bounded number of queries,
cached in Redis (HTML + JSON + ETag), invalidated by the services that change what it shows."""

from backend.core.domains import Domain

DOMAIN = Domain("public_card")
