"""nekb: an offline, cited knowledge base over Chinese documents about Northeast China."""

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
