"""Crafted uploads, made here: nothing reaches the store as sent."""
import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from backend.blobs import services as blobs
from backend.blobs.errors import UploadDamaged, UploadTooLarge, UploadTypeNotAccepted


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


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header that claims huge dimensions, with a tiny compressed body."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def pdf(with_javascript=False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if with_javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer.add_metadata({"/Author": "Secret Person"})
    out = io.BytesIO()
    writer.write(out)
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


@pytest.mark.parametrize("data", [
    b"<html><script>alert(1)</script></html>",      # HTML named .png
    b"GIF89a" + b"\x00" * 100,                        # an image type we do not accept
    b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    b"PK\x03\x04 zip archive",
])
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
