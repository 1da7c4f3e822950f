"""Practice views, one module per part of the app:

- ``catalogue``: the searchable, filterable list;
- ``practice``: the practice page, attachments and comments;
- ``editing``: create and edit, lifecycle transitions, the moderation queue, "my zone's work";
- ``transfers``: the transfer ledger.
"""
