"""Building blocks for the consultations' tests: a plan with axes, the eleven zones, a
consultation opened and answered through ``plans.services`` as staff and zones would."""

from __future__ import annotations

import datetime
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plans import services
from plans.documents import DOCX, ODT, PDF
from plans.models import Axis, Consultation, Plan, ZoneOpinion
from tests.factories import MembershipFactory, UserFactory, ZoneFactory
from zones.models import Membership, Zone

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name: str = "revisione.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def eleven_zones() -> dict[int, Zone]:
    existing = {zone.number: zone for zone in Zone.objects.all()}
    for number in range(1, 12):
        if number not in existing:
            existing[number] = ZoneFactory(
                number=number, name=f"Zona {number}", slug=f"zona-{number}"
            )
    return existing


def make_plan(code="PSM-2027-2029", status=Plan.Status.DRAFT, axes=3, period="2027-2029"):
    plan = Plan.objects.create(code=code, title=f"Piano {code}", period=period, status=status)
    for number in range(1, axes + 1):
        Axis.objects.create(
            plan=plan, number=number, name_it=f"Asse {number} di {code}", name_en=f"Axis {number}"
        )
    return plan


def speaker(zone: Zone, *, role=Membership.Role.SPOKESPERSON, email=None, **user_fields):
    user = UserFactory(email=email or f"{role}{zone.number}@example.org", **user_fields)
    MembershipFactory(user=user, zone=zone, role=role)
    return user


def open_consultation(staff, plan: Plan, *, days: float = 10, axes=None, title="Parere sul PSM"):
    return services.open_consultation(
        by=staff,
        plan=plan,
        title=title,
        description="Le zone sono invitate a **esprimere** il parere.",
        deadline=timezone.now() + datetime.timedelta(days=days),
        axes=list(axes if axes is not None else plan.axes.all()),
        upload=pdf(),
        checked=services_checked(),
    )


def services_checked():
    from plans.documents import CheckedDocument

    return CheckedDocument(original_name="revisione.pdf", content_type=PDF, size=len(PDF_BYTES))


def answer(
    consultation: Consultation, zone: Zone, by, verdict="favourable", text="Parere.", remarks=None
) -> ZoneOpinion:
    """The zone's answer saved over whatever version is current."""
    current = ZoneOpinion.objects.filter(consultation=consultation, zone=zone).first()
    axes = {axis.number: axis.pk for axis in consultation.axes.all()}
    return services.save_opinion(
        consultation=consultation,
        zone=zone,
        by=by,
        verdict=verdict,
        text=text,
        remarks={axes[number]: value for number, value in (remarks or {}).items()},
        version=current.version if current else 0,
    )


def close(consultation: Consultation, minutes: int = 1) -> None:
    """The deadline passes: moved into the past in the database (a test cannot wait)."""
    past = timezone.now() - datetime.timedelta(minutes=minutes)
    Consultation.objects.filter(pk=consultation.pk).update(deadline=past)
    consultation.refresh_from_db()


__all__ = ["DOCX", "ODT", "PDF"]
