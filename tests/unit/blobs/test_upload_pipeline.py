"""Crafted uploads, made here: nothing reaches the store as sent."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from backend.blobs import services as blobs
from backend.blobs.errors import UploadDamaged, UploadTooLarge, UploadTypeNotAccepted
from tests.builders import pdf, png_declaring


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # Make
    gps = {1: "N", 2: (31.0, 6.0, 40.0), 3: "E", 4: (121.0, 22.0, 50.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png(width=32, height=32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "green").save(out, format="PNG")
    return out.getvalue()


def test_exif_and_gps_are_stripped(app_context):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825) is not None
    stored = blobs.store_upload(data)
    clean = blobs.load(stored.sha256)
    assert stored.content_type == "image/jpeg"
    assert not Image.open(io.BytesIO(clean)).getexif()
    assert b"SpyCam" not in clean


def test_type_comes_from_bytes_not_name(app_context):
    stored = blobs.store_upload(pdf())  # the view passes a name like "photo.jpg": it plays no part
    assert stored.content_type == "application/pdf" and stored.extension == "pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",  # HTML named .png
        b"GIF89a" + b"\x00" * 100,  # an image type we do not accept
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"PK\x03\x04 zip archive",
    ],
)
def test_unaccepted_types_are_415(app_context, data):
    with pytest.raises(UploadTypeNotAccepted):
        blobs.store_upload(data)


def test_truncated_png_is_rejected(app_context):
    data = png(200, 200)
    with pytest.raises(UploadDamaged):
        blobs.store_upload(data[: len(data) // 2])


def test_png_declaring_50000_squared_pixels_is_413(app_context):
    with pytest.raises(UploadTooLarge):
        blobs.store_upload(png_declaring(50_000, 50_000))


def test_over_10_mb_is_413(app_context):
    with pytest.raises(UploadTooLarge):
        blobs.store_upload(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(UploadTooLarge):
        blobs.read_capped(io.BytesIO(b"x" * (blobs.MAX_UPLOAD_BYTES + 1)))


def test_trailing_payload_after_an_image_is_dropped(app_context):
    polyglot = png() + b"<script>alert(document.cookie)</script>"
    stored = blobs.store_upload(polyglot)
    assert b"<script>" not in blobs.load(stored.sha256)


def test_pdf_is_rewritten_without_scripts_or_metadata(app_context):
    data = pdf(with_javascript=True)
    assert b"JavaScript" in data
    stored = blobs.store_upload(data)
    clean = blobs.load(stored.sha256)
    assert b"JavaScript" not in clean and b"Secret Person" not in clean
    assert len(PdfReader(io.BytesIO(clean)).pages) == 1


def test_garbage_after_pdf_magic_is_rejected(app_context):
    with pytest.raises(UploadDamaged):
        blobs.store_upload(b"%PDF-1.7\nthis is not really a pdf")


def test_same_content_is_stored_once(app_context):
    first = blobs.store_upload(png())
    second = blobs.store_upload(png())
    assert first.sha256 == second.sha256
