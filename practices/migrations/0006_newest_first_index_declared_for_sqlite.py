"""The catalogue's index without NULLS LAST in the migration state, the database untouched.

Migration 0004 made it with ``published_at DESC NULLS LAST`` on PostgreSQL and without on
SQLite, but declared it with NULLS LAST: SQLite then refused to rebuild the practices table (what
it does to add most columns) with "unsupported use of NULLS LAST". The state now matches what
SQLite holds; PostgreSQL keeps its NULLS LAST index, which the catalogue's order needs.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("practices", "0005_practice_created_in_zone")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="practice", name="practice_newest_first"),
                migrations.AddIndex(
                    model_name="practice",
                    index=models.Index(
                        models.F("status"),
                        models.OrderBy(models.F("published_at"), descending=True),
                        models.OrderBy(models.F("created_at"), descending=True),
                        models.OrderBy(models.F("id"), descending=True),
                        name="practice_newest_first",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
