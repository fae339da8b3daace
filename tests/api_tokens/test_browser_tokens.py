"""The journey in the browser: account menu → API tokens → create (the secret shown once,
copied) → the list shows it → the secret opens the API → revoke → it is refused."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_user_creates_uses_and_revokes_a_token(page, alice, acme):
    sign_in(page, "alice")
    page.click(".btn-user")
    page.click("[data-testid=menu-api-tokens]")
    page.click("[data-testid=token-create]")
    page.fill("#id_name", "CMDB sync")
    page.select_option("#id_organization", label="Acme Corp")
    page.check("#id_read_only")
    page.click("main button[type=submit]")
    secret = page.input_value("[data-testid=token-secret]")
    assert secret.startswith("grc_")
    page.click("[data-testid=token-copy]")
    page.wait_for_selector("[data-testid=token-copy]:has-text('Copied')")
    page.click("text=Done, I have copied it")
    row = page.locator("[data-testid=token-row]", has_text="CMDB sync")
    assert "Read only" in row.inner_text() and "Acme Corp" in row.inner_text()
    assert secret not in page.content()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/organizations/acme/").status_code == 200

    row.locator("text=Revoke").click()
    page.click("[data-testid=token-revoke-confirm]")
    assert "is revoked" in page.inner_text("main")
    assert api.get("/api/v1/organizations/acme/").status_code == 401
