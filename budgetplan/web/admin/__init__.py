"""The admin of every app, registered when Django autodiscovers budgetplan.web.admin."""
from . import cases, figures, finance, followup, goals, reservations, users  # noqa: F401
