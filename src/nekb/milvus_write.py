"""Writing versions to the Milvus store: by document, crash-safe (see milvus_schema.py for rows' bounds).

A write makes version ``W = V + 1`` of the live version ``V``:

* full (first build, ``--full``, another model or settings, or BM25's average length drifted):
  a new generation of collections holding every document, rows ``since = W``;
* incremental: in the live generation's collections, rows of new and changed documents are inserted
  with ``since = W`` and rows of removed and changed ones get ``until = W`` (a partial upsert: the
  vectors stay as they are); the BM25 vocabulary (``terms``) gets new rows for the terms whose
  document frequency changed, likewise.

Then the ``current`` row of ``nekb_meta`` is upserted (the switch), and rows and collections no
reader can see any more (neither ``W`` nor ``V``, which readers may still hold) are deleted. A
crash before the switch leaves ``V`` answering exactly as before: its rows are untouched but for
``until`` marks beyond ``V``, which :func:`cleanup` (run before every write) resets, deleting the
rows with ``since > V``.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from . import milvus_rows
from .bm25_vectors import LevelStats, as_indexed, assign_term_ids
from .index import FLAT_MAX_VECTORS
from .milvus_schema import (
    KINDS,
    LIVE_UNTIL,
    META,
    PREFIX,
    collection_name,
    create_collection,
    create_meta,
    visible,
)
from .pipeline import DocumentRecord, token_lists
from .snapshot import LEVELS, Level

FORMAT = 3
INSERT_BATCH = 500
READ_BATCH = 2_000
IN_BATCH = 500  # values per ``in [...]`` filter
# BM25's average chunk/sentence length is frozen in document vectors at a full write; an incremental
# write that would move it by more than this share writes a full new generation instead.
AVGDL_DRIFT = 0.05
ITERATOR_LOGGER = "pymilvus.client.iterator.query_iterator"


def usable(manifest: dict | None) -> bool:
    """Whether ``manifest`` is a live version of this format (others are rebuilt, never read)."""
    return manifest is not None and manifest.get("format") == FORMAT


def read_rows(client, name: str, expr: str, fields: list[str]) -> list[dict]:
    """Every row of collection ``name`` matching ``expr`` (paged by pymilvus' query iterator)."""
    with quiet(ITERATOR_LOGGER):
        iterator = client.query_iterator(name, batch_size=READ_BATCH, filter=expr, output_fields=fields)
        out: list[dict] = []
        while batch := iterator.next():
            out.extend(batch)
        iterator.close()
    return out


def _in(field: str, values: Sequence[str]) -> Iterator[str]:
    for i in range(0, len(values), IN_BATCH):
        yield f"{field} in {json.dumps(list(values[i : i + IN_BATCH]), ensure_ascii=False)}"


def _set_until(client, name: str, keys: Sequence[str], until: int) -> None:
    # A partial upsert rewrites one field of existing rows: no need to read their vectors.
    for i in range(0, len(keys), INSERT_BATCH):
        rows = [{"key": k, "until": until} for k in keys[i : i + INSERT_BATCH]]
        client.upsert(name, rows, partial_update=True)


def _insert(client, name: str, rows: Iterable[dict]) -> None:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            client.insert(name, batch)
            batch = []
    if batch:
        client.insert(name, batch)


def _generations(manifest: dict | None) -> set[int]:
    if not usable(manifest):
        return set()
    return {g for g in (manifest["generation"], manifest.get("previous_generation")) if g is not None}


def _drop_other_generations(client, kept: set[int], legacy: bool) -> None:
    """Drop collections of generations not in ``kept`` (and of format 1, ``nekb_v…``, if ``legacy``)."""
    names = {collection_name(g, kind) for g in kept for kind in KINDS}
    for name in client.list_collections():
        stale = name.startswith(PREFIX) or (legacy and name.startswith("nekb_v"))
        if stale and name not in names:
            client.drop_collection(name)


def cleanup(client, manifest: dict | None) -> None:
    """Undo what a crashed write left behind, so the live version is all there is beside its predecessor."""
    _drop_other_generations(client, _generations(manifest), legacy=usable(manifest))
    if not usable(manifest):
        return
    live, previous = manifest["serial"], manifest.get("previous_serial") or 0
    for kind in KINDS:
        name = collection_name(manifest["generation"], kind)
        client.delete(name, filter=f"since > {live}")
        marked = read_rows(client, name, f"until > {live} and until < {LIVE_UNTIL}", ["key"])
        _set_until(client, name, [r["key"] for r in marked], LIVE_UNTIL)
        client.delete(name, filter=f"until <= {previous}")
        client.flush(name)


def _avg_length(lists: list[list[str]]) -> float:
    return sum(len(as_indexed(t)) for t in lists) / len(lists) if lists else 1.0


def write(client, records: list[DocumentRecord], model: str, dim: int, settings: dict, *, full: bool,
          live: dict | None) -> dict:  # fmt: skip
    """Write ``records`` (every document of the new version) as version ``live + 1``, switch
    ``current`` to it and delete what no reader can see any more; return its manifest."""
    serial = (live["serial"] if usable(live) else 0) + 1
    tokens = token_lists(records)
    avg = {level: _avg_length(tokens[level]) for level in LEVELS}
    incremental = (
        not full
        and usable(live)
        and (live["model"], live["dim"], live["settings"]) == (model, dim, settings)
        and all(abs(avg[lv] / float(live["avg_length"][lv]) - 1) <= AVGDL_DRIFT for lv in LEVELS)
    )
    if incremental:
        written = _write_changes(client, records, live, serial)
    else:
        written = _write_generation(client, records, tokens, dim, serial)
    manifest = {
        "format": FORMAT,
        "version": f"v{serial}_{time.strftime('%Y%m%d_%H%M%S')}",
        "serial": serial,
        "previous": live["version"] if usable(live) else None,
        "previous_serial": live["serial"] if usable(live) else None,
        "previous_generation": live["generation"] if usable(live) else None,
        "model": model,
        "dim": dim,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "settings": settings,
        "documents": len(records),
        "chunks": len(tokens["chunk"]),
        "sentences": len(tokens["sentence"]),
        **written,
    }
    create_meta(client)
    client.upsert(META, [{"key": "current", "value": manifest, "dummy": milvus_rows.DUMMY}])
    client.flush(META)
    _drop_other_generations(client, _generations(manifest), legacy=True)
    for kind in KINDS:  # rows neither the new version nor the one before it holds
        client.delete(collection_name(manifest["generation"], kind), filter=f"until <= {serial - 1}")
    return manifest


def _write_generation(client, records: list[DocumentRecord], tokens: dict, dim: int, serial: int) -> dict:
    """Every document into a new generation of collections (rows ``since = serial``)."""
    stats = {level: LevelStats.of(tokens[level]) for level in LEVELS}
    term_ids = assign_term_ids(stats.values())
    dense_kind = {lv: "flat" if stats[lv].size <= FLAT_MAX_VECTORS else "hnsw" for lv in LEVELS}
    for kind in KINDS:
        create_collection(client, collection_name(serial, kind), kind, dim, dense_kind.get(kind[:-1], "flat"))
    terms = {
        t: (tid, stats["chunk"].doc_freq.get(t, 0), stats["sentence"].doc_freq.get(t, 0))
        for t, tid in term_ids.items()
    }
    _write_rows(client, serial, records, term_ids, {lv: stats[lv].avg_length for lv in LEVELS}, terms)
    return {
        "generation": serial,
        "avg_length": {level: stats[level].avg_length for level in LEVELS},
        "next_term_id": len(term_ids),
    }


def _write_rows(client, serial: int, records, term_ids, avg_length, terms, generation=None) -> None:
    generation = serial if generation is None else generation
    name = {kind: collection_name(generation, kind) for kind in KINDS}
    stats = {lv: LevelStats(size=0, avg_length=float(avg_length[lv]), doc_freq={}) for lv in LEVELS}
    _insert(client, name["documents"], milvus_rows.document_rows(records, serial))
    _insert(client, name["chunks"], milvus_rows.chunk_rows(records, term_ids, stats["chunk"], serial))
    _insert(
        client, name["sentences"], milvus_rows.sentence_rows(records, term_ids, stats["sentence"], serial)
    )
    _insert(client, name["facts"], milvus_rows.fact_rows(records, serial))
    _insert(client, name["terms"], milvus_rows.term_rows(terms, serial))
    for kind in KINDS:
        client.flush(name[kind])


def _write_changes(client, records: list[DocumentRecord], live: dict, serial: int) -> dict:
    """New and changed documents' rows into the live generation, removed and changed ones retired."""
    generation, version = live["generation"], live["serial"]
    name = {kind: collection_name(generation, kind) for kind in KINDS}
    stored = {
        r["doc_id"]: r["info"]
        for r in read_rows(client, name["documents"], visible(version, "part == 0"), ["doc_id", "info"])
    }
    current = {r.doc_id: r for r in records}
    fresh = [r for r in records if stored.get(r.doc_id) != r.info.to_dict()]
    gone = sorted(d for d in stored if d not in current or stored[d] != current[d].info.to_dict())
    # Document frequencies change by the token lists written minus those retired.
    delta = {lv: Counter() for lv in LEVELS}
    for level, lists in token_lists(fresh).items():
        for t in lists:
            delta[level].update(set(as_indexed(t)))
    for level, lists in _retired_token_lists(client, name, version, gone).items():
        for t in lists:
            delta[level].subtract(set(as_indexed(t)))
    touched = sorted(set(delta["chunk"]) | set(delta["sentence"]))
    old = {}
    for expr in _in("term", touched):
        for row in read_rows(
            client, name["terms"], visible(version, expr), ["key", "term", "tid", "df_chunk", "df_sentence"]
        ):
            old[row["term"]] = row
    next_id = int(live["next_term_id"])
    terms: dict[str, tuple[int, int, int]] = {}
    retired_terms = []
    for term in touched:
        row = old.get(term)
        before = (int(row["df_chunk"]), int(row["df_sentence"])) if row else (0, 0)
        df = (before[0] + delta["chunk"][term], before[1] + delta["sentence"][term])
        if df == before:
            continue
        if row:
            retired_terms.append(row["key"])
        if df != (0, 0):  # a term keeps its id while any row holds it; a new one takes the next
            tid = int(row["tid"]) if row else next_id
            next_id += row is None
            terms[term] = (tid, *df)
    term_ids = {t: int(r["tid"]) for t, r in old.items()} | {t: v[0] for t, v in terms.items()}
    _write_rows(client, serial, fresh, term_ids, live["avg_length"], terms, generation)
    _set_until(client, name["terms"], retired_terms, serial)
    for kind in ("documents", "chunks", "sentences", "facts"):
        keys = [
            r["key"]
            for expr in _in("doc_id", gone)
            for r in read_rows(client, name[kind], visible(version, expr), ["key"])
        ]
        _set_until(client, name[kind], keys, serial)
        client.flush(name[kind])
    client.flush(name["terms"])
    return {
        "generation": generation,
        "avg_length": live["avg_length"],
        "next_term_id": next_id,
    }


def _retired_token_lists(
    client, name: dict, version: int, doc_ids: list[str]
) -> dict[Level, list[list[str]]]:
    """Token lists of the chunks and sentences of ``doc_ids`` in ``version``, read back from Milvus."""
    sentences: dict[str, dict[int, list[str]]] = {}
    chunks: list[dict] = []
    for expr in _in("doc_id", doc_ids):
        for row in read_rows(client, name["sentences"], visible(version, expr), ["doc_id", "n", "tokens"]):
            sentences.setdefault(row["doc_id"], {})[int(row["n"])] = list(row["tokens"])
        chunks.extend(read_rows(client, name["chunks"], visible(version, expr), ["doc_id", "first", "last"]))
    return {
        "sentence": [tokens for doc in sentences.values() for tokens in doc.values()],
        "chunk": [
            [t for s in range(c["first"], c["last"]) for t in sentences.get(c["doc_id"], {}).get(s, [])]
            for c in chunks
        ],
    }


@contextmanager
def quiet(logger_name: str) -> Iterator[None]:
    """Silence one library logger for a block: pymilvus warns on every collection read that Milvus
    Lite gives its query iterator no session timestamp, and Milvus Lite logs a traceback for a .db
    locked by another process, which nekb reports in one line."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
