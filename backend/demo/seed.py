"""Seed demo records: regulators per seed district, an admin, and mini-program users who own the demo
businesses. Idempotent: a second run adds nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from backend.accounts.models import User
from backend.accounts.services import hash_password
from backend.core.principal import ADMIN, BUREAU, CITIZEN, OFFICE, REGULATOR, VIEWER
from backend.demo.wechat_imitation import WeChatImitation
from backend.workflow.services import create_record

log = logging.getLogger(__name__)

DEMO_PASSWORD = "demo-password-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    districts: tuple[str, ...]
    display_name: str
    organisation: str
    sectors: tuple[str, ...] = ()


CONSOLE_USERS = (
    DemoLogin("admin", ADMIN, (), "平台管理员", "智慧食安平台"),
    DemoLogin("rugao", REGULATOR, ("320682",), "陈建国", "如皋市市场监督管理局"),
    DemoLogin("zhangjiagang", REGULATOR, ("320582",), "周丽华", "张家港市市场监督管理局"),
    DemoLogin("minhang", REGULATOR, ("310112",), "王志强", "上海市闵行区市场监督管理局"),
    DemoLogin("nantong", REGULATOR, ("320600",), "李海燕", "南通市市场监督管理局"),
    DemoLogin("shianban", OFFICE, ("320682",), "顾海军", "如皋市食品安全委员会办公室"),
    DemoLogin("jiaoyuju", BUREAU, ("310112",), "孙丽", "上海市闵行区教育局", ("school_canteen",)),
    DemoLogin("dapin", VIEWER, ("320682",), "指挥中心大屏", "如皋市食品安全智慧监管指挥中心"),
)

# Mini-program users: sign in with {"code": "demo-<key>"} against the loopback WeChat imitation.
MINIPROGRAM_USERS = {
    "farm": "顾长春",
    "wholesaler": "沈国平",
    "canteen": "朱晓梅",
    "restaurant": "张志明",
    "household": "刘芳",
    "citizen": "吴小勇",
    "official": "陈建军",  # a 包保 official of 如皋, bound by the demo
    "official-village": "许春燕",
    "venue": "许国庆",
    "chef": "李春生",
    "chef-expiring": "陆海明",
}


def demo_openid(key: str) -> str:
    return WeChatImitation.openid_for(f"demo-{key}")


def seed_demo() -> dict:
    """Returns what it made: mini-program users by key, complaints (with their query keys) by state."""
    for login in CONSOLE_USERS:
        # each demo login on its own: a bootstrap admin of the same name (BOOTSTRAP_ADMIN_USERNAME) stays
        if User.objects.by_username(login.username).first() is not None:
            continue
        create_record(
            User(
                role=login.role,
                username=login.username,
                password_hash=hash_password(DEMO_PASSWORD),
                districts=list(login.districts),
                display_name=login.display_name,
                organisation=login.organisation,
                sectors=list(login.sectors),
            ),
            action="created",
            actor_id=None,
            target_type="user",
        )
    users = {}
    for key, name in MINIPROGRAM_USERS.items():
        user = User.objects.by_openid(demo_openid(key)).first()
        if user is None:
            user = create_record(
                User(role=CITIZEN, openid=demo_openid(key), display_name=name),
                action="registered_via_wechat",
                actor_id=None,
                target_type="user",
            )
        users[key] = user
    from backend.demo.banquets_seed import seed_banquets
    from backend.demo.cameras_seed import seed_cameras
    from backend.demo.complaints_seed import seed_complaints
    from backend.demo.enforcement_seed import seed_enforcement
    from backend.demo.inspections_seed import seed_inspections
    from backend.demo.registry_seed import seed_registry
    from backend.demo.sampling_seed import seed_sampling
    from backend.demo.staff_seed import seed_staff
    from backend.demo.supervision_seed import seed_supervision
    from backend.demo.trace_seed import seed_trace

    seed_registry(users)
    seed_staff(users)
    seed_inspections(users)
    seed_sampling(users)
    seed_trace(users)
    seed_cameras(users)
    seed_enforcement(users)
    seed_supervision(users)
    seed_banquets(users)
    complaints = seed_complaints()
    from backend.core import context
    from backend.demo.history_seed import seed_history
    from backend.demo.indicators_seed import seed_indicators

    seed_indicators()  # the residents the history's samples are counted against

    seed_history(context.settings().DEMO_HISTORY_MONTHS)
    return {"users": users, "complaints": complaints}
