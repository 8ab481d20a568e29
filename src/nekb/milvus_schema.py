"""The Milvus collections of one nekb index version, and the ``nekb_meta`` collection naming the live one.

Every collection needs a vector field in Milvus; those without one of their own (documents, facts,
terms, meta) carry a 2-d zero vector, ``dummy``.
"""

from __future__ import annotations

KINDS = ("documents", "chunks", "sentences", "facts", "terms")
META = "nekb_meta"
# VARCHAR lengths: Milvus Lite counts characters, a Milvus server bytes (at most 65,535).
KEY_CHARS = 2_048
LONG_CHARS = 65_535
# Dense index per collection size: exact (FLAT) like the local store up to its FLAT_MAX_VECTORS, HNSW above.
HNSW_PARAMS = {"M": 16, "efConstruction": 128}


def collection_name(version: str, kind: str) -> str:
    """``nekb_<version>_<kind>``: one collection of one version."""
    return f"nekb_{version}_{kind}"


def _schema(fields: list[tuple]):
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    for n, (name, kind, options) in enumerate(fields):
        schema.add_field(name, getattr(DataType, kind), is_primary=n == 0, **options)
    return schema


def _fields(kind: str, dim: int) -> list[tuple]:
    key = ("key", "VARCHAR", {"max_length": KEY_CHARS})
    doc_id = ("doc_id", "VARCHAR", {"max_length": KEY_CHARS})
    n = ("n", "INT64", {})
    dummy = ("dummy", "FLOAT_VECTOR", {"dim": 2})
    vectors = [("dense", "FLOAT_VECTOR", {"dim": dim}), ("sparse", "SPARSE_FLOAT_VECTOR", {})]
    if kind == "documents":
        return [
            key, doc_id, ("ordinal", "INT64", {}), ("part", "INT64", {}),
            ("text", "VARCHAR", {"max_length": LONG_CHARS}),
            ("info", "JSON", {}), ("pages", "JSON", {}), ("warnings", "JSON", {}), dummy,
        ]  # fmt: skip
    if kind == "chunks":
        return [key, doc_id, n, ("first", "INT64", {}), ("last", "INT64", {}), *vectors]
    if kind == "sentences":
        return [
            key, doc_id, n, ("start", "INT64", {}), ("end", "INT64", {}),
            ("tokens", "JSON", {}), ("tags", "JSON", {}), *vectors,
        ]  # fmt: skip
    if kind == "facts":
        text = {"max_length": LONG_CHARS}
        return [
            ("fact_id", "VARCHAR", {"max_length": KEY_CHARS}), doc_id, n,
            ("entity", "VARCHAR", text), ("indicator", "VARCHAR", text), ("period", "VARCHAR", text),
            ("value", "DOUBLE", {}), ("unit", "VARCHAR", text), ("qualifier", "VARCHAR", text),
            ("sentence", "VARCHAR", text), ("start", "INT64", {}), ("end", "INT64", {}),
            ("page", "INT64", {}), ("location", "VARCHAR", text), dummy,
        ]  # fmt: skip
    if kind == "terms":
        return [
            ("term", "VARCHAR", {"max_length": LONG_CHARS}), ("tid", "INT64", {}),
            ("df_chunk", "INT64", {}), ("df_sentence", "INT64", {}), dummy,
        ]  # fmt: skip
    raise ValueError(f"unknown collection kind {kind!r}")


def create_collection(client, name: str, kind: str, dim: int, dense_kind: str = "flat") -> None:
    """Create, index and load one collection of a version (``dense_kind``: ``flat`` or ``hnsw``)."""
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
    client.create_index(name, index)
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
    client.create_index(META, index)
    client.load_collection(META)
