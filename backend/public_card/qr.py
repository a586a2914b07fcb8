"""QR codes and the printable door sticker for a public code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from backend.core.pdf import cjk_font

# Quartile error correction: the code still reads with a quarter of it dirty or torn.
ERROR_CORRECTION = ERROR_CORRECT_Q
GRADE_HEX = {"green": "#16a34a", "yellow": "#eab308", "red": "#dc2626", "grey": "#9ca3af"}
# the sticker's band: the grade's colour, dark enough that its text reaches WCAG AA (4.5:1)
BAND_HEX = {"green": "#15803d", "yellow": "#eab308", "red": "#b91c1c", "grey": "#4b5563"}
TEXT_HEX = "#1f2329"


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


@dataclass(frozen=True)
class Sticker:
    url: str
    name: str
    grade_colour: str
    grade_label: str
    licence_number: str | None = None
    authority: str | None = None

    @classmethod
    def from_card(cls, card: dict) -> Sticker:
        """From the public card's JSON: only what the card shows anyway."""
        licence = card.get("licence") or {}
        return cls(
            url=card["url"],
            name=card["business"]["name"],
            grade_colour=card["grade"]["colour"],
            grade_label=card["grade"]["label"],
            licence_number=licence.get("number"),
            authority=licence.get("authority"),
        )


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two "#rrggbb" colours (AA asks 4.5 for text, 3 for large text)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def band_text(grade_colour: str) -> str:
    """The text colour on a grade's band: white, or near-black where white would not reach AA."""
    band = BAND_HEX.get(grade_colour, BAND_HEX["grey"])
    return "#ffffff" if contrast("#ffffff", band) >= 4.5 else TEXT_HEX


def _draw_sticker(pdf: canvas.Canvas, sticker: Sticker, printed_on: date) -> None:
    font = cjk_font()
    width, height = A6
    band = BAND_HEX.get(sticker.grade_colour, BAND_HEX["grey"])
    pdf.setFillColor(HexColor(band))
    pdf.rect(0, height - 22 * mm, width, 22 * mm, stroke=0, fill=1)
    pdf.setFillColor(HexColor(band_text(sticker.grade_colour)))
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 9 * mm, "食品安全信息公示")
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, height - 17 * mm, f"量化分级：{sticker.grade_label}")
    pdf.setFillColor(HexColor(TEXT_HEX))
    size = _fit(sticker.name, font, 15, width - 12 * mm)
    pdf.setFont(font, size)
    pdf.drawCentredString(width / 2, height - 30 * mm, sticker.name)
    if sticker.licence_number:
        pdf.setFont(font, _fit(f"许可证编号：{sticker.licence_number}", font, 8, width - 12 * mm))
        pdf.drawCentredString(width / 2, height - 35 * mm, f"许可证编号：{sticker.licence_number}")
    qr_size = 64 * mm
    pdf.drawImage(
        ImageReader(io.BytesIO(png(sticker.url))), (width - qr_size) / 2, height - 37 * mm - qr_size, qr_size, qr_size
    )
    pdf.setFont(font, 13)
    pdf.drawCentredString(width / 2, 25 * mm, "扫码查看食品安全信息")
    pdf.setFont(font, _fit(sticker.url, font, 8, width - 10 * mm))  # the embedded font: every reader shows it
    pdf.drawCentredString(width / 2, 19 * mm, sticker.url)
    pdf.setFont(font, 7)
    issuer = f"发证机关：{sticker.authority}" if sticker.authority else "智慧食安平台"
    pdf.drawCentredString(width / 2, 12 * mm, f"{issuer}  ·  打印日期：{printed_on.isoformat()}")
    pdf.drawCentredString(width / 2, 6 * mm, "投诉举报请拨打 12315")
    pdf.showPage()


def stickers_pdf(stickers: list[Sticker], *, printed_on: date, title: str) -> bytes:
    """A6 door stickers, one page each: the grade band, the name and licence number, the QR code, the
    URL in text, the issuing authority and the date printed."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A6, initialFontName=cjk_font())  # no reader-supplied Helvetica
    pdf.setTitle(title)
    pdf.setAuthor("智慧食安")
    for sticker in stickers:
        _draw_sticker(pdf, sticker, printed_on)
    pdf.save()
    return out.getvalue()


def sticker_pdf(sticker: Sticker, *, printed_on: date) -> bytes:
    return stickers_pdf([sticker], printed_on=printed_on, title=f"{sticker.name} 食品安全信息二维码")
