"""Users and groups in the admin: an administrator who is not a superuser manages the roles of
issue 5 and nothing above them (issue 9, item 3)."""
import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from tests.admin_forms import read_form
from tests.budgetplan.roles import client_for, user_with

pytestmark = pytest.mark.django_db


def user_url(user, action="change") -> str:
    return reverse(f"admin:auth_user_{action}", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


@pytest.fixture
def administrator():
    return user_with("administrator")


@pytest.fixture
def root():
    return User.objects.create_superuser("root", password="rotens-lösenord-123")


@pytest.fixture
def everything():
    """A group holding every permission there is, made by a superuser for some purpose."""
    group = Group.objects.create(name="Allt")
    group.permissions.set(Permission.objects.all())
    return group


def test_an_administrator_cannot_make_themselves_or_anyone_a_superuser(administrator):
    client = client_for(administrator)
    other = user_with("editor")
    for target in (administrator, other):
        data = read_form(client, user_url(target))
        assert "is_superuser" not in data
        data["is_superuser"] = "on"
        response = client.post(user_url(target), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert not User.objects.get(pk=target.pk).is_superuser
    page = client.get(user_url(other)).content.decode()
    assert 'name="is_superuser"' not in page


def test_an_administrator_cannot_grant_permissions_one_by_one(administrator):
    client = client_for(administrator)
    data = read_form(client, user_url(administrator))
    data["user_permissions"] = [str(p.pk) for p in Permission.objects.filter(
        codename__in=("delete_logentry", "change_permission", "delete_accessattempt"))]
    client.post(user_url(administrator), data)
    assert not User.objects.get(pk=administrator.pk).user_permissions.exists()


def test_an_administrator_gives_only_the_applications_roles(administrator, everything):
    client = client_for(administrator)
    target = user_with("editor")
    page = client.get(user_url(target)).content.decode()
    assert "Redaktör" in page and "Nämndsekreterare" in page and "Allt" not in page
    data = read_form(client, user_url(target))
    data["groups"] = [str(everything.pk)]

    response = client.post(user_url(target), data)

    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert list(User.objects.get(pk=target.pk).groups.values_list("name", flat=True)) == ["Redaktör"]


def test_a_group_given_by_a_superuser_stays_when_an_administrator_saves_the_user(
    administrator, everything,
):
    target = user_with("editor")
    target.groups.add(everything)
    client = client_for(administrator)
    data = read_form(client, user_url(target))
    data["first_name"] = "Eva"

    assert client.post(user_url(target), data).status_code == 302

    target = User.objects.get(pk=target.pk)
    assert target.first_name == "Eva"
    assert set(target.groups.values_list("name", flat=True)) == {"Redaktör", "Allt"}


def test_an_administrator_cannot_touch_a_superusers_account(administrator, root):
    client = client_for(administrator)

    assert client.get(password_url(root)).status_code == 403
    response = client.post(password_url(root), {
        "password1": "kapad-av-administratören-1", "password2": "kapad-av-administratören-1",
        "usable_password": "true",
    })
    assert response.status_code == 403
    page = client.get(user_url(root)).content.decode()
    assert 'name="email"' not in page  # shown, read-only
    response = client.post(user_url(root), {"username": "root", "email": "kapad@example.com"})
    assert response.status_code == 403
    assert client.post(user_url(root, "delete"), {"post": "yes"}).status_code == 403
    bulk = client.post(reverse("admin:auth_user_changelist"), {
        "action": "delete_selected", "_selected_action": [str(root.pk)], "post": "yes",
    })
    assert bulk.status_code in (200, 302, 403)

    root = User.objects.get(pk=root.pk)
    assert root.check_password("rotens-lösenord-123")
    assert root.email == "" and root.is_superuser and root.is_active


def test_an_administrator_cannot_change_what_the_groups_may_do(administrator):
    client = client_for(administrator)
    group = Group.objects.get(name="Administratör")
    url = reverse("admin:auth_group_change", args=[group.pk])
    wanted = Permission.objects.get(codename="delete_logentry")

    response = client.post(url, {
        "name": "Administratör",
        "permissions": [str(p.pk) for p in group.permissions.all()] + [str(wanted.pk)],
    })

    assert response.status_code == 403
    assert not group.permissions.filter(pk=wanted.pk).exists()
    response = client.post(reverse("admin:auth_group_add"), {
        "name": "Egen", "permissions": [str(wanted.pk)],
    })
    assert response.status_code == 403
    assert not Group.objects.filter(name="Egen").exists()


def test_a_superuser_still_grants_superuser_status(root):
    client = client_for(root)
    target = user_with("administrator")
    data = read_form(client, user_url(target))
    data["is_superuser"] = "on"
    assert client.post(user_url(target), data).status_code == 302
    assert User.objects.get(pk=target.pk).is_superuser
    assert client.get(password_url(target)).status_code == 200
