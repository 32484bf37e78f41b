from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "budgetplan.cases"
    # The label the tables, permissions, fixtures and admin URLs have always carried.
    label = "budgetplan"
    verbose_name = "Ärenden"
