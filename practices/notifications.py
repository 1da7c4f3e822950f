"""What the practices tell people, through ``zones.notifications``: a practice reviewed by the
staff (to its author and the owning zone), interest declared in a zone's practice (to the owning
zone). The notices are kept in the portal; the e-mails leave after the transaction commits, in
the background, as each user prefers. A failing mail server never breaks the request."""

from __future__ import annotations

from zones.notifications import notify, zone_recipients


def practice_reviewed(*, transition) -> None:
    """Staff moved a practice: its author and the owning zone's spokespersons hear why."""
    practice = transition.practice
    recipients = zone_recipients([practice.zone])
    if practice.created_by:
        recipients.append(practice.created_by)
    notify(
        recipients,
        kind="practice_reviewed",
        template="practices/email/practice_reviewed",
        context={"practice": practice, "transition": transition},
        url=practice.get_absolute_url(),
    )


def interest_declared(*, transfer) -> None:
    """Another zone wants to take up a practice: the owning zone's spokespersons are told."""
    notify(
        zone_recipients([transfer.practice.zone]),
        kind="interest_declared",
        template="practices/email/interest_declared",
        context={"transfer": transfer},
        url=transfer.get_absolute_url(),
    )
