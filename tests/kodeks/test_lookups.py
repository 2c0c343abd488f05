from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from kodeks.backends import USER_COLUMNS, UserBackend
from kodeks.models import Session, User
from kodeks.sessions import SessionStore
from tests.conftest import count_queries


def test_a_session_reads_back_what_django_wrote(db):
    written = SessionStore()
    written.update({"group": 7, "name": "Æble"})
    written.create()
    read = SessionStore(written.session_key)
    assert read.load() == {"group": 7, "name": "Æble"}
    assert read.session_key == written.session_key


def test_a_session_is_read_until_its_last_seconds(db):
    closing = SessionStore()
    closing["group"] = 7
    closing.set_expiry(5)
    closing.create()
    assert SessionStore(closing.session_key).load()["group"] == 7


def test_an_expired_or_unknown_session_starts_afresh(db):
    expired = SessionStore()
    expired["group"] = 7
    expired.set_expiry(-1)
    expired.create()
    for key in (expired.session_key, "x" * 32):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None


def test_the_signed_in_user_is_read_as_the_orm_reads_it(client, alice):
    client.force_login(alice)  # sets last_login, a timestamp to read back
    expected = User.objects.get(pk=alice.pk)
    with_session = SessionStore(client.session.session_key)
    with_session.load()
    assert tuple(field.attname for field in User._meta.concrete_fields) == USER_COLUMNS
    for user in (UserBackend().get_user(alice.pk), with_session.signed_in_user):
        assert not user.get_deferred_fields() and not user._state.adding
        for column in USER_COLUMNS:
            value = getattr(user, column)
            assert value == getattr(expected, column) and type(value) is type(
                getattr(expected, column)
            ), column


def test_an_inactive_or_unknown_user_is_nobody(alice):
    assert UserBackend().get_user(alice.pk + 1000) is None
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert UserBackend().get_user(alice.pk) is None


def test_a_signed_in_request_reads_session_and_user_in_one_query(client, alice):
    client.force_login(alice)
    assert Session.objects.get().user_id == alice.pk
    page = reverse("workshops:list")
    together = count_queries(client, page)
    # A session saved before sessions kept their user still finds them, with one query more.
    Session.objects.update(user=None)
    assert count_queries(client, page) == together + 1
    assert client.get(page).context["user"] == alice


def test_the_user_read_with_the_session_is_still_checked(client, alice):
    client.force_login(alice)
    alice.set_password("et helt andet kodeord")
    alice.save()
    response = client.get(reverse("workshops:list"))
    assert response.status_code == 302 and not response.wsgi_request.user.is_authenticated
    client.force_login(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert not client.get(reverse("workshops:list")).wsgi_request.user.is_authenticated


def test_deleting_a_user_ends_their_sessions(client, alice, hanne):
    client.force_login(alice)
    other = type(client)()
    other.force_login(hanne)
    alice.delete()
    assert list(Session.objects.values_list("user_id", flat=True)) == [hanne.pk]


def test_a_view_lookup_is_read_with_the_session_until_it_is_read(client, alice):
    client.force_login(alice)
    key = client.session.session_key
    columns = "(SELECT u.username), (SELECT COUNT(*) FROM kodeks_user WHERE id = %s)"
    store = SessionStore(key)
    store.read_along(columns, [alice.pk])
    assert store[SESSION_KEY] == str(alice.pk)
    assert store.along == ("alice", 1)
    read_before = SessionStore(key)
    assert read_before[SESSION_KEY] == str(alice.pk)
    read_before.read_along(columns, [alice.pk])
    assert read_before.along is None
