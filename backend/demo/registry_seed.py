"""Demo businesses in the seed cities, registered and reviewed through the real services."""

from __future__ import annotations

import hashlib
import io
from datetime import date

from PIL import Image, ImageDraw

from backend.accounts.models import User
from backend.core.principal import ADMIN, Principal
from backend.registry import services
from backend.registry.models import APPROVED, Business
from backend.registry.validators import uscc_check_character


def demo_uscc(district: str, serial: str) -> str:
    first17 = f"92{district}{serial}"[:17]
    return first17 + uscc_check_character(first17)


def _licence_scan(title: str) -> bytes:
    image = Image.new("RGB", (640, 420), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 400), outline=(180, 30, 30), width=6)
    draw.text((60, 60), "FOOD BUSINESS LICENCE (DEMO)", fill=(120, 20, 20))
    draw.text((60, 120), title, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


# key of the owner in MINIPROGRAM_USERS -> registration, and whether a regulator approves it
DEMO_BUSINESSES = [
    (
        "farm",
        {
            "kind": "farm_base",
            "name": "如皋市长江镇绿源蔬菜种植基地",
            "district_code": "320682",
            "address": "江苏省如皋市长江镇永平村12组",
            "location": (32.0561, 120.5243),  # the owner's map pick (WGS-84)
            "contact": {"name": "顾长春", "phone": "13951300211"},
            "uscc": ("320682", "MA1X2Y3K0"),
            "licence": None,
        },
        True,
    ),
    (
        "wholesaler",
        {
            "kind": "wholesaler",
            "name": "张家港市农副产品批发市场鑫达水产经营部",
            "district_code": "320582",
            "address": "江苏省张家港市杨舍镇港城大道农副产品批发市场B区18号",
            "location": (31.8727, 120.5551),  # the owner's map pick (WGS-84)
            "contact": {"name": "沈国平", "phone": "13806221547"},
            "uscc": ("320582", "MA2B4C6D1"),
            "licence": ("JY13205820004215", "张家港市市场监督管理局", "预包装食品销售,散装食品销售(含冷藏冷冻食品)"),
        },
        True,
    ),
    (
        "canteen",
        {
            "kind": "school_canteen",
            "name": "上海市闵行区莘庄实验小学食堂",
            "district_code": "310112",
            "address": "上海市闵行区莘庄镇莘松路501号",
            "location": (31.1112, 121.3853),  # the owner's map pick (WGS-84)
            "contact": {"name": "朱晓梅", "phone": "13916625830"},
            "uscc": ("310112", "MB3C5E7F2"),
            "licence": ("JY33101120031826", "上海市闵行区市场监督管理局", "热食类食品制售,冷食类食品制售"),
        },
        True,
    ),
    (
        "restaurant",
        {
            "kind": "restaurant_small",
            "name": "如皋老张面馆",
            "district_code": "320682",
            "address": "江苏省如皋市如城街道海阳南路88号",
            "location": (32.3846, 120.5731),  # the owner's map pick (WGS-84)
            "contact": {"name": "张志明", "phone": "13862781234"},
            "uscc": ("320682", "MA7G8H9J3"),
            "licence": ("JY23206820012345", "如皋市市场监督管理局", "热食类食品制售"),
        },
        True,
    ),
    (
        "household",
        {
            "kind": "household",
            "name": "刘芳家庭",
            "district_code": "310112",
            "address": "上海市闵行区古美路1200弄5号",
            "contact": {"name": "刘芳", "phone": "13701897766"},
        },
        True,
    ),
    (
        "venue",
        {
            "kind": "banquet_venue",
            "name": "如皋市如城街道海阳社区集中办酒场所",
            "district_code": "320682",
            "address": "江苏省如皋市如城街道海阳社区文化广场东侧",
            "contact": {"name": "许国庆", "phone": "13962798800"},
            "uscc": ("320682", "MA3W5X7E2"),
            "licence": ("JY33206820019876", "如皋市市场监督管理局", "热食类食品制售（集体用餐）"),
        },
        True,
    ),
]


def demo_code(
    label: str, length: int = services.PUBLIC_CODE_LENGTH, alphabet: str = services.PUBLIC_CODE_ALPHABET
) -> str:
    """The same code for the same demo record on every start (demo data only: it is not secret)."""
    digest = hashlib.sha256(f"sfs-demo:{label}".encode()).digest()
    return "".join(alphabet[byte % len(alphabet)] for byte in digest[:length])


def seed_registry(users: dict[str, User]) -> dict[str, Business]:
    if Business.objects.count():
        return {}
    admin = User.objects.by_username("admin").first()
    reviewer = Principal(user_id=str(admin.id), role=ADMIN, session_id="demo-seed")
    created = {}
    for owner_key, spec, approve in DEMO_BUSINESSES:
        owner_id = str(users[owner_key].id)
        values = {k: v for k, v in spec.items() if k not in ("uscc", "licence", "location")}
        if spec.get("uscc"):
            values["uscc"] = demo_uscc(*spec["uscc"])
        if spec.get("licence"):
            number, authority, scope = spec["licence"]
            values["licence"] = {
                "number": number,
                "issued_on": date(2023, 3, 15),
                "expires_on": date(2028, 3, 14),
                "authority": authority,
                "scope": scope,
            }
        business = services.create_draft(owner_id, values)
        if spec.get("licence"):
            services.add_document(
                owner_id, business.id, "licence", _licence_scan(values["licence"]["number"]), "licence.jpg"
            )
        business = services.submit(owner_id, business.id)
        if approve:
            business = services.review(reviewer, business.id, "approve", public_code=demo_code(f"card:{owner_key}"))
        if spec.get("location"):
            business = services.set_location(owner_id, business.id, *spec["location"])
        created[owner_key] = business
    return created


def demo_public_urls(base_url: str) -> list[tuple[str, str]]:
    return [
        (b.name, f"{base_url.rstrip('/')}/q/{b.public_code}")
        for b in Business.objects(status=APPROVED, public_code__ne=None)
        .order_by("created_at")
        .only("name", "public_code")
    ]
