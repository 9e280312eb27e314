"""The PostgreSQL plumbing the benchmark scripts share: a psycopg connection string from
Django's database settings, and creating the benchmark's database on first use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from psycopg import sql
from report import log


def conninfo(config: Mapping[str, Any], dbname: str | None = None) -> str:
    """A psycopg connection string for `config` (dj_database_url's form), to `dbname`
    if given, else to the configured database."""
    return psycopg.conninfo.make_conninfo(
        dbname=dbname or config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=str(config["PORT"]) if config.get("PORT") else None,
    )


def create_database_if_missing(config: Mapping[str, Any]) -> None:
    with psycopg.connect(conninfo(config, "postgres"), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if found.fetchone() is None:
            log(f"creating database {config['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
