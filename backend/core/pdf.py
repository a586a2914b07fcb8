"""Printable documents in Chinese: the embedded CJK font, and one layout for the official forms a
bureau issues (a title, its 文号, a table of fields, sections of text, signature lines), so the
penalty documents, pledges and bulletins all read and print alike."""

from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

EMBEDDED_CJK_FONT = "SFS-CJK"
# Embedded (subset) when one of these system fonts exists, so every PDF reader shows the text; else the
# standard CID font STSong-Light, whose glyphs the reader must supply.
CJK_FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
CID_FALLBACK_FONT = "STSong-Light"


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


@dataclass
class OfficialDocument:
    """An official form: `rows` are (label, value) pairs in a ruled table, `table` a header row and rows
    across the page, `sections` (heading, text) paragraphs below them, `signatures` the lines left for
    seals and signatures."""

    title: str
    number: str
    authority: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # a header row and rows, ruled, across the page
    sections: list[tuple[str, str]] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    dated: str = ""


def styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK")
    return {
        "body": base,
        "authority": ParagraphStyle("authority", parent=base, fontSize=16, leading=22, alignment=1),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=2 * mm),
        "number": ParagraphStyle("number", parent=base, alignment=2, spaceAfter=4 * mm),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=3 * mm),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
    }


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "—").replace("\n", "<br/>"), style)


def render(document: OfficialDocument) -> bytes:
    """The document as an A4 PDF whose every glyph comes from the embedded font (no reader-supplied
    fonts: a government printer may have no Chinese font)."""
    font = cjk_font()
    style = styles(font)
    story: list = [
        _paragraph(document.authority, style["authority"]),
        _paragraph(document.title, style["title"]),
        _paragraph(document.number, style["number"]),
    ]
    if document.rows:
        table = Table(
            [[_paragraph(label, style["body"]), _paragraph(value, style["body"])] for label, value in document.rows],
            colWidths=[38 * mm, 132 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),  # the table sets it per cell, even around paragraphs
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f3f5")),
                ]
            )
        )
        story.append(table)
    if document.table:
        width = 170 * mm / len(document.table[0])
        grid = Table(
            [[_paragraph(str(cell), style["small"]) for cell in row] for row in document.table],
            colWidths=[width] * len(document.table[0]),
            repeatRows=1,
        )
        grid.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f3f5")),
                ]
            )
        )
        story.append(grid)
    for heading, text in document.sections:
        story += [_paragraph(heading, style["heading"]), _paragraph(text, style["body"])]
    if document.signatures:
        story.append(Spacer(1, 10 * mm))
        story += [_paragraph(line, style["right"]) for line in document.signatures]
    if document.dated:
        story.append(_paragraph(document.dated, style["right"]))
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{document.title} {document.number}",
        author=document.authority,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        initialFontName=font,
    )
    pdf.build(story)
    return out.getvalue()
