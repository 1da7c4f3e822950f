"""The ten phase-2 themes of the Round Table (PRODUCT.md), in Italian and English."""

from django.db import migrations

THEMES = [
    ("salute-e-sicurezza", "Salute e sicurezza", "Health and safety"),
    ("scuola-e-istruzione", "Scuola e istruzione", "Schools and education"),
    (
        "trasporto-pubblico-e-mobilita",
        "Trasporto pubblico locale e mobilità",
        "Local public transport and mobility",
    ),
    (
        "ripresa-economica-e-commercio",
        "Ripresa economica e commercio locale",
        "Economic recovery and local commerce",
    ),
    (
        "servizi-sociali-e-fragilita",
        "Servizi sociali e persone fragili",
        "Social services and vulnerable people",
    ),
    ("turismo-e-cultura", "Turismo e cultura", "Tourism and culture"),
    (
        "servizi-digitali-e-lavoro-agile",
        "Servizi digitali e lavoro agile",
        "Digital services and remote work",
    ),
    (
        "organizzazione-della-pa",
        "Organizzazione della pubblica amministrazione",
        "Public administration organisation",
    ),
    ("ambiente-e-verde", "Ambiente e spazi verdi", "Environment and green spaces"),
    (
        "protezione-civile-e-volontariato",
        "Protezione civile e volontariato",
        "Civil protection and volunteering",
    ),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("practices", "Theme")
    for slug, name_it, name_en in THEMES:
        Theme.objects.update_or_create(slug=slug, defaults={"name_it": name_it, "name_en": name_en})


def unseed(apps, schema_editor):
    apps.get_model("practices", "Theme").objects.filter(slug__in=[t[0] for t in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
