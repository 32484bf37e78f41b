"""Writes what the reference case looks like (page, PDF text, workbook) to a folder, to compare.

    .venv/bin/python scripts/reference_outputs.py OUT   # then, after a change: diff -r OUT OUT2

A change that should not change the documents (a refactoring, an upgrade) is checked by running
this before and after it and comparing the folders. It loads the reference case into a fresh
SQLite file of its own, so the database you work with is not touched, and writes:
- page.html: the case as `export_case --format html` writes it;
- pdf.txt: the text of every page of the PDF, page by page, as pypdf extracts it (the PDF's bytes
  differ with the versions of its fonts' subsetter; its text and pagination should not);
- workbook.tsv: every cell of every sheet of the workbook, the export time left out.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DNR = "112-2321/2011"


def manage(*args: str, environment: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=environment,
                   cwd=ROOT, stdout=subprocess.DEVNULL)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    return "".join(f"=== sida {number} av {len(pages)}\n{page.extract_text()}\n"
                   for number, page in enumerate(pages, start=1))


def workbook_cells(path: Path) -> str:
    from openpyxl import load_workbook

    lines = []
    book = load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                if sheet.title == "Metadata" and cell.column == 2 and cell.row == 4:
                    continue  # the export's time
                lines.append(f"{sheet.title}\t{cell.coordinate}\t{cell.value!r}\t{cell.number_format}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="The folder to write (made if missing).")
    args = parser.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "budgetplan.settings.local",
            "DATABASE_URL": f"sqlite:///{scratch}/reference.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{scratch}/media",
        }
        manage("migrate", "--no-input", environment=environment)
        manage("loaddata", "reference_2012", environment=environment)
        for export_format, name in (("html", "page.html"), ("pdf", "case.pdf"), ("xlsx", "case.xlsx")):
            manage("export_case", DNR, "--format", export_format,
                   "--output", str(Path(scratch) / name), environment=environment)
        (args.output / "page.html").write_bytes((Path(scratch) / "page.html").read_bytes())
        (args.output / "pdf.txt").write_text(pdf_text(Path(scratch) / "case.pdf"), encoding="utf-8")
        (args.output / "workbook.tsv").write_text(
            workbook_cells(Path(scratch) / "case.xlsx"), encoding="utf-8")
    print(f"Skrev page.html, pdf.txt och workbook.tsv till {args.output}.")


if __name__ == "__main__":
    main()
