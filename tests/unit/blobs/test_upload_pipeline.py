"""Crafted uploads, made here: nothing reaches the store as sent."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

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


def pdf_with_actions_deep_inside() -> bytes:
    """Scripts and a launch action not where a reader looks first: inside a form XObject's resources,
    on its /AA, and in an action dictionary hanging off the page's resources."""
    from pypdf.generic import ArrayObject, DecodedStreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("alertdeep")}
    )
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calcexe")})
    inner = DecodedStreamObject()
    inner.set_data(b"0 0 m 10 10 l S")
    inner.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([]),
            NameObject("/AA"): DictionaryObject({NameObject("/O"): script}),
            NameObject("/Resources"): DictionaryObject({NameObject("/Extra"): ArrayObject([launch])}),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): writer._add_object(inner)})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_actions_deep_in_a_pdf_are_removed(app_context):
    data = pdf_with_actions_deep_inside()
    assert b"alertdeep" in data and b"calcexe" in data
    clean, content_type, _, _ = blobs.sanitise(data)
    assert content_type == blobs.PDF
    assert (
        b"alertdeep" not in clean
        and b"calcexe" not in clean
        and b"/JavaScript" not in clean
        and b"/Launch" not in clean
    )
    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 1 and "/Fm0" in reader.pages[0]["/Resources"]["/XObject"]  # the drawing stays


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(out, format="JPEG", quality=70)
    return out.getvalue()


def test_a_photo_needs_far_fewer_pixels_than_a_licence_scan(app_context):
    with pytest.raises(UploadTooLarge, match="16 megapixels"):
        blobs.store_upload(png_declaring(5000, 4000), profile=blobs.PHOTO)
    big = _jpeg(6000, 4000)  # 24 megapixels: too many for a photo, fine for a scan
    with pytest.raises(UploadTooLarge):
        blobs.store_upload(big, profile=blobs.PHOTO)
    scan = blobs.store_upload(big, profile=blobs.DOCUMENT)
    assert max(scan.width, scan.height) == blobs.DOCUMENT.max_side


def test_images_are_decoded_at_the_size_they_are_kept(app_context, monkeypatch):
    from PIL import JpegImagePlugin

    decoded = []
    original = JpegImagePlugin.JpegImageFile.load

    def load(image):
        decoded.append(image.size)  # after draft(): the size the decoder really produces
        return original(image)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", load)
    photo = blobs.store_upload(_jpeg(4000, 3000), profile=blobs.PHOTO)
    assert max(photo.width, photo.height) == blobs.PHOTO.max_side
    assert decoded and max(decoded[0]) <= 2 * blobs.PHOTO.max_side  # decoded at half scale, not 12 megapixels


def test_decoding_is_bounded_per_process(app_context, monkeypatch):
    import threading

    from PIL import ImageFile

    condition, state = threading.Condition(), {"active": 0, "most": 0}
    gate = threading.Event()
    original = ImageFile.ImageFile.load

    def load(image):
        with condition:
            state["active"] += 1
            state["most"] = max(state["most"], state["active"])
            condition.notify_all()
        gate.wait(10)
        try:
            return original(image)
        finally:
            with condition:
                state["active"] -= 1

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    data = [_jpeg(300 + i, 200) for i in range(6)]
    threads = [threading.Thread(target=lambda d=d: blobs.sanitise(d)) for d in data]
    for thread in threads:
        thread.start()
    with condition:
        assert condition.wait_for(lambda: state["active"] >= blobs.DECODE_SLOTS, timeout=10)
        # a third decode would start now if nothing bounded them; give it the chance, then let all go
        condition.wait_for(lambda: state["active"] > blobs.DECODE_SLOTS, timeout=1)
    gate.set()
    for thread in threads:
        thread.join()
    assert state["most"] == blobs.DECODE_SLOTS
