"""The layers of docs/architecture.md hold: every import points down, and none goes in a circle.

The contracts are import-linter's, in .importlinter; its graph counts imports inside functions as
much as those at the top of a module.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("budgetplan", "goals", "finance", "reservations", "followup", "bench")
LINT = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True, no_logo=True))"


def lint(tree: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=tree, env=environment, capture_output=True, text=True,
        timeout=120,
    )


def test_every_contract_is_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def copy_of_the_code(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / ".importlinter", tree)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tree


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with open(tree / "budgetplan" / "kernel" / "formatting.py", "a", encoding="utf-8") as module:
        module.write("\n\ndef _sneaky():\n    from budgetplan.document import lifecycle  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "budgetplan.kernel is not allowed to import budgetplan.document" in result.stdout
    assert "budgetplan.kernel.formatting -> budgetplan.document.lifecycle" in result.stdout


def test_a_circle_between_two_modules_of_one_layer_is_found(tmp_path):
    tree = copy_of_the_code(tmp_path)
    # The workbook's reader is imported by its importer; the reader importing the importer back
    # closes a circle inside the document layer, which the layers contract alone would allow.
    with open(tree / "budgetplan" / "document" / "workbook" / "reader.py", "a", encoding="utf-8") as module:
        module.write("\n\ndef _back():\n    from . import importer  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "No module imports another in a circle BROKEN" in result.stdout


def test_goals_and_budgets_know_nothing_of_party_politics(tmp_path):
    tree = copy_of_the_code(tmp_path)
    with open(tree / "finance" / "selectors.py", "a", encoding="utf-8") as module:
        module.write("\n\ndef _parties():\n    from reservations.models import Party  # noqa\n")
    result = lint(tree)
    assert result.returncode == 1
    assert "finance is not allowed to import reservations" in result.stdout
