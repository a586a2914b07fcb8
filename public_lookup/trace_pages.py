"""`/t/<trace_code>`: the trace page of a lot (一品一码), its QR code, and `/c/<number>`: a produce
certificate (承诺达标合格证) as its QR code shows it. Chinese, no JavaScript; no prices, no buyers."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from backend.public_card import qr
from backend.trace import services
from backend.web.access import PUBLIC, access
from backend.web.limits import limit_public

blp = Blueprint("trace_pages", __name__)
CACHE = {"Cache-Control": "public, max-age=60"}


@blp.get("/t/<code>")
@access(PUBLIC)
def trace_page(code: str):
    limit_public()
    return render_template("trace.html", t=services.public_trace(code)), 200, CACHE


@blp.get("/t/<code>/qr.svg")
@access(PUBLIC)
def trace_qr(code: str):
    limit_public()
    lot = services.lot_by_trace_code(code)
    return Response(qr.svg(services.trace_url(lot.trace_code)), mimetype="image/svg+xml", headers=CACHE)


@blp.get("/c/<number>")
@access(PUBLIC)
def certificate_page(number: str):
    limit_public()
    return render_template("certificate.html", c=services.public_certificate(number)), 200, CACHE
