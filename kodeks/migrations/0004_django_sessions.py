from django.db import migrations


class Migration(migrations.Migration):
    """Staff sessions go back to Django's own table; everyone signed in stays signed in."""

    dependencies = [
        ("kodeks", "0003_session"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "DELETE FROM django_session",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "INSERT INTO django_session (session_key, session_data, expire_date)"
            " SELECT session_key, session_data, expire_date FROM kodeks_session",
            migrations.RunSQL.noop,
        ),
        migrations.DeleteModel(name="Session"),
    ]
