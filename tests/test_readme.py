"""The README as a newcomer uses it: the files it names are in a clone, its commands run as written."""
import re

from tests.checkout import ROOT, needs_virtualenv, run, stand_in_checkout

README = (ROOT / "README.md").read_text(encoding="utf-8")
# Named in the README but made when the application runs, not part of a clone.
MADE_AT_RUN_TIME = {"media/", ".venv", "db.sqlite3", "var/queue/"}


def code_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def block_commands() -> list[str]:
    """The command lines of the README's shell blocks, without their trailing comments."""
    return [
        re.sub(r"\s+#.*$", "", line).strip()
        for block in code_blocks() for line in block.splitlines() if line.strip()
    ]


def inline_code() -> list[str]:
    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    return re.findall(r"`([^`\n]+)`", prose)


def test_every_python_command_names_the_projects_virtualenv():
    # A newcomer's shell has no virtualenv active: a bare `python` has no Django in it.
    commands = [
        command for command in block_commands() + inline_code()
        if re.match(r"(\S*/)?python3?\s", command)
    ]

    assert len(commands) >= 8
    assert [command for command in commands if not command.startswith(".venv/bin/python ")] == []


def test_the_files_the_readme_names_are_in_the_repository():
    paths = [
        span for span in inline_code()
        if "/" in span and not span.startswith("/") and ":" not in span and " " not in span
        and span not in MADE_AT_RUN_TIME
    ]

    assert "fixtures/reference_2012.json" in paths
    missing = [
        path for path in paths
        if not (ROOT / path).exists() or not (ROOT / path).resolve().is_relative_to(ROOT)
    ]
    assert missing == []


def test_the_glossary_is_in_the_repository_and_pairs_the_terms():
    glossary = (ROOT / "docs" / "GLOSSARY.md").read_text(encoding="utf-8")

    assert "`docs/GLOSSARY.md` pairs the terms" in README
    assert "| Omslutningsförändring | gross-turnover change |" in glossary
    assert "| Reservation | dissent |" in glossary


@needs_virtualenv
def test_the_case_and_workbook_commands_run_as_written(tmp_path):
    """Each `manage.py` line of the README's shell blocks, run by bash from a stand-in checkout
    in a shell where no virtualenv is active."""
    env = stand_in_checkout(tmp_path)
    commands = [command for command in block_commands() if " manage.py " in command]
    assert len(commands) == 5
    run(".venv/bin/python manage.py migrate --no-input -v0", tmp_path, env)
    run(".venv/bin/python manage.py loaddata reference_2012 -v0", tmp_path, env)

    outputs = [run(command, tmp_path, env) for command in commands]

    assert "Budget/verksamhetsplan 2012 för Kommunfullmäktige m.m." in (
        (tmp_path / "case.html").read_text(encoding="utf-8")
    )
    assert (tmp_path / "case.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "plan.xlsx").read_bytes().startswith(b"PK")
    assert "Inga ändringar: arbetsboken stämmer med ärendet." in outputs[3]
    assert "Inget sparades (--dry-run)." in outputs[3]
    assert "Arbetsboken lästes in." in outputs[4]
