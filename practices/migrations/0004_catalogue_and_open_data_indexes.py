"""Indexes for the two orders in which the published practices are listed: the catalogue's
newest first (published_at descending with the undated last, then created_at and id) and the
open data's (published_at and id descending). Each page then reads its 20 or 50 rows from the
index instead of sorting every published practice (see ``make bench``).

SQLite cannot write NULLS LAST in an index (its NULLs sort first anyway, so last when
descending): there the catalogue's index is made without it. The old (status, -published_at)
index matched neither order and goes.
"""

from django.db import migrations, models


class AddIndexNullsLastWherePossible(migrations.AddIndex):
    """AddIndex, with NULLS LAST dropped from the index on databases that refuse it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            index = self.index.clone()
            index.expressions = tuple(
                models.OrderBy(e.expression, descending=e.descending)
                if isinstance(e, models.OrderBy)
                else e
                for e in index.expressions
            )
            schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_search_vector_postgresql")]

    operations = [
        migrations.RemoveIndex(model_name="practice", name="practices_p_status_71a42a_idx"),
        AddIndexNullsLastWherePossible(
            model_name="practice",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("published_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("created_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="practice_newest_first",
            ),
        ),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                models.F("status"),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                name="practice_open_data",
            ),
        ),
    ]
