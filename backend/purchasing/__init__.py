"""Purchasing (采购): suppliers' catalogues, orders between businesses and from households, and their
workflow through shipping and receipt."""

from backend.core.domains import Domain, Setting

DOMAIN = Domain(
    "purchasing",
    settings=(Setting("WECHAT_TEMPLATE_ORDER", "sfs-order-changed"),),
)
