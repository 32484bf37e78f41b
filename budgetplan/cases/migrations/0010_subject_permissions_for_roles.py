"""The roles (0003_create_roles) get the model permissions for subjects, a part of the plan like a
decision point: everyone with a role views them; editors, clerks and administrators add, change
and delete them (within the rules of budgetplan.access.permissions)."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR, CLERK, READER, ADMINISTRATOR = "Redaktör", "Nämndsekreterare", "Läsare", "Administratör"
GRANTS = {
    READER: ("view",),
    EDITOR: ("view", "add", "change", "delete"),
    CLERK: ("view", "add", "change", "delete"),
    ADMINISTRATOR: ("view", "add", "change", "delete"),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("budgetplan")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = {
        p.codename: p for p in Permission.objects.filter(
            content_type__app_label="budgetplan", content_type__model="subject")
    }
    for name, actions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*[found[f"{action}_subject"] for action in actions])


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    subject = Permission.objects.filter(content_type__app_label="budgetplan",
                                        content_type__model="subject")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*subject)


class Migration(migrations.Migration):

    dependencies = [
        ("budgetplan", "0009_subjects_and_registry_order"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
