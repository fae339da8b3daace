"""``core.db.OneRowRead`` reads what the ORM's ``select_related(...).filter(...).first()``
reads, field for field (datetimes and all, on SQLite and PostgreSQL), in one query."""

import datetime

import pytest
from django.utils import timezone

from api_tokens.models import ApiToken
from api_tokens.services import api_token_create
from core.db import OneRowRead
from organizations.models import Membership, Organization


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("limited", [True, False])
def test_a_token_with_its_user_and_organization(acme, alice, django_assert_num_queries, limited):
    issued = api_token_create(
        user=alice,
        name="CI",
        organization=acme if limited else None,
        read_only=True,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    read = OneRowRead(ApiToken, related=("user", "organization"), where=("key_prefix",))
    expected = ApiToken.objects.select_related("user", "organization").get(pk=issued.token.pk)

    with django_assert_num_queries(1):
        token = read(expected.key_prefix)
        assert _fields(token) == _fields(expected)
        assert _fields(token.user) == _fields(expected.user)
        if limited:
            assert _fields(token.organization) == _fields(acme)
        else:
            assert token.organization is None  # the left join's empty side, not a query
    assert isinstance(token.created_at, datetime.datetime) and timezone.is_aware(token.created_at)
    assert token.status_at(timezone.now()) == expected.status_at(timezone.now())


def test_a_membership_by_a_related_field_and_nothing_when_none(acme, globex, alice):
    read = OneRowRead(Membership, related=("organization",), where=("organization__slug", "user"))
    membership = read("acme", alice.pk)
    assert _fields(membership) == _fields(Membership.objects.get(organization=acme, user=alice))
    assert membership.organization.slug == "acme"
    assert read("globex", alice.pk) is None
    assert read("no-such-organization", alice.pk) is None
    with pytest.raises(TypeError, match="2 values expected"):
        read("acme")


def test_only_to_one_relations(db):
    with pytest.raises(ValueError, match="not a to-one relation"):
        OneRowRead(Organization, related=("memberships",), where=("slug",))("acme")
