"""Tables of the store, as SQLAlchemy Core metadata.

The same tables exist in SQLite and PostgreSQL. PostgreSQL additionally gets a PostGIS
``geom`` column on ``upload_zones`` (added by a migration, see :mod:`.migrations`), so
GIS clients can query uploaded zones directly. Geometries are kept as GeoJSON text in
EPSG:4326 in both back ends; ids are server-generated UUID hex strings; times are UTC.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

#: JSON column: JSONB on PostgreSQL, JSON text on SQLite.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations", metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

uploads = sa.Table(
    "uploads", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("format", sa.String(20), nullable=False),
    sa.Column("size_bytes", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("id_field", sa.String(255), nullable=False),
    sa.Column("name_field", sa.String(255)),
    sa.Column("n_zones", sa.Integer, nullable=False),
)

upload_zones = sa.Table(
    "upload_zones", metadata,
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("zone_id", sa.String(255), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("geojson", sa.Text, nullable=False),
)

results = sa.Table(
    "results", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("upload_id", sa.String(32), sa.ForeignKey("uploads.id", ondelete="SET NULL")),
    sa.Column("params", JSONType, nullable=False),
    sa.Column("meta", JSONType, nullable=False),
    sa.Column("rows", JSONType, nullable=False),
)

scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("landcover", sa.String(40), nullable=False),
    sa.Column("conversions", JSONType, nullable=False),
)

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("process_id", sa.String(100), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("progress", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("inputs", JSONType, nullable=False),
    sa.Column("outputs", JSONType),
)

sa.Index("ix_jobs_created", jobs.c.created_at)
sa.Index("ix_scenarios_created", scenarios.c.created_at)
sa.Index("ix_results_created", results.c.created_at)
