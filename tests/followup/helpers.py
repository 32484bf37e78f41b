"""What the browser posts from the follow-up entry form, for tests through the real URL."""
from budgetplan.web.followup_forms import EntryForm
from followup import selectors
from followup.models import FollowUpReport


def entry_url(case, period="T1") -> str:
    return f"/arenden/{case.pk}/uppfoljning/{period}/"


def posted_form(report: FollowUpReport) -> dict[str, str]:
    """Every field of the page as it shows it now, with each row's version: an unchanged post."""
    document = selectors.followup_document(report_id=report.pk)
    form = EntryForm(document)
    data = {"action": "save"}
    for row in form.rows.values():
        data[f"{row.prefix}-version"] = str(row.version)
        for field_input in row.inputs.values():
            data[field_input.name] = field_input.value
    return data


def field_name(report: FollowUpReport, record, name: str) -> str:
    """The form name of `name` on the outcome row `record` (as built by EntryForm)."""
    prefixes = {
        "IndicatorOutcome": "ind", "ActivityOutcome": "akt", "GoalAssessment": "mal",
        "BudgetRowOutcome": "bud", "InvestmentOutcome": "inv",
    }
    return f"{prefixes[type(record).__name__]}-{record.pk}-{name}"
