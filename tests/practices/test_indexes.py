"""The catalogue's "newest first" index on PostgreSQL (practices/migrations/0004 and 0006)."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_newest_first_index_keeps_nulls_last_on_postgresql():
    """Migration 0006 declares the index without NULLS LAST for SQLite's sake and leaves the
    database alone: on PostgreSQL the index must still be the one the catalogue's order
    (``published_at DESC NULLS LAST``) can read, whatever later migrations did to the table."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite sorts NULLs last when descending anyway")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            ["practices_practice", "practice_newest_first"],
        )
        rows = cursor.fetchall()
    assert len(rows) == 1, "the index practice_newest_first is missing"
    definition = rows[0][0]
    assert "published_at DESC NULLS LAST" in definition, definition
    assert (
        definition.index("status")
        < definition.index("published_at")
        < definition.index("created_at DESC")
        < definition.index("id DESC")
    )
