"""Content-addressed blob storage and the upload pipeline (sniff, cap, re-encode)."""

from backend.core.domains import Domain

DOMAIN = Domain("blobs")
