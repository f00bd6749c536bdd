"""Sentiment models: lexicon, wisesight NBSVM and the grievance model (enrich/sentiment.py)."""

from __future__ import annotations

import pytest

from domain.errors import EnrichError
from domain.settings import SentimentSettings, load_settings
from enrich.gazetteer import Gazetteer
from enrich.sentiment import GrievanceSentiment, LexiconSentiment, NbsvmSentiment, build_sentiment
from enrich.service import custom_words
from enrich.thai_text import ThaiTokenizer, normalize


@pytest.fixture(scope="module")
def model() -> LexiconSentiment:
    return LexiconSentiment()


def test_clear_complaint_is_negative(model: LexiconSentiment) -> None:
    tokens = ["น้ำประปา", "ไม่", "ไหล", "มา", "สาม", "วัน", "แล้ว", "แย่มาก", "😡"]
    result = model.predict(tokens, text="น้ำประปาไม่ไหลมาสามวันแล้ว แย่มาก 😡")
    assert result.label == "negative"
    assert result.score == pytest.approx(0.9523, abs=1e-4)  # softmax(4, 1, -4), raw score -4


def test_clear_praise_is_positive(model: LexiconSentiment) -> None:
    tokens = ["ขอบคุณ", "การไฟฟ้า", "ที่", "มา", "ซ่อม", "ให้", "รวดเร็ว", "มาก", "👍"]
    result = model.predict(tokens, text="ขอบคุณการไฟฟ้าที่มาซ่อมให้รวดเร็วมาก 👍")
    assert result.label == "positive"
    assert model.raw_score(tokens) == 2 + 2 * 1.5 + 2


def test_news_like_sentence_is_neutral(model: LexiconSentiment) -> None:
    tokens = ["ประกาศ", "งด", "จ่ายไฟ", "วัน", "เสาร์", "เวลา", "9", "โมง", "ถึง", "บ่าย", "สาม"]
    assert model.raw_score(tokens) == 0
    assert model.predict(tokens).label == "neutral"


def test_score_is_the_probability_of_the_label(model: LexiconSentiment) -> None:
    # softmax(2, 1, -2) for (negative, neutral, positive)
    assert model.predict(["ห่วยแตก"]).model_dump() == {"label": "negative", "score": 0.7214}


@pytest.mark.parametrize(
    ("tokens", "label"),
    [
        (["บริการ", "ไม่", "ดี"], "negative"),
        (["บริการ", "ไม่", "ค่อย", "ดี"], "negative"),  # negator two tokens back
        (["บริการ", "ไม่ค่อย", "ดี"], "negative"),
        (["บริการ", "ดี", "มาก"], "positive"),
        (["บริการ", "ไม่", "ดี", "มาก"], "negative"),
    ],
)
def test_negation_flips_positive_words(
    model: LexiconSentiment, tokens: list[str], label: str
) -> None:
    assert model.predict(tokens).label == label


def test_negated_negative_word_is_not_negative(model: LexiconSentiment) -> None:
    assert model.raw_score(["ไม่", "แย่"]) == pytest.approx(0.3)
    assert model.predict(["ก็", "ไม่", "แย่"]).label != "negative"
    assert model.predict(["ก็", "แย่"]).label == "negative"


def test_negation_does_not_reach_past_another_polar_word(model: LexiconSentiment) -> None:
    # "ไม่ดี แย่มาก": ไม่ negates ดี only; แย่มาก stays negative.
    assert model.raw_score(["บริการ", "ไม่", "ดี", "แย่มาก"]) == -3
    assert model.predict(["บริการ", "ไม่", "ดี", "แย่มาก"]).label == "negative"


def test_intensifier_and_emphasis_amplify(model: LexiconSentiment) -> None:
    assert model.raw_score(["แย่"]) == -1
    assert model.raw_score(["แย่", "มาก"]) == -1.5
    assert model.raw_score(["แย่"], emphasis=2) == -1.5
    assert model.raw_score(["แย่"], emphasis=9) == -2  # capped at four emphasised words


@pytest.mark.parametrize(
    ("tokens", "text", "score", "label"),
    [
        (["😭😭"], "😭😭", -2, "negative"),  # glued emoji are read from the text
        ([], "😡", -2, "negative"),  # emoji the tokenizer dropped still count
        (["😡"], "😡", -2, "negative"),  # never counted twice
        (["😡", "😡😡"], "😡 😡😡", -6, "negative"),
        (["❤️"], "❤️", 2, "positive"),  # heart + variation selector counted once
        (["👍", "👍"], "👍 👍", 4, "positive"),
        (["🙂"], "🙂", 0, "neutral"),  # not in the table
    ],
)
def test_emoji_only(
    model: LexiconSentiment, tokens: list[str], text: str, score: float, label: str
) -> None:
    assert model.raw_score(tokens, text=text) == score
    assert model.predict(tokens, text=text).label == label


def test_custom_lexicon_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "lexicon.txt"
    path.write_text("# comment\n-2\tบึ้ม\n+1\tเจ๋ง\n", encoding="utf-8")
    model = LexiconSentiment(path)
    assert model.lexicon == {"บึ้ม": -2, "เจ๋ง": 1}
    assert model.raw_score(["บึ้ม", "เจ๋ง", "แย่"]) == -1


# --- trained models (enrich/sentiment.py: GrievanceSentiment, NbsvmSentiment, builders) ---


@pytest.fixture(scope="module")
def tokenizer() -> ThaiTokenizer:
    settings = load_settings()
    return ThaiTokenizer(custom_words(settings, Gazetteer(settings.place_aliases)), engine="nlpo3")


@pytest.fixture(scope="module")
def grievance(tokenizer: ThaiTokenizer) -> GrievanceSentiment:
    model = build_sentiment(SentimentSettings(), tokenizer)
    assert isinstance(model, GrievanceSentiment)
    return model


def _predict(model: object, tokenizer: ThaiTokenizer, text: str) -> str:
    normalized = normalize(text)
    return model.predict(  # type: ignore[attr-defined]
        tokenizer.tokenize(normalized.text), text=normalized.text, emphasis=normalized.emphasis
    ).label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("น้ำประปาไม่ไหลมาสามวันแล้ว ไม่มีใครมาดูเลย", "negative"),
        ("ไฟดับอีกแล้วววว เซ็งมากกก", "negative"),
        ("ขอบคุณการไฟฟ้าที่มาซ่อมให้อย่างรวดเร็วครับ", "positive"),
        ("ขอสอบถามค่ะ พรุ่งนี้งดจ่ายน้ำกี่โมงถึงกี่โมงคะ", "neutral"),
    ],
)
def test_grievance_model_reads_complaints_thanks_and_questions(
    grievance: GrievanceSentiment, tokenizer: ThaiTokenizer, text: str, label: str
) -> None:
    assert _predict(grievance, tokenizer, text) == label


def test_grievance_probabilities_sum_to_one(
    grievance: GrievanceSentiment, tokenizer: ThaiTokenizer
) -> None:
    tokens = tokenizer.tokenize("ถนนพังมานานแล้ว")
    probabilities = grievance.probabilities(tokens, text="ถนนพังมานานแล้ว")
    assert set(probabilities) == {"negative", "neutral", "positive"}
    assert sum(probabilities.values()) == pytest.approx(1.0)
    result = grievance.predict(tokens, text="ถนนพังมานานแล้ว")
    assert result.score == round(max(probabilities.values()), 4)


def test_the_model_is_trained_once_per_tokenizer_configuration(
    grievance: GrievanceSentiment,
) -> None:
    settings = load_settings()
    again = ThaiTokenizer(custom_words(settings, Gazetteer(settings.place_aliases)), engine="nlpo3")
    assert build_sentiment(SentimentSettings(), again) is grievance


def test_published_nbsvm_labels_praise_positive(tokenizer: ThaiTokenizer) -> None:
    model = build_sentiment(SentimentSettings(kind="wisesight-nbsvm"), tokenizer)
    assert isinstance(model, NbsvmSentiment)
    result = model.predict([], text="อร่อยมากกกก ร้านนี้ต้องมาอีก 😍😍")
    # pos 0.987866, neu 0.011446, neg 0.043377 renormalised over the three labels
    assert result.model_dump() == {"label": "positive", "score": 0.9474}


def test_lexicon_kind_and_transformers_without_a_model(tokenizer: ThaiTokenizer) -> None:
    assert isinstance(
        build_sentiment(SentimentSettings(kind="lexicon"), tokenizer), LexiconSentiment
    )
    with pytest.raises(EnrichError, match=r"models\.sentiment\.model"):
        build_sentiment(SentimentSettings(kind="transformers"), tokenizer)


def test_transformers_model_that_is_not_on_disk_is_a_clear_error(
    tokenizer: ThaiTokenizer, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings = SentimentSettings(kind="transformers", model=str(tmp_path / "no-such-model"))
    # Without the transformers extra (the lean install) the error names the extra; with it,
    # the model that is not on disk.
    with pytest.raises(EnrichError, match=r"no downloads at run time|siang\[transformers\]"):
        build_sentiment(settings, tokenizer)
