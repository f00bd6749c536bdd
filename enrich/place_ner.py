"""LOCATION spans from the ThaiNER 1.5.1 CRF that ships inside PyThaiNLP.

PyThaiNLP's own loaders (``NER("thainer")``, ``ThaiNameTagger``) look the model up in a
download catalogue and fail offline, so the bundled ``corpus/thainer_crf_1_5_1.model``
(CC BY 4.0, trained on newmm tokens with LST20 part-of-speech tags) is opened here with
python-crfsuite directly.

The features are the ones the model was trained with, which are not quite the ones
PyThaiNLP 5.4's ``_doc2features`` computes: the model knows ``word.prepostag`` and
``word.isdigit()`` (PyThaiNLP now emits ``word.prevpostag`` and ``word.isdigit``, which
the model silently ignores). Its ``postag`` values are LST20 tags (NN, VV, PS...), which
PyThaiNLP would compute with a "blackboard" perceptron that is not bundled either; the
bundled ORCHID perceptron is used instead and its tags mapped to LST20 below. Without any
POS tags the model tags whole sentences as PERSON, so they matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from domain.errors import EnrichError

# ORCHID part-of-speech tags → the LST20 tags the CRF was trained on.
_ORCHID_TO_LST20 = {
    **dict.fromkeys(("NCMN", "NTTL", "NPRP"), "NN"),
    **dict.fromkeys(("CNIT", "CLTV", "CMTR", "CFQC", "CVBL"), "CL"),
    **dict.fromkeys(("VACT", "VSTA"), "VV"),
    **dict.fromkeys(("VATT", "DDAN", "DDAC", "DDBQ", "DDAQ", "DIAC", "DIBQ", "DIAQ"), "AJ"),
    **dict.fromkeys(("NONM", "DONM", "NCNM", "NLBL", "DCNM"), "NU"),
    **dict.fromkeys(("ADVN", "ADVI", "ADVP", "ADVS"), "AV"),
    **dict.fromkeys(("PPRS", "PDMN", "PNTR"), "PR"),
    **dict.fromkeys(("XVBM", "XVAM", "XVMM", "XVBB", "XVAE"), "AX"),
    **dict.fromkeys(("JCRG", "PREL", "JSBR", "JCMP"), "CC"),
    **dict.fromkeys(("FIXN", "FIXV"), "FX"),
    **dict.fromkeys(("EAFF", "EITT", "AITT"), "PA"),
    "RPRE": "PS",
    "NEG": "NG",
    "PUNC": "PU",
}
_MODEL_FILE = "thainer_crf_1_5_1.model"


class LocationTagger(Protocol):
    """Marks where location names start."""

    def location_starts(self, tokens: Sequence[str]) -> list[bool]:
        """One flag per token: True where a LOCATION entity begins (B-LOCATION).

        Only the first token counts: the CRF often runs an entity on past the name
        (หาดใหญ่ ดีเลย์ สอง), and a name inside such a tail is no evidence.
        """
        ...


def bundled_model_path() -> Path:
    """Where the installed PyThaiNLP keeps the ThaiNER CRF (the file may be missing)."""
    import pythainlp

    return Path(pythainlp.__file__).resolve().parent / "corpus" / _MODEL_FILE


class ThaiNerTagger:
    """ThaiNER 1.5.1 CRF over Siang's tokens; the model is opened on first use.

    The tagger costs about 0.6 ms per post (nearly all of it the POS perceptron), so the
    gazetteer calls it only for posts with a place name it cannot settle otherwise.
    """

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = model_path or bundled_model_path()
        self._tagger: Any = None
        self._stopwords: frozenset[str] = frozenset()

    def __getstate__(self) -> dict[str, Any]:
        # A crfsuite Tagger cannot be pickled; a copy in a worker process reopens the file.
        return {"model_path": self.model_path, "_tagger": None, "_stopwords": frozenset()}

    def load(self) -> None:
        """Open the model now; raise ``EnrichError`` naming the path if it is missing."""
        if self._tagger is not None:
            return
        if not self.model_path.is_file():
            raise EnrichError(
                f"ThaiNER model not found at {self.model_path}: it ships inside pythainlp "
                f"(corpus/{_MODEL_FILE}); reinstall pythainlp>=5.1 or pass model_path="
            )
        try:
            import pycrfsuite
        except ImportError as exc:  # pragma: no cover - declared dependency
            raise EnrichError(
                "python-crfsuite is not installed (pip install python-crfsuite)"
            ) from exc
        tagger = pycrfsuite.Tagger()
        try:
            tagger.open(str(self.model_path))
        except (OSError, ValueError) as exc:
            raise EnrichError(f"cannot open ThaiNER model {self.model_path}: {exc}") from exc
        self._tagger = tagger

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """IOB entity tags, one per token (B-LOCATION, I-PERSON, O, ...)."""
        if not tokens:
            return []
        self.load()
        return list(self._tagger.tag(self.features(tokens)))

    def location_starts(self, tokens: Sequence[str]) -> list[bool]:
        return [tag == "B-LOCATION" for tag in self.tag(tokens)]

    def features(self, tokens: Sequence[str]) -> list[dict[str, str | bool]]:
        """The CRF's input: word, stopword, Thai-ness, digits and LST20 tags in a ±1 window."""
        from pythainlp.tag import pos_tag

        tags = [
            _ORCHID_TO_LST20.get(tag, "XX")
            for _, tag in pos_tag(list(tokens), engine="perceptron", corpus="orchid")
        ]
        words = [self._word(word) for word in tokens]
        features = []
        for i, (word, tag) in enumerate(zip(tokens, tags, strict=True)):
            item: dict[str, str | bool] = {
                "word.word": word,
                "word.stopword": words[i]["stopword"],
                "word.isthai": words[i]["isthai"],
                "word.isspace": word.isspace(),
                "postag": tag,
                "word.isdigit()": word.isdigit(),
            }
            if word.isdigit() and len(word) == 5:
                item["word.islen5"] = True
            if i > 0:
                item.update({f"word.prev{k}": v for k, v in words[i - 1].items()})
                item["word.prepostag"] = tags[i - 1]  # sic: the model's own spelling
            else:
                item["BOS"] = True
            if i < len(words) - 1:
                item.update({f"word.next{k}": v for k, v in words[i + 1].items()})
                item["word.nextpostag"] = tags[i + 1]
            else:
                item["EOS"] = True
            features.append(item)
        return features

    def _word(self, word: str) -> dict[str, str | bool]:
        """A neighbour's features, under the names the model uses for prev*/next*."""
        from pythainlp.util import is_thai

        if not self._stopwords:
            from pythainlp.corpus import thai_stopwords

            self._stopwords = thai_stopwords()
        return {
            "word": word,
            "isspace": word.isspace(),
            "isthai": is_thai(word),
            "stopword": word in self._stopwords,
            "wordisdigit": word.isdigit(),
        }


__all__ = ["LocationTagger", "ThaiNerTagger", "bundled_model_path"]
