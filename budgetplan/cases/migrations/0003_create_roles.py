"""The four roles of issue 5 as groups, with the model permissions the admin needs to show them.

The model permissions only open the admin's pages; what a role may do with a given case (its own
boards, drafts only, decided is final) is decided by budgetplan.access.permissions and the services.
Permissions are created here rather than left to post_migrate, so the groups get them on the
first `migrate` of an empty database.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR, CLERK, READER, ADMINISTRATOR = "Redaktör", "Nämndsekreterare", "Läsare", "Administratör"
APPS = ("budgetplan", "goals", "finance", "reservations")

# Everything a plan is made of: an editor adds, changes and deletes these (within the rules).
PLAN_MODELS = {
    "budgetplan": (
        "case", "registrynumber", "decisionpoint", "statement", "statementsection", "attachment",
        "officialsreport", "responsibility",
    ),
    "goals": ("planstrategicgoal", "plancouncilgoal", "boardgoal", "indicator", "planindicator",
              "activity"),
    "finance": ("financialframe", "operatingbudgetrow", "investment", "resultunit",
                "majorproject", "turnoverchange"),
}
RESERVATION_MODELS = {"reservations": ("reservation", "signatory", "reservationpoint")}
# Who belongs to which board is the administrators' to say; nobody else sees it.
ADMINISTRATORS_ONLY = {("budgetplan", "boardmembership")}


def _permissions(Permission, app_models: dict, actions) -> list:
    wanted = {
        (app, f"{action}_{model}")
        for app, models in app_models.items() for model in models for action in actions
    }
    found = Permission.objects.filter(content_type__app_label__in=app_models)
    return [p for p in found if (p.content_type.app_label, p.codename) in wanted]


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    all_ours = list(
        Permission.objects.filter(content_type__app_label__in=APPS).select_related("content_type")
    )
    viewable = [
        p for p in all_ours
        if p.codename.startswith("view_")
        and (p.content_type.app_label, p.content_type.model) not in ADMINISTRATORS_ONLY
    ]
    editing = _permissions(Permission, PLAN_MODELS, ("add", "change", "delete"))
    reserving = _permissions(Permission, RESERVATION_MODELS, ("add", "change", "delete"))
    users_and_groups = list(
        Permission.objects.filter(content_type__app_label="auth", content_type__model__in=("user", "group"))
    )

    roles = {
        READER: viewable,
        EDITOR: viewable + editing,
        CLERK: viewable + editing + reserving,
        ADMINISTRATOR: all_ours + users_and_groups,
    }
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=(EDITOR, CLERK, READER, ADMINISTRATOR)).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("budgetplan", "0002_roles_lifecycle_versions_decided_document"),
        ("goals", "0001_initial"),
        ("finance", "0001_initial"),
        ("reservations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
