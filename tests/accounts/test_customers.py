"""Who is a customer with a cabinet is decided in one place,
accounts.customers.request_contract, and every view that asks agrees."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects, assertTemplateUsed

from accounts.customers import request_contract
from accounts.models import Contract, User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
HOME = reverse("cabinet:home")
NEW_APPEAL = reverse("appeals:new")
EDO = reverse("appeals:edo")


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}
    return request


@pytest.fixture
def reset_client(contract) -> Client:
    """Still signed in, though the contract's registration is gone (reset in
    the database behind the session's back)."""
    client = client_for(contract)
    Contract.objects.filter(pk=contract.pk).update(registered_at=None, registration_method="")
    return client


def test_the_registered_customer_has_its_contract(contract):
    assert request_contract(request_of(contract.user)) == contract


def test_anonymous_staff_and_reset_contracts_have_none(contract):
    staff = User.objects.create_user(username="operator", password="x-Staff-2024", is_staff=True)
    assert request_contract(request_of(AnonymousUser())) is None
    assert request_contract(request_of(staff)) is None
    contract.registered_at = None
    assert request_contract(request_of(contract.user)) is None


def test_signed_in_customer_is_sent_from_sign_in_to_the_main_page(customer_client):
    assertRedirects(customer_client.get(LOGIN), HOME)


def test_a_reset_contract_is_no_customer_anywhere(reset_client):
    # Sign-in used to wave it through to a main page that then answered 404.
    response = reset_client.get(LOGIN)
    assertTemplateUsed(response, "accounts/login.html")
    assertContains(response, "Вход в личный кабинет")
    assert reset_client.get(HOME).status_code == 404
    assertTemplateUsed(reset_client.get(NEW_APPEAL), "appeals/new.html")
    # The e-document page offers the way in, not a cabinet that is not there.
    edo = reset_client.get(EDO)
    assertContains(edo, "Вход в личный кабинет")
    assertNotContains(edo, "Вернуться в личный кабинет")


def test_the_e_document_page_leads_a_customer_back_to_the_cabinet(customer_client):
    assertContains(customer_client.get(EDO), "Вернуться в личный кабинет")


def test_the_cabinet_appeal_form_is_for_the_customer(customer_client):
    assertTemplateUsed(customer_client.get(NEW_APPEAL), "appeals/new_cabinet.html")
