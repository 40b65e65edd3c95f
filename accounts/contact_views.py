"""Editing the contacts of "Реквизиты и контакты"."""

from django.contrib import messages
from django.shortcuts import redirect, render

from accounts.contact_forms import contact_forms_build
from accounts.contacts import contacts_for, contacts_save
from accounts.decorators import customer_required
from accounts.journal import origin_of
from accounts.roles import Action


@customer_required(Action.CONTACTS_EDIT)
def contacts_edit(request):
    rows = contacts_for(contract=request.contract)
    forms = contact_forms_build(rows=rows, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and all([form.is_valid() for form in forms]):
        contacts_save(
            contract=request.contract,
            values={form.row.position.value: form.cleaned_data for form in forms},
            user=request.user,
            origin=origin_of(request),
        )
        messages.success(request, "Контакты сохранены.")
        return redirect("accounts:requisites")
    has_errors = any(form.errors for form in forms)
    return render(
        request,
        "accounts/contacts_edit.html",
        {"forms": forms, "has_errors": has_errors, "tab": "requisites"},
        status=400 if has_errors else 200,
    )
