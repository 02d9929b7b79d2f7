"""Server configuration: database, write token, upload limits.

Values come from arguments (``naturkapital serve --db --token``) or the environment:
``NATURKAPITAL_DB``, ``NATURKAPITAL_TOKEN``, ``NATURKAPITAL_MAX_UPLOAD_MB``,
``NATURKAPITAL_MAX_ZONES``, ``NATURKAPITAL_MAX_RASTER_CELLS``,
``NATURKAPITAL_CORS_ORIGINS`` (comma-separated origins allowed to call the API from a
browser on another site, or ``*``; unset = no CORS headers, same-origin only),
``NATURKAPITAL_CACHE_DIR`` (where rendered diagrams are kept across restarts; default
``$XDG_CACHE_HOME/naturkapital`` or ``~/.cache/naturkapital``; ``none`` keeps nothing on
disk), ``NATURKAPITAL_PRERENDER`` (``0`` turns off drawing the default diagrams in the
background at startup), ``NATURKAPITAL_PRERENDER_LOWLAND`` (comma-separated municipality
codes whose lowland candidates are computed into the disk cache at startup, ``all`` for
every one — several minutes of CPU the first time; default ``760``, Ringkøbing-Skjern,
the lowland example; the others are computed on first request and then kept). Without a
token, every write endpoint answers 403.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        from naturkapital.core.errors import InputError

        raise InputError(name, f"must be a whole number, not {raw!r}") from None


def default_cache_dir() -> Path | None:
    """``NATURKAPITAL_CACHE_DIR`` (``none``/``off``: no disk cache), else the user's
    cache folder."""
    raw = (os.environ.get("NATURKAPITAL_CACHE_DIR") or "").strip()
    if raw.lower() in ("none", "off", "0"):
        return None
    if raw:
        return Path(raw)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "naturkapital"


def _env_list(name: str) -> tuple[str, ...]:
    raw = os.environ.get(name) or ""
    return tuple(x.strip().rstrip("/") for x in raw.split(",") if x.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to start. ``token=None`` disables writes."""

    db_url: str | None = None
    token: str | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    max_zones: int = 2000
    max_raster_cells: int = 16_000_000
    max_body_bytes: int = 25 * 1024 * 1024
    job_workers: int = 1
    warm_cache: bool = True
    cors_origins: tuple[str, ...] = ()
    #: Folder of the disk cache of rendered diagrams (None: memory only).
    cache_dir: Path | None = None
    #: Draw the default epoch's diagrams in the background at startup (with warm_cache).
    prerender: bool = False
    #: Municipalities whose lowland candidates are pre-computed (with prerender);
    #: ("all",) for every one.
    prerender_lowland: tuple[str, ...] = ("760",)

    @classmethod
    def from_env(cls, db_url: str | None = None, token: str | None = None,
                 **overrides: object) -> Settings:
        """Arguments win over the environment; empty strings count as unset."""
        upload_mb = _env_int("NATURKAPITAL_MAX_UPLOAD_MB", 20)
        s = cls(
            db_url=db_url or os.environ.get("NATURKAPITAL_DB") or None,
            token=token or os.environ.get("NATURKAPITAL_TOKEN") or None,
            max_upload_bytes=upload_mb * 1024 * 1024,
            max_zones=_env_int("NATURKAPITAL_MAX_ZONES", 2000),
            max_raster_cells=_env_int("NATURKAPITAL_MAX_RASTER_CELLS", 16_000_000),
            max_body_bytes=upload_mb * 1024 * 1024 + 1024 * 1024,
            cors_origins=_env_list("NATURKAPITAL_CORS_ORIGINS"),
            cache_dir=default_cache_dir(),
            prerender=(os.environ.get("NATURKAPITAL_PRERENDER") or "1").strip().lower()
            not in ("0", "false", "no", "off"),
            prerender_lowland=_env_list("NATURKAPITAL_PRERENDER_LOWLAND") or ("760",),
        )
        if overrides:
            from dataclasses import replace

            s = replace(s, **overrides)  # type: ignore[arg-type]
        return s

    @property
    def writes_enabled(self) -> bool:
        return bool(self.token)
