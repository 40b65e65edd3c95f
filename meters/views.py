from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import customer_required
from accounts.roles import Action
from enser_cabinet.http import client_ip
from enser_cabinet.ratelimit import limit, ratelimit
from enser_cabinet.versioned import contract_key, lazy_html, render_page
from meters import rules, selectors, services
from meters.chart import consumption_chart
from meters.forms import ReadingForm
from meters.models import Reading

HISTORY_PAGE_SIZE = 24


@customer_required(Action.METERS)
def readings(request: HttpRequest) -> HttpResponse:
    """The contract's meters. Their table and the page are drawn once a day
    until a meter or a reading of the contract changes
    (enser_cabinet/versioned.py)."""
    contract, today = request.contract, timezone.localdate()
    can_submit = request.access.allows(Action.READINGS_SUBMIT)

    def draw() -> str:
        meters = selectors.contract_meters(contract=contract)
        context = {"meters": meters, "today": today, "can_submit": can_submit}
        return render_to_string("meters/_meters_table.html", context)

    window = rules.submission_window(today)
    key = contract_key("table:meters", contract=contract, start=today, variant=f"submit={can_submit}")
    table = lazy_html(key, draw)
    context = {"tab": "readings", "meters_table": table, "window": window}
    return render_page(request, "meters/readings.html", context, contract=contract, shows=window)


@customer_required(Action.READINGS_SUBMIT)
@ratelimit(key="user", rate=limit("readings_submit"), method="POST", block=True)
def submit(request: HttpRequest, meter_id: int) -> HttpResponse:
    meter = selectors.customer_meter(contract=request.contract, meter_id=meter_id)
    today = timezone.localdate()
    closed = ""
    try:
        rules.check_verification(meter, today)
        rules.check_window(today)
    except rules.ReadingRefused as refused:
        closed = refused.message
    form = ReadingForm(request.POST if request.method == "POST" and not closed else None, meter=meter)
    if form.is_bound and form.is_valid():
        try:
            submission = services.reading_submit(
                meter=meter,
                value=form.cleaned_data["value"],
                user=request.user,
                ip=client_ip(request) or None,
                today=today,
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            )
        except rules.ReadingRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            _tell(request, submission)
            return redirect(reverse("meters:readings") + f"#meter-{meter.pk}")
    return render(
        request,
        "meters/submit.html",
        {
            "tab": "readings",
            "meter": meter,
            "form": form,
            "closed": closed,
            "last": selectors.last_accepted(meter),
            "pending": selectors.pending_review(meter),
            "window": rules.submission_window(today),
        },
        status=400 if form.errors or (closed and request.method == "POST") else 200,
    )


def _tell(request: HttpRequest, submission: services.Submission) -> None:
    reading = submission.reading
    meter = reading.meter
    shown = f"{meter.display(reading.value)} {meter.unit}"
    if not submission.created:
        messages.info(request, f"Показания {shown} по прибору № {meter.serial_number} уже переданы.")
    elif reading.status == Reading.Status.ACCEPTED:
        messages.success(request, f"Показания {shown} по прибору № {meter.serial_number}: Принято.")
    else:
        messages.warning(
            request,
            f"Показания {shown} по прибору № {meter.serial_number}: На проверке. {reading.review_note}",
        )


@customer_required(Action.METERS)
def history(request: HttpRequest, meter_id: int) -> HttpResponse:
    meter = selectors.customer_meter(contract=request.contract, meter_id=meter_id)
    today = timezone.localdate()
    months = selectors.meter_monthly_consumption(meter=meter, today=today)
    page = Paginator(selectors.meter_readings(meter=meter), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meters/history.html",
        {
            "tab": "readings",
            "meter": meter,
            "months": months,
            "chart": consumption_chart(
                months=months, unit=meter.unit, places=meter.digits_after, serial=meter.serial_number
            ),
            "page": page,
        },
    )
