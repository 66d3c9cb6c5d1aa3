"""Not-a-third-party bases (joint use, outsourcing), My Number and recipients abroad, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hogo.db import unit_of_work
from hogo.policy.models import CrossBorder, JointUse, Outsourcee
from hogo.provision.models import Provision, ProvisionRecord
from hogo.provision.service import Provisions


def _subjects(h, kind: str, n: int) -> list[str]:
    with unit_of_work(h.sessions) as s:
        return [h.vault.create_subject(s, kind).id for _ in range(n)]


def _program(h, *, cross_border=()):
    group = JointUse.model_validate({
        "id": "group", "name": "グループ共同利用", "items": ["name", "address"],
        "members": [{"name": "ほごリース株式会社"}], "purposes": ["与信判断のため"],
        "responsible": {"name": "株式会社ほごクレジット", "address": "東京都千代田区丸の内1-1-1"}})
    payroll_group = JointUse.model_validate({
        "id": "payroll_group", "name": "給与共同利用", "items": ["name", "my_number"],
        "members": [{"name": "子会社"}], "purposes": ["給与計算"], "responsible": {"name": "当社"}})
    unpublished = JointUse.model_validate({"id": "unpublished", "name": "未公表", "items": ["name"]})
    outsourcees = [
        Outsourcee.model_validate({"id": "printer", "service": "印刷・発送", "items": ["name", "address"]}),
        Outsourcee.model_validate({"id": "payroll", "service": "給与計算", "items": ["name", "my_number"],
                                   "my_number": True}),
        Outsourcee.model_validate({"id": "us_cloud", "service": "クラウド", "country": "US",
                                   "items": ["name", "address"]}),
        Outsourcee.model_validate({"id": "eu_cloud", "service": "クラウド", "country": "DE",
                                   "items": ["name", "address"]}),
    ]
    p = h.policy
    return p.model_copy(update={
        "joint_uses": [group, payroll_group, unpublished],
        "outsourcing": p.outsourcing.model_copy(update={"outsourcees": outsourcees}),
        "cross_border": [CrossBorder.model_validate(c) for c in cross_border]})


@pytest.fixture
def prov(h):
    return Provisions(_program(h), h.access)


def test_joint_use_within_its_published_scope_needs_no_consent_and_no_record(h, staff, prov):
    sids = _subjects(h, "customer", 2)
    result = prov.provide(staff["screening"], sids, "group", ["name", "address"], purpose_id="credit_screening")
    assert result.provided == sids and result.records == 0 and result.reasons == ("APPI-27-5-3",)
    with h.sessions() as s:
        [p] = s.scalars(select(Provision)).all()
    assert (p.recipient_kind, p.basis) == ("joint_use", "joint_use")


def test_joint_use_outside_its_items_or_without_the_five_matters_falls_back_to_consent(h, staff, prov):
    sids = _subjects(h, "customer", 1)
    beyond = prov.provide(staff["screening"], sids, "group", ["name", "income"], purpose_id="credit_screening")
    assert beyond.provided == [] and "APPI-27-1" in beyond.refused[sids[0]]
    bare = prov.provide(staff["screening"], sids, "unpublished", ["name"], purpose_id="credit_screening")
    assert bare.provided == [] and bare.refused[sids[0]] == ["APPI-27-5-3", "APPI-27-1"]


def test_my_number_never_in_joint_use_but_to_an_outsourcee(h, staff, prov):
    sids = _subjects(h, "employee", 2)
    joint = prov.provide(staff["hr"], sids, "payroll_group", ["name", "my_number"], purpose_id="withholding")
    assert joint.provided == [] and joint.refused == {sid: ["MNA-19"] for sid in sids}
    out = prov.provide(staff["hr"], sids, "payroll", ["name", "my_number"], purpose_id="withholding")
    assert out.provided == sids and out.records == 0 and "MNA-19" in out.reasons


def test_outsourcing_within_the_purpose_domestic_and_to_an_equivalent_country(h, staff, prov):
    sids = _subjects(h, "customer", 1)
    for recipient in ("printer", "eu_cloud"):
        result = prov.provide(staff["screening"], sids, recipient, ["name"], purpose_id="credit_screening")
        assert result.provided == sids and result.records == 0, recipient
    assert prov.provide(staff["screening"], sids, "eu_cloud", ["name"],
                        purpose_id="credit_screening").cross_border is True


def test_outsourcee_abroad_needs_an_art_28_route(h, staff, prov):
    sids = _subjects(h, "customer", 1)
    result = prov.provide(staff["screening"], sids, "us_cloud", ["name"], purpose_id="credit_screening")
    assert result.provided == [] and "APPI-28-1" in result.refused[sids[0]]
    covered = Provisions(_program(h, cross_border=[{
        "id": "us_dc", "recipient": "US cloud", "parties": ["us_cloud"], "countries": ["US"],
        "basis": "equivalent_system", "periodic_check": "年1回、契約の履行状況を確認"}]), h.access)
    ok = covered.provide(staff["screening"], sids, "us_cloud", ["name"], purpose_id="credit_screening")
    assert ok.provided == sids and ok.cross_border and "APPI-28-3" in ok.reasons
    with h.sessions() as s:  # 28(3) route + outsourcing: no record
        assert s.scalars(select(ProvisionRecord)).all() == []
