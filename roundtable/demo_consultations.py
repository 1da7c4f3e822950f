"""The zones' consultations on the Strategic Plan in the demo: ``seed_demo`` calls
``seed_consultations()`` after the plan is loaded (``seed_plans``).

Two consultations on the yearly update of the plan in force (the shipped file holds no draft
revision, and the demo does not invent a plan): a closed one, whose deadline passed three weeks
ago, answered by all eleven zones (every kind of opinion, remarks on several axes, one answer
revised before the deadline) and put on the agenda of the next meeting to record its outcome;
and an open one, due in three weeks, answered so far by four zones. The past is written straight
into the models, dated back, with its history; the open consultation tells the zones as the
portal would (notices in the portal, no e-mail leaves). The content is fictional and says so.

Idempotent: if either demo consultation exists, nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from plans import notifications
from plans.documents import PDF
from plans.models import Axis, AxisRemark, Consultation, Plan, ZoneOpinion
from zones.models import Notification, Zone

from .demo_practices import STAFF_EMAIL, DemoDataError, spokesperson_email

DEMO_NOTICE = (
    "*Consultazione dimostrativa: contenuto di esempio creato per provare il portale, non un "
    "procedimento reale.*"
)
F = ZoneOpinion.Verdict.FAVOURABLE
R = ZoneOpinion.Verdict.FAVOURABLE_WITH_REMARKS
U = ZoneOpinion.Verdict.UNFAVOURABLE


@dataclass(frozen=True)
class DemoOpinion:
    verdict: str
    text: str
    remarks: dict[int, str] = field(default_factory=dict)
    days: int = 0  # days after the opening
    # An earlier version, revised before the deadline: (verdict, text, remarks, days).
    earlier: tuple | None = None


@dataclass(frozen=True)
class DemoConsultation:
    title: str
    description: str
    document: str
    axes: tuple[int, ...]
    opened_days: int  # from today (negative: in the past)
    deadline_days: int
    opinions: dict[int, DemoOpinion]


CLOSED = DemoConsultation(
    title="Parere delle zone sull'aggiornamento 2025 del Piano strategico",
    description=f"""{DEMO_NOTICE}

L'aggiornamento annuale del Piano strategico metropolitano rivede le azioni di quattro assi.
Le zone sono invitate a esprimere il parere dell'assemblea dei sindaci:

- **favorevole**, **favorevole con osservazioni** o **contrario**;
- con osservazioni, se utili, su ciascuno degli assi toccati.""",
    document="aggiornamento-psm-2025-bozza.pdf",
    axes=(1, 2, 3, 5),
    opened_days=-51,
    deadline_days=-21,
    opinions={
        1: DemoOpinion(
            R,
            "L'assemblea dei sindaci esprime parere favorevole con le osservazioni che seguono.",
            {
                1: "Le azioni sull'innovazione vanno estese alle imprese della prima cintura.",
                3: "Servono corsie preferenziali per le linee di forza verso la cintura.",
            },
            days=20,
        ),
        2: DemoOpinion(F, "Parere favorevole, approvato all'unanimità.", days=12),
        3: DemoOpinion(
            R,
            "Parere favorevole; si chiede di rafforzare i collegamenti tra i comuni della zona.",
            {3: "Il trasporto a chiamata va esteso alle frazioni collinari."},
            days=25,
        ),
        4: DemoOpinion(F, "Parere favorevole.", days=9),
        5: DemoOpinion(
            R,
            "Parere favorevole con osservazioni sulle aree interne e sui servizi di prossimità.",
            {
                2: "Gli interventi sulle foreste vanno concordati con le unioni montane.",
                5: "Gli sportelli di prossimità devono restare aperti anche nei comuni piccoli.",
            },
            days=27,
            earlier=(F, "Parere favorevole.", {}, 8),
        ),
        6: DemoOpinion(
            U,
            "Parere contrario: l'aggiornamento non risponde ai bisogni di mobilità delle valli.",
            {3: "Mancano risorse per il trasporto pubblico in valle nei mesi invernali."},
            days=29,
        ),
        7: DemoOpinion(
            R,
            "Parere favorevole con un'osservazione sull'ambiente.",
            {2: "Chiediamo un'azione dedicata alla manutenzione dei corsi d'acqua minori."},
            days=18,
        ),
        8: DemoOpinion(F, "Parere favorevole.", days=15),
        9: DemoOpinion(
            R,
            "Parere favorevole con osservazioni.",
            {1: "La banda ultralarga resta la priorità per le imprese del territorio."},
            days=22,
        ),
        10: DemoOpinion(F, "Parere favorevole, senza osservazioni.", days=11),
        11: DemoOpinion(F, "Parere favorevole.", days=16),
    },
)

OPEN = DemoConsultation(
    title="Parere delle zone sull'aggiornamento 2026 del Piano strategico",
    description=f"""{DEMO_NOTICE}

La bozza di aggiornamento 2026 interviene su transizione ecologica, mobilità e salute. Il
parere delle zone è raccolto fino alla scadenza; le risposte possono essere riviste fino ad
allora.""",
    document="aggiornamento-psm-2026-bozza.pdf",
    axes=(2, 3, 6),
    opened_days=-9,
    deadline_days=21,
    opinions={
        2: DemoOpinion(F, "Parere favorevole dell'assemblea dei sindaci.", days=3),
        5: DemoOpinion(
            R,
            "Parere favorevole con un'osservazione sulla mobilità.",
            {3: "Le corse serali del servizio ferroviario verso Pinerolo vanno garantite."},
            days=6,
            earlier=(R, "Parere favorevole con osservazioni.", {3: "Più corse serali."}, 2),
        ),
        8: DemoOpinion(
            U,
            "Parere contrario: le case di comunità previste sono troppo lontane dalle valli.",
            {6: "Serve almeno una casa di comunità in ogni valle."},
            days=5,
        ),
        10: DemoOpinion(
            R,
            "Parere favorevole con osservazioni sulla salute.",
            {6: "Gli ambulatori infermieristici vanno aperti anche il sabato."},
            days=7,
        ),
    },
)

AGENDA_TITLE = "Esito della consultazione sull'aggiornamento 2025 del Piano strategico"


def seed_consultations() -> dict[str, int]:
    """Create the demo consultations if neither exists; return the counts created. Notices are
    kept in the portal, and no e-mail leaves (an in-memory backend, and marked as sent)."""
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        transaction.atomic(),
    ):
        return _Seeder().run()


def demo_pdf(title: str) -> bytes:
    """A one-page PDF saying it is a demo document (a real viewer opens it)."""
    text = f"{title} - documento dimostrativo".encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 60 760 Td (" + text.replace(b"(", b"[").replace(b")", b"]") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class _Seeder:
    def __init__(self):
        self.now = timezone.now()
        users = get_user_model().objects
        self.staff = users.filter(email=STAFF_EMAIL).first()
        if self.staff is None:
            raise DemoDataError("Create the demo accounts first (seed_demo).")
        self.zones = {zone.number: zone for zone in Zone.objects.all()}
        emails = [spokesperson_email(number) for number in self.zones]
        found = {user.email: user for user in users.filter(email__in=emails)}
        self.spokespersons = {
            number: found[spokesperson_email(number)]
            for number in self.zones
            if spokesperson_email(number) in found
        }
        self.plan = Plan.objects.in_force().first()
        if self.plan is None:
            raise DemoDataError("The demo consultations need a plan in force: load the plan.")
        self.axes = {axis.number: axis for axis in Axis.objects.filter(plan=self.plan)}

    def run(self) -> dict[str, int]:
        titles = [CLOSED.title, OPEN.title]
        if Consultation.objects.filter(title__in=titles).exists():
            return {"consultations": 0, "opinions": 0}
        opinions = 0
        closed = self._consultation(CLOSED)
        opinions += self._opinions(closed, CLOSED)
        open_one = self._consultation(OPEN)
        opinions += self._opinions(open_one, OPEN)
        self._tell_the_zones(open_one)
        self._on_the_next_agenda(closed)
        return {"consultations": 2, "opinions": opinions}

    def _at(self, days: float, hour: int = 10) -> datetime:
        day = timezone.localtime(self.now + timedelta(days=days))
        return day.replace(hour=hour, minute=0, second=0, microsecond=0)

    def _consultation(self, spec: DemoConsultation) -> Consultation:
        missing = [number for number in spec.axes if number not in self.axes]
        if missing:
            raise DemoDataError(f"“{spec.title}”: the plan in force has no axis {missing}.")
        content = demo_pdf(spec.title)
        consultation = Consultation(
            plan=self.plan,
            title=spec.title,
            description=spec.description,
            document_name=spec.document,
            document_content_type=PDF,
            document_size=len(content),
            deadline=self._at(spec.deadline_days, hour=18),
            opened_by=self.staff,
            opened_at=self._at(spec.opened_days, hour=9),
        )
        consultation.document.save(spec.document, ContentFile(content), save=False)
        consultation._history_user = self.staff
        consultation._history_date = consultation.opened_at
        consultation.save()
        consultation.axes.set([self.axes[number] for number in spec.axes])
        return consultation

    def _opinions(self, consultation: Consultation, spec: DemoConsultation) -> int:
        saved = 0
        for number, demo in sorted(spec.opinions.items()):
            zone, by = self.zones.get(number), self.spokespersons.get(number)
            if zone is None or by is None:
                continue
            versions = [demo.earlier] if demo.earlier else []
            versions.append((demo.verdict, demo.text, demo.remarks, demo.days))
            opinion = None
            for version, (verdict, text, remarks, days) in enumerate(versions, start=1):
                when = self._at(spec.opened_days + days, hour=11 + version)
                if when >= consultation.deadline:
                    raise DemoDataError(f"“{spec.title}”: zone {number} answers too late.")
                if opinion is None:
                    opinion = ZoneOpinion(consultation=consultation, zone=zone, answered_at=when)
                opinion.verdict, opinion.text, opinion.version = verdict, text, version
                opinion.answered_by, opinion.updated_at = by, when
                opinion._history_user, opinion._history_date = by, when
                opinion.save()
                self._remarks(opinion, remarks, by, when)
            saved += 1
        return saved

    def _remarks(self, opinion: ZoneOpinion, remarks: dict, by, when) -> None:
        existing = {remark.axis_id: remark for remark in opinion.remarks.all()}
        wanted = {self.axes[number].pk: text for number, text in remarks.items()}
        for axis_pk in sorted(set(existing) | set(wanted)):
            remark = existing.get(axis_pk) or AxisRemark(opinion=opinion, axis_id=axis_pk)
            remark._history_user, remark._history_date = by, when
            if axis_pk not in wanted:
                remark.delete()
            elif remark.text != wanted[axis_pk]:
                remark.text = wanted[axis_pk]
                remark.save()

    def _tell_the_zones(self, consultation: Consultation) -> None:
        """The open consultation's notice, as opening it on the portal writes it; marked as
        e-mailed, so that no e-mail or digest ever carries it."""
        notifications.consultation_opened(consultation)
        Notification.objects.filter(url=consultation.get_absolute_url()).update(emailed_at=self.now)

    def _on_the_next_agenda(self, consultation: Consultation) -> None:
        """The closed consultation goes on the next meeting's agenda, where its outcome will be
        recorded as a decision."""
        meeting = Meeting.objects.upcoming(self.now).filter(status=Meeting.Status.SCHEDULED).first()
        if meeting is None:
            return
        last = meeting.agenda_items.aggregate(p=Max("position"))["p"] or 0
        AgendaItem.objects.create(
            meeting=meeting,
            position=last + 1,
            title=AGENDA_TITLE,
            description=(
                "Il parere consolidato delle undici zone è pronto: il Tavolo ne prende atto e "
                "lo trasmette al Consiglio metropolitano."
            ),
            planned_minutes=20,
            presenter="Staff metropolitano",
            status=AgendaItem.Status.ACCEPTED,
            proposed_by=self.staff,
            consultation=consultation,
        )
