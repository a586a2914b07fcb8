"""Everything anonymous: the QR pages (`/q/...`), the complaint form and status pages
(`/complaints/...`), the public JSON API (`/api/v1/public/...`) and Open311 (`/open311/v2/...`).

The pages form a small Flask app deployable alone (`wsgi:lookup_app`, built by
`backend.app.create_lookup_app`); the JSON blueprints are part of the API app's OpenAPI document.
"""
