"""An index for the dashboard's counts of the practices created in a period, by zone
(``roundtable.scorecard``): the period's rows, their zone and id are all in the index, so the
count no longer scans every practice (see ``make bench``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_catalogue_and_open_data_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                fields=["created_at", "zone", "id"], name="practice_created_in_zone"
            ),
        ),
    ]
