"""The benchmark's data set, built fast with ``bulk_create`` (``make bench`` only).

Shape at full size (``grow(practices=10_000, meetings=1_000, comments=50_000)``):

- the 11 zones and their municipalities from ``load_territory``, the themes of migration 0002;
- one spokesperson per zone (the first one can log in: ``LOGIN_EMAIL`` / ``LOGIN_PASSWORD``);
- practices spread evenly over the zones, 80% published, the rest draft, submitted, archived;
  each with 1 to 3 themes, 1 to 3 municipalities of its zone, a "published" transition, and
  Italian titles, summaries and descriptions made from a few dozen phrases, so that the
  Italian stemmer has inflected words to match ("scolastiche" finds "mensa scolastica" and
  "trasporto scolastico", about a tenth of the practices);
- a transfer to another zone for one published practice in three, with a dated step;
- meetings one week apart, the last tenth still to come; each with 11 invitations (attendance
  recorded once held), 4 agenda items (one about a practice), 2 decisions, 1 action item
  assigned to 2 zones, and approved minutes once held;
- comments on the published practices, by the spokespersons.

``grow`` only adds: called again with larger numbers it tops the data set up to them, which is
how the benchmark measures the queries per page at a tenth of the data and then at full size.
The search vector of practices is a column PostgreSQL generates (practices migration 0003), so
bulk inserts fill it; ``search_text`` and ``search_folded`` are filled here as ``save`` would.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, Decision, Invitation, Meeting, Minutes
from practices.models import Comment, Practice, Theme, Transfer, TransferStep, Transition
from zones.models import Membership, Municipality, Zone, fold

LOGIN_EMAIL = "portavoce1@bench.example"
LOGIN_PASSWORD = "bench-password-Tavolo-2026"  # noqa: S105 (a throwaway benchmark database)
BATCH = 2000

SUBJECTS = [
    "Mensa scolastica",
    "Trasporto scolastico",
    "Sportello unico per le imprese",
    "Biblioteca diffusa",
    "Servizio di trasporto a chiamata",
    "Centro per l'impiego itinerante",
    "Orti urbani condivisi",
    "Comunità energetica rinnovabile",
    "Rete dei sentieri escursionistici",
    "Gruppo comunale di protezione civile",
    "Sportello digitale per gli anziani",
    "Raccolta differenziata porta a porta",
    "Centro estivo per ragazzi",
    "Ufficio associato dei tributi",
    "Pedibus per le scuole primarie",
    "Mercato contadino settimanale",
    "Assistenza domiciliare integrata",
    "Piano di illuminazione pubblica efficiente",
    "Distretto del commercio",
    "Museo diffuso del territorio",
]
QUALIFIERS = [
    "a km zero",
    "per le famiglie",
    "nelle valli",
    "intercomunale",
    "con prenotazione digitale",
    "per i comuni montani",
    "sostenibile",
    "accessibile",
    "condiviso tra più enti",
    "per le frazioni",
]
SENTENCES = [
    "I comuni hanno messo in comune personale e attrezzature per ridurre i costi.",
    "Le famiglie prenotano il servizio online o allo sportello comunale.",
    "Il progetto coinvolge le scuole, le associazioni di volontariato e le parrocchie.",
    "Gli studenti delle scuole secondarie hanno partecipato alla progettazione.",
    "La gestione associata ha permesso di coprire anche le frazioni più lontane.",
    "Il servizio è finanziato in parte con fondi regionali e in parte dai comuni.",
    "I risultati sono misurati ogni anno con un questionario rivolto agli utenti.",
    "Gli anziani soli ricevono una telefonata settimanale dai volontari.",
    "Le imprese agricole locali forniscono i prodotti freschi alle mense.",
    "Il trasporto pubblico locale è stato coordinato con gli orari delle scuole.",
    "La biblioteca organizza laboratori di lettura per bambini e ragazzi.",
    "I dati dei consumi energetici degli edifici pubblici sono pubblicati ogni mese.",
    "Un tavolo tecnico tra i comuni si riunisce ogni tre mesi per verificare i risultati.",
    "La sperimentazione è durata due anni prima di diventare un servizio stabile.",
]
# Only the practices about schools speak of them, as real ones would: the searched word
# ("scolastiche") then matches about a tenth of the catalogue, not every practice.
SCHOOL_SENTENCE = "Le attività scolastiche pomeridiane sono cresciute del venti per cento."
COMMENTS = [
    "Ottima iniziativa: anche da noi stiamo valutando qualcosa di simile.",
    "Quanti operatori sono stati necessari nel primo anno?",
    "Ci interessa soprattutto la parte sulle prenotazioni digitali.",
    "Potete condividere il capitolato della gara?",
    "Abbiamo avuto difficoltà simili con il trasporto nelle frazioni.",
    "Grazie per la scheda, molto chiara e completa.",
]


def _rng(seed: int) -> random.Random:
    # Repeatable made-up data, not secrets.
    return random.Random(seed)  # noqa: S311


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.sample(SENTENCES, sentences))


def _ensure_people(zones):
    """One spokesperson per zone; the first can log in with the benchmark's password."""
    User = get_user_model()
    people = []
    for zone in zones:
        email = f"portavoce{zone.number}@bench.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(username=email, email=email, first_name="Portavoce", last_name=zone.name)
            if zone == zones[0]:
                user.set_password(LOGIN_PASSWORD)
            else:
                user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, zone=zone)
        people.append(user)
    return people


def _practices(rng, start, count, zones, towns_by_zone, themes, people, now):
    S = Practice.Status
    statuses = [S.PUBLISHED] * 8 + [S.DRAFT, S.SUBMITTED, S.ARCHIVED]
    rows = []
    for i in range(start, start + count):
        zone = zones[i % len(zones)]
        town = rng.choice(towns_by_zone[zone.pk])
        status = rng.choice(statuses)
        subject = rng.choice(SUBJECTS)
        title = f"{subject} {rng.choice(QUALIFIERS)} a {town.name} ({i + 1})"
        summary = _text(rng, 2)
        description = _text(rng, 5)
        if "scola" in subject:
            description += " " + SCHOOL_SENTENCE
        institution = f"Comune di {town.name}"
        search_text = "\n".join([description, institution])
        created = now - timedelta(days=rng.randint(30, 3000))
        rows.append(
            Practice(
                title=title,
                kind=rng.choice(Practice.Kind.values),
                summary=summary,
                description=description,
                zone=zone,
                main_institution=institution,
                start_date=created.date(),
                contact_person="Ufficio di segreteria",
                status=status,
                created_by=people[zone.number - 1] if zone.number <= len(people) else None,
                published_at=created + timedelta(days=10) if status != S.DRAFT else None,
                search_text=search_text,
                search_folded=fold(" ".join([title, summary, search_text])),
            )
        )
    return rows


@transaction.atomic
def add_practices(count: int, seed: int = 1) -> list[Practice]:
    """Add ``count`` practices with their themes, municipalities and transitions."""
    rng = _rng(seed)
    now = timezone.now()
    zones = list(Zone.objects.order_by("number"))
    people = _ensure_people(zones)
    towns_by_zone = {zone.pk: list(zone.municipalities.all()) for zone in zones}
    themes = list(Theme.objects.all())
    start = Practice.objects.count()
    created = []
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        batch = _practices(rng, start + offset, size, zones, towns_by_zone, themes, people, now)
        batch = Practice.objects.bulk_create(batch)
        created += batch
        ThemeLink = Practice.themes.through
        TownLink = Practice.municipalities.through
        ThemeLink.objects.bulk_create(
            ThemeLink(practice_id=p.pk, theme_id=t.pk)
            for p in batch
            for t in rng.sample(themes, rng.randint(1, 3))
        )
        TownLink.objects.bulk_create(
            TownLink(practice_id=p.pk, municipality_id=m.pk)
            for p in batch
            for m in rng.sample(towns_by_zone[p.zone_id], min(3, len(towns_by_zone[p.zone_id])))
        )
        Transition.objects.bulk_create(
            Transition(
                practice_id=p.pk,
                from_status=Practice.Status.SUBMITTED,
                to_status=p.status,
                at=p.published_at,
                note="Scheda completa.",
            )
            for p in batch
            if p.published_at
        )
    if created:
        # auto_now_add stamps "now" on a bulk insert: date them back to their start, as a
        # catalogue built over the years would be (the dashboard counts by creation date).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE practices_practice SET created_at = start_date + time '09:30', "
                "updated_at = start_date + time '09:30' WHERE id >= %s",
                [created[0].pk],
            )
    return created


@transaction.atomic
def add_transfers(practices: list[Practice], seed: int = 2) -> int:
    rng = _rng(seed)
    zones = list(Zone.objects.order_by("number"))
    stages = [s for s in Transfer.Stage.values if s != Transfer.Stage.DROPPED]
    rows = []
    for practice in practices:
        if practice.status != Practice.Status.PUBLISHED or rng.random() > 1 / 3:
            continue
        zone = rng.choice([z for z in zones if z.pk != practice.zone_id])
        rows.append(
            Transfer(
                practice=practice,
                zone=zone,
                stage=rng.choice(stages),
                notes="Adattamento alle scuole e ai trasporti della nostra zona.",
            )
        )
    rows = Transfer.objects.bulk_create(rows, batch_size=BATCH)
    TransferStep.objects.bulk_create(
        (TransferStep(transfer=t, stage=t.stage, note="Primo contatto.") for t in rows),
        batch_size=BATCH,
    )
    return len(rows)


@transaction.atomic
def add_comments(count: int, seed: int = 3) -> int:
    rng = _rng(seed)
    people = list(get_user_model().objects.filter(email__endswith="@bench.example"))
    published = list(
        Practice.objects.filter(status=Practice.Status.PUBLISHED).values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = (
        Comment(
            practice_id=rng.choice(published),
            author=rng.choice(people),
            body=rng.choice(COMMENTS),
            created_at=now - timedelta(minutes=rng.randint(1, 500_000)),
        )
        for _ in range(count)
    )
    Comment.objects.bulk_create(rows, batch_size=BATCH)
    return count


@transaction.atomic
def add_meetings(count: int, total_planned: int, seed: int = 4) -> int:
    """Add ``count`` weekly meetings; numbering and dates continue those already there, and
    the last tenth of ``total_planned`` is still to come."""
    rng = _rng(seed)
    now = timezone.now()
    zones = list(Zone.objects.order_by("number"))
    people = list(get_user_model().objects.filter(email__endswith="@bench.example"))
    practices = list(
        Practice.objects.filter(status=Practice.Status.PUBLISHED).values_list("pk", flat=True)[
            :1000
        ]
    )
    first = Meeting.objects.count() + 1
    first_start = now - timedelta(weeks=total_planned * 9 // 10)
    meetings = []
    for number in range(first, first + count):
        starts = first_start + timedelta(weeks=number - 1)
        held = starts < now
        meetings.append(
            Meeting(
                number=number,
                title=f"Riunione del tavolo n. {number}",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                place="Sala consiliare, corso Inghilterra 7, Torino",
                status=Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                is_public=number % 5 != 0,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    Invitation.objects.bulk_create(
        (
            Invitation(
                meeting=m,
                zone=z,
                answer=Invitation.Answer.ATTENDING,
                attendance=(rng.choice(["present", "present", "absent", "excused"]))
                if m.status == Meeting.Status.HELD
                else "",
            )
            for m in meetings
            for z in zones
        ),
        batch_size=BATCH,
    )
    items = AgendaItem.objects.bulk_create(
        (
            AgendaItem(
                meeting=m,
                position=position,
                title=f"Punto {position + 1}: {rng.choice(SUBJECTS).lower()}",
                description=_text(rng, 2),
                planned_minutes=20,
                practice_id=rng.choice(practices) if position == 1 and practices else None,
                status=AgendaItem.Status.ACCEPTED,
            )
            for m in meetings
            for position in range(4)
        ),
        batch_size=BATCH,
    )
    decisions = Decision.objects.bulk_create(
        (
            Decision(agenda_item=item, text=_text(rng, 1), recorded_by=rng.choice(people))
            for item in items
            if item.position in (0, 1)
        ),
        batch_size=BATCH,
    )
    actions = ActionItem.objects.bulk_create(
        (
            ActionItem(
                decision=d,
                title=f"Verificare {rng.choice(SUBJECTS).lower()}",
                due_date=(d.agenda_item.meeting.starts_at + timedelta(days=60)).date(),
                status=ActionItem.Status.DONE
                if d.agenda_item.meeting.status == Meeting.Status.HELD
                else ActionItem.Status.OPEN,
            )
            for d in decisions
            if d.agenda_item.position == 0
        ),
        batch_size=BATCH,
    )
    ActionItem.zones.through.objects.bulk_create(
        (
            ActionItem.zones.through(actionitem_id=a.pk, zone_id=z.pk)
            for a in actions
            for z in rng.sample(zones, 2)
        ),
        batch_size=BATCH,
    )
    Minutes.objects.bulk_create(
        (
            Minutes(
                meeting=m,
                body="## Presenti\n\n" + _text(rng, 4),
                status=Minutes.Status.APPROVED,
                approved_at=m.ends_at + timedelta(days=7),
            )
            for m in meetings
            if m.status == Meeting.Status.HELD
        ),
        batch_size=BATCH,
    )
    return len(meetings)


def grow(practices: int, meetings: int, comments: int, total_meetings: int) -> dict:
    """Top the data set up to the given numbers (see the module doc)."""
    added = add_practices(max(0, practices - Practice.objects.count()))
    add_transfers(added)
    add_meetings(max(0, meetings - Meeting.objects.count()), total_meetings)
    add_comments(max(0, comments - Comment.objects.count()))
    return {
        "practices": Practice.objects.count(),
        "published": Practice.objects.published().count(),
        "transfers": Transfer.objects.count(),
        "meetings": Meeting.objects.count(),
        "comments": Comment.objects.count(),
        "municipalities": Municipality.objects.count(),
    }
