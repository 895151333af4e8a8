"""The two stores the records code runs on: a SQLite file (one kiosk) and a PostgreSQL server (every
kiosk of a hall). `make test` and CI start Debian's PostgreSQL and set $KIOSK_TEST_POSTGRES_URL
(tools/postgres-for-tests.sh); without it the PostgreSQL half of each store test is skipped, except
in CI (CI=true), where a missing server fails them: CI must not pass without testing PostgreSQL.
Every test gets a database of its own, so parallel workers never see each other's rows."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

PG_URL = os.environ.get("KIOSK_TEST_POSTGRES_URL")

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL and not IN_CI, reason="set KIOSK_TEST_POSTGRES_URL to test on PostgreSQL"))]


@contextmanager
def pg_database() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_URL, "no PostgreSQL server for the tests: tools/postgres-for-tests.sh printed no URL (see its message)"
    name = f"kiosk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:   # UTF-8 and C.UTF-8 whatever locale the cluster was made with
        conn.execute(text(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def store_url_for(backend: str, folder: Path) -> Iterator[str]:
    """An empty store of that kind: a new SQLite file in `folder`, or a new PostgreSQL database."""
    if backend == "postgresql":
        with pg_database() as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'kiosk.db'}"
