"""The upload pipeline every uploaded file goes through before it reaches the blob store.

The type is decided from the bytes alone, never from the file name or the client's Content-Type.
Images are decoded and re-encoded with Pillow (so EXIF, GPS and anything appended to the file are
dropped); PDFs are parsed and re-written page by page with pypdf (dropping scripts, attachments and
metadata). Nothing reaches the store as the client sent it.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject

from backend.blobs.errors import UploadDamaged, UploadsBusy, UploadTooLarge, UploadTypeNotAccepted
from backend.blobs.store import blob_store
from backend.core.text import Text

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_PAGES = 100

JPEG, PNG, WEBP, PDF = "image/jpeg", "image/png", "image/webp", "application/pdf"
EXTENSIONS = {JPEG: "jpg", PNG: "png", WEBP: "webp", PDF: "pdf"}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    return None


def read_capped(stream, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """Read at most `limit` bytes; one more means the upload is too large."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge()
    return data


@dataclass(frozen=True)
class ImageProfile:
    """What one kind of upload needs: the most pixels it may declare, and the longest side it is
    stored at (decoded at that size where the format allows, else reduced right after decoding)."""

    name: str
    max_pixels: int
    max_side: int


# A complaint photo is evidence a person looks at on a screen; a licence scan must stay legible.
PHOTO = ImageProfile("photo", max_pixels=16_000_000, max_side=2048)
DOCUMENT = ImageProfile("document", max_pixels=MAX_IMAGE_PIXELS, max_side=4096)
# Decoding is where the memory goes (a 40-megapixel RGB image is 120 MB): at most this many at once
# per process; a request waits DECODE_WAIT seconds for a slot, then hears 503.
DECODE_SLOTS = 2
DECODE_WAIT = 15.0
_decoding = threading.BoundedSemaphore(DECODE_SLOTS)


def _reencode_image(data: bytes, content_type: str, profile: ImageProfile = DOCUMENT) -> tuple[bytes, int, int]:
    if not _decoding.acquire(timeout=DECODE_WAIT):
        raise UploadsBusy()
    try:
        return _reencode_image_now(data, content_type, profile)
    finally:
        _decoding.release()


def _reencode_image_now(data: bytes, content_type: str, profile: ImageProfile) -> tuple[bytes, int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size  # from the header, before any pixel is decoded
            if width * height > profile.max_pixels:
                raise UploadTooLarge(
                    Text(
                        "An image for this use may have at most {max_pixels} megapixels.",
                        max_pixels=profile.max_pixels // 1000000,
                    )
                )
            if image.format != _PILLOW_FORMATS[content_type]:
                raise UploadDamaged(Text("The image content does not match its format."))
            if content_type == JPEG:
                image.draft("RGB", (profile.max_side, profile.max_side))  # decode at 1/2, 1/4, 1/8 scale
            image.load()
    except UploadTooLarge:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadTooLarge() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        log.info("image upload rejected", extra={"reason": type(exc).__name__})
        raise UploadDamaged() from None
    image.thumbnail((profile.max_side, profile.max_side))  # in place: the full-size pixels go now
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF asked for, then drop EXIF
    if content_type == JPEG:
        image = image.convert("RGB")
        options = {"quality": 88, "optimize": True}
    elif content_type == PNG:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        options = {"optimize": True}
    else:
        options = {"quality": 85}
    out = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)  # a fresh image carries no info dict: no EXIF, XMP, ICC text chunks
    clean.save(out, format=_PILLOW_FORMATS[content_type], **options)
    return out.getvalue(), image.width, image.height


# Keys that make a PDF act (scripts, actions on events, forms, embedded files) wherever they sit, and
# the kinds of action a dictionary can be.
_ACTIVE_KEYS = (
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/AcroForm",
    "/XFA",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/Names",
)
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/URI",
    "/GoToR",
    "/GoToE",
    "/RichMediaExecute",
    "/Rendition",
    "/Sound",
    "/Movie",
    "/Hide",
    "/SetOCGState",
    "/Trans",
}


def _strip_active_content(writer: PdfWriter) -> None:
    """Everything the copied pages carry is searched, however deep (resources, forms inside forms):
    active keys are removed and action dictionaries emptied."""
    seen: set[int] = set()

    def clean(obj) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, DictionaryObject):
            if obj.get("/S") in _ACTIVE_ACTIONS or obj.get("/Type") == "/Action":
                obj.clear()
                return
            for key in _ACTIVE_KEYS:
                obj.pop(key, None)
            for value in list(obj.values()):
                clean(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                clean(value)

    for obj in writer._objects:  # every indirect object the writer will write
        if obj is not None:
            clean(obj.get_object() if hasattr(obj, "get_object") else obj)


def _rewrite_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadDamaged(Text("Encrypted PDFs are not accepted."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UploadTooLarge(Text("A PDF may have at most {max_pdf_pages} pages.", max_pdf_pages=MAX_PDF_PAGES))
        if len(reader.pages) == 0:
            raise UploadDamaged()
        writer = PdfWriter()
        for page in reader.pages:
            added = writer.add_page(page)
            for key in ("/AA", "/Metadata", "/PieceInfo"):  # page actions and private data
                added.pop(key, None)
        writer.remove_links()
        writer.remove_annotations(subtypes=None)
        _strip_active_content(writer)
        out = io.BytesIO()
        writer.write(out)
    except (UploadDamaged, UploadTooLarge):
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        log.info("pdf upload rejected", extra={"reason": type(exc).__name__})
        raise UploadDamaged() from None
    return out.getvalue()


def sanitise(
    data: bytes, allowed: tuple[str, ...] = (JPEG, PNG, WEBP, PDF), profile: ImageProfile = DOCUMENT
) -> tuple[bytes, str, int | None, int | None]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge()
    if not data:
        raise UploadDamaged(Text("The file is empty."))
    content_type = sniff(data)
    if content_type is None or content_type not in allowed:
        raise UploadTypeNotAccepted()
    if content_type == PDF:
        return _rewrite_pdf(data), PDF, None, None
    clean, width, height = _reencode_image(data, content_type, profile)
    return clean, content_type, width, height


def store_upload(
    data: bytes, allowed: tuple[str, ...] = (JPEG, PNG, WEBP, PDF), profile: ImageProfile = DOCUMENT
) -> StoredBlob:
    clean, content_type, width, height = sanitise(data, allowed, profile)
    if len(clean) > MAX_UPLOAD_BYTES:
        raise UploadTooLarge()
    digest = blob_store().put(clean)
    return StoredBlob(sha256=digest, content_type=content_type, size=len(clean), width=width, height=height)


def load(digest: str) -> bytes:
    return blob_store().get(digest)
