from django.apps import AppConfig


class BudgetplanConfig(AppConfig):
    name = "budgetplan"
    verbose_name = "Ärenden"
