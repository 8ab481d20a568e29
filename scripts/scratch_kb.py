"""Scratch knowledge bases for measuring and fitting: the real e5 model behind an on-disk vector cache.

Rebuilding an index after a change to the build pipeline (tags, tokens) then re-embeds nothing: every
sentence the real model embedded once is looked up by the SHA-1 of its text. The vectors are the real
model's; only the time is saved. Scratch data, never committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from nekb import KnowledgeBase
from nekb.embed import E5Embedder
from nekb.steps import IndexSteps


class CachedEmbedder:
    """The e5 embedder with passage vectors cached in ``cache_dir`` (keys.json + vectors.npy)."""

    name = "e5"

    def __init__(self, cache_dir: Path) -> None:
        self.model = E5Embedder()
        self.dim = self.model.dim
        self.cache_dir = Path(cache_dir)
        self.cache: dict[str, np.ndarray] = {}
        keys_path = self.cache_dir / "keys.json"
        if keys_path.exists():
            keys = json.loads(keys_path.read_text())
            vectors = np.load(self.cache_dir / "vectors.npy", allow_pickle=False)
            self.cache = dict(zip(keys, vectors, strict=True))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Queries are never cached: they are what latency is measured on."""
        return self.model.embed_queries(texts)

    def embed_queries_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors for fitting, cached under ``queries/`` (never used for timing)."""
        path = self.cache_dir / "queries"
        cache: dict[str, np.ndarray] = {}
        if (path / "keys.json").exists():
            keys = json.loads((path / "keys.json").read_text())
            cache = dict(zip(keys, np.load(path / "vectors.npy", allow_pickle=False), strict=True))
        missing = [t for t in dict.fromkeys(texts) if _key(t) not in cache]
        if missing:
            cache.update(zip(map(_key, missing), self.model.embed_queries(missing), strict=True))
            path.mkdir(parents=True, exist_ok=True)
            np.save(path / "vectors.npy", np.stack(list(cache.values())), allow_pickle=False)
            (path / "keys.json").write_text(json.dumps(list(cache)))
        return np.stack([cache[_key(t)] for t in texts]).astype(np.float32)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Look every text up; embed the missing ones with the real model and save the cache."""
        keys = [_key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.cache))
        if missing:
            first_text = {k: t for k, t in zip(keys, texts, strict=True)}
            vectors = self.model.embed_passages([first_text[k] for k in missing], progress=progress)
            self.cache.update(zip(missing, vectors, strict=True))
            self._save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self.cache[k] for k in keys]).astype(np.float32)

    def _save(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        keys = list(self.cache)
        np.save(self.cache_dir / "vectors.npy", np.stack([self.cache[k] for k in keys]), allow_pickle=False)
        (self.cache_dir / "keys.json").write_text(json.dumps(keys))


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def scratch_kb(
    corpus: Path, index: Path, cache_dir: Path, embedder: CachedEmbedder | None = None
) -> IndexSteps:
    """Build (incrementally) the index of ``corpus`` in ``index`` with cached e5 vectors; its steps."""
    embedder = embedder or CachedEmbedder(cache_dir)
    KnowledgeBase.build(corpus, index, model=embedder)
    return IndexSteps.load(index, model=embedder)
