"""The wisesight NBSVM read from arrays, with its training-time text processing."""

from __future__ import annotations

import numpy as np
import pytest

from enrich.wisesight import (
    WEIGHTS,
    WisesightFeatures,
    WisesightNBSVM,
    post_rules,
    pre_rules,
    strip_accents,
)


@pytest.fixture(scope="module", params=["newmm", "nlpo3"])
def model(request: pytest.FixtureRequest) -> WisesightNBSVM:
    return WisesightNBSVM(engine=request.param)


def test_accents_are_stripped_as_scikit_learn_did_in_training() -> None:
    # strip_accents="unicode" removes Thai tone marks and upper/lower vowels.
    assert strip_accents("แล้ว น้ำไม่ไหล Café") == "แลว นําไมไหล Cafe"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("บ้านนนนน () อยู่ amp; x", "บ้าน xxrep   อยู่ & x"),
        ("ดู https://t.co/abc ด้วย", "ดู https: / / xxurl / abc ด้วย"),
        ("เข้า pantip.com นะ", "เข้า xxurl นะ"),
        ("mail a@b.com ราคา 1.50 บาท", "mail a@b.com ราคา 1.50 บาท"),
        ("a/b#c (!!ok) [] {..x}", "a / b # c (ok)  {x}"),
    ],
)
def test_pre_rules(text: str, expected: str) -> None:
    assert pre_rules(text) == expected


def test_post_rules_split_emoji_lowercase_and_mark_repeated_words() -> None:
    tokens = ["ดี", "ดี", "ดี", "😂🤣", "Hello", " ", "  "]
    assert post_rules(tokens) == ["xxwrep", "ดี", "😂", "🤣", "hello", "  "]


@pytest.mark.parametrize("engine", ["newmm", "nlpo3"])
def test_terms_are_unigrams_and_bigrams(engine: str) -> None:
    # Accent-stripped ห่วยแตก is segmented as the model saw it in training: หวย + แตก.
    assert WisesightFeatures(engine=engine).terms("ห่วยแตก มากกกก") == [
        "หวย",
        "แตก",
        "มาก",
        "xxrep",
        "หวย แตก",
        "แตก มาก",
        "มาก xxrep",
    ]


# Expected values computed with the original scikit-learn pickles of thai-sentiment 0.1.3
# (TfidfVectorizer.transform + NbSvmClassifier.predict_proba) on the same terms; both
# segmentation engines give these texts the same terms.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("อร่อยมากกกก ร้านนี้ต้องมาอีก 😍😍", [0.987866, 0.011446, 0.043377, 0.001206]),
        ("น้ำไม่ไหลมาสามวันแล้ว ห่วยแตกที่สุด", [0.131318, 0.12919, 0.863242, 0.001566]),
        ("พรุ่งนี้ร้านเปิดกี่โมงคะ", [0.159055, 0.720854, 0.020554, 0.012429]),
        ("ขอบคุณ กฟภ. ที่มาซ่อมไฟให้ไวมาก", [0.929161, 0.023265, 0.085072, 0.001617]),
    ],
)
def test_probabilities_match_the_original_model(
    model: WisesightNBSVM, text: str, expected: list[float]
) -> None:
    got = model.probabilities(text)
    assert list(got) == ["pos", "neu", "neg", "q"]
    assert np.allclose(list(got.values()), expected, atol=1e-6)


def test_unknown_text_scores_the_intercepts(model: WisesightNBSVM) -> None:
    assert np.allclose(model.decision("qqqzzz"), model.intercepts)
    assert model.coverage("qqqzzz") == 0.0


def test_weights_hold_the_converted_vocabulary() -> None:
    with np.load(WEIGHTS) as data:
        assert data["weights"].shape == (4, len(data["vocabulary"])) == (4, 38137)
        assert "Apache-2.0" in str(data["source"])


def test_missing_weights_name_the_conversion_command(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError, match=r"tools\.wisesight_convert"):
        WisesightNBSVM(tmp_path / "absent.npz")
