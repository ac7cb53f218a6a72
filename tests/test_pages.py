from django.urls import reverse


def test_the_landing_page_says_what_the_app_does(client, db):
    response = client.get(reverse("planner:landing"))

    assert response.status_code == 200
    assert "Step 1, Step 2 CK and Step 3" in response.text
    assert "international medical graduates" in response.text


def test_the_landing_page_sends_a_signed_in_person_to_the_dashboard(alice_client):
    assert alice_client.get(reverse("planner:landing")).url == reverse("planner:today")


def test_an_unknown_address_gets_the_custom_404(alice_client):
    response = alice_client.get("/no/such/page/")

    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_pages_send_security_headers(client, db):
    response = client.get(reverse("planner:landing"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_server_error_page_needs_no_context_and_says_what_happened():
    from django.template.loader import render_to_string

    page = render_to_string("500.html")

    assert "Something went wrong on our side" in page
    assert "Your data is safe" in page
