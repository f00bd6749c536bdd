"""One-time conversion of the ``thai-sentiment`` NBSVM pickles into plain arrays.

The ``thai-sentiment`` sdist (cstorm125, Apache-2.0) ships an NBSVM trained on the
wisesight_sentiment corpus as scikit-learn 0.24 pickles. Its ``setup.py`` asks for the dead
``sklearn`` package, so it cannot be installed; and pickles are code. This script fetches the
sdist with pip (a registry package, no hub), unpickles it once under a restricted unpickler
that only admits numpy, scipy and scikit-learn classes, and writes the numbers Siang needs
to ``enrich/data/wisesight_nbsvm.npz``: the vocabulary in column order, the idf, and per
class (pos, neu, neg, q) the NB-weighted logistic-regression weights and intercept.

Run: ``python -m tools.wisesight_convert [--sdist thai_sentiment-0.1.3.tar.gz]``.
"""

from __future__ import annotations

import argparse
import io
import pickle
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from enrich.wisesight import LABELS, WEIGHTS

SDIST = "thai-sentiment==0.1.3"
_ALLOWED_MODULES = ("numpy", "scipy.sparse", "sklearn.")
_VECTORIZER = "tfidf_wisesight_sentiment.pkl"
_MODELS = "nbsvm_c3_l2_dual.pkl"


class _NbSvm:
    """Stand-in for ``thai_sentiment.architecture.NbSvmClassifier``: holds ``_r`` and ``_clf``."""


def _process_thai_placeholder(*_: Any, **__: Any) -> list[str]:
    raise RuntimeError("the pickled tokenizer is never called")


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name == "NbSvmClassifier":
            return _NbSvm
        if module.startswith("pythainlp"):  # the vectorizer's tokenizer: process_thai
            return _process_thai_placeholder
        if module == "builtins" and name in {"set", "frozenset", "slice", "getattr"}:
            return super().find_class(module, name)
        if module.startswith(_ALLOWED_MODULES) or module in {"copyreg", "_codecs"}:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a model pickle")


def _load(data: bytes) -> Any:
    return _RestrictedUnpickler(io.BytesIO(data)).load()


def _download_sdist(directory: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--dest",
            str(directory),
            SDIST,
        ],
        check=True,
    )
    return next(directory.glob("thai_sentiment-*.tar.gz"))


def convert(sdist: Path, out: Path = WEIGHTS) -> dict[str, Any]:
    """Read both pickles from the sdist and write the arrays; returns a summary."""
    with tarfile.open(sdist) as archive:
        members = {Path(m.name).name: m for m in archive.getmembers()}
        vectorizer = _load(archive.extractfile(members[_VECTORIZER]).read())  # type: ignore[union-attr]
        models = _load(archive.extractfile(members[_MODELS]).read())  # type: ignore[union-attr]
    if tuple(vectorizer.ngram_range) != (1, 2) or vectorizer.analyzer != "word":
        raise ValueError(f"unexpected vectorizer {vectorizer.ngram_range} {vectorizer.analyzer}")
    transformer = vectorizer._tfidf
    # scikit-learn 0.24 kept the idf as a sparse diagonal; newer versions read ``idf_``.
    idf = np.asarray(transformer._idf_diag.diagonal(), dtype=np.float64)
    vocabulary = sorted(vectorizer.vocabulary_.items(), key=lambda kv: kv[1])
    if [i for _, i in vocabulary] != list(range(len(vocabulary))):
        raise ValueError("vocabulary columns are not contiguous")
    weights, intercepts = [], []
    for model in models:
        r = np.asarray(model._r.todense()).ravel()
        coef = np.asarray(model._clf.coef_).ravel()
        weights.append(r * coef)  # (x ⊙ r) · coef == x · (r ⊙ coef)
        intercepts.append(float(model._clf.intercept_[0]))
    if len(weights) != len(LABELS):
        raise ValueError(f"expected {len(LABELS)} one-vs-rest models, found {len(weights)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        vocabulary=np.array([term for term, _ in vocabulary]),
        idf=idf.astype(np.float32),
        weights=np.vstack(weights).astype(np.float32),
        intercepts=np.asarray(intercepts, dtype=np.float32),
        labels=np.array(LABELS),
        sublinear_tf=np.array(bool(transformer.sublinear_tf)),
        source=np.array(f"{SDIST} (cstorm125/thai_sentiment, Apache-2.0)"),
    )
    return {"terms": len(vocabulary), "labels": list(LABELS), "out": str(out)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help="a downloaded thai_sentiment-*.tar.gz")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    if args.sdist:
        print(convert(args.sdist, args.out))
        return
    with tempfile.TemporaryDirectory() as tmp:
        print(convert(_download_sdist(Path(tmp)), args.out))


if __name__ == "__main__":
    main()
