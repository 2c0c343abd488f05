from django.db import migrations, models


class Migration(migrations.Migration):
    """Live views follow versions, not clocks: a group's and a workshop's own counter."""

    dependencies = [
        ("workshops", "0003_group_latest_change"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="group", name="group_latest_change"),
        migrations.RenameField(
            model_name="group", old_name="changed_at", new_name="last_activity_at"
        ),
        migrations.AddField(
            model_name="group",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RemoveField(model_name="workshop", name="changed_at"),
        migrations.AddField(
            model_name="workshop",
            name="version",
            field=models.PositiveIntegerField(default=1),
        ),
    ]
