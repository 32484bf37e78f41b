"""Creates the demo administrator for a first try and prints its login; a rerun keeps its password."""
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Skapar demoinloggningen (administratör) med ett slumpat lösenord och skriver ut det. "
        "Finns inloggningen redan behålls lösenordet, om inte --new-password anges."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--new-password", action="store_true",
            help="Ge en befintlig demoinloggning ett nytt slumpat lösenord.",
        )

    def handle(self, *args, username: str, new_password: bool, **options):
        user, created = get_user_model().objects.get_or_create(username=username)
        if not created and not new_password:
            # The password was printed on the first run; whoever tried the demo may have kept it.
            self.stdout.write(
                f"Demoinloggningen {username} finns redan; lösenordet är detsamma som förut. "
                "Ett nytt lösenord får du med BUDGETPLAN_DEMO_NEW_PASSWORD=1 bash "
                "scripts/run-demo.sh eller .venv/bin/python manage.py create_demo_login "
                "--new-password."
            )
            return
        password = secrets.token_urlsafe(12)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Demoinloggning: användarnamn {username}, lösenord {password}")
        )
        self.stdout.write("Logga in via ”Logga in” på startsidan eller på /admin/.")
