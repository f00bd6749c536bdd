"""1111 exports into the store: mapping, Thai dates and digits, quarantine, idempotency, history."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from complaints.exports import ExportMapping, parse_filed_at, read_export
from complaints.service import ComplaintBook, complaint_from_fields
from domain.errors import RecordError
from domain.settings import Settings
from enrich.gazetteer import Gazetteer
from enrich.thai_text import ThaiTokenizer
from storage.embedded import EmbeddedStore
from tests.conftest import FixedEmbedder

BANGKOK = ZoneInfo("Asia/Bangkok")
HEADER = "เลขที่เรื่อง,วันที่รับเรื่อง,ประเภทเรื่อง,จังหวัด,อำเภอ/เขต,เรื่อง,รายละเอียด,สถานะ"
ROWS = [
    "๑๑๑๑-๒๕๖๙-๐๐๐๐๐๑,14/10/2569 09:20,ประปา,จ.นนทบุรี,อ.บางบัวทอง,น้ำประปาเค็ม,"
    "น้ำประปาหมู่บ้านพฤกษา มีรสเค็ม โทร 081-234-5678,รับเรื่อง",
    "1111-2569-000002,๑๕ ต.ค. ๒๕๖๙ 13.05 น.,ถนน/จราจร,กทม.,เขตห้วยขวาง,ถนนเป็นหลุม,"
    "หลุมลึกหน้าตลาดห้วยขวาง,อยู่ระหว่างดำเนินการ",
    "1111-2569-000003,2569-10-16,ไฟฟ้า,โคราช,เมือง,ไฟดับทั้งซอย,,ดำเนินการแล้วเสร็จ",
    "1111-2569-000004,31/02/2569,ไฟฟ้า,นครราชสีมา,,ไฟดับ,,รับเรื่อง",  # no 31 February
    "1111-2569-000005,16/10/2569,อากาศ,นครราชสีมา,,ฝุ่น,,รับเรื่อง",  # category not mapped
    "1111-2569-000006,16/10/2569,ไฟฟ้า,แอตแลนติส,,ไฟดับ,,รับเรื่อง",  # not a province
]


@pytest.fixture
def mapping(settings: Settings) -> ExportMapping:
    gazetteer = Gazetteer(settings.place_aliases, landmarks=settings.landmarks, use_ner=False)
    return ExportMapping(settings.complaints.export, gazetteer)


@pytest.fixture
def book(settings: Settings) -> ComplaintBook:
    store = EmbeddedStore(settings.store.path)
    return ComplaintBook(store, tokenize=ThaiTokenizer().tokenize, embed=FixedEmbedder().encode)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/10/2569 09:20", datetime(2026, 10, 14, 9, 20, tzinfo=BANGKOK)),
        ("๑๔/๑๐/๒๕๖๙", datetime(2026, 10, 14, tzinfo=BANGKOK)),
        ("15 ต.ค. 2569 13.05 น.", datetime(2026, 10, 15, 13, 5, tzinfo=BANGKOK)),
        ("3 พฤศจิกายน 2569 เวลา 08:00", datetime(2026, 11, 3, 8, 0, tzinfo=BANGKOK)),
        ("2569-10-16 07:30:00", datetime(2026, 10, 16, 7, 30, tzinfo=BANGKOK)),
        ("2026-10-16T07:30:00+00:00", datetime(2026, 10, 16, 14, 30, tzinfo=BANGKOK)),
        ("14/10/2026", datetime(2026, 10, 14, tzinfo=BANGKOK)),
    ],
)
def test_filing_times_as_thai_offices_write_them(text: str, expected: datetime) -> None:
    assert parse_filed_at(text) == expected


@pytest.mark.parametrize("text", ["31/02/2569", "ไม่ทราบ", "14 ตุลา 2569", ""])
def test_unreadable_filing_times_name_the_field(text: str) -> None:
    with pytest.raises(RecordError) as caught:
        parse_filed_at(text)
    assert caught.value.field == "filed_at"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp874"])
def test_csv_export_maps_cleans_and_quarantines(
    tmp_path: Path, encoding: str, mapping: ExportMapping, book: ComplaintBook
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join([HEADER, *ROWS]) + "\r\n").encode(encoding))
    report = book.import_lines(read_export(path), source=str(path), mapper=mapping.fields)
    assert report.counts.created == 3 and report.quarantined == 3
    assert any("line 5: filed_at is not a real date" in r for r in report.reasons)
    assert any("category 'อากาศ' is not mapped" in r for r in report.reasons)
    assert any("'แอตแลนติส' is not a Thai province" in r for r in report.reasons)
    first = book.store.get_complaint("1111-2569-000001")
    assert first is not None
    assert (first.province, first.district, first.category.value) == (
        "นนทบุรี",
        "บางบัวทอง",
        "water_supply",
    )
    assert "081-234-5678" not in first.description  # PII redacted before storing
    assert first.tokens and first.filed_at == datetime(2026, 10, 14, 9, 20, tzinfo=BANGKOK)
    second = book.store.get_complaint("1111-2569-000002")
    assert second is not None and second.province == "กรุงเทพมหานคร"
    assert second.district == "ห้วยขวาง" and second.status == "in_progress"
    assert [c.status for c in second.history] == ["received", "in_progress"]
    third = book.store.get_complaint("1111-2569-000003")
    assert third is not None and (third.province, third.district) == ("นครราชสีมา", "เมืองนครราชสีมา")
    quarantined = book.store.list_quarantine()
    assert len(quarantined) == 3 and all(q.stage == "complaints" for q in quarantined)
    # Re-importing the same export changes nothing.
    again = book.import_lines(read_export(path), source=str(path), mapper=mapping.fields)
    assert again.counts.unchanged == 3 and again.counts.created == again.counts.updated == 0
    assert book.store.count_quarantine(stage="complaints") == 3


def test_a_later_export_moves_the_status_and_keeps_the_history(
    tmp_path: Path, mapping: ExportMapping, book: ComplaintBook
) -> None:
    rows = [{"complaint_id": "C-1", "filed_at": "14/10/2569 09:20", "category": "ไฟฟ้า",
             "province": "ขอนแก่น", "subject": "ไฟดับ", "status": "รับเรื่อง"}]  # fmt: skip
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"records": rows}, ensure_ascii=False), encoding="utf-8")
    book.import_lines(read_export(path), source="a", mapper=mapping.fields)
    rows[0]["status"] = "เสร็จสิ้น"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    report = book.import_lines(read_export(path), source="a", mapper=mapping.fields)
    assert report.status_changes == 1
    stored = book.store.get_complaint("C-1")
    assert stored is not None and stored.status == "resolved"
    assert [c.status for c in stored.history] == ["received", "resolved"]


def test_json_that_is_not_an_export_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"complaint_id": "x"}, 3]', encoding="utf-8")
    lines = list(read_export(path))
    assert lines[0].value == {"complaint_id": "x"} and lines[1].error == (
        "record 2: expected a JSON object"
    )
    with pytest.raises(RecordError, match=r"must be \.csv, \.json or \.jsonl"):
        list(read_export(tmp_path / "export.xlsx"))


def test_siang_shaped_rows_pass_through_with_thai_digits(mapping: ExportMapping) -> None:
    complaint = complaint_from_fields(
        mapping.fields(
            {
                "complaint_id": "1111-1",
                "filed_at": "๒๕๖๙-๑๑-๐๘T10:00:00+07:00",
                "channel": "hotline_1111",
                "category": "water_supply",
                "subject": "น้ำเค็ม",
            }
        )
    )
    assert complaint.filed_at == datetime(2026, 11, 8, 10, 0, tzinfo=BANGKOK)


def test_a_complaint_needs_a_real_category(mapping: ExportMapping) -> None:
    with pytest.raises(RecordError, match="category") as caught:
        complaint_from_fields(
            mapping.fields(
                {
                    "complaint_id": "1111-2",
                    "filed_at": "2026-11-08T10:00:00+07:00",
                    "channel": "web",
                    "category": "none",
                    "subject": "x",
                }
            )
        )
    assert caught.value.field == "category"
