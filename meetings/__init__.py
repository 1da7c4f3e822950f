"""Round Table sessions: agenda, attendance, minutes, decisions, actions (built in a later issue)."""
