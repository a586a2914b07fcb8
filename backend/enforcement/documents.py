"""A case's documents (立案审批表, 行政处罚告知书, 行政处罚决定书, 送达回证) as PDF in Chinese, each
with its number from one sequence per authority, kind and year, kept as a blob whose SHA-256 the case
(and so its audit entry) records. Made once, at the step that issues them: what was delivered is what
the blob holds, whatever later happens to the record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.accounts.models import User
from backend.blobs.services import blob_store
from backend.core import districts
from backend.core.pdf import OfficialDocument, render
from backend.core.timeutil import today_shanghai
from backend.enforcement.models import (
    DELIVERY_METHODS,
    SOURCES,
    Case,
    CaseDocument,
    DocumentSequence,
    Lead,
    Penalty,
)

# kind → (title, the letters its 文号 carries)
KINDS = {
    "filing": ("立案审批表", "立"),
    "notice": ("行政处罚告知书", "罚告"),
    "decision": ("行政处罚决定书", "罚"),
    "delivery": ("送达回证", "送"),
}
# what the party may read in the mini-program: all but the bureau's internal approval form
PARTY_KINDS = ("notice", "decision", "delivery")
RIGHTS_OF_REVIEW = (
    "如不服本处罚决定，可以在收到本决定书之日起六十日内依法申请行政复议，"
    "或者在六个月内依法向人民法院提起行政诉讼。申请行政复议或者提起行政诉讼期间，本决定不停止执行。"
)


@dataclass(frozen=True)
class Party:
    name: str
    uscc: str
    licence: str
    address: str

    @classmethod
    def of(cls, business_id) -> Party:
        from backend.registry.models import Business

        business = Business.objects.get(id=business_id)
        return cls(
            name=business.name,
            uscc=business.uscc or "—",
            licence=business.licence.number if business.licence and business.licence.number else "—",
            address=business.address or "—",
        )


def authority_of(business_id) -> tuple[str, str]:
    """The deciding bureau (the business's county's) and its short name for numbers: 如皋市场监督管理局
    → 如皋."""
    from backend.registry.models import Business

    code = Business.objects.get(id=business_id).district_code or ""
    authority = districts.office_name(code)
    short = authority.removesuffix("市场监督管理局")
    for suffix in ("自治县", "市", "县", "区", "旗"):
        if short.endswith(suffix) and len(short) > len(suffix) + 1:
            short = short.removesuffix(suffix)
            break
    return authority, short


def next_number(business_id, kind: str, year: int) -> tuple[str, str]:
    """The authority and the next number of its sequence for the kind and year (如皋市监罚〔2026〕3号); $inc
    is atomic, so a number never repeats. A step that loses a race leaves its number unused."""
    from backend.registry.models import Business

    code = Business.objects.get(id=business_id).district_code or ""
    authority, short = authority_of(business_id)
    letters = KINDS[kind][1]
    key = f"{code}:{year}" if kind == "decision" else f"{code}:{kind}:{year}"  # decisions kept their key
    counter = DocumentSequence.objects(key=key).modify(upsert=True, new=True, inc__value=1)
    return authority, f"{short}市监{letters}〔{year}〕{counter.value}号"


def _day(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _penalties(penalties: list[Penalty]) -> str:
    return "；".join(p.label for p in penalties) or "不予行政处罚"


def _name(user_id) -> str:
    user = User.objects(id=user_id).only("display_name", "username").first() if user_id else None
    return (user.display_name or user.username) if user else "—"


def _party_rows(party: Party) -> list[tuple[str, str]]:
    return [
        ("当事人", party.name),
        ("统一社会信用代码", party.uscc),
        ("许可证编号", party.licence),
        ("住所（经营场所）", party.address),
    ]


def _filing(case: Case, number: str, authority: str, party: Party) -> OfficialDocument:
    lead = Lead.objects(id=case.lead_id).first() if case.lead_id else None
    source = f"{SOURCES[lead.source_kind]}：{lead.summary}" if lead else "执法人员发现"
    return OfficialDocument(
        title=KINDS["filing"][0],
        number=number,
        authority=authority,
        rows=[
            ("案由", case.violation),
            *_party_rows(party),
            ("案件来源", source),
            ("立案日期", _day(case.filed_on)),
            ("承办人", _name(case.filed_by)),
            ("批准人", case.approved_by),
            ("作出决定期限", _day(case.decision_due)),
        ],
        signatures=["承办人签字：", "审批人签字："],
        dated=_day(case.filed_on),
    )


def _notice(case: Case, number: str, authority: str, party: Party) -> OfficialDocument:
    notice = case.notice
    rights = f"你（单位）有权进行陈述和申辩，请于{_day(notice.statement_due)}前通过智慧食安小程序或书面提出。"
    if notice.hearing_eligible:
        rights += f"根据《中华人民共和国行政处罚法》第六十三条，你（单位）有权要求听证，请于{_day(notice.hearing_due)}前提出。"
    rights += "逾期未提出的，视为放弃上述权利。"
    return OfficialDocument(
        title=KINDS["notice"][0],
        number=number,
        authority=authority,
        rows=[*_party_rows(party), ("案由", case.violation), ("告知日期", _day(notice.notified_on))],
        sections=[
            ("一、违法事实", notice.facts),
            ("二、违反的规定", notice.rule_broken),
            ("三、拟作出的行政处罚", _penalties(notice.intended)),
            ("四、当事人的权利", rights),
        ],
        signatures=[f"{authority}（印章）"],
        dated=_day(notice.notified_on),
    )


def _decision(case: Case, number: str, authority: str, party: Party) -> OfficialDocument:
    decision = case.decision
    sections = []
    if case.notice is not None:
        sections += [("一、违法事实", case.notice.facts), ("二、违反的规定", case.notice.rule_broken)]
    if case.statement is not None:
        sections.append(("当事人陈述申辩", case.statement.text))
    if decision.penalties:
        sections.append(("处罚决定", _penalties(decision.penalties)))
        if any(p.kind == "fine" for p in decision.penalties):
            sections.append(
                ("履行方式和期限", "罚款自收到本决定书之日起十五日内缴至指定银行或者通过电子支付系统缴纳。")
            )
    else:
        sections.append(("不予行政处罚的理由", decision.no_penalty_reason or "—"))
    sections.append(("救济途径", RIGHTS_OF_REVIEW))
    procedure = "简易程序（当场处罚）" if case.procedure == "simplified" else "普通程序"
    return OfficialDocument(
        title=KINDS["decision"][0],
        number=number,
        authority=authority,
        rows=[
            *_party_rows(party),
            ("案由", case.violation),
            ("程序", procedure),
            ("决定日期", _day(decision.decided_on)),
        ],
        sections=sections,
        signatures=[f"{authority}（印章）"],
        dated=_day(decision.decided_on),
    )


def _delivery(case: Case, number: str, authority: str, party: Party) -> OfficialDocument:
    delivery = case.delivery
    return OfficialDocument(
        title=KINDS["delivery"][0],
        number=number,
        authority=authority,
        rows=[
            ("送达文书", f"{KINDS['decision'][0]}（{case.number}）"),
            ("受送达人", party.name),
            (
                "送达地点",
                party.address if delivery.method != "electronic" else "智慧食安小程序（当事人签署电子送达确认书）",
            ),
            ("送达方式", DELIVERY_METHODS[delivery.method]),
            ("送达日期", _day(delivery.delivered_on)),
            ("备注", delivery.note or "—"),
        ],
        signatures=["受送达人签名或盖章：", "送达人签名："],
        dated=_day(delivery.delivered_on),
    )


BUILDERS = {"filing": _filing, "notice": _notice, "decision": _decision, "delivery": _delivery}


def issue(case: Case, kind: str, *, number: str | None = None, authority: str | None = None) -> CaseDocument:
    """Render and store the kind of document for the case as it will be after the step (the caller has
    set the step's fields on `case`); numbered here unless the step numbered it (a decision's 文号)."""
    if number is None:
        authority, number = next_number(case.business_id, kind, today_shanghai().year)
    data = render(BUILDERS[kind](case, number, authority, Party.of(case.business_id)))
    return CaseDocument(kind=kind, number=number, sha256=blob_store().put(data), size=len(data))
