"""Backup and restore of a whole portal: the database, the uploaded files and a manifest.

A backup is a folder: the database (``database.sqlite3``, made with SQLite's online backup
API, or ``database.dump``, pg_dump's custom format), ``media/`` with every file of the default
storage, and ``manifest.json``, which records the versions, the applied migrations, each
table's row count and checksum and each file's size and checksum. ``restore`` checks the folder
against the manifest before touching anything, restores, then checks the restored database and
files against the manifest again, so a backup that cannot be restored faithfully is noticed.

The database cache table is left out: it holds only what can be recomputed.

Checksums are a sha256 over each table's rows in primary-key order, with values normalised
(booleans as 0/1, date-times in UTC, UUIDs as hex, ...) so that they are stable for a vendor
and mostly comparable between SQLite and PostgreSQL; a restore is only ever checked against a
backup of the same vendor.
"""

import datetime
import decimal
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db import connection as default_connection
from django.db.backends.postgresql.client import DatabaseClient

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024

# What `migrate` itself writes into a new database: content types, permissions, the staff
# group and the seeded themes. A database holding rows only in these tables is still "empty"
# for restore (tests/test_backup_restore.py fails if a new data migration fills another one).
FILLED_BY_MIGRATE = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "practices_theme",
    }
)

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


# --- What is checked ---------------------------------------------------------------------------


def cache_tables() -> set[str]:
    return {
        cache["LOCATION"]
        for cache in settings.CACHES.values()
        if cache["BACKEND"].endswith("DatabaseCache")
    }


def model_tables(connection) -> list[str]:
    """The tables of every installed model (m2m tables included) present in the database."""
    present = set(connection.introspection.table_names())
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }
    return sorted((tables & present) - cache_tables())


def normalise(value):
    """One JSON-friendly form per value, whichever driver returned it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def table_digest(cursor, connection, table: str) -> dict:
    quote = connection.ops.quote_name
    pk = connection.introspection.get_primary_key_column(cursor, table)
    cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")  # noqa: S608 - a known table
    count = len(cursor.description)
    order = quote(pk) if pk else ", ".join(str(i) for i in range(1, count + 1))
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # noqa: S608
    names = [column[0] for column in cursor.description]
    # Columns by name: the same table may list them in another order on another vendor.
    positions = sorted(range(len(names)), key=names.__getitem__)
    digest = hashlib.sha256(json.dumps(sorted(names)).encode())
    rows = 0
    while batch := cursor.fetchmany(2000):
        for row in batch:
            values = [normalise(row[i]) for i in positions]
            digest.update(json.dumps(values, ensure_ascii=False).encode() + b"\n")
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


def database_digest(connection, tables: list[str]) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return {table: table_digest(cursor, connection, table) for table in tables}


def applied_migrations(connection) -> list[str]:
    if "django_migrations" not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def file_digest(stream) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def storage_files(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name of a storage, through its API only (works for object storage too)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        if folder:
            raise
        return  # no media folder yet: nothing was ever uploaded
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from storage_files(storage, f"{folder}/{name}" if folder else name)


def safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"Refused the file name {name!r}: it points outside the folder.")
    return path


# --- Backup --------------------------------------------------------------------------------


def create_backup(target: Path, *, log: Log) -> dict:
    """Write a backup of the default database and storage into ``target``; return the manifest."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(
            f"{target} already exists and is not an empty folder: choose a new folder, so "
            "that no earlier backup is overwritten."
        )
    vendor = default_connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    created = not target.exists()
    # Only its owner may read it: a backup holds every account and personal detail.
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)
    try:
        return _write_backup(target, vendor, log)
    except BaseException:
        # No half-written backup left behind to be mistaken for a good one.
        if created:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in target.iterdir():
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
        raise


def _write_backup(target: Path, vendor: str, log: Log) -> dict:
    database_file = target / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        tables, migrations = _dump_sqlite(database_file)
    else:
        tables, migrations = _dump_postgresql(database_file)
    with database_file.open("rb") as stream:
        size, sha256 = file_digest(stream)
    log(
        f"Database ({vendor}): {database_file}, {size} bytes, {len(tables)} tables, "
        f"{sum(t['rows'] for t in tables.values())} rows."
    )
    media = _copy_media_out(target / MEDIA_DIR)
    log(
        f"Uploaded files: {len(media)} files, {sum(f['size'] for f in media)} bytes "
        f"in {target / MEDIA_DIR}."
    )
    manifest = {
        "format": MANIFEST_FORMAT,
        "portal_version": portal_version(),
        "django_version": django.get_version(),
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": database_file.name, "size": size, "sha256": sha256},
        "migrations": migrations,
        "tables": tables,
        "media": media,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    log(f"Manifest: {target / MANIFEST}.")
    return manifest


def portal_version() -> str:
    try:
        return metadata.version("tavolo-metropolitano")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sqlite_path() -> str:
    name = str(default_connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _dump_sqlite(destination: Path) -> tuple[dict, list[str]]:
    source = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)  # a consistent snapshot even while the portal writes
        for table in cache_tables():
            if _sqlite_has(copy, table):
                copy.execute(f'DELETE FROM "{table}"')  # noqa: S608 - a name from settings
        copy.commit()
    finally:
        copy.close()
        source.close()
    # The manifest describes the copy, not the live database, which may have moved on since.
    live = connections[DEFAULT_DB_ALIAS]
    wrapper = type(live)(dict(live.settings_dict, NAME=str(destination)), alias="roundtable_backup")
    try:
        return database_digest(wrapper, model_tables(wrapper)), applied_migrations(wrapper)
    finally:
        wrapper.close()


def _sqlite_has(sqlite_connection, table: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return sqlite_connection.execute(query, [table]).fetchone() is not None


def _pg_tool(executable: str) -> str:
    """The path of pg_dump/pg_restore, refused when older than the server's major version."""
    path = shutil.which(executable)
    if not path:
        raise BackupError(
            f"{executable} was not found: install the PostgreSQL client tools (same major "
            "version as the server or newer) and make sure they are on PATH."
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)*", output.stdout)
    client = int(match.group(1)) if match else 0
    default_connection.ensure_connection()
    server = default_connection.pg_version // 10000
    if client < server:
        raise BackupError(
            f"{executable} is version {client}, older than the PostgreSQL server ({server}): "
            f"install the version {server} client tools."
        )
    return path


def _pg_command(path: str, options: list[str]) -> tuple[list[str], dict]:
    """Connection arguments read from DATABASES the way `manage.py dbshell` reads them."""
    settings_dict = default_connection.settings_dict
    args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    name = settings_dict.get("NAME")
    if name:
        args = args[:-1]  # the database goes by option: pg_restore's argument is the archive
        options = [*options, f"--dbname={name}"]
    return [path, *args[1:], *options], {**os.environ, **(env or {})}


def _run_pg(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _dump_postgresql(destination: Path) -> tuple[dict, list[str]]:
    pg_dump = _pg_tool("pg_dump")
    options = ["--format=custom", "--no-owner", "--no-privileges", f"--file={destination}"]
    options += [f"--exclude-table-data={table}" for table in sorted(cache_tables())]
    # pg_dump and the checksums read the same snapshot, so the manifest matches the dump even
    # while the portal keeps writing.
    with transaction.atomic():
        with default_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        _run_pg(*_pg_command(pg_dump, [*options, f"--snapshot={snapshot}"]))
        tables = database_digest(default_connection, model_tables(default_connection))
        return tables, applied_migrations(default_connection)


def _copy_media_out(folder: Path, storage: Storage = default_storage) -> list[dict]:
    files = []
    for name in storage_files(storage):
        destination = folder.joinpath(*safe_relative(name).parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with storage.open(name, "rb") as source, destination.open("wb") as out:
            while chunk := source.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return files


# --- Restore -------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON ({error}): the backup is damaged.") from None
    valid = (
        isinstance(manifest, dict)
        and manifest.get("format") == MANIFEST_FORMAT
        and isinstance(manifest.get("database"), dict)
        and manifest["database"].get("vendor") in DATABASE_FILES
        and isinstance(manifest.get("tables"), dict)
        and isinstance(manifest.get("media"), list)
        and isinstance(manifest.get("migrations"), list)
        and all(isinstance(entry, dict) for entry in manifest["tables"].values())
        and all(
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("size"), int)
            and isinstance(entry.get("sha256"), str)
            for entry in manifest["media"]
        )
    )
    if not valid:
        raise BackupError(f"{path} is not a manifest this portal can read: the backup is damaged.")
    return manifest


def check_backup(source: Path, manifest: dict) -> None:
    """Refuse a backup whose database file or uploaded files differ from its manifest."""
    database = manifest["database"]
    if database["vendor"] != default_connection.vendor:
        raise BackupError(
            f"This backup was made on {database['vendor']}; the target database is "
            f"{default_connection.vendor}. Restore it on the same kind of database."
        )
    path = source / DATABASE_FILES[database["vendor"]]
    if not path.is_file():
        raise BackupError(f"{path} is missing: the backup is incomplete.")
    with path.open("rb") as stream:
        if file_digest(stream) != (database.get("size"), database.get("sha256")):
            raise BackupError(f"{path} does not match the manifest: the backup is damaged.")
    for entry in manifest["media"]:
        path = source / MEDIA_DIR / Path(*safe_relative(entry["name"]).parts)
        if not path.is_file():
            raise BackupError(f"The uploaded file {entry['name']} is missing from the backup.")
        with path.open("rb") as stream:
            if file_digest(stream) != (entry["size"], entry["sha256"]):
                raise BackupError(
                    f"The uploaded file {entry['name']} does not match the manifest: "
                    "the backup is damaged."
                )


def target_rows(connection=default_connection) -> dict[str, int]:
    """Tables of the target database holding rows that `migrate` does not write itself."""
    skip = FILLED_BY_MIGRATE | cache_tables()
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in skip:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def restore_backup(source: Path, *, log: Log, storage: Storage = default_storage) -> list[str]:
    """Restore ``source`` into the default database and storage; return the mismatches found."""
    manifest = read_manifest(source)
    check_backup(source, manifest)
    if occupied := target_rows():
        listed = ", ".join(f"{table} ({rows})" for table, rows in sorted(occupied.items())[:5])
        if len(occupied) > 5:
            listed += f" and {len(occupied) - 5} more"
        raise BackupError(
            "The target database is not empty, so nothing was restored. Restore into a new "
            f"database (empty, or only migrated). Tables with rows: {listed}."
        )
    to_copy = []
    for entry in manifest["media"]:
        if not storage.exists(entry["name"]):
            to_copy.append(entry)
            continue
        with storage.open(entry["name"], "rb") as stream:
            if file_digest(stream) != (entry["size"], entry["sha256"]):
                raise BackupError(
                    f"The storage already holds a different {entry['name']}, so nothing was "
                    "restored. Restore into an empty storage."
                )
    vendor = manifest["database"]["vendor"]
    database_file = source / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        _restore_sqlite(database_file)
    else:
        _restore_postgresql(database_file)
    log(f"Database restored from {database_file}.")
    for entry in to_copy:
        with (source / MEDIA_DIR / Path(*safe_relative(entry["name"]).parts)).open("rb") as f:
            saved = storage.save(entry["name"], File(f))
        if saved != entry["name"]:
            raise BackupError(f"The storage saved {entry['name']} as {saved}.")
    log(f"Uploaded files restored: {len(to_copy)} copied, {len(manifest['media'])} in the backup.")
    return verify(manifest, storage=storage)


def _restore_sqlite(database_file: Path) -> None:
    target = _sqlite_path()
    default_connection.close()
    source, copy = sqlite3.connect(database_file), sqlite3.connect(target)
    try:
        source.backup(copy)  # replaces the whole target, tables made by migrate included
    finally:
        copy.close()
        source.close()


def _restore_postgresql(database_file: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    # A migrated but empty database: its tables give way to the backup's, whose schema is the
    # one the manifest was made with.
    with transaction.atomic(), default_connection.cursor() as cursor:
        tables = default_connection.introspection.table_names(cursor)
        if tables:
            quoted = ", ".join(default_connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
    options = ["--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    command, env = _pg_command(pg_restore, options)
    _run_pg([*command, str(database_file)], env)


def verify(manifest: dict, *, storage: Storage = default_storage) -> list[str]:
    """Compare the database and storage with the manifest; return what differs."""
    default_connection.close()  # a fresh connection sees the restored database
    problems = []
    existing = set(default_connection.introspection.table_names())
    tables = [table for table in manifest["tables"] if table in existing]
    problems += [f"Table {t}: missing." for t in manifest["tables"] if t not in existing]
    found = database_digest(default_connection, tables)
    for table in tables:
        expected, actual = manifest["tables"][table], found[table]
        if expected.get("rows") != actual["rows"]:
            problems.append(
                f"Table {table}: {actual['rows']} rows, the manifest says {expected.get('rows')}."
            )
        elif expected.get("sha256") != actual["sha256"]:
            problems.append(f"Table {table}: the rows differ from the backup (checksum).")
    if applied_migrations(default_connection) != sorted(manifest["migrations"]):
        problems.append("The applied migrations differ from the manifest's.")
    for entry in manifest["media"]:
        if not storage.exists(entry["name"]):
            problems.append(f"Uploaded file {entry['name']}: missing.")
            continue
        with storage.open(entry["name"], "rb") as stream:
            digest = file_digest(stream)
        if digest != (entry["size"], entry["sha256"]):
            problems.append(f"Uploaded file {entry['name']}: differs from the backup.")
    return problems
