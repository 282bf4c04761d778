"""Fingerprints stay stable when fields are added to the profile or the order.

Review finding (issue 14, "fingerprints"): the new fields ``unpaid_invoice_count``,
``overdue_invoice_count``, ``tags`` (profile) and ``stage`` (order) were written into
the canonical text even at their defaults, so every stored decision fingerprint changed
while ``FINGERPRINT_SCHEMA`` stayed ``credkit.decision-inputs/2``. The values pinned
here were computed with the code of the previous commit.
"""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from credkit.money import Money
from credkit.policy.exposure import Exposure, ExposureComponent
from credkit.policy.fingerprints import FINGERPRINT_SCHEMA, canonical_json, fingerprint
from credkit.policy.order import DocumentStage, OrderRequest
from credkit.policy.profile import CreditProfile

# the module docstring's example, fingerprinted before the new fields existed
_PLAIN = "199c4d339545634d053a40fa3e9595b2d200d90248fcd52043819231316ad8cc"
# a profile using most of the older fields, with a policy digest
_RICH = "63068e95bb66c56e563f8c2efa7c47fc455022aba786dd3aae353de0de84f2b5"


def _plain() -> tuple[CreditProfile, OrderRequest]:
    profile = CreditProfile("C-1", as_of=date(2026, 11, 23), exposure=Exposure((), currency="EUR"))
    order = OrderRequest("SO-1", Money.of("10.50", "EUR"), order_date=date(2026, 11, 23))
    return profile, order


def _rich() -> tuple[CreditProfile, OrderRequest]:
    exposure = Exposure(
        (
            ExposureComponent("open_receivables", Money.of("1200.00", "EUR")),
            ExposureComponent("open_orders", Money.of(300, "EUR")),
        ),
        currency="EUR",
    )
    profile = CreditProfile(
        "C-7",
        as_of=date(2026, 11, 23),
        exposure=exposure,
        limit=Money.of(5000, "EUR"),
        oldest_overdue_days=12,
        overdue_amount=Money.of(200, "EUR"),
        dunning_level=1,
        score=640,
        risk_class="B",
        bureau={"rating": "B"},
        watch_list=True,
    )
    order = OrderRequest(
        "SO-9", Money.of("750.00", "EUR"), order_date=date(2026, 11, 23), customer_id="C-7"
    )
    return profile, order


def test_fingerprints_stored_before_the_new_fields_still_recompute() -> None:
    """Finding 1 (fingerprints): defaults of the new fields leave the fingerprint as it was."""
    assert FINGERPRINT_SCHEMA == "credkit.decision-inputs/2"
    profile, order = _plain()
    assert fingerprint(profile, order, policy_id="standard", policy_version="1") == _PLAIN
    profile, order = _rich()
    assert (
        fingerprint(profile, order, policy_id="standard", policy_version="3", policy_digest="abc")
        == _RICH
    )


def test_the_new_fields_are_left_out_of_the_canonical_text_at_their_defaults() -> None:
    """Finding 1 (fingerprints): the canonical text names a new field only when it is set."""
    profile, order = _plain()
    for name in ("unpaid_invoice_count", "overdue_invoice_count", "tags", "stage"):
        assert f'"{name}"' not in canonical_json(profile) + canonical_json(order)
    assert '"tags":["public"]' in canonical_json(attrs.evolve(profile, tags=["public"]))
    assert '"stage":"invoice"' in canonical_json(attrs.evolve(order, stage="invoice"))


@pytest.mark.parametrize(
    ("profile_changes", "order_changes"),
    [
        ({"unpaid_invoice_count": 0}, {}),
        ({"unpaid_invoice_count": 3}, {}),
        ({"unpaid_invoice_count": 3, "overdue_invoice_count": 0}, {}),
        ({"tags": ["key_account"]}, {}),
        ({}, {"stage": DocumentStage.DELIVERY}),
        ({}, {"stage": "invoice"}),
    ],
)
def test_setting_a_new_field_changes_the_fingerprint(
    profile_changes: dict[str, object], order_changes: dict[str, object]
) -> None:
    """Finding 1 (fingerprints): a new field away from its default still reaches the hash."""
    profile, order = _plain()
    changed = fingerprint(
        attrs.evolve(profile, **profile_changes),
        attrs.evolve(order, **order_changes),
        policy_id="standard",
        policy_version="1",
    )
    assert changed != _PLAIN
