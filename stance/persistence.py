"""Saving and loading models, each with a manifest beside it. The only module that does.

A model directory holds ``model.joblib`` and ``manifest.json``. The manifest records the
labels, library versions, the sha256 of the model file and of every training source, the
training counts and cross-validated metrics. Loading checks the hash and the scikit-learn
version before unpickling, because a joblib file can run code: a model is only loaded from
the project's own ``trained/`` directory or from a path the user names explicitly.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import joblib
import numpy
import sklearn

from .corpus import file_sha256
from .errors import ModelError
from .labels import LABELS
from .model import StanceModel

MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
DEFAULT_NAME = "default"
_PACKAGE_ROOT = Path(__file__).resolve().parent


def trained_dir() -> Path:
    """Where shipped and user-trained models live: ``trained/`` of the project.

    ``STANCE_TRAINED_DIR`` overrides it (tests, read-only installs). A non-editable install
    finds the shipped model under ``<prefix>/share/stance/trained``.
    """
    env = os.environ.get("STANCE_TRAINED_DIR")
    if env:
        return Path(env)
    repo = _PACKAGE_ROOT.parent / "trained"
    if repo.is_dir() or (_PACKAGE_ROOT.parent / "setup.cfg").is_file():
        return repo  # a checkout (or editable install) of the project
    return Path(sys.prefix) / "share" / "stance" / "trained"


def resolve_model_dir(name_or_path: str | Path | None = None) -> Path:
    """``None`` or ``"default"`` -> the default model; a bare name -> ``trained/NAME``;
    anything else is a path the user named."""
    if name_or_path is None or str(name_or_path) == DEFAULT_NAME:
        return trained_dir() / DEFAULT_NAME
    path = Path(name_or_path)
    if path.exists() or os.sep in str(name_or_path):
        return path
    return trained_dir() / str(name_or_path)


def versions() -> dict[str, str]:
    from . import __version__

    return {
        "stance": __version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
        "python": platform.python_version(),
    }


def save_model(model: StanceModel, directory: str | Path, manifest: dict | None = None) -> Path:
    """Write ``model.joblib`` and ``manifest.json`` atomically into ``directory``.

    Both files are written into a temporary sibling directory which then replaces the
    target, so a crash never leaves a model without its manifest or with a stale hash.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    info = dict(model.manifest)
    info.update(manifest or {})
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        joblib.dump(model.pipeline, staging / MODEL_FILE, compress=3)
        info.update(
            labels=list(LABELS),
            versions=versions(),
            model_sha256=file_sha256(staging / MODEL_FILE),
            saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        info.setdefault("model_id", f"{directory.name}-{info['model_sha256'][:12]}")
        (staging / MANIFEST_FILE).write_text(
            json.dumps(info, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        backup = None
        if directory.exists():
            backup = directory.with_name(f".{directory.name}.old")
            if backup.exists():
                shutil.rmtree(backup)
            directory.rename(backup)
        staging.rename(directory)
        if backup is not None:
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    model.manifest = info
    return directory


def read_manifest(directory: str | Path) -> dict:
    """The manifest of a model directory, validated."""
    directory = Path(directory)
    path = directory / MANIFEST_FILE
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model directory; `stance models list` shows them")
    if not path.is_file():
        raise ModelError(f"{directory}: incomplete model, {MANIFEST_FILE} is missing; retrain it")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path}: unreadable manifest ({exc}); retrain the model") from None
    if not isinstance(manifest, dict) or "model_sha256" not in manifest:
        raise ModelError(f"{path}: not a stance manifest; retrain the model")
    return manifest


LIGHT_NAME = "light"


class FallbackWarning(UserWarning):
    """The default model needs an extra that is not installed; the light model is used."""


def load_model(name_or_path: str | Path | None = None) -> StanceModel:
    """Load a model after checking its manifest, hash, labels and scikit-learn version.

    The default model uses sentence embeddings (the ``embeddings`` extra); without the
    extra, asking for the default loads the shipped ``light`` model and warns once.
    """
    directory = resolve_model_dir(name_or_path)
    manifest = read_manifest(directory)
    missing = _missing_requirements(manifest)
    if missing and (name_or_path is None or str(name_or_path) == DEFAULT_NAME):
        light = trained_dir() / LIGHT_NAME
        if light.is_dir():
            import warnings

            warnings.warn(
                "the default model needs the embeddings extra (pip install "
                "'stance[embeddings]'); using the light model, which is less accurate",
                FallbackWarning,
                stacklevel=2,
            )
            return load_model(light)
    if missing:
        raise ModelError(
            f"{directory}: this model needs the {', '.join(missing)} extra: "
            f"pip install 'stance[{','.join(missing)}]'"
        )
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise ModelError(f"{directory}: incomplete model, {MODEL_FILE} is missing; retrain it")
    if manifest.get("labels") != list(LABELS):
        raise ModelError(
            f"{directory}: model trained on labels {manifest.get('labels')}, "
            f"stance uses {list(LABELS)}; retrain it with `stance train`"
        )
    trained_with = manifest.get("versions", {}).get("scikit-learn")
    if trained_with != sklearn.__version__:
        raise ModelError(
            f"{directory}: trained with scikit-learn {trained_with}, installed is "
            f"{sklearn.__version__}; install scikit-learn=={trained_with} or retrain"
        )
    actual = file_sha256(model_path)
    if actual != manifest["model_sha256"]:
        raise ModelError(
            f"{model_path}: sha256 does not match its manifest (corrupted or replaced); "
            "refusing to load it: retrain or restore the file"
        )
    try:
        pipeline = joblib.load(model_path)
    except Exception as exc:  # a corrupted pickle raises many kinds of errors
        raise ModelError(f"{model_path}: cannot load the model ({exc}); retrain it") from None
    if not hasattr(pipeline, "predict_proba") or not hasattr(pipeline, "classes_"):
        raise ModelError(f"{model_path}: not a stance model; retrain it")
    return StanceModel(pipeline=pipeline, manifest=manifest)


def _missing_requirements(manifest: dict) -> list[str]:
    missing = []
    if "embeddings" in manifest.get("requires", []):
        from .embeddings import available

        if not available():
            missing.append("embeddings")
    return missing


def list_models() -> list[tuple[str, dict | None, str | None]]:
    """Every model directory under ``trained/``: (name, manifest or None, problem or None)."""
    root = trained_dir()
    found = []
    if not root.is_dir():
        return found
    for directory in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            found.append((directory.name, read_manifest(directory), None))
        except ModelError as exc:
            found.append((directory.name, None, str(exc)))
    return found


def copy_model(source: str | Path, target: str | Path) -> Path:
    """Copy a model directory atomically over ``target`` (used to promote a model)."""
    source, target = Path(source), Path(target)
    read_manifest(source)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name in (MODEL_FILE, MANIFEST_FILE):
            shutil.copy2(source / name, staging / name)
        backup = target.with_name(f".{target.name}.old")
        if target.exists():
            if backup.exists():
                shutil.rmtree(backup)
            target.rename(backup)
        staging.rename(target)
        if backup.exists():
            shutil.rmtree(backup)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
