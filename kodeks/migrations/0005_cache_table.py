from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    """The table of the shared page cache (settings.CACHES), so `migrate` is all a new
    database needs."""

    dependencies = [("kodeks", "0004_django_sessions")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
