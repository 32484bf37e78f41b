"""The roles of budgetplan's 0003_create_roles for the new records: editors and clerks write a
case's budget adjustments, figures and quotes; everyone may view them; the financing sources are
shared, like the boards, and only administrators change them."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR, CLERK, READER, ADMINISTRATOR = "Redaktör", "Nämndsekreterare", "Läsare", "Administratör"
PLAN_MODELS = ("budgetadjustment", "figure", "quotedfigure")
SHARED_MODELS = ("financingsource",)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("finance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(
        content_type__app_label="finance",
        content_type__model__in=PLAN_MODELS + SHARED_MODELS,
    ).select_related("content_type")
    view = [p for p in ours if p.codename.startswith("view_")]
    edit = [p for p in ours if p.content_type.model in PLAN_MODELS and not p.codename.startswith("view_")]
    roles = {READER: view, EDITOR: view + edit, CLERK: view + edit, ADMINISTRATOR: list(ours)}
    for name, permissions in roles.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    ours = Permission.objects.filter(
        content_type__app_label="finance", content_type__model__in=PLAN_MODELS + SHARED_MODELS,
    )
    for group in Group.objects.filter(name__in=(EDITOR, CLERK, READER, ADMINISTRATOR)):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("budgetplan", "0003_create_roles"),
        ("finance", "0005_figures_from_decision_points"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
