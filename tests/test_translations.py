"""The Italian catalogue: complete, compiled, in step with the code, and used by the pages.

The extraction check needs GNU gettext (xgettext, msgmerge): it is skipped on a machine
without it, but under ``CI=true`` a missing gettext is a failure.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_PATH = LOCALE_DIR / "it" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# What the Makefile's `make messages` passes to makemessages.
MAKEMESSAGES_ARGS = [
    "-l",
    "it",
    "--no-obsolete",
    "--ignore",
    ".venv/*",
    "--ignore",
    "staticfiles/*",
]

# Not copied for the extraction check: environments, build output, caches, data bases.
TOP_LEVEL_NOT_COPIED = {".venv", "venv", ".git", "staticfiles", "media", "test-results", "locale"}
NOT_COPIED_ANYWHERE = shutil.ignore_patterns(
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "*.egg-info",
    "*.sqlite3",
    "*.sqlite3-journal",
)


def key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def describe(keys) -> str:
    return "\n".join(
        f"  - {msgid!r}" + (f" (context {ctx!r})" if ctx else "") for ctx, msgid in keys
    )


def translations(entries) -> dict:
    """(context, msgid) -> (msgid_plural, translated forms), for comparing .po and .mo."""
    result = {}
    for entry in entries:
        if entry.msgid_plural:
            forms = tuple(
                form for _, form in sorted(entry.msgstr_plural.items(), key=lambda i: int(i[0]))
            )
        else:
            forms = (entry.msgstr,)
        result[key(entry)] = (entry.msgid_plural or "", forms)
    return result


def live_entries(po):
    return [entry for entry in po if not entry.obsolete]


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO_PATH))
    entries = live_entries(po)
    assert entries, f"{PO_PATH} holds no messages"

    untranslated = [
        key(entry) for entry in entries if not entry.translated() and "fuzzy" not in entry.flags
    ]
    fuzzy = [key(entry) for entry in entries if "fuzzy" in entry.flags]
    problems = []
    if untranslated:
        problems.append(f"{len(untranslated)} untranslated:\n{describe(untranslated)}")
    if fuzzy:
        problems.append(
            f"{len(fuzzy)} fuzzy (check the translation, then drop the flag):\n{describe(fuzzy)}"
        )
    assert not problems, f"{PO_PATH}:\n" + "\n".join(problems)


def test_header_declares_italian_plurals_and_utf8():
    po = polib.pofile(str(PO_PATH))
    assert not po.metadata_is_fuzzy, "the catalogue header is marked fuzzy"
    assert po.metadata.get("Language") == "it"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=2;plural=(n!=1);"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")


def test_committed_mo_matches_the_po():
    assert MO_PATH.exists(), f"{MO_PATH.name} is missing: run `make messages` (compilemessages)"
    po = polib.pofile(str(PO_PATH))
    mo = polib.mofile(str(MO_PATH))

    expected = translations(
        entry for entry in live_entries(po) if entry.translated() and "fuzzy" not in entry.flags
    )
    compiled = translations(entry for entry in mo if entry.msgid)

    missing = sorted(set(expected) - set(compiled))
    extra = sorted(set(compiled) - set(expected))
    different = sorted(k for k in set(expected) & set(compiled) if expected[k] != compiled[k])
    problems = []
    if missing:
        problems.append(f"in the .po but not in the .mo:\n{describe(missing)}")
    if extra:
        problems.append(f"in the .mo but not (translated) in the .po:\n{describe(extra)}")
    if different:
        problems.append(f"translated differently:\n{describe(different)}")
    assert not problems, (
        "django.mo is out of date with django.po; recompile with "
        "`python manage.py compilemessages -l it --ignore .venv` (or `make messages`):\n"
        + "\n".join(problems)
    )
    assert mo.metadata.get("Plural-Forms") == po.metadata.get("Plural-Forms")


def test_catalogue_holds_every_translatable_string_in_the_code(tmp_path):
    missing_tools = [tool for tool in ("xgettext", "msgmerge", "msguniq") if not shutil.which(tool)]
    if missing_tools:
        reason = f"GNU gettext is not installed ({', '.join(missing_tools)} not on PATH)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must install gettext to check the catalogue")
        pytest.skip(f"{reason}: cannot extract the strings to compare with the catalogue")

    base_dir = Path(settings.BASE_DIR).resolve()
    work = (tmp_path / "project").resolve()
    assert not work.is_relative_to(base_dir), "the working copy must lie outside the project"

    def not_copied(directory, names):
        ignored = set(NOT_COPIED_ANYWHERE(directory, names))
        if Path(directory).resolve() == base_dir:
            ignored |= TOP_LEVEL_NOT_COPIED & set(names)
        return ignored

    # A copy of the project with a copy of the catalogue: makemessages writes only there.
    shutil.copytree(base_dir, work, ignore=not_copied, symlinks=True)
    shutil.copytree(LOCALE_DIR, work / "locale")
    # Whatever settings module gets imported, the catalogue written is the copy's.
    # (settings.SETTINGS_MODULE is None while the test environment overrides settings.)
    settings_module = os.environ["DJANGO_SETTINGS_MODULE"]
    (work / "translation_check_settings.py").write_text(
        textwrap.dedent(
            f"""\
            from {settings_module} import *  # noqa: F403

            LOCALE_PATHS = [{str(work / "locale")!r}]
            """
        )
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "translation_check_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(work), os.environ.get("PYTHONPATH")])),
    }
    committed_po = PO_PATH.read_bytes()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert PO_PATH.read_bytes() == committed_po, "makemessages touched the real catalogue"
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    committed = {key(entry): entry for entry in live_entries(polib.pofile(str(PO_PATH)))}
    extracted = live_entries(
        polib.pofile(str(work / "locale" / "it" / "LC_MESSAGES" / "django.po"))
    )

    lacking = sorted(key(entry) for entry in extracted if key(entry) not in committed)
    changed_plural = sorted(
        key(entry)
        for entry in extracted
        if key(entry) in committed and entry.msgid_plural != committed[key(entry)].msgid_plural
    )
    problems = []
    if lacking:
        problems.append(
            f"{len(lacking)} string(s) in the code missing from the catalogue:\n"
            + describe(lacking)
        )
    if changed_plural:
        problems.append(f"plural form changed in the code:\n{describe(changed_plural)}")
    assert not problems, (
        "locale/it/LC_MESSAGES/django.po is behind the code: run `make messages`, translate "
        "the new entries and compile.\n" + "\n".join(problems)
    )


def nav_labels(html: str, *labels: str) -> list[str]:
    """Which of ``labels`` appear as a whole link text in the main navigation."""
    return [label for label in labels if f"<span>{label}</span>" in html]


def test_home_page_is_in_italian_by_default(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="it")
    html = response.content.decode()

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "it"
    assert '<html lang="it">' in html
    assert nav_labels(html, "Zone", "Buone pratiche", "Riunioni") == [
        "Zone",
        "Buone pratiche",
        "Riunioni",
    ]
    assert ">Accedi</a>" in html
    assert "Vai al contenuto principale" in html
    assert "Informativa sulla privacy" in html
    assert "Skip to main content" not in html
    assert ">Log in</a>" not in html


def test_home_page_without_a_language_preference_is_italian(client, db):
    html = client.get("/").content.decode()

    assert '<html lang="it">' in html
    assert ">Accedi</a>" in html


@pytest.mark.parametrize(
    "how",
    [
        pytest.param({"HTTP_ACCEPT_LANGUAGE": "en"}, id="accept-language"),
        # The cookie set by the language switch wins over the browser's preference.
        pytest.param({"cookie": "en", "HTTP_ACCEPT_LANGUAGE": "it"}, id="cookie"),
    ],
)
def test_home_page_in_english_on_request(client, db, how):
    headers = dict(how)
    if "cookie" in headers:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = headers.pop("cookie")
    response = client.get("/", **headers)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert nav_labels(html, "Zones", "Practices", "Meetings") == ["Zones", "Practices", "Meetings"]
    assert ">Log in</a>" in html
    assert "Skip to main content" in html
    assert "Vai al contenuto principale" not in html
    assert ">Accedi</a>" not in html


def test_plural_forms_in_italian(client, territory):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="it").content.decode()

    assert "Le 11 zone omogenee" in html
    assert "i comuni del territorio, 312 in tutto" in html
