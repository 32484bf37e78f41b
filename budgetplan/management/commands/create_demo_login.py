"""Creates (or resets) the demo administrator for a first try and prints its login."""
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Skapar demoinloggningen (administratör) med ett nytt slumpat lösenord och skriver ut den."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    def handle(self, *args, username: str, **options):
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(f"Demoinloggning: användarnamn {username}, lösenord {password}")
        )
        self.stdout.write("Logga in via ”Logga in” på startsidan eller på /admin/.")
