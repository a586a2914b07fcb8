"""The one way a record changes state: a conditional update on its status, one winner, one audit
entry, and the public card invalidated after the write. Every workflow uses it."""

from backend.core.domains import Domain

DOMAIN = Domain("workflow")
