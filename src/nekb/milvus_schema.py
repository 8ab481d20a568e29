"""The Milvus collections of an nekb index, and the ``nekb_meta`` collection naming the live version.

Collections are shared by the versions of one *generation*, ``nekb_g<generation>_<kind>``: a full
build starts a generation (new collections), an incremental write adds and retires rows in the live
one. Every row carries the versions it belongs to, ``since <= v < until`` (``until`` is LIVE_UNTIL
while the row is live), and every read filters on them (:func:`visible`), so a version stays
readable, unchanged, while the next one is written beside it.

Every collection needs a vector field in Milvus; those without one of their own (documents, facts,
terms, meta) carry a 2-d zero vector, ``dummy``.
"""

from __future__ import annotations

KINDS = ("documents", "chunks", "sentences", "facts", "terms")
META = "nekb_meta"
PREFIX = "nekb_g"
# ``until`` of a live row: larger than any version number (INT64).
LIVE_UNTIL = 2**62
# VARCHAR lengths: Milvus Lite counts characters, a Milvus server bytes (at most 65,535).
KEY_CHARS = 2_048
LONG_CHARS = 65_535
# Dense index per collection size: exact (FLAT) like the local store up to its FLAT_MAX_VECTORS, HNSW above.
HNSW_PARAMS = {"M": 16, "efConstruction": 128}


def collection_name(generation: int, kind: str) -> str:
    """``nekb_g<generation>_<kind>``: one collection of one generation."""
    return f"{PREFIX}{generation}_{kind}"


def visible(version: int, expr: str = "") -> str:
    """Filter expression selecting the rows of ``version`` (and ``expr``, if given)."""
    rows = f"since <= {int(version)} and until > {int(version)}"
    return f"{rows} and ({expr})" if expr else rows


def _schema(fields: list[tuple]):
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    for n, (name, kind, options) in enumerate(fields):
        schema.add_field(name, getattr(DataType, kind), is_primary=n == 0, **options)
    return schema


def _fields(kind: str, dim: int) -> list[tuple]:
    # ``key`` is ``<since>#<doc_id>#<n>`` (terms: ``<since>#<term>``): unique per row and version it
    # was written for, so a changed document's new rows sit beside its old ones until these go.
    common = [
        ("key", "VARCHAR", {"max_length": KEY_CHARS}),
        ("since", "INT64", {}),
        ("until", "INT64", {}),
    ]
    doc_id = ("doc_id", "VARCHAR", {"max_length": KEY_CHARS})
    n = ("n", "INT64", {})
    dummy = ("dummy", "FLOAT_VECTOR", {"dim": 2})
    vectors = [("dense", "FLOAT_VECTOR", {"dim": dim}), ("sparse", "SPARSE_FLOAT_VECTOR", {})]
    if kind == "documents":
        return [
            *common, doc_id, ("part", "INT64", {}), ("text", "VARCHAR", {"max_length": LONG_CHARS}),
            ("layout", "JSON", {}), ("info", "JSON", {}), ("pages", "JSON", {}), ("warnings", "JSON", {}),
            dummy,
        ]  # fmt: skip
    if kind == "chunks":
        return [*common, doc_id, n, ("first", "INT64", {}), ("last", "INT64", {}), *vectors]
    if kind == "sentences":
        return [
            *common, doc_id, n, ("start", "INT64", {}), ("end", "INT64", {}),
            ("tokens", "JSON", {}), ("tags", "JSON", {}), *vectors,
        ]  # fmt: skip
    if kind == "facts":
        text = {"max_length": LONG_CHARS}
        return [
            *common, ("fact_id", "VARCHAR", {"max_length": KEY_CHARS}), doc_id, n,
            ("entity", "VARCHAR", text), ("indicator", "VARCHAR", text), ("period", "VARCHAR", text),
            ("value", "DOUBLE", {}), ("unit", "VARCHAR", text), ("qualifier", "VARCHAR", text),
            ("sentence", "VARCHAR", text), ("start", "INT64", {}), ("end", "INT64", {}),
            ("page", "INT64", {}), ("location", "VARCHAR", text), dummy,
        ]  # fmt: skip
    if kind == "terms":
        return [
            *common, ("term", "VARCHAR", {"max_length": LONG_CHARS}), ("tid", "INT64", {}),
            ("df_chunk", "INT64", {}), ("df_sentence", "INT64", {}), dummy,
        ]  # fmt: skip
    raise ValueError(f"unknown collection kind {kind!r}")


def create_collection(client, name: str, kind: str, dim: int, dense_kind: str = "flat") -> None:
    """Create, index and load one collection of a generation (``dense_kind``: ``flat`` or ``hnsw``)."""
    client.create_collection(name, schema=_schema(_fields(kind, dim)))
    index = client.prepare_index_params()
    if kind in ("chunks", "sentences"):
        if dense_kind == "flat":
            index.add_index("dense", index_type="FLAT", metric_type="IP")
        else:
            index.add_index("dense", index_type="HNSW", metric_type="IP", params=HNSW_PARAMS)
        index.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="IP")
    else:
        index.add_index("dummy", index_type="FLAT", metric_type="L2")
    # Every read filters on the version bounds, searches also on doc_id (a scope), terms by term.
    for scalar in ("since", "until", "term" if kind == "terms" else "doc_id"):
        index.add_index(scalar, index_type="INVERTED")
    # The collection is empty, so there is nothing to wait for; pymilvus would poll every 0.5 s.
    client.create_index(name, index, sync=False)
    client.load_collection(name)


def create_meta(client) -> None:
    """Create ``nekb_meta`` (key -> JSON value) unless it exists."""
    if client.has_collection(META):
        return
    fields = [
        ("key", "VARCHAR", {"max_length": KEY_CHARS}),
        ("value", "JSON", {}),
        ("dummy", "FLOAT_VECTOR", {"dim": 2}),
    ]
    client.create_collection(META, schema=_schema(fields))
    index = client.prepare_index_params()
    index.add_index("dummy", index_type="FLAT", metric_type="L2")
    client.create_index(META, index, sync=False)
    client.load_collection(META)
