"""Persistence of uploads, results, saved scenarios and processing jobs.

One :class:`Store` over SQLAlchemy Core: an embedded SQLite file by default (created,
with its folder, on first start) or PostgreSQL/PostGIS from a ``postgresql://`` URL.
Every write is one transaction (``engine.begin()``): an upload, its zones and its result
commit together or not at all. Every value reaches SQL as a bound parameter.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from naturkapital.core.errors import InputError
from naturkapital.store import schema
from naturkapital.store.migrations import applied_versions, latest_version, migrate

__all__ = ["Store", "ZoneRecord", "default_db_url", "normalise_url"]

DB_HINT = "use sqlite:///PATH (default) or postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def default_db_url() -> str:
    """``sqlite:///…/naturkapital.sqlite`` in ``$NATURKAPITAL_HOME`` or the XDG data dir."""
    home = os.environ.get("NATURKAPITAL_HOME")
    if home:
        base = Path(home)
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        base = base / "naturkapital"
    return f"sqlite:///{base / 'naturkapital.sqlite'}"


def normalise_url(url: str | None) -> URL:
    """A SQLAlchemy URL from ``--db``: sqlite paths, ``postgresql://`` → psycopg 3."""
    text = (url or default_db_url()).strip()
    if "://" not in text:  # a bare file path
        text = f"sqlite:///{Path(text).expanduser().resolve()}"
    try:
        u = make_url(text)
    except ArgumentError:
        raise InputError("--db", f"not a database URL; {DB_HINT}") from None
    if u.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return u.set(drivername="postgresql+psycopg")
    if u.drivername == "sqlite":
        return u
    raise InputError("--db", f"unsupported database '{u.drivername}'; {DB_HINT}")


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class ZoneRecord:
    """One uploaded zone: its id, name and GeoJSON geometry in EPSG:4326."""

    zone_id: str
    name: str
    geojson: str


class Store:
    """The database behind the web app; thread-safe (one engine, pooled connections)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, migrate_schema: bool = True) -> Store:
        """Connect (creating an SQLite file and its folder if needed) and migrate."""
        u = normalise_url(url)
        if u.drivername == "sqlite":
            db = u.database or ""
            memory = db in ("", ":memory:")
            if not memory:
                path = Path(db)
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise InputError("--db", f"cannot create folder {path.parent}: "
                                             f"{exc.strerror}") from None
            kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False,
                                                       "timeout": 30}}
            if memory:
                kwargs["poolclass"] = StaticPool
            engine = sa.create_engine(u, **kwargs)
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(u, pool_pre_ping=True, pool_size=5, max_overflow=5)
        store = cls(engine)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            if migrate_schema:
                migrate(engine)
        except DBAPIError as exc:  # unreachable server, bad login, no PostGIS rights, ...
            engine.dispose()
            first = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
            raise InputError("--db", f"cannot open {store.describe()}: {first}") from None
        return store

    def describe(self) -> str:
        """The URL without its password, for logs and /api/status."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def schema_version(self) -> int:
        versions = applied_versions(self.engine)
        return max(versions) if versions else 0

    def is_current(self) -> bool:
        return self.schema_version() == latest_version()

    def close(self) -> None:
        self.engine.dispose()

    # -- uploads and results -----------------------------------------------------------
    def save_upload_result(self, *, filename: str, fmt: str, size_bytes: int, sha256: str,
                           id_field: str, name_field: str | None,
                           zones: Sequence[ZoneRecord], kind: str, params: dict,
                           meta: dict, rows: list[dict]) -> tuple[str, str]:
        """Store an upload, its zones and the result computed on them, atomically.

        Returns ``(upload_id, result_id)``.
        """
        upload_id, result_id = new_id(), new_id()
        with self.engine.begin() as conn:
            conn.execute(sa.insert(schema.uploads).values(
                id=upload_id, created_at=_now(), filename=filename[:255], format=fmt,
                size_bytes=size_bytes, sha256=sha256, id_field=id_field[:255],
                name_field=name_field[:255] if name_field else None, n_zones=len(zones)))
            self._insert_zones(conn, upload_id, zones)
            self._insert_result(conn, result_id, kind, upload_id, params, meta, rows)
        return upload_id, result_id

    def _insert_zones(self, conn: Connection, upload_id: str,
                      zones: Sequence[ZoneRecord]) -> None:
        if not zones:
            return
        conn.execute(sa.insert(schema.upload_zones), [
            {"upload_id": upload_id, "zone_id": z.zone_id[:255], "name": z.name[:255],
             "geojson": z.geojson} for z in zones])
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(
                "UPDATE upload_zones SET geom = ST_Multi(ST_SetSRID("
                "ST_GeomFromGeoJSON(geojson), 4326)) WHERE upload_id = :u"), {"u": upload_id})

    def _insert_result(self, conn: Connection, result_id: str, kind: str,
                       upload_id: str | None, params: dict, meta: dict,
                       rows: list[dict]) -> None:
        conn.execute(sa.insert(schema.results).values(
            id=result_id, created_at=_now(), kind=kind, upload_id=upload_id, params=params,
            meta=meta, rows=rows))

    def save_result(self, kind: str, params: dict, meta: dict, rows: list[dict]) -> str:
        """Store a result without an upload (e.g. a job on embedded zones)."""
        result_id = new_id()
        with self.engine.begin() as conn:
            self._insert_result(conn, result_id, kind, None, params, meta, rows)
        return result_id

    def _get(self, table: sa.Table, row_id: str) -> dict | None:
        """The row of ``table`` with id ``row_id`` (None if there is none)."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(table).where(table.c.id == row_id)).mappings().first()
        return None if row is None else _row(row)

    def get_result(self, result_id: str) -> dict | None:
        return self._get(schema.results, result_id)

    def list_results(self, limit: int = 50, offset: int = 0) -> list[dict]:
        cols = [c for c in schema.results.c if c.name != "rows"]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*cols).order_by(schema.results.c.created_at.desc())
                                .limit(limit).offset(offset)).mappings().all()
        return [_row(r) for r in rows]

    def get_upload(self, upload_id: str) -> dict | None:
        return self._get(schema.uploads, upload_id)

    def upload_zones(self, upload_id: str) -> list[ZoneRecord]:
        t = schema.upload_zones
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t.c.zone_id, t.c.name, t.c.geojson)
                                .where(t.c.upload_id == upload_id)
                                .order_by(t.c.zone_id)).all()
        return [ZoneRecord(*r) for r in rows]

    def postgis_area_ha(self, upload_id: str) -> dict[str, float]:
        """PostgreSQL only: geodesic zone areas (ha) computed by PostGIS."""
        if self.dialect != "postgresql":
            raise RuntimeError("PostGIS is only available on PostgreSQL")
        with self.engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT zone_id, ST_Area(geom::geography) / 10000.0 FROM upload_zones "
                "WHERE upload_id = :u"), {"u": upload_id}).all()
        return {str(z): float(a) for z, a in rows}

    # -- scenarios ---------------------------------------------------------------------
    def create_scenario(self, name: str, description: str, landcover: str,
                        conversions: list[dict]) -> dict:
        rec = {"id": new_id(), "created_at": _now(), "name": name,
               "description": description, "landcover": landcover,
               "conversions": conversions}
        with self.engine.begin() as conn:
            conn.execute(sa.insert(schema.scenarios).values(**rec))
        return rec

    def get_scenario(self, scenario_id: str) -> dict | None:
        return self._get(schema.scenarios, scenario_id)

    def list_scenarios(self, limit: int = 100, offset: int = 0) -> list[dict]:
        t = schema.scenarios
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(t).order_by(t.c.created_at.desc(), t.c.id)
                                .limit(limit).offset(offset)).mappings().all()
        return [_row(r) for r in rows]

    # -- jobs --------------------------------------------------------------------------
    def create_job(self, process_id: str, inputs: dict) -> dict:
        now = _now()
        rec = {"id": new_id(), "process_id": process_id, "status": "accepted",
               "message": "queued / i kø", "progress": 0, "created_at": now,
               "updated_at": now, "inputs": inputs, "outputs": None}
        with self.engine.begin() as conn:
            conn.execute(sa.insert(schema.jobs).values(**rec))
        return rec

    def update_job(self, job_id: str, **fields: Any) -> None:
        allowed = {"status", "message", "progress", "started_at", "finished_at", "outputs"}
        bad = set(fields) - allowed
        if bad:
            raise ValueError(f"not job fields: {sorted(bad)}")
        fields["updated_at"] = _now()
        with self.engine.begin() as conn:
            conn.execute(sa.update(schema.jobs).where(schema.jobs.c.id == job_id)
                         .values(**fields))

    def get_job(self, job_id: str) -> dict | None:
        return self._get(schema.jobs, job_id)

    def list_jobs(self, limit: int = 100, offset: int = 0) -> list[dict]:
        t = schema.jobs
        cols = [c for c in t.c if c.name not in ("outputs",)]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(*cols).order_by(t.c.created_at.desc(), t.c.id)
                                .limit(limit).offset(offset)).mappings().all()
        return [_row(r) for r in rows]

    def delete_job(self, job_id: str) -> bool:
        with self.engine.begin() as conn:
            n = conn.execute(sa.delete(schema.jobs).where(schema.jobs.c.id == job_id)).rowcount
        return bool(n)

    def fail_interrupted_jobs(self) -> int:
        """Jobs left accepted/running by a previous server process are failed."""
        t = schema.jobs
        with self.engine.begin() as conn:
            n = conn.execute(sa.update(t).where(t.c.status.in_(("accepted", "running")))
                             .values(status="failed", updated_at=_now(), finished_at=_now(),
                                     message="interrupted: the server stopped / afbrudt")
                             ).rowcount
        return int(n or 0)

    # -- housekeeping ------------------------------------------------------------------
    def count(self, table: str) -> int:
        """Rows in one of the store's tables (for tests and /api/status)."""
        t = schema.metadata.tables.get(table)
        if t is None:
            raise KeyError(table)
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())


def _row(m: Any) -> dict:
    d = dict(m)
    for k, v in d.items():
        if isinstance(v, datetime):
            d[k] = _utc(v)
    return d


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
