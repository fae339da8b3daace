"""Saved views (core/registers/saved_views.py): a member names a list's filters and opens
them again; private to the member, per register and organization."""

import pytest

from core.models import SavedView

pytestmark = pytest.mark.django_db


def _save(client, name, query, register="assets"):
    return client.post(
        "/o/acme/saved-views/",
        {"register": register, "name": name, "query": query, "next": f"/o/acme/{register}/?{query}"},
    )


def test_a_saved_view_keeps_the_filters_and_shows_on_the_list(client, alice):
    client.force_login(alice)
    answer = _save(client, "High AI", "kind=ai_system&criticality=high&page=3")
    assert answer["Location"] == "/o/acme/assets/?kind=ai_system&criticality=high&page=3"
    view = SavedView.objects.get()
    assert (view.user, view.register, view.query) == (alice, "assets", "criticality=high&kind=ai_system")
    html = client.get("/o/acme/assets/").content.decode()
    assert (
        'href="/o/acme/assets/?criticality=high&amp;kind=ai_system" data-testid="saved-view">High AI<' in html
    )
    assert 'data-testid="saved-views"' not in client.get("/o/acme/risks/").content.decode()  # per register


def test_saving_under_the_same_name_replaces_it(client, alice):
    client.force_login(alice)
    _save(client, "Mine", "mine=true")
    _save(client, "Mine", "mine=true&kind=hardware")
    assert list(SavedView.objects.values_list("query", flat=True)) == ["kind=hardware&mine=true"]


def test_saved_views_are_the_members_own_in_the_organization(client, alice, bob, charlie):
    client.force_login(alice)
    _save(client, "Alice's", "kind=hardware")
    view = SavedView.objects.get()
    client.force_login(bob)  # a viewer saves views too: they change no record
    _save(client, "Bob's", "kind=service")
    html = client.get("/o/acme/assets/").content.decode()
    assert 'data-testid="saved-view">Bob&#x27;s<' in html and 'data-testid="saved-view">Alice' not in html
    assert client.post(f"/o/acme/saved-views/{view.pk}/delete/").status_code == 404
    client.force_login(charlie)
    assert _save(client, "Sneaky", "kind=hardware").status_code == 404
    assert client.post(f"/o/acme/saved-views/{view.pk}/delete/").status_code == 404
    client.force_login(alice)
    client.post(f"/o/acme/saved-views/{view.pk}/delete/", {"next": "/o/acme/assets/"})
    assert list(SavedView.objects.values_list("name", flat=True)) == ["Bob's"]


def test_the_way_back_stays_in_the_portal(client, alice):
    client.force_login(alice)
    answer = client.post(
        "/o/acme/saved-views/",
        {"register": "assets", "name": "x", "query": "", "next": "https://evil.example/"},
    )
    assert answer["Location"] == "/o/acme/"
