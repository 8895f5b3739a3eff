from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import pytest

from services.common.db import MigrationError, migrate


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, sql in files.items():
        (folder / name).write_text(sql)
    return folder


FILES = {
    "0001_create_widget.sql": "SELECT pg_sleep(0.05); CREATE TABLE widget (id int PRIMARY KEY);",
    "0002_add_payload.sql": "ALTER TABLE widget ADD COLUMN payload jsonb NOT NULL DEFAULT '{}';",
}


@pytest.fixture
def schema() -> str:
    return f"test_{secrets.token_hex(4)}"


async def test_apply_twice_is_idempotent(db_pool: Any, schema: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "migrations", FILES)
    assert await migrate(db_pool, schema, folder) == ["0001_create_widget", "0002_add_payload"]
    assert await migrate(db_pool, schema, folder) == []
    await db_pool.execute(f'INSERT INTO "{schema}".widget VALUES (1, $1)', {"a": [1, 2]})
    assert await db_pool.fetchval(f'SELECT payload FROM "{schema}".widget') == {"a": [1, 2]}
    versions = await db_pool.fetch(f'SELECT version FROM "{schema}".schema_migrations')
    assert sorted(r["version"] for r in versions) == [1, 2]


async def test_new_file_is_applied_later(db_pool: Any, schema: str, tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "migrations", {"0001_create_widget.sql": FILES["0001_create_widget.sql"]}
    )
    await migrate(db_pool, schema, folder)
    _write(folder, FILES)
    assert await migrate(db_pool, schema, folder) == ["0002_add_payload"]


async def test_concurrent_starters_apply_each_file_once(
    db_pool: Any, schema: str, tmp_path: Path
) -> None:
    folder = _write(tmp_path / "migrations", FILES)
    results = await asyncio.gather(*(migrate(db_pool, schema, folder) for _ in range(3)))
    applied = sorted(name for result in results for name in result)
    assert applied == ["0001_create_widget", "0002_add_payload"]


async def test_changed_file_is_refused(db_pool: Any, schema: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "migrations", FILES)
    await migrate(db_pool, schema, folder)
    (folder / "0002_add_payload.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match=r"0002_add_payload\.sql changed after it was applied"):
        await migrate(db_pool, schema, folder)


async def test_missing_file_is_refused(db_pool: Any, schema: str, tmp_path: Path) -> None:
    folder = _write(tmp_path / "migrations", FILES)
    await migrate(db_pool, schema, folder)
    (folder / "0001_create_widget.sql").unlink()
    with pytest.raises(MigrationError, match=r"0001_create_widget\.sql was applied but its file"):
        await migrate(db_pool, schema, folder)


async def test_failed_migration_leaves_nothing_behind(
    db_pool: Any, schema: str, tmp_path: Path
) -> None:
    folder = _write(
        tmp_path / "migrations",
        {"0001_broken.sql": "CREATE TABLE half (id int); SELECT no_such_function();"},
    )
    with pytest.raises(Exception, match="no_such_function"):
        await migrate(db_pool, schema, folder)
    assert await db_pool.fetchval("SELECT to_regclass($1)", f"{schema}.half") is None
    assert await db_pool.fetchval(f'SELECT count(*) FROM "{schema}".schema_migrations') == 0


def test_badly_named_file_is_refused(tmp_path: Path) -> None:
    from services.common.db import load_migrations

    _write(tmp_path, {"1_init.sql": "SELECT 1;"})
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        load_migrations(tmp_path)
