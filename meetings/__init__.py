"""Round Table sessions: agenda, attendance, minutes, decisions, actions (a later issue)."""
