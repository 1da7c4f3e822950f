"""``manage.py backup`` / ``restore``: a real round trip of the demo data.

Every command runs in a subprocess against databases of its own (temporary SQLite files, or new
PostgreSQL databases, dropped afterwards, when DATABASE_URL is PostgreSQL), so the test is the
same on both vendors. The comparison of the two databases is computed here, independently of the
commands' own manifest and checks.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

BASE_URL = os.environ.get("DATABASE_URL", "")
POSTGRES = BASE_URL.startswith(("postgres://", "postgresql://"))
CACHE_TABLE = settings.CACHES["default"].get("LOCATION", "roundtable_cache")


def postgres_admin():
    import psycopg

    params = dj_database_url.parse(BASE_URL)
    return psycopg.connect(
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


class Database:
    """A database of the test's own: a temporary SQLite file or a new PostgreSQL database."""

    def __init__(self, folder: Path, label: str):
        if POSTGRES:
            self.name = f"backup_test_{label}_{uuid.uuid4().hex[:12]}"
            with postgres_admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
            self.url = BASE_URL.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.path = folder / f"{label}.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def drop(self):
        if POSTGRES:
            with postgres_admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def connect(self):
        if POSTGRES:
            import psycopg

            params = dj_database_url.parse(self.url)
            return psycopg.connect(
                host=params["HOST"] or None,
                port=params["PORT"] or None,
                user=params["USER"] or None,
                password=params["PASSWORD"] or None,
                dbname=self.name,
            )
        return sqlite3.connect(self.path)

    def tables(self) -> list[str]:
        if POSTGRES:
            query = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        else:
            query = (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        with self.connect() as conn:
            return sorted(row[0] for row in conn.execute(query).fetchall())

    def snapshot(self) -> dict[str, tuple[int, str]]:
        """Row count and a hash of every row, per table (the cache table aside)."""
        result = {}
        with self.connect() as conn:
            for table in self.tables():
                if table == CACHE_TABLE:
                    continue
                columns = conn.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')  # noqa: S608
                order = ", ".join(str(i + 1) for i in range(len(columns.description)))
                rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()  # noqa: S608
                digest = hashlib.sha256("\n".join(repr(row) for row in rows).encode())
                result[table] = (len(rows), digest.hexdigest())
        return result


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def manage(database: Database, media: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"REDIS_URL", "DATABASE_URL"}
    }
    env.update(DATABASE_URL=database.url, DJANGO_MEDIA_ROOT=str(media), DJANGO_DEBUG="1")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


# Database A, in one process to save start-up time: migrated, with the shipped territory, the
# demo data, two uploads and a cache entry (which the backup must leave out).
SEED = """
from django.core.management import call_command
for command in ("migrate", "createcachetable", "load_territory", "seed_demo"):
    call_command(command, verbosity=0)

from django.core.cache import cache
from django.core.files.base import ContentFile
from practices.models import Attachment, Practice

practice = Practice.objects.order_by("pk").first()
for title, content in [("Verbale", b"%PDF-1.4 \\xff\\x00 binary"), ("Nota", bytes(range(256)))]:
    attachment = Attachment(
        practice=practice, title=title, original_name=title + ".pdf",
        content_type="application/pdf", size=len(content),
    )
    attachment.file.save(title + ".pdf", ContentFile(content), save=True)
cache.set("backup-test", "left out of the backup", 600)
"""


@dataclass
class Source:
    folder: Path
    database: Database
    media: Path
    backup: Path


@pytest.fixture(scope="module")
def new_database(tmp_path_factory):
    """Make databases on demand; drop them all at the end."""
    made = []
    folder = tmp_path_factory.mktemp("databases")

    def make(label: str) -> Database:
        database = Database(folder, f"{label}{len(made)}")
        made.append(database)
        return database

    yield make
    for database in made:
        database.drop()


@pytest.fixture(scope="module")
def source(tmp_path_factory, new_database) -> Source:
    """Database A with the demo data and two uploads, and its backup (made once: ~20 s)."""
    folder = tmp_path_factory.mktemp("backup")
    database, media = new_database("a"), folder / "media_a"
    ok(manage(database, media, "shell", "-c", SEED))
    backup = folder / "backup"
    result = ok(manage(database, media, "backup", str(backup)))
    assert "Backup complete" in result.stdout
    return Source(folder, database, media, backup)


def test_round_trip_into_a_migrated_database_restores_every_row_and_file(source, new_database):
    target, media = new_database("b"), source.folder / "media_b"
    ok(manage(target, media, "migrate"))  # a new server: migrated, nothing entered yet

    result = ok(manage(target, media, "restore", str(source.backup)))

    assert "every table and uploaded file matches the backup" in result.stdout
    original, restored = source.database.snapshot(), target.snapshot()
    assert restored == original
    # The comparison is worth something only if the demo data is really there.
    for table in ("practices_practice", "practices_attachment", "zones_municipality", "auth_user"):
        assert original[table][0] > 0
    assert original["practices_attachment"][0] == 2
    assert original["plans_consultation"][0] == 2
    assert media_files(media) == media_files(source.media)
    # The two attachments and the two consultations' documents.
    assert len(media_files(media)) == 4
    assert sum(name.startswith("consultations/") for name in media_files(media)) == 2


def test_the_manifest_covers_every_model_table_but_the_cache(source):
    manifest = json.loads((source.backup / "manifest.json").read_text())
    counted = source.database.snapshot()

    for table in (
        "account_emailaddress",  # allauth
        "meetings_historicalmeeting",  # simple_history
        "django_tasks_database_dbtaskresult",  # django_tasks_db
        "practices_practice_themes",  # an auto-created m2m table
        "auth_user_groups",
    ):
        assert table in manifest["tables"]
    assert CACHE_TABLE not in manifest["tables"]
    assert CACHE_TABLE in source.database.tables()
    # Row counts as counted here, not as the command says.
    for table, entry in manifest["tables"].items():
        assert entry["rows"] == counted[table][0], table
    assert manifest["database"]["vendor"] == ("postgresql" if POSTGRES else "sqlite")
    assert "practices.0001_initial" in manifest["migrations"]
    files = media_files(source.media)
    assert {entry["name"]: entry["size"] for entry in manifest["media"]} == {
        name: len(content) for name, content in files.items()
    }
    for entry in manifest["media"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()


def test_restore_into_a_database_with_no_tables(source, new_database):
    target, media = new_database("c"), source.folder / "media_c"

    ok(manage(target, media, "restore", str(source.backup)))

    assert target.snapshot() == source.database.snapshot()
    assert media_files(media) == media_files(source.media)


def test_restore_refuses_a_database_with_data_and_changes_nothing(source):
    before, files_before = source.database.snapshot(), media_files(source.media)

    result = manage(source.database, source.media, "restore", str(source.backup))

    assert result.returncode != 0
    assert "The target database is not empty, so nothing was restored" in result.stderr
    assert "auth_user (" in result.stderr  # names the tables holding rows
    assert source.database.snapshot() == before
    assert media_files(source.media) == files_before


def test_backup_refuses_a_folder_that_is_not_empty(source):
    folder = source.folder / "occupied"
    folder.mkdir()
    (folder / "notes.txt").write_text("an earlier backup's notes")

    result = manage(source.database, source.media, "backup", str(folder))

    assert result.returncode != 0
    assert "is not an empty folder" in result.stderr
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text() == "an earlier backup's notes"


def tamper_rows(backup: Path) -> str:
    manifest = json.loads((backup / "manifest.json").read_text())
    rows = manifest["tables"]["practices_practice"]["rows"]
    manifest["tables"]["practices_practice"]["rows"] = rows + 1
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return f"Table practices_practice: {rows} rows, the manifest says {rows + 1}."


def tamper_checksum(backup: Path) -> str:
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["tables"]["zones_zone"]["sha256"] = "0" * 64
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return "Table zones_zone: the rows differ from the backup (checksum)."


@pytest.mark.parametrize("tamper", [tamper_rows, tamper_checksum])
def test_restore_fails_when_the_restored_data_differs_from_the_manifest(
    source, new_database, tamper
):
    copy = source.folder / f"tampered-{tamper.__name__}"
    shutil.copytree(source.backup, copy)
    message = tamper(copy)
    target, media = new_database("t"), source.folder / f"media-{tamper.__name__}"

    result = manage(target, media, "restore", str(copy))

    assert result.returncode != 0
    assert message in result.stderr
    assert "does not match the backup (1 difference, listed above)" in result.stderr


def damage_media(backup: Path) -> str:
    path = next(p for p in sorted((backup / "media").rglob("*")) if p.is_file())
    path.write_bytes(path.read_bytes() + b"!")
    return "does not match the manifest: the backup is damaged"


def damage_database(backup: Path) -> str:
    path = next(backup.glob("database.*"))
    with path.open("r+b") as stream:
        stream.seek(path.stat().st_size // 2)
        stream.write(b"\x00garbage\x00")
    return "does not match the manifest: the backup is damaged"


def other_vendor(backup: Path) -> str:
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database"]["vendor"] = "sqlite" if POSTGRES else "postgresql"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    return "Restore it on the same kind of database"


def no_manifest(backup: Path) -> str:
    (backup / "manifest.json").unlink()
    return "is not a backup: it has no manifest.json"


def broken_manifest(backup: Path) -> str:
    (backup / "manifest.json").write_text('{"format": 1, "tables": ')
    return "is not valid JSON"


@pytest.mark.parametrize(
    "damage", [damage_media, damage_database, other_vendor, no_manifest, broken_manifest]
)
def test_restore_refuses_a_damaged_backup_before_touching_anything(source, new_database, damage):
    copy = source.folder / f"damaged-{damage.__name__}"
    shutil.copytree(source.backup, copy)
    message = damage(copy)
    target, media = new_database("d"), source.folder / f"media-{damage.__name__}"

    result = manage(target, media, "restore", str(copy))

    assert result.returncode != 0
    assert message in result.stderr
    assert target.tables() == []
    assert not media.exists() or media_files(media) == {}


def fake_pg_dump(folder: Path, version: str) -> Path:
    folder.mkdir()
    script = folder / "pg_dump"
    script.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {version}'\n")
    script.chmod(0o755)
    return folder


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is used on PostgreSQL only")
@pytest.mark.parametrize(
    ("version", "message"),
    [
        (None, "pg_dump was not found: install the PostgreSQL client tools"),
        ("9.6.24", "pg_dump is version 9, older than the PostgreSQL server"),
    ],
)
def test_backup_refuses_a_missing_or_older_pg_dump(
    tmp_path, monkeypatch, new_database, version, message
):
    path = tmp_path / "bin"
    if version is None:
        path.mkdir()
    else:
        fake_pg_dump(path, version)
    database, target = new_database("e"), tmp_path / "backup"

    monkeypatch.setenv("PATH", str(path))  # manage() passes the environment on

    result = manage(database, tmp_path / "media", "backup", str(target))

    assert result.returncode != 0
    assert message in result.stderr
    assert not target.exists()  # no half-written backup left behind
