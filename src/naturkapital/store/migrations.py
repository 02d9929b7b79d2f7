"""Schema migrations: an ordered list of steps, each applied once in its own transaction.

``schema_migrations`` records the applied versions. A new schema change is a new
:class:`Migration` appended to :data:`MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from naturkapital.store import schema


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply(conn)`` runs inside a transaction."""

    version: int
    name: str
    apply: Callable[[Connection], None]


def _v1_base(conn: Connection) -> None:
    tables = [schema.uploads, schema.upload_zones, schema.results, schema.scenarios,
              schema.jobs]
    schema.metadata.create_all(conn, tables=tables)


def _v2_postgis(conn: Connection) -> None:
    """PostgreSQL only: PostGIS and a geometry column filled from the GeoJSON."""
    if conn.dialect.name != "postgresql":
        return
    have = conn.execute(sa.text(
        "SELECT 1 FROM pg_extension WHERE extname = 'postgis'")).first()
    if have is None:
        conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
    conn.execute(sa.text(
        "ALTER TABLE upload_zones ADD COLUMN IF NOT EXISTS geom geometry(MultiPolygon, 4326)"))
    conn.execute(sa.text(
        "CREATE INDEX IF NOT EXISTS ix_upload_zones_geom ON upload_zones USING GIST (geom)"))


_LOCK_KEY = 7_305_512_019  # advisory lock id for migrations

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "uploads, zones, results, scenarios, jobs", _v1_base),
    Migration(2, "PostGIS geometry of uploaded zones (PostgreSQL only)", _v2_postgis),
)


def applied_versions(engine: Engine) -> list[int]:
    """Versions already applied (empty for a new database)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("schema_migrations"):
            return []
        rows = conn.execute(sa.select(schema.schema_migrations.c.version)).scalars()
        return sorted(rows)


def migrate(engine: Engine) -> list[int]:
    """Apply every pending migration; returns the versions applied now.

    Each migration and its bookkeeping row commit together, so a failure leaves the
    database at the previous version.
    """
    lock = None
    if engine.dialect.name == "postgresql":  # two servers starting at once: one migrates
        lock = engine.connect()
        lock.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
    try:
        schema.metadata.create_all(engine, tables=[schema.schema_migrations])
        done = set(applied_versions(engine))
        applied = []
        for m in MIGRATIONS:
            if m.version in done:
                continue
            with engine.begin() as conn:
                m.apply(conn)
                conn.execute(sa.insert(schema.schema_migrations).values(
                    version=m.version, name=m.name, applied_at=datetime.now(UTC)))
            applied.append(m.version)
        return applied
    finally:
        if lock is not None:
            lock.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
            lock.close()


def latest_version() -> int:
    return MIGRATIONS[-1].version
