from django.apps import AppConfig, apps


class BudgetplanConfig(AppConfig):
    name = "budgetplan"
    verbose_name = "Ärenden"

    def ready(self):
        # Issue 5 asks that a decided case refuse every change "whatever path it comes by":
        # the services check it, and this guard on the models' pre_save/pre_delete refuses the
        # same writes when they come from a shell or a script that bypasses the services.
        from budgetplan.document import lifecycle

        lifecycle.connect_guards()

        # django-axes heads its admin section with its own name; the admin is in Swedish.
        apps.get_app_config("axes").verbose_name = "Inloggningsspärr"
