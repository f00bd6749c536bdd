"""ThaiNER CRF loaded from PyThaiNLP's bundled model file (enrich/place_ner.py)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pycrfsuite
import pytest

from domain.errors import EnrichError
from enrich.place_ner import ThaiNerTagger, bundled_model_path

SONGKHLA = ["น้ำท่วม", "หนัก", "ที่", "อำเภอ", "หาดใหญ่", "จังหวัด", "สงขลา"]


@pytest.fixture(scope="module")
def tagger() -> ThaiNerTagger:
    return ThaiNerTagger()


def test_the_model_ships_inside_pythainlp() -> None:
    path = bundled_model_path()
    assert path.name == "thainer_crf_1_5_1.model"
    assert path.parent.name == "corpus"
    assert path.is_file()


def test_tags_locations_in_a_known_sentence(tagger: ThaiNerTagger) -> None:
    assert tagger.tag(SONGKHLA) == [
        "O",
        "O",
        "O",
        "B-LOCATION",
        "I-LOCATION",
        "B-LOCATION",
        "I-LOCATION",
    ]
    assert tagger.tag(["รถติด", "ที่", "กทม.", "มาก"]) == ["O", "O", "B-LOCATION", "O"]


def test_location_starts_flags_only_the_first_token_of_an_entity(tagger: ThaiNerTagger) -> None:
    assert tagger.location_starts(SONGKHLA) == [False, False, False, True, False, True, False]
    assert tagger.location_starts([]) == []


def test_common_words_are_not_locations(tagger: ThaiNerTagger) -> None:
    assert tagger.location_starts(["ตาก", "ผ้า", "ไว้"]) == [False, False, False]


def test_features_use_the_names_the_model_was_trained_with(tagger: ThaiNerTagger) -> None:
    features = tagger.features(["ไป", "ที่", "12345"])
    assert features[1] == {
        "word.word": "ที่",
        "word.stopword": True,
        "word.isthai": True,
        "word.isspace": False,
        "postag": "PS",
        "word.isdigit()": False,
        "word.prevword": "ไป",
        "word.previsspace": False,
        "word.previsthai": True,
        "word.prevstopword": True,
        "word.prepostag": "AX",
        "word.prevwordisdigit": False,
        "word.nextword": "12345",
        "word.nextisspace": False,
        "word.nextpostag": "NU",
        "word.nextisthai": False,
        "word.nextstopword": False,
        "word.nextwordisdigit": True,
    }
    assert features[0]["BOS"] is True
    assert features[2]["EOS"] is True
    assert features[2]["word.islen5"] is True
    # Every attribute computed is one the model has weights for: none is silently ignored.
    model = pycrfsuite.Tagger()
    model.open(str(bundled_model_path()))
    known = {attribute.split(":")[0] for attribute, _ in model.info().state_features}
    computed = {name for item in tagger.features(SONGKHLA) for name in item}
    assert computed <= known


def test_missing_model_file_fails_on_first_use_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "thainer.model"
    tagger = ThaiNerTagger(missing)  # constructing never touches the file
    with pytest.raises(EnrichError, match=str(missing)):
        tagger.tag(["ไป", "ตาก"])


def test_a_used_tagger_can_be_sent_to_a_worker_process(tagger: ThaiNerTagger) -> None:
    tagger.tag(SONGKHLA)
    copy = pickle.loads(pickle.dumps(tagger))
    assert copy.model_path == tagger.model_path
    assert copy.tag(SONGKHLA) == tagger.tag(SONGKHLA)
