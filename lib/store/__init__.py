"""The store of published imports: förbund, documents and reviewed figures in SQLite or PostgreSQL, with history."""

from lib.store.store import (
    Publication,
    PublishError,
    Registration,
    StaleError,
    Store,
    StoreUnavailable,
    candidate_problems,
    with_candidate,
)

__all__ = [
    "Publication",
    "PublishError",
    "Registration",
    "StaleError",
    "Store",
    "StoreUnavailable",
    "candidate_problems",
    "with_candidate",
]
