"""Creates or updates one complete case from a workbook, atomically: any error saves nothing.

How a row finds its record (update) or makes a new one (create):
- the case by any of the Dnr in the Ärende sheet; none known means a new case;
- the council's shared rows by their natural keys for the budget year: strategic goal number,
  council goal number "1.1", council indicator and activity by goal number + Ordning;
- the case's own rows by their number or order within the case (decision point Nr, board goal
  "1.1" + Ordning, budget row by department name …); parties by abbreviation, people by name
  and party.
A record of the case that the workbook no longer holds is deleted; the council's shared goals,
indicators and activities, parties and people are never deleted (the council decides those; a
board's workbook that leaves one out must not undo the council's decision). A row whose values
equal the record's is left alone, so re-importing an unchanged workbook writes nothing.

Every write goes through budgetplan.kernel.services.record_save, so the models' own rules and
constraints decide; their Swedish messages are mapped back to sheet, row and column. The whole
run sits in one transaction that is rolled back when there is any issue (or on a dry run), and
it goes on after a failed row so that the report lists every problem, not only the first.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import DatabaseError, models, transaction

from budgetplan.access import permissions
from budgetplan.cases.models import (
    Attachment,
    Board,
    Case,
    DecisionPoint,
    OfficialsReport,
    RegistryNumber,
    Responsibility,
    Statement,
    StatementSection,
    Subject,
)
from budgetplan.cases.references import case_missing_references
from budgetplan.document.revisions import one_revision
from budgetplan.kernel.formatting import format_decimal
from budgetplan.kernel.services import (
    RecordsInvalid,
    record_check,
    record_delete,
    record_save,
    record_save_check,
    records_create,
    records_update,
)
from budgetplan.kernel.placeholders import amount_placeholder_problem
from finance.models import (
    BudgetAdjustment,
    Figure,
    FinancialFrame,
    FinancingSource,
    QuotedFigure,
    Investment,
    MajorProject,
    OperatingBudgetRow,
    ResultUnit,
    TurnoverChange,
)
from goals.models import (
    Activity,
    BoardGoal,
    CouncilGoal,
    Indicator,
    PlanCouncilGoal,
    PlanIndicator,
    PlanStrategicGoal,
    StrategicGoal,
    TargetKind,
)
from reservations.models import Party, Person, Reservation, ReservationPoint, Signatory

from . import layout
from .data import council_code
from .issues import Issue
from .reader import ParsedBook, ParsedRow, read_workbook, written_decimals
from .stamp import stale_refusal

CREATE, UPDATE, DELETE = "create", "update", "delete"
ACTION_WORDS = {CREATE: "skapas", UPDATE: "ändras", DELETE: "tas bort"}
BUSY = ("En annan inläsning eller ändring pågår och håller databasen låst. Inget sparades; "
        "försök igen när den är klar.")


def _is_busy(error: DatabaseError) -> bool:
    """The database refused a write because another connection holds its lock: SQLite allows
    one writer at a time and says "database is locked" once its timeout has passed; PostgreSQL
    says lock_not_available (55P03) when a lock timeout is set."""
    cause = error.__cause__
    name = getattr(cause, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or getattr(cause, "sqlstate", None) == "55P03"


def _target_decimals(values: dict, prefix: str, stored) -> int:
    """How many decimals a row's target shows: its decimals column. When that is empty, or the
    workbook was exported before the column existed, the stored target keeps its decimals (7,0 %
    stays 7,0 %), and a number written with more decimals (66,25) shows them all."""
    number = values.get(f"{prefix}_value")
    if number is None:
        return 0
    declared = values.get(f"{prefix}_decimals")
    if declared is not None:
        return declared
    kept = getattr(stored, f"{prefix}_decimals") if getattr(stored, f"{prefix}_value", None) is not None else 0
    return max(written_decimals(number), kept)


@dataclass(frozen=True)
class Change:
    action: str
    model: type
    label: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{_initial_capital(str(self.model._meta.verbose_name))} {self.label} {ACTION_WORDS[self.action]}"
        return f"{text}: {'; '.join(self.details)}" if self.details else text


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    case: Case | None = None  # the saved case; None when nothing was saved
    case_label: str = ""
    existing_case_id: int | None = None  # the case the workbook updates; None for a new case
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def counts(self) -> list[tuple[str, int, int, int]]:
        """(verbose_name_plural, created, changed, deleted) per model, in the order first met."""
        table: dict[type, list[int]] = {}
        for change in self.changes:
            counts = table.setdefault(change.model, [0, 0, 0])
            counts[(CREATE, UPDATE, DELETE).index(change.action)] += 1
        return [(str(model._meta.verbose_name_plural), *counts) for model, counts in table.items()]

    def summary_lines(self) -> list[str]:
        if not self.changes:
            return ["Inga ändringar: arbetsboken stämmer med ärendet."]
        lines = []
        for name, created, changed, deleted in self.counts():
            parts = [f"{n} {word}" for n, word in ((created, "nya"), (changed, "ändrade"),
                                                     (deleted, "borttagna")) if n]
            lines.append(f"{_initial_capital(name)}: {', '.join(parts)}")
        return lines


@dataclass
class _Pending:
    spec: layout.Sheet
    row: ParsedRow
    instance: models.Model
    fields: dict
    change: Change
    changed: tuple[str, ...] = ()


def _initial_capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _display(value) -> str:
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return layout.YES if value else layout.NO
    if isinstance(value, Decimal):
        return format_decimal(value, max(-value.normalize().as_tuple().exponent, 1))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, CouncilGoal):
        return council_code(value) if value.strategic_goal_id else str(value.number)
    if isinstance(value, Reservation):
        return f"reservation {value.order}"
    text = str(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _last_field(condition) -> str | None:
    """The last field a constraint's condition names: the one its message is about."""
    names = []

    def walk(node):
        for child in getattr(node, "children", []):
            if isinstance(child, tuple):
                names.append(child[0].split("__")[0])
            else:
                walk(child)

    walk(condition)
    return names[-1] if names else None


# Where the last field a constraint names is not the cell a person would change.
CONSTRAINT_FIELD = {"case_memo_number_unique": "memo_serial"}


def _constraint_fields(model) -> dict[str, str]:
    """Constraint message -> the field it is about, so a message finds its column."""
    table = {}
    for constraint in model._meta.constraints:
        message = str(constraint.violation_error_message)
        if constraint.name in CONSTRAINT_FIELD:
            table[message] = CONSTRAINT_FIELD[constraint.name]
        elif isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            table[message] = constraint.fields[-1]
        elif isinstance(constraint, models.CheckConstraint):
            name = _last_field(constraint.condition)
            if name:
                table[message] = name
    return table


def located_errors(error: ValidationError, model) -> list[tuple[str, str]]:
    """(the field it is about, "" if none; the message) of each refusal of a write of `model`:
    a broken constraint, reported on the whole record, names the field it is about. The
    workbooks and the follow-up's entry form place their messages by it."""
    about = _constraint_fields(model) if model is not None else {}
    if hasattr(error, "error_dict"):
        return [(name if name != NON_FIELD_ERRORS else about.get(message, ""), message)
                for name, errors in error.error_dict.items() for e in errors for message in e.messages]
    return [(about.get(message, ""), message) for message in error.messages]


def registry_numbers_in(cell) -> list[str]:
    """The Dnr a cell lists, separated by commas, semicolons or line breaks (both sheets that
    list them: the case's and the subjects')."""
    text = str(cell or "").replace(";", ",").replace("\n", ",")
    return [number.strip() for number in text.split(",") if number.strip()]


class _Importer:
    def __init__(self, book: ParsedBook, user=None, dry_run: bool = False):
        self.book = book
        self.user = user
        self.dry_run = dry_run
        self.hidden_numbers: set[str] = set()
        self.issues: list[Issue] = list(book.issues)
        self.changes: list[Change] = []
        self.deletions: list[tuple[int, models.Model, str]] = []
        self.case: Case | None = None
        self.existing_case_id: int | None = None
        self.year: int | None = None
        self.board: Board | None = None
        self.council_goals: dict[str, CouncilGoal] = {}
        self.failed_codes: set[str] = set()
        self.board_goals: dict[tuple, BoardGoal] = {}
        self.failed_board_goals: set[tuple] = set()

    # -- reporting ------------------------------------------------------------------------
    def issue(self, spec: layout.Sheet, row: ParsedRow | None, key: str | None, message: str):
        column = ""
        if key:
            try:
                column = spec.column(key).header
            except KeyError:
                key = None
        issue = Issue(
            message, sheet=spec.name, row=row.number if row else None, column=column,
            letter=row.letters.get(key, "") if (row and key) else "",
        )
        if issue not in self.issues:  # a refusal of a whole sheet is said once
            self.issues.append(issue)

    def refusal(self, spec, row, error: Exception) -> None:
        """A write the services refuse for who is writing or for the case's state (a decided
        case, a board the user does not belong to), not for a value in a cell."""
        for message in getattr(error, "messages", None) or [str(error) or "Du har inte behörighet att ändra detta."]:
            self.issue(spec, row, None, message)

    def _report_validation(self, spec, row, model, error: ValidationError, fields: dict):
        columns = {c.key for c in spec.columns}
        for field_name, message in located_errors(error, model):
            key = fields.get(field_name, field_name)
            self.issue(spec, row, key if key in columns else None, message)

    # -- writing --------------------------------------------------------------------------
    @staticmethod
    def _unsaved_relations(instance) -> list[str]:
        names = []
        for model_field in instance._meta.concrete_fields:
            if model_field.is_relation and model_field.is_cached(instance):
                related = model_field.get_cached_value(instance)
                if related is not None and related.pk is None:
                    names.append(model_field.name)
        return names

    def _check_only(self, spec, row, instance, fields, unsaved) -> None:
        """A parent failed, so the row cannot be saved: check its own values so that their
        errors are listed too."""
        try:
            record_check(instance=instance, exclude=unsaved)
        except ValidationError as error:
            # a rule about the whole record may only fail for want of its parent: keep the
            # errors about the row's own cells
            own = {name: messages for name, messages in error.message_dict.items()
                   if name != NON_FIELD_ERRORS and name not in unsaved}
            if own:
                self._report_validation(spec, row, type(instance), ValidationError(own), fields)
        except (ValueError, AttributeError, ObjectDoesNotExist):
            pass

    def _save(self, spec, row, instance, fields) -> models.Model | None:
        unsaved = self._unsaved_relations(instance)
        if unsaved:
            self._check_only(spec, row, instance, fields, unsaved)
            return None
        try:
            return record_save(instance=instance, user=self.user)
        except ValidationError as error:
            self._report_validation(spec, row, type(instance), error, fields)
        except PermissionDenied as error:
            self.refusal(spec, row, error)
        except DatabaseError as error:
            if _is_busy(error):
                raise  # not this row's fault: run() says so once
            self.issue(spec, row, None, f"Raden kunde inte sparas: {error}".strip())
        return None

    def put(self, spec, row, existing, model, values: dict, label: str, fields=None, *, batch=None):
        """Create or update one record from one row.

        Returns the saved (or unchanged) record, or None when it failed. With a batch, the write
        is queued for flush() and the record is returned at once; flush() tells which failed.
        """
        fields = fields or {}
        if existing is None:
            instance = model(**values)
            if batch is not None:
                batch.append(_Pending(spec, row, instance, fields, Change(CREATE, model, label)))
                return instance
            saved = self._save(spec, row, instance, fields)
            if saved is not None:
                self.changes.append(Change(CREATE, model, label))
            return saved
        details, changed = [], []
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            if model_field.is_relation:
                old_id = getattr(existing, model_field.attname)
                new_id = value.pk if value is not None else None
                if old_id == new_id and not (value is not None and new_id is None):
                    continue
                details.append(f"{model_field.verbose_name}: → {_display(value)}")
            else:
                old = getattr(existing, name)
                if old == value:
                    continue
                details.append(f"{model_field.verbose_name}: {_display(old)} → {_display(value)}")
            setattr(existing, name, value)
            changed.append(name)
        if not details:
            return existing
        change = Change(UPDATE, model, label, tuple(details))
        if batch is not None:
            batch.append(_Pending(spec, row, existing, fields, change, tuple(changed)))
            return existing
        saved = self._save(spec, row, existing, fields)
        if saved is not None:
            self.changes.append(change)
        return saved

    def flush(self, batch: list["_Pending"]) -> set[int]:
        """Write the queued records of one model together; the ids (id()) of those that failed.

        Records are checked in Python and written with one INSERT / UPDATE per few hundred
        rows. When the database still refuses the batch (a unique constraint against a row the
        workbook does not name), the rows are saved one by one to find which and why.
        """
        failed: set[int] = set()
        writable = []
        for pending in batch:
            unsaved = self._unsaved_relations(pending.instance)
            if unsaved:
                self._check_only(pending.spec, pending.row, pending.instance, pending.fields, unsaved)
                failed.add(id(pending.instance))
            else:
                writable.append(pending)
        # By the record, not the change: a row written anew may be a change to a person. Grouped
        # before anything is written, since a record inserted is no longer "adding".
        groups = {creating: [p for p in writable if p.instance._state.adding == creating]
                  for creating in (True, False)}
        for creating, group in groups.items():
            if not group:
                continue
            instances = [p.instance for p in group]
            try:
                if creating:
                    records_create(instances=instances, user=self.user)
                else:
                    fields = sorted({name for p in group for name in p.changed})
                    records_update(instances=instances, fields=fields, user=self.user)
            except RecordsInvalid as invalid:
                for index, error in invalid.errors.items():
                    pending = group[index]
                    self._report_validation(pending.spec, pending.row, type(pending.instance),
                                            error, pending.fields)
                # nothing of the group was written; the import will be rolled back anyway
                failed.update(id(p.instance) for p in group)
                if creating:
                    for instance in instances:
                        instance.pk = None
                continue
            except (ValidationError, PermissionDenied) as error:
                # refused as a whole by the services, not for any one row's values
                self.refusal(group[0].spec, group[0].row if len(group) == 1 else None, error)
                failed.update(id(p.instance) for p in group)
                if creating:
                    for instance in instances:
                        instance.pk = None
                continue
            except DatabaseError as error:
                if _is_busy(error):
                    raise  # each row saved alone would wait out the lock again
                for pending in group:
                    if creating:
                        pending.instance.pk = None
                    if self._save(pending.spec, pending.row, pending.instance, pending.fields) is None:
                        failed.add(id(pending.instance))
                    else:
                        self.changes.append(pending.change)
                continue
            self.changes.extend(p.change for p in group)
        return failed

    def schedule_deletes(self, rank: float, records, label, spec=None) -> None:
        for record in records:
            self.deletions.append((rank, record, label(record), spec))

    def run_deletes(self) -> None:
        for _, record, label, spec in sorted(self.deletions, key=lambda item: item[0]):
            try:
                record_delete(instance=record, user=self.user)
            except (ValidationError, PermissionDenied) as error:
                self.refusal(spec or layout.CASE, None, error)
                continue
            self.changes.append(Change(DELETE, type(record), label))

    # -- helpers --------------------------------------------------------------------------
    def rows(self, spec) -> list[ParsedRow]:
        return self.book.rows(spec)

    def single(self, spec) -> ParsedRow | None:
        rows = self.rows(spec)
        return rows[0] if rows else None

    @staticmethod
    def key(spec, row) -> tuple:
        return tuple(row.values.get(k) for k in spec.keys)

    def sync(self, spec, model, existing: dict, build, *, label, rank: int, fields=None,
             delete_missing=True) -> dict:
        """Put every valid row of a sheet in one batch; schedule deletion of records no row names."""
        batch, written = [], []
        for row in self.rows(spec):
            if not row.valid:
                continue
            values = build(row)
            if values is None:
                continue
            key = self.key(spec, row)
            instance = self.put(spec, row, existing.get(key), model, values, label(row), fields,
                                batch=batch)
            written.append((key, instance))
        failed = self.flush(batch)
        saved = {key: instance for key, instance in written if id(instance) not in failed}
        if delete_missing:
            named = {self.key(spec, row) for row in self.rows(spec)}
            self.schedule_deletes(rank, [r for k, r in existing.items() if k not in named],
                                  lambda r: f"”{_display(str(r))}”", spec)
        return saved

    def _case_children(self, queryset) -> list:
        """The case's records from a queryset built by `queryset()`; none for a new case."""
        return list(queryset()) if self.case.pk else []

    def unread(self, spec) -> bool:
        """The sheet could not be read whole (it or a column is missing, its part is damaged):
        its own issue says so, and rows that point into it are not reported again."""
        return not self.book.sheets[spec.name].complete

    # -- the sheets -----------------------------------------------------------------------
    def run(self) -> None:
        """Write every sheet. A database that another writer holds locked ends the run with one
        issue saying so, not with a row's error for each write that waited in vain."""
        try:
            self.run_sheets()
        except DatabaseError as error:
            if not _is_busy(error):
                raise
            self.issues.append(Issue(BUSY))

    def run_sheets(self) -> None:
        row = self.single(layout.CASE)
        if row is None:
            if not self.unread(layout.CASE):
                self.issue(layout.CASE, None, None,
                           "Bladet har ingen rad med ärendets uppgifter (Dnr, PM-nummer, rubrik …).")
            return
        if not self.case_and_board(row):
            return
        self.case_parts()
        self.goals()
        self.finance()
        self.reservations()
        if not self.issues:
            self.run_deletes()
        if not self.issues and self.case.pk:
            # Every sheet is written: a point may refer only to an attachment the case now has.
            for message in case_missing_references(self.case.pk):
                self.issue(layout.DECISION_POINTS, None, None, message)

    def case_and_board(self, row: ParsedRow) -> bool:
        spec, values = layout.CASE, row.values
        self.year = values.get("budget_year")
        numbers = registry_numbers_in(values.get("registry_numbers"))
        if len(set(numbers)) != len(numbers):
            self.issue(spec, row, "registry_numbers", "Samma diarienummer står två gånger.")
        known = list(RegistryNumber.objects.filter(number__in=numbers).select_related("case"))
        # A case the uploader may not read does not exist for them: its Dnr are answered as
        # unknown ones before anything else about the case (its revision, changes, board) is
        # looked at. A script without a user reads every case.
        self.hidden_numbers = {r.number for r in known if not self._may_read(r.case)}
        known = [r for r in known if r.number not in self.hidden_numbers]
        cases = {r.case_id: r.case for r in known}
        if len(cases) > 1:
            memos = " och ".join(sorted(c.memo_number for c in cases.values()))
            self.issue(spec, row, "registry_numbers",
                       f"Diarienumren hör till olika ärenden ({memos}); ett ärende per arbetsbok.")
            return False
        existing_case = next(iter(cases.values()), None)
        if existing_case is not None:
            # One import of a case at a time: the case's row stays locked until this import
            # commits or rolls back, so a second one waits here and then compares its workbook
            # with the revision the first one left (PostgreSQL reads the row anew after the wait).
            existing_case = Case.objects.select_for_update().filter(pk=existing_case.pk).first()
        refusal = stale_refusal(self.book.stamp, existing_case)
        if refusal:
            # Someone changed the case since the export: reading on would undo their changes.
            self.issue(spec, row, None, refusal)
            return False
        if values.get("board"):
            board = Board.objects.filter(name=values["board"]).first()
            self.board = self.put(
                spec, row, board, Board,
                {"name": values["board"], "office": values.get("board_office", "")},
                f"”{values['board']}”", {"name": "board", "office": "board_office"},
            ) or Board(name=values["board"])
        else:
            self.board = None  # no board: a city-wide case, the city office's own
        case_values = {name: values.get(name) for name in (
            "memo_year", "memo_serial", "memo_rotel", "title", "budget_year", "proposing_body",
            "deciding_body", "status", "decided_on")}
        case_values["board"] = self.board
        case_values["owner"] = Case.Owner.BOARD if self.board is not None else Case.Owner.CITY
        self.existing_case_id = existing_case.pk if existing_case else None
        if not row.valid:
            # The row's own errors are listed already; go on with the case as it stands (or an
            # unsaved one) so that every other sheet is still checked.
            self.case = existing_case or Case(**case_values)
            return True
        label = f"PM {values['memo_year']}:{values['memo_serial']} {values['memo_rotel']}"
        self.case = self.put(spec, row, existing_case, Case, case_values, label) or (
            existing_case or Case(**case_values)
        )
        by_number = {r.number: r for r in known}
        for order, number in enumerate(numbers, start=1):
            values = {"case": self.case, "number": number, "order": order}
            fields = {"number": "registry_numbers", "case": "registry_numbers"}
            if number in self.hidden_numbers:
                self.hidden_registry_number(spec, row, values, fields)
                continue
            self.put(spec, row, by_number.get(number), RegistryNumber, values, f"”{number}”", fields)
        self.schedule_deletes(
            90, [r for r in self._case_children(lambda: self.case.registry_numbers.all())
                 if r.number not in numbers], lambda r: f"”{r.number}”", spec)
        return True

    def _may_read(self, case: Case) -> bool:
        return self.user is None or permissions.can_view_case(self.user, case)

    def hidden_registry_number(self, spec, row, values: dict, fields: dict) -> None:
        """A Dnr of a case the user may not read, as a new one for a new case.

        Its row is checked like any new one but not written (the database would refuse the
        taken Dnr, and its refusal would tell the case exists): a dry run lists it as created,
        exactly as for an unknown Dnr. Saving it is refused; that is the one answer that differs
        from an unknown Dnr's, and it says no more than that the number is taken.
        """
        instance = RegistryNumber(**values)
        unsaved = self._unsaved_relations(instance)
        if unsaved:
            self._check_only(spec, row, instance, fields, unsaved)
            return
        try:
            record_save_check(instance=instance, user=self.user)
        except ValidationError as error:  # as _save reports what record_save refuses
            self._report_validation(spec, row, RegistryNumber, error, fields)
            return
        except PermissionDenied as error:
            self.refusal(spec, row, error)
            return
        if not self.dry_run:
            self.issue(spec, row, "registry_numbers",
                       f"Diarienumret {values['number']} är redan upptaget i diariet; ett nytt "
                       "ärende kan inte få det. Inget har sparats.")
            return
        self.changes.append(Change(CREATE, RegistryNumber, f"”{values['number']}”"))

    # -- the boards and sources rows name; figures, adjustments, quotes ------------------
    def _named_records(self) -> None:
        """The boards and financing sources the sheets name, read once."""
        names = {
            str(row.values[key]).strip()
            for spec in (layout.BUDGET_ADJUSTMENTS, layout.FIGURES, layout.TURNOVER_CHANGES)
            for row in self.rows(spec) for key in ("board",) if row.values.get(key)
        }
        self.named_boards = {board.name: board for board in Board.objects.filter(name__in=names)}
        self.sources = {source.label: source for source in FinancingSource.objects.all()}

    def named_board(self, spec, row, *, required=False):
        """The board a row names, or None (reported when it names one that does not exist)."""
        name = str(row.values.get("board") or "").strip()
        if not name:
            return None
        if self.board is not None and name == self.board.name and self.board.pk is None:
            return self.board
        board = self.named_boards.get(name)
        if board is None:
            self.issue(spec, row, "board", f"Nämnden ”{name}” finns inte; skriv en nämnds namn "
                       "som det står i administrationen.")
            row.valid = False
        return board

    def named_source(self, spec, row):
        label = str(row.values.get("source") or "").strip()
        if not label:
            return None
        source = self.sources.get(label)
        if source is None:
            self.issue(spec, row, "source", f"Finansieringskällan ”{label}” finns inte; en "
                       "administratör lägger till den under Finansieringskällor.")
            row.valid = False
        return source

    def figures_and_adjustments(self) -> dict:
        """Write the sheets Summor and Budgetjusteringar; the figures by name, for the points."""
        case = self.case
        self._named_records()

        def adjustment_values(row):
            board, source = self.named_board(layout.BUDGET_ADJUSTMENTS, row), \
                self.named_source(layout.BUDGET_ADJUSTMENTS, row)
            if not row.valid:
                return None
            return {"case": case, "order": row.values["order"], "board": board,
                    "kind": row.values["kind"], "description": row.values.get("description") or "",
                    "amount": row.values["amount"], "source": source}

        self.sync(
            layout.BUDGET_ADJUSTMENTS, BudgetAdjustment,
            {(a.order,): a for a in self._case_children(lambda: case.budget_adjustments.all())},
            adjustment_values, label=lambda row: f"{row.values['order']}", rank=60,
        )

        def figure_values(row):
            board, source = self.named_board(layout.FIGURES, row), self.named_source(layout.FIGURES, row)
            if not row.valid:
                return None
            return {"case": case, "number": row.values["number"], "name": row.values["name"],
                    "rows": row.values["rows"], "board": board, "source": source}

        existing = {(g.number,): g for g in self._case_children(lambda: case.figures.all())}
        saved = self.sync(layout.FIGURES, Figure, existing, figure_values,
                          label=lambda row: f"”{row.values['name']}”", rank=60)
        figures = {figure.name: figure for figure in existing.values()}
        figures.update({figure.name: figure for figure in saved.values()})
        return figures

    def point_quotes(self, points: dict, figures: dict) -> None:
        """Each point quotes the figures its row names, in order; checked against its text."""
        spec = layout.DECISION_POINTS
        stored: dict[int, list[QuotedFigure]] = {}
        if self.case.pk:
            for quote in QuotedFigure.objects.filter(point__case=self.case).select_related("figure"):
                stored.setdefault(quote.point_id, []).append(quote)
        for row in self.rows(spec):
            point = points.get(self.key(spec, row))
            if not row.valid or point is None or "figures" not in row.values:
                continue
            names = [name.strip() for name in str(row.values.get("figures") or "").split(";")
                     if name.strip()]
            missing = [name for name in names if name not in figures]
            if missing:
                self.issue(spec, row, "figures", f"Summan ”{missing[0]}” finns inte på bladet "
                           f"{layout.FIGURES.name}.")
                continue
            problem = amount_placeholder_problem(row.values["text"], len(names))
            if problem:
                self.issue(spec, row, "figures", f"Punkt {row.values['number']}: {problem}.")
                continue
            wanted = [figures[name] for name in names]
            before = sorted(stored.get(point.pk, []), key=lambda quote: quote.position)
            if [q.figure.name for q in before] == names:
                continue
            try:
                for quote in before:
                    record_delete(instance=quote, user=self.user)
                for position, figure in enumerate(wanted, start=1):
                    if figure.pk is None:
                        raise ValidationError(f"Summan ”{figure.name}” kunde inte sparas.")
                    record_save(instance=QuotedFigure(point=point, position=position, figure=figure),
                                user=self.user)
            except ValidationError as error:
                self._report_validation(spec, row, QuotedFigure, error, {"figure": "figures"})
                continue
            except PermissionDenied as error:
                self.refusal(spec, row, error)
                continue
            self.changes.append(Change(UPDATE, DecisionPoint, str(row.values["number"]), (
                f"citerad summa: {'; '.join(q.figure.name for q in before) or '–'} → "
                f"{'; '.join(names) or '–'}",)))

    def subjects(self) -> dict:
        """Write the sheet Ingående ärenden and which subject each Dnr belongs to; the subjects
        by their order, for the points."""
        case, spec = self.case, layout.SUBJECTS
        existing = {(s.order,): s for s in self._case_children(lambda: case.subjects.all())}
        saved = self.sync(
            spec, Subject, existing,
            lambda row: {"case": case, "order": row.values["order"], "title": row.values["title"]},
            label=lambda row: f"”{row.values['title']}”", rank=95,  # after its points and Dnr
        )
        by_order = {key[0]: subject for key, subject in {**existing, **saved}.items()}
        if not case.pk or self.unread(spec) or not (existing or self.rows(spec)):
            return by_order  # a case with one subject: its Dnr belong to no subject
        numbers = {r.number: r for r in RegistryNumber.objects.filter(case=case)}
        wanted: dict[str, Subject | None] = dict.fromkeys(numbers)
        for row in self.rows(spec):
            if not row.valid or row.values["order"] not in by_order:
                continue
            for number in registry_numbers_in(row.values.get("registry_numbers")):
                if number not in numbers:
                    self.issue(spec, row, "registry_numbers", f"Diarienumret {number} står inte "
                               f"bland ärendets diarienummer på bladet {layout.CASE.name}.")
                    continue
                wanted[number] = by_order[row.values["order"]]
        for number, subject in wanted.items():
            record = numbers[number]
            if record.subject_id != (subject.pk if subject else None):
                self.put(spec, None, record, RegistryNumber, {"subject": subject}, f"”{number}”",
                         {"subject": "registry_numbers"})
        return by_order

    def case_parts(self) -> None:
        case = self.case
        subjects = self.subjects()
        figures = self.figures_and_adjustments()

        def point_values(row):
            values = {"case": case, "number": row.values["number"], "text": row.values["text"]}
            if "subject" in row.values:  # a workbook exported before subjects has no column
                order = row.values["subject"]
                if order is not None and order not in subjects:
                    self.issue(layout.DECISION_POINTS, row, "subject",
                               f"Det ingående ärendet {order} finns inte på bladet "
                               f"{layout.SUBJECTS.name}.")
                    return None
                values["subject"] = subjects.get(order) if order is not None else None
            return values

        points = self.sync(
            layout.DECISION_POINTS, DecisionPoint,
            {(p.number,): p for p in self._case_children(lambda: case.decision_points.all())},
            point_values, label=lambda row: str(row.values["number"]), rank=80,
        )
        self.point_quotes(points, figures)
        self.sync(
            layout.ATTACHMENTS, Attachment,
            {(a.number,): a for a in self._case_children(lambda: case.attachments.all())},
            lambda row: {"case": case, "number": row.values["number"], "title": row.values["title"]},
            label=lambda row: str(row.values["number"]), rank=80,
        )
        statement = Statement.objects.filter(case=case).first() if case.pk else None
        statement = self.single_record(
            layout.STATEMENT, Statement, statement,
            lambda v: {"case": case, **{k: v.get(k) for k in (
                "commissioner", "proposal_lead", "place", "signed_on", "endorsement")}},
            rank=75,
        )
        self.dependent_sheet(layout.STATEMENT_SECTIONS, statement, layout.STATEMENT)
        if statement is not None:
            sections = {(s.order,): s for s in statement.sections.all()} if statement.pk else {}
            self.sync(
                layout.STATEMENT_SECTIONS, StatementSection, sections,
                lambda row: {"statement": statement,
                             **{k: row.values[k] for k in ("order", "heading", "body")}},
                label=lambda row: f"”{row.values['heading']}”", rank=70,
            )
        report = OfficialsReport.objects.filter(case=case).first() if case.pk else None
        report = self.single_record(
            layout.OFFICIALS_REPORT, OfficialsReport, report,
            lambda v: {"case": case, **{k: v.get(k) for k in (
                "offices", "dated", "report_lead", "matter_lead", "matter_body", "preparation")}},
            rank=75,
        )
        self.dependent_sheet(layout.RESPONSIBILITIES, report, layout.OFFICIALS_REPORT)
        if report is not None:
            lines = {(r.order,): r for r in report.responsibilities.all()} if report.pk else {}
            self.sync(
                layout.RESPONSIBILITIES, Responsibility, lines,
                lambda row: {"report": report, "order": row.values["order"], "text": row.values["text"]},
                label=lambda row: f"{row.values['order']}", rank=70,
            )

    def single_record(self, spec, model, existing, build, *, rank):
        row = self.single(spec)
        if row is None:
            if existing is not None:
                self.schedule_deletes(rank, [existing], lambda r: "", spec)
            return None
        if not row.valid:
            return existing or model(case=self.case)
        values = build(row.values)
        return self.put(spec, row, existing, model, values, "") or existing or model(**values)

    def dependent_sheet(self, spec, parent, parent_spec) -> None:
        if parent is None and self.rows(spec) and not self.unread(parent_spec):
            self.issue(spec, self.rows(spec)[0], None,
                       f"Raderna här hör till bladet {parent_spec.name}, som är tomt; fyll i det först.")

    # -- goals ----------------------------------------------------------------------------
    def _code_parts(self, code: str) -> tuple[int, int]:
        strategic, council = code.split(".")
        return int(strategic), int(council)

    def goals(self) -> None:
        case, year = self.case, self.year
        if year is None:
            return
        strategic_spec, council_spec = layout.STRATEGIC_GOALS, layout.COUNCIL_GOALS
        existing_strategic = {(g.number,): g for g in StrategicGoal.objects.filter(year=year)}
        saved_strategic = self.sync(
            strategic_spec, StrategicGoal, existing_strategic,
            lambda row: {"year": year, "number": row.values["number"], "title": row.values["title"],
                         "description": row.values.get("description", "")},
            label=lambda row: f"{row.values['number']} ({year})", rank=0, delete_missing=False,
        )
        strategic = {k[0]: g for k, g in {**existing_strategic, **saved_strategic}.items()}
        failed_strategic = {row.values.get("number") for row in self.rows(strategic_spec)
                            if self.key(strategic_spec, row) not in saved_strategic}

        def plan_texts(spec, plan_model, goal_field, goals_by_key, existing_plans, label):
            wanted, batch = set(), []
            for row in self.rows(spec):
                goal = goals_by_key.get(self.key(spec, row))
                if not row.valid:
                    continue
                if not row.values.get("in_plan"):
                    if row.values.get("plan_description"):
                        self.issue(spec, row, "plan_description",
                                   "Nämndens text kräver att målet är med i planen (I planen = Ja).")
                    continue
                if goal is None:
                    continue
                wanted.add(goal.pk)
                self.put(spec, row, existing_plans.get(goal.pk), plan_model,
                         {"case": case, goal_field: goal,
                          "description": row.values.get("plan_description", "")},
                         label(row), {"description": "plan_description", goal_field: spec.keys[0]},
                         batch=batch)
            self.flush(batch)
            self.schedule_deletes(60, [p for goal_id, p in existing_plans.items() if goal_id not in wanted],
                                  lambda p: f"”{p}”", spec)

        plan_texts(strategic_spec, PlanStrategicGoal, "strategic_goal", saved_strategic,
                   {p.strategic_goal_id: p for p in self._case_children(lambda:
                       PlanStrategicGoal.objects.filter(case=case).select_related("strategic_goal"))},
                   lambda row: f"{row.values['number']}")

        existing_council = {
            (council_code(g),): g
            for g in CouncilGoal.objects.filter(strategic_goal__year=year).select_related("strategic_goal")
        }

        def council_values(row):
            number, own = self._code_parts(row.values["code"])
            parent = strategic.get(number)
            if parent is None:
                if number not in failed_strategic and not self.unread(strategic_spec):
                    self.issue(council_spec, row, "code",
                               f"Inriktningsmål {number} finns inte för {year}; lägg till det i "
                               "bladet Inriktningsmål.")
                return None
            return {"strategic_goal": parent, "number": own, "title": row.values["title"],
                    "description": row.values.get("description", "")}

        saved_council = self.sync(council_spec, CouncilGoal, existing_council, council_values,
                                  label=lambda row: row.values["code"], rank=0, delete_missing=False,
                                  fields={"number": "code", "strategic_goal": "code"})
        plan_texts(council_spec, PlanCouncilGoal, "council_goal", saved_council,
                   {p.council_goal_id: p for p in self._case_children(lambda:
                       PlanCouncilGoal.objects.filter(case=case).select_related("council_goal"))},
                   lambda row: row.values["code"])
        self.council_goals = {k[0]: g for k, g in {**existing_council, **saved_council}.items()}
        self.failed_codes = {row.values.get("code") for row in self.rows(council_spec)
                             if self.key(council_spec, row) not in saved_council}

        board_spec = layout.BOARD_GOALS
        existing_board_goals = {
            (council_code(g.council_goal), g.order): g
            for g in self._case_children(lambda:
                BoardGoal.objects.filter(case=case).select_related("council_goal__strategic_goal"))
        }

        def board_goal_values(row):
            goal = self.council_goal(board_spec, row)
            if goal is None:
                return None
            return {"case": case, "council_goal": goal, "order": row.values["order"],
                    "title": row.values["title"], "description": row.values.get("description", "")}

        saved_board_goals = self.sync(
            board_spec, BoardGoal, existing_board_goals, board_goal_values,
            label=lambda row: f"{row.values['council_goal']}:{row.values['order']}", rank=40,
        )
        self.board_goals = saved_board_goals
        self.failed_board_goals = {self.key(board_spec, row) for row in self.rows(board_spec)
                                   if self.key(board_spec, row) not in saved_board_goals}
        self.indicators()
        self.activities()

    def council_goal(self, spec, row, key="council_goal"):
        code = row.values.get(key)
        goal = self.council_goals.get(code)
        if goal is None and code not in self.failed_codes and not self.unread(layout.COUNCIL_GOALS):
            self.issue(spec, row, key, f"KF:s mål {code} finns inte för {self.year}; lägg till det i "
                       f"bladet {layout.COUNCIL_GOALS.name} eller rätta numret.")
        return goal

    def board_goal(self, spec, row):
        """The row's board goal, or None for a council row; False when it cannot be found."""
        order = row.values.get("board_goal")
        if order is None:
            return None
        key = (row.values.get("council_goal"), order)
        goal = self.board_goals.get(key)
        if goal is None:
            if (key not in self.failed_board_goals and row.values.get("council_goal") not in self.failed_codes
                    and not self.unread(layout.BOARD_GOALS)):
                self.issue(spec, row, "board_goal",
                           f"Nämndmål {order} under KF:s mål {key[0]} finns inte i bladet Nämndmål.")
            return False
        return goal

    def indicators(self) -> None:
        spec, case = layout.INDICATORS, self.case
        existing = {}
        for indicator in Indicator.objects.filter(
            council_goal__strategic_goal__year=self.year
        ).select_related("council_goal__strategic_goal").order_by("pk"):
            existing.setdefault((council_code(indicator.council_goal), None, indicator.order), indicator)
        for indicator in self._case_children(lambda:
            Indicator.objects.filter(board_goal__case=case)
            .select_related("board_goal__council_goal__strategic_goal").order_by("pk")
        ):
            existing.setdefault(
                (council_code(indicator.board_goal.council_goal), indicator.board_goal.order,
                 indicator.order), indicator)

        def values(row):
            v = row.values
            board_goal = self.board_goal(spec, row)
            council_goal = self.council_goal(spec, row) if board_goal is None else None
            if board_goal is False or (board_goal is None and council_goal is None):
                return None
            if not v.get("in_plan") and (v.get("board_target_kind") or v.get("board_target_value") is not None):
                self.issue(spec, row, "board_target_kind",
                           "Årsmålet kräver att indikatorn följs i planen (I planen = Ja).")
                return None
            if board_goal is not None and (v.get("council_target_kind") or v.get("council_target_value") is not None):
                self.issue(spec, row, "council_target_kind",
                           "Nämndens egna indikatorer har inget KF:s årsmål; lämna KF:s årsmål tomt.")
                return None
            kind = v.get("council_target_kind") or (
                TargetKind.NUMBER if v.get("council_target_value") is not None else "")
            return {
                "council_goal": council_goal, "board_goal": board_goal or None,
                "order": v["order"], "name": v["name"], "periodicity": v["periodicity"],
                "council_target_kind": kind, "council_target_value": v.get("council_target_value"),
                "council_target_decimals": _target_decimals(v, "council_target", existing.get(self.key(spec, row))),
                "council_target_unit": v.get("council_target_unit", ""),
            }

        batch, written = [], []
        for row in self.rows(spec):
            if not row.valid:
                continue
            built = values(row)
            if built is None:
                continue
            key = self.key(spec, row)
            label = f"”{_display(row.values['name'])}”"
            written.append((row, self.put(spec, row, existing.get(key), Indicator, built, label,
                                          batch=batch)))
        failed = self.flush(batch)
        saved = [(row, indicator) for row, indicator in written if id(indicator) not in failed]
        named = {self.key(spec, row) for row in self.rows(spec)}
        self.schedule_deletes(30, [i for k, i in existing.items() if k[1] is not None and k not in named],
                              lambda i: f"”{_display(i.name)}”", spec)

        plans = {p.indicator_id: p for p in self._case_children(lambda:
            PlanIndicator.objects.filter(case=case).select_related("indicator"))}
        wanted, batch = set(), []
        for row, indicator in saved:
            v = row.values
            if not v.get("in_plan"):
                continue
            wanted.add(indicator.pk)
            kind = v.get("board_target_kind") or (
                TargetKind.NUMBER if v.get("board_target_value") is not None else "")
            self.put(spec, row, plans.get(indicator.pk), PlanIndicator, {
                "case": case, "indicator": indicator, "board_target_kind": kind,
                "board_target_value": v.get("board_target_value"),
                "board_target_decimals": _target_decimals(v, "board_target", plans.get(indicator.pk)),
                "board_target_unit": v.get("board_target_unit", ""),
            }, f"”{_display(v['name'])}”", {"indicator": "name"}, batch=batch)
        self.flush(batch)
        self.schedule_deletes(20, [p for indicator_id, p in plans.items() if indicator_id not in wanted],
                              lambda p: f"”{_display(p.indicator.name)}”", spec)

    def activities(self) -> None:
        spec, case = layout.ACTIVITIES, self.case
        existing = {}
        if self.board is not None and self.board.pk:
            for activity in Activity.objects.filter(
                council_goal__strategic_goal__year=self.year, assigned_board=self.board,
            ).select_related("council_goal__strategic_goal").order_by("pk"):
                existing.setdefault((council_code(activity.council_goal), None, activity.order), activity)
        for activity in self._case_children(lambda:
            Activity.objects.filter(board_goal__case=case)
            .select_related("board_goal__council_goal__strategic_goal").order_by("pk")
        ):
            existing.setdefault(
                (council_code(activity.board_goal.council_goal), activity.board_goal.order,
                 activity.order), activity)

        def values(row):
            board_goal = self.board_goal(spec, row)
            council_goal = self.council_goal(spec, row) if board_goal is None else None
            if board_goal is False or (board_goal is None and council_goal is None):
                return None
            return {
                "council_goal": council_goal, "board_goal": board_goal or None,
                "assigned_board": self.board if council_goal is not None else None,
                "order": row.values["order"], "text": row.values["text"],
                "start_date": row.values["start_date"], "end_date": row.values["end_date"],
            }

        self.sync(spec, Activity, existing, values, rank=30, delete_missing=False,
                  label=lambda row: f"{row.values['council_goal']} nr {row.values['order']}"
                  + (f" (nämndmål {row.values['board_goal']})" if row.values.get("board_goal") else ""))
        # The council's activities are kept like its goals and indicators: they are its decisions.
        named = {self.key(spec, row) for row in self.rows(spec)}
        self.schedule_deletes(30, [a for k, a in existing.items() if k[1] is not None and k not in named],
                              lambda a: f"”{_display(str(a))}”", spec)

    # -- finance --------------------------------------------------------------------------
    def finance(self) -> None:
        case = self.case
        frame = FinancialFrame.objects.filter(case=case).first() if case.pk else None

        def frame_values(v):
            placed_under = None
            if v.get("placed_under"):
                placed_under = getattr(self, "council_goals", {}).get(v["placed_under"])
                if (placed_under is None and v["placed_under"] not in getattr(self, "failed_codes", ())
                        and not self.unread(layout.COUNCIL_GOALS)):
                    self.issue(layout.FINANCIAL_FRAME, self.single(layout.FINANCIAL_FRAME),
                               "placed_under", f"KF:s mål {v['placed_under']} finns inte för {self.year}.")
            return {"case": case, "organisation": v.get("organisation"), "placed_under": placed_under,
                    "investments_heading": v.get("investments_heading"),
                    "turnover_total_label": v.get("turnover_total_label")}

        frame = self.single_record(layout.FINANCIAL_FRAME, FinancialFrame, frame, frame_values, rank=65)
        parts = (layout.OPERATING_BUDGET, layout.TURNOVER_CHANGES, layout.INVESTMENTS,
                 layout.RESULT_UNITS, layout.MAJOR_PROJECTS)
        for spec in parts:
            self.dependent_sheet(spec, frame, layout.FINANCIAL_FRAME)
        if frame is None:
            return
        stored = frame.pk is not None
        self.operating_rows(frame)
        self.sync(
            layout.TURNOVER_CHANGES, TurnoverChange,
            {(r.order,): r for r in frame.turnover_changes.all()} if stored else {},
            lambda row: self.turnover_values(frame, row),
            label=lambda row: f"”{row.values['description']}”", rank=50,
        )
        simple = (
            (layout.INVESTMENTS, Investment, "investments", ("order", "purpose", "amount", "text")),
            (layout.RESULT_UNITS, ResultUnit, "result_units", ("order", "name", "text")),
            (layout.MAJOR_PROJECTS, MajorProject, "projects", ("order", "title", "body")),
        )
        for spec, model, related, names in simple:
            existing = {(r.order,): r for r in getattr(frame, related).all()} if stored else {}
            self.sync(spec, model, existing,
                      lambda row, names=names: {"frame": frame, **{n: row.values[n] for n in names}},
                      label=lambda row, names=names: f"”{row.values[names[1]]}”", rank=50)

    def turnover_values(self, frame, row):
        values = {"frame": frame, **{n: row.values[n] for n in ("order", "description", "amount")}}
        if "board" in row.values:  # a workbook exported before the column existed has none
            values["board"] = self.named_board(layout.TURNOVER_CHANGES, row)
            if not row.valid:
                return None
        return values

    def operating_rows(self, frame) -> None:
        spec = layout.OPERATING_BUDGET
        existing = {(r.department,): r for r in frame.operating_rows.all()} if frame.pk else {}
        named = {self.key(spec, row) for row in self.rows(spec)}
        # A row that moves to another place would collide with the order of the row it swaps
        # with; such rows are written anew, after the rows that leave the budget are gone.
        moved = {}
        for row in self.rows(spec):
            record = existing.get(self.key(spec, row))
            if row.valid and record is not None and record.order != row.values["order"]:
                moved[self.key(spec, row)] = record
        for record in [r for k, r in existing.items() if k not in named] + list(moved.values()):
            try:
                record_delete(instance=record, user=self.user)
            except (ValidationError, PermissionDenied) as error:
                self.refusal(spec, None, error)
                return
            if record not in moved.values():
                self.changes.append(Change(DELETE, OperatingBudgetRow, f"”{record.department}”"))
        batch = []
        for row in self.rows(spec):
            if not row.valid:
                continue
            key = self.key(spec, row)
            values = {"frame": frame, **{n: row.values[n] for n in ("order", "department", "costs", "revenues")}}
            if key in moved:
                # written anew, but to a person it is the same row changed
                old = moved[key]
                details = [f"{OperatingBudgetRow._meta.get_field(n).verbose_name}: "
                           f"{_display(getattr(old, n))} → {_display(values[n])}"
                           for n in ("order", "costs", "revenues") if getattr(old, n) != values[n]]
                batch.append(_Pending(spec, row, OperatingBudgetRow(**values), {}, Change(
                    UPDATE, OperatingBudgetRow, f"”{old.department}”", tuple(details))))
                continue
            self.put(spec, row, existing.get(key), OperatingBudgetRow, values,
                     f"”{row.values['department']}”", batch=batch)
        self.flush(batch)

    # -- reservations ---------------------------------------------------------------------
    def reservations(self) -> None:
        case = self.case
        party_spec, people_spec = layout.PARTIES, layout.PEOPLE
        abbreviations = {row.values.get("abbreviation") for row in self.rows(party_spec)} | {
            row.values.get("party") for spec in (people_spec, layout.SIGNATORIES) for row in self.rows(spec)}
        existing_parties = {(p.abbreviation,): p for p in Party.objects.filter(abbreviation__in=abbreviations - {None})}
        saved_parties = self.sync(
            party_spec, Party, existing_parties,
            lambda row: {"abbreviation": row.values["abbreviation"], "name": row.values["name"]},
            label=lambda row: row.values["abbreviation"], rank=0, delete_missing=False,
        )
        parties = {k[0]: p for k, p in {**existing_parties, **saved_parties}.items()}
        failed_parties = {row.values.get("abbreviation") for row in self.rows(party_spec)
                          if self.key(party_spec, row) not in saved_parties}

        def party(spec, row):
            abbreviation = row.values.get("party")
            found = parties.get(abbreviation)
            if found is None and abbreviation not in failed_parties and not self.unread(party_spec):
                self.issue(spec, row, "party", f"Partiet {abbreviation} finns inte; lägg till det i bladet Partier.")
            return found

        names = {row.values.get("name") for spec in (people_spec, layout.SIGNATORIES) for row in self.rows(spec)}
        existing_people = {
            (p.name, p.party.abbreviation): p
            for p in Person.objects.filter(name__in=names - {None}).select_related("party")
        }

        def person_values(row):
            found = party(people_spec, row)
            if found is None:
                return None
            return {"name": row.values["name"], "party": found, "role": row.values["role"]}

        saved_people = self.sync(people_spec, Person, existing_people, person_values,
                                 label=lambda row: f"{row.values['name']} ({row.values['party']})",
                                 rank=0, delete_missing=False)
        people = {**existing_people, **saved_people}
        failed_people = {self.key(people_spec, row) for row in self.rows(people_spec)} - set(saved_people)

        spec = layout.RESERVATIONS
        existing = {(r.order,): r for r in self._case_children(lambda: Reservation.objects.filter(case=case))}
        rows = [row for row in self.rows(spec) if row.valid]
        orders = {row.values["order"] for row in self.rows(spec)}
        refers = {row.values["order"]: row.values.get("refers_to") for row in rows}
        depth = {}
        for row in rows:
            seen, order = [], row.values["order"]
            while refers.get(order) is not None and order not in seen:
                seen.append(order)
                order = refers[order]
            target = row.values.get("refers_to")
            if target is not None and target not in orders:
                self.issue(spec, row, "refers_to", f"Det finns ingen reservation med ordning {target}.")
                row.valid = False
            elif order in seen:
                self.issue(spec, row, "refers_to",
                           "Hänvisningarna går i cirkel; en reservation måste till slut ha egen text.")
                row.valid = False
            depth[row.values["order"]] = len(seen)
        saved: dict[int, Reservation] = {}
        for row in sorted(rows, key=lambda r: depth.get(r.values["order"], 0)):
            if not row.valid:
                continue
            v = row.values
            target = v.get("refers_to")
            refers_to = saved.get(target) if target is not None else None
            if target is not None and refers_to is None:
                refers_to = Reservation(case=case, order=target)  # failed: validate only
            instance = self.put(spec, row, existing.get((v["order"],)), Reservation, {
                "case": case, "body": v["body"], "order": v["order"], "refers_to": refers_to,
                "proposal_lead": v.get("proposal_lead", ""),
                "points_numbered": v["points_numbered"], "text": v.get("text", ""),
            }, f"{v['order']}")
            if instance is not None:
                saved[v["order"]] = instance
        # Reservations that leave the case go last, each one before the one it refers to.
        by_pk = {r.pk: r for r in existing.values()}
        for record in existing.values():
            if record.order in orders:
                continue
            steps, target = 0, record.refers_to_id
            while target in by_pk and steps <= len(by_pk):
                steps, target = steps + 1, by_pk[target].refers_to_id
            self.deletions.append((10 - steps / 1000, record, f"{record.order}", spec))
        failed_reservations = orders - set(saved)

        def reservation(sheet, row):
            found = saved.get(row.values.get("reservation"))
            if (found is None and row.values.get("reservation") not in failed_reservations
                    and not self.unread(layout.RESERVATIONS)):
                self.issue(sheet, row, "reservation",
                           f"Det finns ingen reservation med ordning {row.values.get('reservation')}.")
            return found

        signatory_spec = layout.SIGNATORIES
        existing_signatories = {
            (s.reservation.order, s.person.name, s.person.party.abbreviation): s
            for s in self._case_children(lambda:
                Signatory.objects.filter(reservation__case=case).select_related("reservation", "person__party"))
        }

        def signatory_values(row):
            found = reservation(signatory_spec, row)
            key = (row.values.get("name"), row.values.get("party"))
            person = people.get(key)
            if person is None and key not in failed_people and not self.unread(people_spec):
                self.issue(signatory_spec, row, "name",
                           f"{key[0]} ({key[1]}) finns inte; lägg till personen i bladet Personer.")
            if found is None or person is None:
                return None
            return {"reservation": found, "person": person, "order": row.values["order"]}

        self.sync(signatory_spec, Signatory, existing_signatories, signatory_values,
                  label=lambda row: f"{row.values['name']} ({row.values['party']})", rank=5,
                  fields={"person": "name", "reservation": "reservation"})

        points_spec = layout.RESERVATION_POINTS
        existing_points = {
            (p.reservation.order, p.number): p
            for p in self._case_children(lambda:
                ReservationPoint.objects.filter(reservation__case=case).select_related("reservation"))
        }

        def point_values(row):
            found = reservation(points_spec, row)
            if found is None:
                return None
            return {"reservation": found, "number": row.values["number"], "text": row.values["text"]}

        self.sync(points_spec, ReservationPoint, existing_points, point_values,
                  label=lambda row: f"{row.values['reservation']}.{row.values['number']}", rank=5)


def import_workbook(source, *, user=None, dry_run: bool = False, accept=None) -> ImportReport:
    """Read a workbook and create or update its case; nothing is saved unless all of it is valid.

    `accept(report)`, when given, may still refuse the changes before they are committed: the
    issues it returns roll the import back (the upload checks the user's model permissions so,
    in the same pass as the import, instead of in a dry run before it).
    """
    book = read_workbook(source)
    report = ImportReport(dry_run=dry_run)
    if not book.readable:
        report.issues = list(book.issues)
        return report
    with transaction.atomic():
        importer = _Importer(book, user, dry_run)
        with one_revision():
            importer.run()
        report.issues = importer.issues
        report.changes = importer.changes
        report.existing_case_id = importer.existing_case_id
        case = importer.case
        if case is not None and case.pk:
            report.case_label = f"{case.memo_number} {case.title}"
        if not report.issues and accept is not None:
            report.issues = list(accept(report))
        if report.issues or dry_run:
            transaction.set_rollback(True)
        elif case is not None:
            report.case = case
    return report
