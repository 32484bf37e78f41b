from django.apps import AppConfig


class KernelConfig(AppConfig):
    """Installed for its template tags (budgetplan_tags); it has no models."""

    name = "budgetplan.kernel"
    label = "kernel"
    verbose_name = "Kärna"
