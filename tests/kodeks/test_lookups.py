from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.utils import timezone

from kodeks.backends import USER_COLUMNS, UserBackend
from kodeks.models import User
from kodeks.sessions import SessionStore


def test_a_session_reads_back_what_django_wrote(db):
    written = DjangoSessionStore()
    written.update({"group": 7, "name": "Æble"})
    written.create()
    read = SessionStore(written.session_key)
    assert read.load() == {"group": 7, "name": "Æble"}
    assert read.session_key == written.session_key


def test_a_session_is_read_until_its_last_seconds(db):
    closing = DjangoSessionStore()
    closing["group"] = 7
    closing.set_expiry(5)
    closing.create()
    assert SessionStore(closing.session_key).load()["group"] == 7


def test_an_expired_or_unknown_session_starts_afresh(db):
    expired = DjangoSessionStore()
    expired["group"] = 7
    expired.set_expiry(-1)
    expired.create()
    for key in (expired.session_key, "x" * 32):
        store = SessionStore(key)
        assert store.load() == {}
        assert store.session_key is None


def test_the_signed_in_user_is_read_as_the_orm_reads_it(alice):
    alice.last_login = timezone.now()
    alice.save()
    expected = User.objects.get(pk=alice.pk)
    user = UserBackend().get_user(alice.pk)
    assert tuple(field.attname for field in User._meta.concrete_fields) == USER_COLUMNS
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
