"""Who may do what with the Strategic Plan and the zones' consultations. Views, templates
(through context flags) and the admin ask these predicates; the services check them again.

Consultations, in one place:

- every logged-in user reads the consultations: the list, the page with its document and
  axes, and which zones have answered (not what they answered);
- staff open a consultation, change it while it is open (never the answers), remind the zones
  that have not answered, and read every zone's answer, its history and the consolidated
  opinion at any time;
- a zone answers through its spokesperson or deputy (a current membership), while the
  consultation is open; staff do not answer for a zone. The spokesperson reads their own zone's
  answer and its history at any time;
- once the deadline has passed the answers are frozen, and the spokespersons in office read
  every zone's answer and the consolidated opinion too: each zone answers on its own, without
  seeing what the others wrote, and the whole is shared once nobody can change it.
"""

from __future__ import annotations

from zones.permissions import is_participant, is_spokesperson, is_staff_member

# --- Consultations ----------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_view_consultations(user) -> bool:
    """The list, a consultation's page and its document: logged-in users."""
    return _active(user)


def can_manage_consultations(user) -> bool:
    """Open a consultation, change it while open, remind the zones: staff."""
    return is_staff_member(user)


def can_answer_for_zone(user, zone) -> bool:
    """The zone's spokesperson or deputy in office: staff do not answer for a zone. Whether the
    consultation is still open is the service's rule (``services.save_opinion``)."""
    return is_spokesperson(user, zone)


def can_see_all_answers(user, consultation, now=None) -> bool:
    """Every zone's answer, and the consolidated opinion (page and CSV): staff at any time,
    the spokespersons in office once the deadline has passed."""
    if is_staff_member(user):
        return True
    return not consultation.is_open(now) and is_participant(user)
