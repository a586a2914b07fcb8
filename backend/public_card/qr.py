"""QR codes and the printable door sticker for a public code."""

from __future__ import annotations

import functools
import io
import os

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

# Quartile error correction: the code still reads with a quarter of it dirty or torn.
ERROR_CORRECTION = ERROR_CORRECT_Q
EMBEDDED_CJK_FONT = "SFS-CJK"
# Embedded (subset) when one of these system fonts exists, so every PDF reader shows the text; else the
# standard CID font STSong-Light, whose glyphs the reader must supply.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CID_FALLBACK_FONT = "STSong-Light"
GRADE_HEX = {"green": "#16a34a", "yellow": "#eab308", "red": "#dc2626", "grey": "#9ca3af"}


def _qr(url: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code


def svg(url: str) -> bytes:
    return _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathImage).to_string()


def png(url: str) -> bytes:
    out = io.BytesIO()
    _qr(url).make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()


def _fit(text: str, font: str, size: float, width: float) -> float:
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


@functools.cache
def cjk_font() -> str:
    for path in CJK_FONT_FILES:
        if os.path.exists(path):
            try:
                pdfmetrics.registerFont(TTFont(EMBEDDED_CJK_FONT, path, subfontIndex=0))
                return EMBEDDED_CJK_FONT
            except TTFError:
                continue  # e.g. a CFF-based collection reportlab cannot embed
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK_FONT))
    return CID_FALLBACK_FONT


def sticker_pdf(*, url: str, name: str, grade_colour: str, grade_label: str) -> bytes:
    """A6 door sticker: name, grade colour band, QR, the call to scan, and the URL in text."""
    font = cjk_font()
    out = io.BytesIO()
    width, height = A6
    pdf = canvas.Canvas(out, pagesize=A6)
    pdf.setTitle(f"{name} 食品安全信息二维码")
    pdf.setAuthor("智慧食安")
    band = HexColor(GRADE_HEX.get(grade_colour, GRADE_HEX["grey"]))
    pdf.setFillColor(band)
    pdf.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff") if grade_colour != "yellow" else HexColor("#1f2329"))
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 9 * mm, "食品安全信息公示")
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, height - 17 * mm, f"量化分级：{grade_label}")
    pdf.setFillColor(HexColor("#1f2329"))
    size = _fit(name, font, 15, width - 12 * mm)
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, height - 31 * mm, name)
    qr_size = 72 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(png(url))), (width - qr_size) / 2, height - 33 * mm - qr_size - 2 * mm, qr_size, qr_size
    )
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, 20 * mm, "扫码查看食品安全信息")
    pdf.setFont("Helvetica", _fit(url, "Helvetica", 8, width - 10 * mm))
    pdf.drawCentredString(width / 2, 12 * mm, url)
    pdf.setFont(font, 7)
    pdf.drawCentredString(width / 2, 6 * mm, "投诉举报请拨打 12315")
    pdf.showPage()
    pdf.save()
    return out.getvalue()
