"""PDPA safeguards: redaction of personal identifiers and author pseudonyms (enrich/privacy.py)."""

from __future__ import annotations

import pytest

from domain.privacy import Pseudonymizer, redact, redact_payload, valid_national_id


def _national_id(first12: str) -> str:
    """A valid 13-digit Thai national ID: d13 = (11 - Σ d_i·(14-i) mod 11) mod 10."""
    total = sum(int(d) * (14 - i) for i, d in enumerate(first12, start=1))
    return first12 + str((11 - total % 11) % 10)


def _dashed(nid: str) -> str:
    return f"{nid[0]}-{nid[1:5]}-{nid[5:10]}-{nid[10:12]}-{nid[12]}"


def _bad_checksum(nid: str) -> str:
    return nid[:12] + str((int(nid[12]) + 1) % 10)


NID = _national_id("110170012345")
NID2 = _national_id("310050099871")


def test_checksum_formula() -> None:
    assert NID == "1101700123456"  # Σ = 148, 148 mod 11 = 5, (11 - 5) mod 10 = 6
    assert valid_national_id(NID)
    assert valid_national_id(NID2)


@pytest.mark.parametrize(
    "digits",
    [_bad_checksum(NID), _bad_checksum(NID2), "12345", NID + "0", "110170012345x", ""],
)
def test_checksum_rejects(digits: str) -> None:
    assert not valid_national_id(digits)


@pytest.mark.parametrize(
    ("text", "expected", "kinds"),
    [
        ("บัตร " + NID, "บัตร [NATIONAL_ID]", ["national_id"]),
        ("บัตร " + _dashed(NID), "บัตร [NATIONAL_ID]", ["national_id"]),
        ("บัตร " + _dashed(NID).replace("-", " "), "บัตร [NATIONAL_ID]", ["national_id"]),
        ("โทร 081-234-5678", "โทร [PHONE]", ["phone"]),
        ("โทร 0812345678 นะ", "โทร [PHONE] นะ", ["phone"]),
        ("โทร 081 234 5678", "โทร [PHONE]", ["phone"]),
        ("โทร.0912345678", "โทร.[PHONE]", ["phone"]),
        ("สำนักงาน 02-123-4567", "สำนักงาน [PHONE]", ["phone"]),
        ("สำนักงาน 02 123 4567", "สำนักงาน [PHONE]", ["phone"]),
        ("สำนักงาน 021234567", "สำนักงาน [PHONE]", ["phone"]),
        ("call +66 81 234 5678", "call [PHONE]", ["phone"]),
        ("call +66812345678", "call [PHONE]", ["phone"]),
        ("call +66 2 123 4567", "call [PHONE]", ["phone"]),
        ("โทร ๐๘๑-๒๓๔-๕๖๗๘", "โทร [PHONE]", ["phone"]),
        ("เมล somchai.j@example.co.th", "เมล [EMAIL]", ["email"]),
        ("โอนมา 123-4-56789-0 นะ", "โอนมา [BANK_ACCOUNT] นะ", ["bank_account"]),
        ("บัญชี 9876543210", "บัญชี [BANK_ACCOUNT]", ["bank_account"]),
        ("เลขบัญชี: 1234567890", "เลขบัญชี: [BANK_ACCOUNT]", ["bank_account"]),
        ("บช. 123456789012", "บช. [BANK_ACCOUNT]", ["bank_account"]),
    ],
)
def test_redacts(text: str, expected: str, kinds: list[str]) -> None:
    assert redact(text) == (expected, kinds)


def test_redacts_every_kind_in_one_text() -> None:
    text = (
        f"บัตร {_dashed(NID)} โทร 081-234-5678 หรือ 02 123 4567 เมล a.b@example.com "
        "บัญชี 123-4-56789-0 โอนเข้าบัญชี 9876543210"
    )
    assert redact(text) == (
        "บัตร [NATIONAL_ID] โทร [PHONE] หรือ [PHONE] เมล [EMAIL] "
        "บัญชี [BANK_ACCOUNT] โอนเข้าบัญชี [BANK_ACCOUNT]",
        ["bank_account", "email", "national_id", "phone"],
    )


@pytest.mark.parametrize(
    "text",
    [
        f"เลขอ้างอิง {_bad_checksum(NID)}",
        f"เลขอ้างอิง {_dashed(_bad_checksum(NID))}",
        "ราคา 1500 บาท ซอย 12 ห้อง 1203",
        "ปี พ.ศ. 2569 วันที่ 08/11/2569",
        "เวลา 08.30-09.00 น.",
        "รหัสพัสดุ 1234567890",  # ten digits with no bank cue and no phone prefix
        "ยอดวิว 1,234,567",
    ],
)
def test_leaves_ordinary_numbers_alone(text: str) -> None:
    assert redact(text) == (text, [])


@pytest.mark.parametrize(
    "text",
    [
        f"บัตร {_dashed(NID2)} โทร 0812345678 อีเมล a@b.co บัญชี 9876543210",
        "call +66 2 123 4567 or ๐๘๑-๒๓๔-๕๖๗๘",
        "โอนมา 123-4-56789-0",
    ],
)
def test_redacting_twice_equals_once(text: str) -> None:
    once, kinds = redact(text)
    assert kinds  # something was found the first time
    assert redact(once) == (once, [])


def test_redact_payload_walks_nested_json() -> None:
    payload = {
        "text": "โทร 0812345678",
        "replies": [{"body": "a@b.co", "likes": 3}, "บัญชี 9876543210"],
        "likes": 3,
        "pinned": False,
        "geo": None,
        "0812345678": "keys are not rewritten",
    }
    assert redact_payload(payload) == {
        "text": "โทร [PHONE]",
        "replies": [{"body": "[EMAIL]", "likes": 3}, "บัญชี [BANK_ACCOUNT]"],
        "likes": 3,
        "pinned": False,
        "geo": None,
        "0812345678": "keys are not rewritten",
    }


def test_pseudonym_is_stable_for_the_same_key() -> None:
    key = "k" * 32
    first = Pseudonymizer(key).pseudonym("x", "@somchai")
    assert first == Pseudonymizer(key).pseudonym("x", "@somchai")
    assert first == Pseudonymizer(key).pseudonym("x", "  @SomChai ")
    assert first.startswith("anon-") and len(first) == len("anon-") + 20
    assert "somchai" not in first.lower()


def test_pseudonym_differs_across_keys_platforms_and_authors() -> None:
    one = Pseudonymizer("k" * 32)
    other = Pseudonymizer("j" * 32)
    names = {
        one.pseudonym("x", "@somchai"),
        other.pseudonym("x", "@somchai"),
        one.pseudonym("facebook", "@somchai"),
        one.pseudonym("x", "@somsri"),
    }
    assert len(names) == 4


@pytest.mark.parametrize("key", ["", "short", "k" * 15])
def test_pseudonymizer_rejects_short_keys(key: str) -> None:
    with pytest.raises(ValueError, match="at least 16"):
        Pseudonymizer(key)


def test_pseudonymizer_accepts_a_16_character_key() -> None:
    assert Pseudonymizer("k" * 16).pseudonym("x", "a").startswith("anon-")


def test_digits_inside_a_parcel_code_are_not_a_phone() -> None:
    assert redact("เลขพัสดุ TH0413885276A") == ("เลขพัสดุ TH0413885276A", [])
    assert redact("Tel0812345678") == ("Tel[PHONE]", ["phone"])
