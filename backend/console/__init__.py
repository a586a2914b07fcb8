"""HTTP API for regulators and admins (`/api/v1/console/...`, and console sign-in under
`/api/v1/auth`): one module per domain, each parsing, calling its domain's services, serializing."""
