"""Survey results read from the CSV the centre's survey system exports (complaints/surveys.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from complaints.surveys import SurveyFormatError, import_surveys, read_survey_csv
from domain.models import BANGKOK_TZ
from storage.embedded import EmbeddedStore
from tests.conftest import T0
from tests.linking.test_linker import _complaint

NOW = T0 + timedelta(days=30)


def _read(text: str, encoding: str = "utf-8"):  # type: ignore[no-untyped-def]
    return read_survey_csv(text.encode(encoding), source="survey.csv", now=NOW)


def test_thai_headers_digits_and_buddhist_dates_are_read_and_comments_redacted() -> None:
    answers, refused = _read(
        "เลขที่เรื่อง,คะแนน,ความคิดเห็น,วันที่ตอบ\n"
        "1111-2569-000123,๔,ช่างมาเร็ว โทรกลับที่ 081-234-5678 ได้เลย,20/11/2569 14:30\n"
        "1111-2569-000124, 1 ,,\n"
    )
    assert refused == []
    first, second = answers
    assert (first.complaint_id, first.score) == ("1111-2569-000123", 4)
    assert first.answered_at == datetime(2026, 11, 20, 14, 30, tzinfo=BANGKOK_TZ)
    assert first.comment is not None and "081" not in first.comment
    assert "ช่างมาเร็ว" in first.comment and "[PHONE]" in first.comment
    assert (second.score, second.comment, second.answered_at) == (1, None, None)
    assert first.source == "survey.csv" and first.imported_at == NOW


def test_a_tis620_file_from_excel_reads_the_same() -> None:
    text = "complaint_id,score,comment\nc1,5,ขอบคุณมากค่ะ น้ำไหลแรงดี\n"
    [answer], _ = _read(text, "cp874")
    assert answer.comment == "ขอบคุณมากค่ะ น้ำไหลแรงดี"


def test_bad_rows_are_refused_with_their_reason_and_the_rest_kept() -> None:
    answers, refused = _read(
        "complaint_id,score,comment\n"
        "c1,4,ok\n"
        "c2,6,too high\n"
        "c3,3.5,half\n"
        "c4,ดีมาก,words\n"
        ",5,no id\n"
        "c1,2,again\n"
        "c5,5,extra,cells\n"
        "c6,,empty score\n"
    )
    assert [a.complaint_id for a in answers] == ["c1"]
    reasons = [reason for _, reason in refused]
    assert reasons == [
        'line 3: score must be a whole number from 1 to 5, not "6"',
        'line 4: score must be a whole number from 1 to 5, not "3.5"',
        'line 5: score must be a whole number from 1 to 5, not "ดีมาก"',
        "line 6: complaint_id is missing",
        "line 7: complaint c1 was answered on line 2 already (one answer per complaint)",
        "line 8: more cells than header columns",
        "line 9: score is missing",
    ]


@pytest.mark.parametrize(
    "text", ["", "id,rating\nc1,4\n", "complaint_id,comment\nc1,ดี\n", "\x00\x01garbage"]
)
def test_a_file_without_the_required_columns_is_refused_whole(text: str) -> None:
    with pytest.raises(SurveyFormatError, match="complaint_id and score"):
        _read(text)


def test_an_import_quarantines_refusals_counts_unknown_complaints_and_repeats_change_nothing(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    store = EmbeddedStore(tmp_path / "siang.db")
    store.upsert_complaints([_complaint(complaint_id="c1")])
    data = "complaint_id,score,comment\nc1,4,โทร 0812345678\nc-later,2,\nc2,9,x\n".encode()

    first = import_surveys(store, data, source="survey.csv", now=NOW)
    again = import_surveys(store, data, source="survey.csv", now=NOW + timedelta(days=1))

    assert (first.read, first.counts.created, first.quarantined) == (3, 2, 1)
    assert first.unknown_complaints == 1 and first.accepted == 2
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    refused = store.list_quarantine(stage="surveys")
    assert len(refused) == 1  # kept once: the second import refused the same row
    assert all("score must be" in r.reason and r.source == "survey.csv" for r in refused)
    [c1] = store.get_survey_responses(["c1"])
    assert c1.comment is not None and "0812345678" not in c1.comment
