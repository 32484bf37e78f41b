from django.apps import AppConfig, apps


class WebConfig(AppConfig):
    """Holds the views, the admin (autodiscovered as budgetplan.web.admin) and the commands."""

    name = "budgetplan.web"
    label = "web"
    verbose_name = "Webb"

    def ready(self):
        # django-axes heads its admin section with its own name; the admin is in Swedish.
        apps.get_app_config("axes").verbose_name = "Inloggningsspärr"
