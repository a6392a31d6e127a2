import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from interviewprep.authentication import issue_token
from interviewprep.models import User
from interviewprep.roles import Role, has_role, roles_of

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.accounts.urls")]

EDITOR_PAGE = "/test/editor/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(EDITOR_PAGE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={EDITOR_PAGE}"


def test_learner_gets_403_and_editor_gets_the_page(client, learner):
    client.force_login(learner)
    denied = client.get(EDITOR_PAGE)

    call_command("grant_role", learner.email.upper(), "editor")
    allowed = client.get(EDITOR_PAGE)

    assert denied.status_code == 403
    assert "You do not have access to this page." in denied.content.decode()
    assert allowed.status_code == 200
    assert allowed.content == b"editor page"


def test_reviewer_is_not_an_editor(client, learner):
    call_command("grant_role", learner.email, "reviewer")
    client.force_login(learner)

    assert client.get(EDITOR_PAGE).status_code == 403
    assert roles_of(learner) == {Role.LEARNER, Role.REVIEWER}


def test_staff_and_superusers_hold_every_role(client, make_user):
    staff = make_user("staff@example.org")
    call_command("grant_role", "staff@example.org", "staff")
    staff.refresh_from_db()
    superuser = make_user("root@example.org", is_superuser=True)

    assert staff.is_staff
    for role in Role:
        assert has_role(staff, role)
        assert has_role(superuser, role)
    client.force_login(staff)
    assert client.get(EDITOR_PAGE).status_code == 200


def test_everyone_signed_in_is_a_learner_and_nobody_else_is(learner):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(learner) == {Role.LEARNER}
    assert not has_role(AnonymousUser(), Role.LEARNER)
    learner.is_active = False
    assert not has_role(learner, Role.LEARNER)


def test_grant_role_revoke(capsys, learner):
    # Roles are cached on a user object for the length of a request: fetch it again.
    call_command("grant_role", learner.email, "editor")
    assert has_role(User.objects.get(pk=learner.pk), Role.EDITOR)

    call_command("grant_role", learner.email, "editor", "--revoke")
    assert not has_role(User.objects.get(pk=learner.pk), Role.EDITOR)
    assert "Revoked editor for learner@example.com." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        ("nobody@example.org", "editor", "No user with the email address"),
        ("learner@example.com", "admin", "Unknown role 'admin'"),
        ("learner@example.com", "learner", "Every user is a learner"),
    ],
)
def test_grant_role_errors(learner, email, role, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_role", email, role)


@pytest.mark.parametrize(
    ("url", "role"), [("/test/api/editor/", "editor"), ("/test/api/reviewer/", "reviewer")]
)
def test_api_role_permissions(client, learner, url, role):
    key = issue_token(learner)[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}

    anonymous = client.get(url)
    denied = client.get(url, **auth)
    call_command("grant_role", learner.email, role)
    allowed = client.get(url, **auth)

    assert anonymous.status_code == 401
    assert denied.status_code == 403
    assert allowed.status_code == 200


def test_the_backend_reads_the_user_with_their_roles_in_one_query(
    learner, django_assert_num_queries
):
    from django.contrib.auth.models import Group

    from interviewprep.backends import RoleAwareModelBackend

    backend = RoleAwareModelBackend()
    learner.groups.add(Group.objects.create(name="book club"))  # not a role
    with django_assert_num_queries(1):
        user = backend.get_user(learner.pk)
        assert user == learner
        assert roles_of(user) == {Role.LEARNER}

    call_command("grant_role", learner.email, "editor")
    call_command("grant_role", learner.email, "reviewer")
    with django_assert_num_queries(1):
        user = backend.get_user(learner.pk)
        assert user.email == learner.email
        assert roles_of(user) == {Role.LEARNER, Role.EDITOR, Role.REVIEWER}

    learner.is_active = False
    learner.save()
    assert backend.get_user(learner.pk) is None
    assert backend.get_user(learner.pk + 1000) is None
