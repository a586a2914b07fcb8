"""Builders for the usual objects: bodies and flows over HTTP (functional tests), the same objects
through the services (unit tests), and crafted files."""

from __future__ import annotations

import io
import itertools
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from backend.registry.validators import uscc_check_character

_serial = itertools.count(1)


def fresh_uscc(district="320682") -> str:
    first17 = f"92{district}MA{next(_serial):07d}"
    return first17 + uscc_check_character(first17)


def restaurant_body(**overrides) -> dict:
    body = {
        "kind": "restaurant_small",
        "name": "如皋老张面馆",
        "uscc": fresh_uscc(),
        "licence": {
            "number": "JY23206820012345",
            "issued_on": "2024-01-01",
            "expires_on": "2029-01-01",
            "authority": "如皋市市场监督管理局",
            "scope": "热食类食品制售",
        },
        "address": "江苏省如皋市如城街道海阳南路88号",
        "district_code": "320682",
        "contact": {"name": "张志明", "phone": "13812345678"},
    }
    body.update(overrides)
    return body


def household_body(**overrides) -> dict:
    """A household (百姓家庭) registering to buy through the platform: no licence, no public page."""
    return {
        "kind": "household",
        "name": "刘芳家庭",
        "address": "古美路1200弄5号",
        "district_code": "310112",
        "contact": {"name": "刘芳", "phone": "13701897766"},
        **overrides,
    }


def report_body(**overrides) -> dict:
    """An anonymous report (举报) about an unregistered stall in Rugao."""
    return {
        "kind": "report",
        "category": "hygiene",
        "description": "后厨老鼠出没",
        "business_name": "路边摊",
        "business_address": "海阳路12号",
        "district_code": "320682",
        **overrides,
    }


def jpeg_bytes(color=(200, 50, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, format="JPEG")
    return out.getvalue()


def upload(api, token, business_id, data: bytes, filename="licence.jpg", kind="licence", content_type="image/jpeg"):
    return api.post(
        f"/api/v1/mp/businesses/{business_id}/documents",
        token=token,
        data={"kind": kind},
        files={"file": (filename, data, content_type)},
    )


def submitted_business(api, token, **overrides) -> dict:
    created = api.post("/api/v1/mp/businesses", token=token, json=restaurant_body(**overrides))
    assert created.status_code == 201, created.text
    business_id = created.json()["id"]
    if created.json()["kind"] != "household":
        assert upload(api, token, business_id, jpeg_bytes()).status_code == 201
    submitted = api.post(f"/api/v1/mp/businesses/{business_id}/submit", token=token)
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


# --- service-level builders (unit tests: no HTTP) --------------------------------------------------

ADMIN_PRINCIPAL_ID = "6b0000000000000000000001"


def admin_principal():
    from backend.core.principal import ADMIN, Principal

    return Principal(user_id=ADMIN_PRINCIPAL_ID, role=ADMIN)


def regulator_of(*districts: str, user_id: str | None = None):
    """A regulator principal scoped to `districts` (backed by a real user when one is needed)."""
    from backend.accounts.models import User
    from backend.core.principal import REGULATOR, Principal

    if user_id is None:
        user = User(role=REGULATOR, username=f"reg{next(_serial)}", districts=list(districts)).save()
        user_id = str(user.id)
    return Principal(user_id=user_id, role=REGULATOR, districts=tuple(districts))


def citizen():
    """A mini-program user (as after a WeChat sign-in) and their principal."""
    from backend.accounts.models import User
    from backend.core.principal import CITIZEN, Principal

    user = User(role=CITIZEN, openid=f"openid-{next(_serial)}").save()
    return Principal(user_id=str(user.id), role=CITIZEN)


def draft_values(**overrides) -> dict:
    """A restaurant's registration as the services take it (dates as dates)."""
    from datetime import date

    values = restaurant_body(**{"uscc": fresh_uscc(), **overrides})
    if values.get("licence"):
        values["licence"] = {
            **values["licence"],
            **{
                field: date.fromisoformat(value)
                for field, value in values["licence"].items()
                if field in ("issued_on", "expires_on") and isinstance(value, str)
            },
        }
    return values


def submitted(owner=None, **overrides):
    """A submitted registration, through the registry's services; returns (business, owner principal)."""
    from backend.registry import services

    owner = owner or citizen()
    business = services.create_draft(owner.user_id, draft_values(**overrides))
    if business.kind != "household":
        services.add_document(owner.user_id, business.id, "licence", jpeg_bytes(), "licence.jpg")
    return services.submit(owner.user_id, business.id), owner


def approved(owner=None, **overrides):
    """An approved business, reviewed by an admin; returns the business."""
    from backend.registry import services

    business, _ = submitted(owner, **overrides)
    return services.review(admin_principal(), business.id, "approve")


# --- crafted files -----------------------------------------------------------------------------------


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header that claims huge dimensions, with a tiny compressed body."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf(with_javascript=False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if with_javascript:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    writer.add_metadata({"/Author": "Secret Person"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def fresh_id_number(born: str = "19900307") -> str:
    """A valid 18-character resident ID number (GB 11643) nobody else in the test run has."""
    from backend.staff.validators import id_check_character

    first17 = f"320682{born}{next(_serial) % 1000:03d}"
    return first17 + id_check_character(first17)


def staff_values(**overrides) -> dict:
    from datetime import date

    return {
        "name": "张晓明",
        "post": "chef",
        "phone": "13912340000",
        "id_number": fresh_id_number(),
        "handles_food": True,
        "started_on": date(2025, 3, 1),
        **overrides,
    }


def checklist_workbook(items, meta=None) -> bytes:
    """An XLSX checklist as an admin would load one."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "checklist"
    for row in meta or [
        ("kind", "canteen"),
        ("name", "学校食堂检查表"),
        ("business_kinds", "school_canteen"),
        ("basically_compliant_max_general_failures", 2),
    ]:
        sheet.append(row)
    listing = book.create_sheet("items")
    listing.append(["code", "text", "key", "points"])
    for row in items:
        listing.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- sampling result files ---------------------------------------------------------------------------

RESULT_HEADERS = {
    "sampling_number": "抽样编号",
    "task_source": "任务来源/项目名称",
    "sampled_on": "抽样日期",
    "business_name": "被抽样单位名称",
    "business_address": "被抽样单位地址",
    "uscc": "被抽样单位统一社会信用代码",
    "producer_name": "标称生产企业名称",
    "food_name": "食品名称",
    "spec": "规格型号",
    "production_date": "生产日期/批号",
    "food_category": "分类",
    "lab": "检验机构",
    "report_date": "报告日期",
    "item": "检验项目",
    "value": "检验结果",
    "unit": "单位",
    "standard": "标准值",
    "verdict": "单项判定",
}


def result_row(number: str, item: str = "铅(以Pb计)", verdict: str = "合格", **overrides) -> dict:
    row = {
        "sampling_number": number,
        "task_source": "2026年如皋市食品安全监督抽检",
        "sampled_on": "2026-10-08",
        "business_name": "如皋某超市",
        "business_address": "江苏省如皋市如城街道",
        "uscc": "",
        "producer_name": "某食品有限公司",
        "food_name": "大米",
        "spec": "5kg/袋",
        "production_date": "2026-09-01",
        "food_category": "粮食加工品",
        "lab": "南通市食品药品监督检验中心",
        "report_date": "2026-10-20",
        "item": item,
        "value": "0.05",
        "unit": "mg/kg",
        "standard": "≤0.2",
        "verdict": verdict,
    }
    row.update(overrides)
    return row


def result_csv(rows: list[dict], encoding: str = "utf-8-sig", extra_headers: tuple[str, ...] = ()) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*RESULT_HEADERS.values(), *extra_headers])
    for row in rows:
        writer.writerow([row.get(name, "") for name in RESULT_HEADERS] + ["x"] * len(extra_headers))
    return out.getvalue().encode(encoding)


def result_xlsx(rows: list[dict], cells: dict[str, object] | None = None) -> bytes:
    """An XLSX written with openpyxl; `cells` sets raw cells (e.g. {"H2": "=1+2"}) after the rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(RESULT_HEADERS.values()))
    for row in rows:
        sheet.append([row.get(name, "") for name in RESULT_HEADERS])
    for ref, value in (cells or {}).items():
        sheet[ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- purchasing and trace (service level) -------------------------------------------------------------


def supplier_with_product(kind="farm_base", district="320682", name=None):
    """An approved supplier with one product on sale; returns (business, owner principal, product)."""
    from backend.purchasing import services

    owner = citizen()
    business = approved(owner, kind=kind, district_code=district, name=name or f"供货单位{next(_serial)}")
    product = services.add_product(
        owner.user_id,
        business.id,
        {"name": "韭菜", "category": "edible_produce", "unit": "公斤", "price_cents": 300, "origin": "江苏如皋"},
    )
    return business, owner, product


def shipped_lots(buyer_owner, buyer, supplier, supplier_owner, product, quantities, inputs=None, prefix="L"):
    """An order from `buyer` (None: the owner's household) shipped in lots of `quantities`, each drawing
    from `inputs` [(trace code, quantity)] when given, and accepted on receipt; returns the lots."""
    import uuid
    from datetime import date

    from backend.purchasing import services
    from backend.trace.models import Lot

    order, _ = services.place_order(
        buyer_owner.user_id,
        request_key=uuid.uuid4().hex,
        values={
            "supplier_id": str(supplier.id),
            "buyer_business_id": str(buyer.id) if buyer else None,
            "lines": [{"product_id": str(product.id), "quantity": sum(quantities)}],
        },
    )
    services.accept_order(supplier_owner.user_id, order.id)
    lots = [
        {
            "line": 0,
            "lot_code": f"{prefix}-{uuid.uuid4().hex[:8]}",
            "quantity": quantity,
            "unit": "公斤",
            "produced_on": date(2026, 11, 30),
            "origin": "江苏如皋",
            "test_report": "R-1",
            "inputs": [{"trace_code": code, "quantity": drawn} for code, drawn in (inputs[index] if inputs else [])],
        }
        for index, quantity in enumerate(quantities)
    ]
    services.ship_order(supplier_owner.user_id, order.id, lots)
    made = list(Lot.objects(order_id=order.id))
    services.receive_order(
        buyer_owner.user_id, order.id, [{"trace_code": lot.trace_code, "accepted": True} for lot in made]
    )
    return list(Lot.objects(order_id=order.id).order_by("lot_code"))


def new_official(api, office, level="village", district="320682", phone="13900000001"):
    """An official made by the 食安办 over HTTP, with its one-time invitation code."""
    body = {
        "name": "陈建军",
        "level": level,
        "organisation": "如城街道办事处",
        "district_code": district,
        "phone": phone,
    }
    made = api.post("/api/v1/console/officials", token=office, json=body)
    assert made.status_code == 201, made.text
    return made.json()


def bound_official(api, office, mp_login, **extra):
    """An official whose invitation a new WeChat user took: (official, that user's token)."""
    official = new_official(api, office, **extra)
    token = mp_login()["access_token"]
    bound = api.post("/api/v1/mp/official/bind", token=token, json={"code": official["invitation_code"]})
    assert bound.status_code == 200, bound.text
    return official, token
