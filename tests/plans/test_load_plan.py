"""``manage.py load_plan``: the shipped file, idempotence, updates, strategies and actions,
statuses, and every refusal with its line number and nothing written."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from plans.models import Action, Axis, Plan, Strategy

SHIPPED = Path(settings.BASE_DIR) / "data" / "strategic-plan" / "axes.csv"
HEADER = [
    "plan",
    "plan_title",
    "period",
    "axis_number",
    "axis_name_it",
    "axis_name_en",
    "source",
]
EXTENDED = [
    *HEADER,
    "strategy_code",
    "strategy_name_it",
    "strategy_name_en",
    "action_code",
    "action_name_it",
    "action_name_en",
]
SOURCE = "https://example.org/piano"
P = ["PSM-X", "Piano di prova", "2025-2027"]


def load(*args) -> str:
    out = StringIO()
    call_command("load_plan", *[str(arg) for arg in args], stdout=out)
    return out.getvalue()


def write(tmp_path, rows, header=EXTENDED, name="plan.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def state() -> list:
    """Every row of the plans' tables, to compare before and after."""
    return [
        list(model.objects.order_by("pk").values_list()) for model in (Plan, Axis, Strategy, Action)
    ]


def row(axis=1, name="Asse uno", strategy="", s_name="", action="", a_name="", plan=P):
    return [
        *plan,
        str(axis),
        name,
        f"Axis {axis}",
        SOURCE,
        strategy,
        s_name,
        "",
        action,
        a_name,
        "",
    ]


# --- The shipped file -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_file_loads_two_plans_with_three_and_six_axes():
    output = load(SHIPPED, "--in-force", "PSM-2024-2026")
    assert "Plans: 2 created, 0 updated, 0 unchanged." in output
    assert "Axes: 9 created, 0 updated, 0 unchanged." in output
    assert "+ PSM-2024-2026 axis 6 Torino metropoli più sana" in output
    assert "PSM-2024-2026: draft → in force" in output
    old, new = Plan.objects.get(code="PSM-2021-2023"), Plan.objects.get(code="PSM-2024-2026")
    assert (old.title, old.period, old.status) == (
        "Torino Metropoli Aumentata",
        "2021-2023",
        "draft",
    )
    assert (new.title, new.period, new.status) == (
        "Torino metro(poli)montana",
        "2024-2026",
        "in_force",
    )
    assert list(old.axes.values_list("number", flat=True)) == [1, 2, 3]
    assert list(new.axes.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    healthier = new.axes.get(number=6)
    assert (healthier.name_it, healthier.name_en) == (
        "Torino metropoli più sana",
        "A healthier metropolis",
    )
    assert healthier.source.startswith("https://www.torinoggi.it/2024/07/19/")
    assert old.axes.get(number=1).source == (
        "http://www.torinometropoli.it/cms/sviluppo-economico/piano-strategico"
    )


@pytest.mark.django_db
def test_the_shipped_file_is_the_reference_data_unchanged_with_its_readme():
    shared = Path(settings.BASE_DIR).parent / "shared" / "data" / "strategic-plan" / "axes.csv"
    if shared.exists():
        assert SHIPPED.read_bytes() == shared.read_bytes()
    readme = (SHIPPED.parent / "README.md").read_text(encoding="utf-8")
    assert "source" in readme and "strategy_code" in readme and "action_code" in readme


@pytest.mark.django_db
def test_a_second_run_changes_nothing_and_says_so():
    load(SHIPPED, "--in-force", "PSM-2024-2026", "--superseded", "PSM-2021-2023")
    before = state()
    output = load(SHIPPED, "--in-force", "PSM-2024-2026", "--superseded", "PSM-2021-2023")
    assert state() == before
    assert "Plans: 0 created, 0 updated, 2 unchanged." in output
    assert "Axes: 0 created, 0 updated, 9 unchanged." in output
    assert "No changes: the database matches the file." in output
    assert "→" not in output


@pytest.mark.django_db
def test_a_changed_name_is_updated_and_reported(tmp_path):
    load(SHIPPED)
    text = SHIPPED.read_text(encoding="utf-8").replace(
        "A healthier metropolis", "A healthier and safer metropolis"
    )
    changed = tmp_path / "axes.csv"
    changed.write_text(text, encoding="utf-8")
    output = load(changed)
    assert "Axes: 0 created, 1 updated, 8 unchanged." in output
    assert (
        "~ PSM-2024-2026 axis 6 Torino metropoli più sana: name_en 'A healthier metropolis' → "
        "'A healthier and safer metropolis'"
    ) in output
    assert "Plans updated." in output
    axis = Axis.objects.get(plan__code="PSM-2024-2026", number=6)
    assert axis.name_en == "A healthier and safer metropolis"


# --- Strategies and actions -------------------------------------------------------------------


@pytest.mark.django_db
def test_strategies_and_actions_load_in_file_order_under_their_axis(tmp_path):
    path = write(
        tmp_path,
        [
            row(1),
            row(1, strategy="1.2", s_name="Seconda"),
            row(1, strategy="1.2", s_name="Seconda", action="1.2.1", a_name="Azione a"),
            row(1, strategy="1.1", s_name="Prima", action="1.1.1", a_name="Azione b"),
            row(2, name="Asse due"),
        ],
    )
    output = load(path)
    assert "Strategies: 2 created" in output and "Actions: 2 created" in output
    plan = Plan.objects.get(code="PSM-X")
    assert plan.status == "draft"  # a plan loaded new starts as a draft
    strategies = Strategy.objects.filter(axis__plan=plan)
    assert [(s.axis.number, s.code, s.position) for s in strategies] == [
        (1, "1.2", 1),
        (1, "1.1", 2),
    ]
    action = Action.objects.get(code="1.1.1")
    assert (action.strategy.code, action.name_it) == ("1.1", "Azione b")
    assert load(path).endswith("No changes: the database matches the file.\n")


@pytest.mark.django_db
def test_nothing_is_deleted_what_the_file_lacks_is_listed(tmp_path):
    full = write(
        tmp_path,
        [row(1, strategy="1.1", s_name="Prima", action="1.1.1", a_name="Azione"), row(2)],
        name="full.csv",
    )
    load(full)
    Plan.objects.create(code="ALTRO", title="Altro piano", period="2020-2022")
    axes_only = write(tmp_path, [row(1)], header=EXTENDED, name="axes.csv")
    before = state()
    output = load(axes_only)
    assert state() == before
    assert "1 plans in the database are not in the file and were kept: ALTRO" in output
    assert "1 axes in the database are not in the file and were kept: PSM-X axis 2" in output
    assert "1 strategies in the database are not in the file and were kept: PSM-X 1.1" in output
    assert "1 actions in the database are not in the file and were kept: PSM-X 1.1.1" in output


# --- Statuses ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_in_force_switches_and_the_previous_plan_is_superseded():
    load(SHIPPED, "--in-force", "PSM-2021-2023")
    assert Plan.objects.get(code="PSM-2021-2023").status == "in_force"
    output = load(SHIPPED, "--in-force", "PSM-2024-2026")
    assert "PSM-2021-2023: in force → superseded" in output
    assert "PSM-2024-2026: draft → in force" in output
    statuses = dict(Plan.objects.values_list("code", "status"))
    assert statuses == {"PSM-2021-2023": "superseded", "PSM-2024-2026": "in_force"}
    again = load(SHIPPED, "--in-force", "PSM-2024-2026")
    assert "No changes" in again


@pytest.mark.django_db
def test_superseded_marks_an_older_plan():
    output = load(SHIPPED, "--in-force", "PSM-2024-2026", "--superseded", "PSM-2021-2023")
    assert "PSM-2021-2023: draft → superseded" in output
    assert Plan.objects.get(code="PSM-2021-2023").status == "superseded"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, message",
    [
        (["--in-force", "PSM-1999"], "there is no plan PSM-1999 in the file or in the database"),
        (["--superseded", "PSM-1999"], "there is no plan PSM-1999"),
        (
            ["--in-force", "PSM-2024-2026", "--superseded", "PSM-2024-2026"],
            "cannot be both in force and superseded",
        ),
    ],
)
def test_an_unknown_or_contradictory_status_is_refused_and_nothing_written(args, message):
    with pytest.raises(CommandError) as refused:
        load(SHIPPED, *args)
    assert "Refused, nothing was written." in str(refused.value)
    assert message in str(refused.value)
    assert Plan.objects.count() == 0


# --- Refusals ------------------------------------------------------------------------------------

GOOD = row(1)  # line 2 of every file below


def rows_with(bad, line=3):
    """A file whose first data line renames axis 1 of the shipped plan (so that a partial write
    would show) and whose line ``line`` is ``bad``."""
    first = ["PSM-2024-2026", "Torino metro(poli)montana", "2024-2026", "1", "Nome cambiato"]
    first += ["", SOURCE, "", "", "", "", "", ""]
    return [first, *[GOOD] * (line - 3), bad]


REFUSALS = {
    "empty plan_title": (
        rows_with([P[0], "", P[2], "2", "Asse", "", "", "", "", "", "", "", ""]),
        3,
        "plan_title is empty: it is required.",
    ),
    "empty axis name": (
        rows_with([*P, "2", "", "", "", "", "", "", "", "", ""]),
        3,
        "axis_name_it is empty",
    ),
    "axis not a number": (
        rows_with([*P, "due", "Asse", "", "", "", "", "", "", "", ""]),
        3,
        "axis_number 'due' is not a whole number",
    ),
    "axis a superscript digit": (
        rows_with([*P, "²", "Asse", "", "", "", "", "", "", "", ""]),
        3,
        "axis_number '²' is not a whole number",
    ),
    "axis zero": (
        rows_with([*P, "0", "Asse", "", "", "", "", "", "", "", ""]),
        3,
        "axis_number '0' is not a whole number from 1",
    ),
    "strategy of another axis": (
        rows_with(row(2, strategy="3.1", s_name="S")),
        3,
        "strategy code '3.1' does not start with its axis number (2.)",
    ),
    "strategy without a name": (
        rows_with(row(2, strategy="2.1")),
        3,
        "strategy 2.1 has no strategy_name_it",
    ),
    "action without strategy": (
        rows_with(row(2, action="2.1.1", a_name="A")),
        3,
        "action 2.1.1 has no strategy_code",
    ),
    "action of another strategy": (
        rows_with(row(2, strategy="2.1", s_name="S", action="2.2.1", a_name="A")),
        3,
        "action code '2.2.1' does not start with its strategy code (2.1.)",
    ),
    "conflicting axis names": (
        rows_with(row(1, name="Un altro nome"), line=4),
        4,
        "axis 1 of PSM-X: name_it 'Un altro nome' differs from 'Asse uno' on line 3",
    ),
    "conflicting strategy names": (
        [
            *rows_with(row(1, strategy="1.1", s_name="Prima"))[:2],
            row(1, strategy="1.1", s_name="Altra"),
        ],
        4,
        "strategy 1.1 of PSM-X: name_it 'Altra' differs from 'Prima' on line 3",
    ),
    "conflicting plan titles": (
        rows_with(
            ["PSM-X", "Altro titolo", P[2], "2", "Asse", "", "", "", "", "", "", "", ""], line=4
        ),
        4,
        "plan PSM-X: title 'Altro titolo' differs from 'Piano di prova' on line 3",
    ),
    "too few columns": (rows_with([*P, "2", "Asse"]), 3, "has 5 columns where the header has 13"),
    "plan code with spaces": (
        rows_with(["PSM 2025", *P[1:], "2", "Asse", "", "", "", "", "", "", "", ""]),
        3,
        "plan code 'PSM 2025' may hold only letters",
    ),
    "source not a URL": (
        rows_with([*P, "2", "Asse", "", "non un indirizzo", "", "", "", "", "", ""]),
        3,
        "source 'non un indirizzo' is not a web address",
    ),
    "name too long": (
        rows_with([*P, "2", "A" * 301, "", "", "", "", "", "", "", ""]),
        3,
        "axis_name_it is longer than 300 characters",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_written(tmp_path, case):
    load(SHIPPED, "--in-force", "PSM-2024-2026")
    before = state()
    rows, line, message = REFUSALS[case]
    path = write(tmp_path, rows)
    with pytest.raises(CommandError) as refused:
        load(path, "--in-force", "PSM-X")
    text = str(refused.value)
    assert text.startswith("Refused, nothing was written.")
    assert f"line {line}: " in text, text
    assert message in text, text
    assert state() == before  # not even the valid first line's new name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header, message",
    [
        ([c for c in HEADER if c != "source"], "line 1: missing column(s): source."),
        ([*HEADER, "colore"], "line 1: unknown column(s): colore."),
        ([*HEADER, "plan"], "line 1: column(s) named twice: plan."),
    ],
)
def test_a_bad_header_is_refused_on_line_one(tmp_path, header, message):
    path = write(tmp_path, [["x"] * len(header)], header=header)
    with pytest.raises(CommandError) as refused:
        load(path)
    assert message in str(refused.value)
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_with_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    lines = [
        ",".join(HEADER),
        ",".join([*P, "1", "Asse", "", ""]),
        ",".join([*P, "2", "Più verde", "", ""]),
    ]
    path.write_bytes("\n".join(lines).encode("latin-1"))
    with pytest.raises(CommandError) as refused:
        load(path)
    assert "line 3: is not UTF-8 text" in str(refused.value)
    assert Plan.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty."),
        ((",".join(HEADER) + "\n").encode(), "has a header but no rows."),
        (b"plan,plan_title\x00", "holds a NUL character"),
    ],
)
def test_an_empty_file_or_one_without_rows_is_refused(tmp_path, content, message):
    path = tmp_path / "plan.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as refused:
        load(path)
    assert message in str(refused.value)
    assert Plan.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        load(tmp_path / "nowhere.csv")
