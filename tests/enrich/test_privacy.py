"""PDPA safeguards: redaction and pseudonyms."""

from __future__ import annotations

import pytest

from enrich.privacy import Pseudonymizer, redact, redact_payload, valid_national_id


def _valid_id(first12: str) -> str:
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def test_national_id_checksum() -> None:
    good = _valid_id("110170012345")
    assert valid_national_id(good)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert not valid_national_id(bad)
    assert not valid_national_id("12345")


def test_redacts_each_kind() -> None:
    nid = _valid_id("310050012345")
    text = (
        f"บัตร {nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]} โทร 081-234-5678 "
        f"หรือ 02 123 4567 หรือ +66 81 234 5678 เมล somchai.j@example.co.th "
        f"บัญชี 123-4-56789-0 โอนเข้าบัญชี 9876543210"
    )
    redacted, kinds = redact(text)
    assert kinds == ["bank_account", "email", "national_id", "phone"]
    assert redacted == (
        "บัตร [NATIONAL_ID] โทร [PHONE] หรือ [PHONE] หรือ [PHONE] เมล [EMAIL] "
        "บัญชี [BANK_ACCOUNT] โอนเข้าบัญชี [BANK_ACCOUNT]"
    )


def test_leaves_ordinary_numbers_alone() -> None:
    text = "ราคา 1500 บาท ปี 2569 เลข 1234567890123 ซอย 12"
    assert redact(text) == (text, [])


def test_redaction_is_idempotent() -> None:
    once, _ = redact("โทร 0812345678 อีเมล a@b.co")
    assert redact(once) == (once, [])


def test_redact_payload_walks_json() -> None:
    payload = {"text": "โทร 0812345678", "replies": [{"body": "a@b.co"}], "likes": 3}
    assert redact_payload(payload) == {
        "text": "โทร [PHONE]",
        "replies": [{"body": "[EMAIL]"}],
        "likes": 3,
    }


def test_pseudonyms_are_keyed_and_stable() -> None:
    one = Pseudonymizer("k" * 32)
    assert one.pseudonym("x", "@Somchai") == one.pseudonym("x", "@somchai ")
    assert one.pseudonym("x", "@somchai") != one.pseudonym("facebook", "@somchai")
    assert one.pseudonym("x", "@somchai") != Pseudonymizer("j" * 32).pseudonym("x", "@somchai")
    assert one.pseudonym("x", "@somchai").startswith("anon-")
    assert "somchai" not in one.pseudonym("x", "@somchai")
    with pytest.raises(ValueError):
        Pseudonymizer("short")
