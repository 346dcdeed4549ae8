"""The Integration health page in Chromium: figures, host meters and both charts drawn, under the
Content-Security-Policy (the page fixture fails on any violation)."""

import datetime as dt

import pytest
from django.utils import timezone

from sessiondesk.integrations.zoom.models import HostDailyLedger, ZoomConnection
from sessiondesk.meetings.models import CallAttempt, LinkState, MeetingLink
from tests.e2e.test_first_booking import log_in
from tests.integrations.zoom.test_health_figures import a_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_sees_the_sync_figures_and_charts(live_server, new_page, shot, owner, consultant):
    now = timezone.now()
    ZoomConnection.objects.create(
        org=owner.org,
        member=consultant,
        kind="personal",
        zoom_user_id="zu-c",
        zoom_account_id="za",
        zoom_email="carla@zoom.test",
    )
    HostDailyLedger.objects.create(zoom_user_id="zu-c", day=now.astimezone(dt.UTC).date(), used=84)
    for days in range(-20, 10, 3):
        a_session(consultant, now + dt.timedelta(days=days, hours=1))
    link = MeetingLink.objects.create(
        session=a_session(consultant, now + dt.timedelta(days=1), title="Algebra"),
        provider="zoom",
        state=LinkState.BLOCKED,
        last_error="Carla Consultant must connect Zoom.",
        remedy="Ask Carla Consultant to connect Zoom, then press Retry.",
    )
    for days_ago, outcome, n in [(0, "ok", 6), (0, "transient", 2), (1, "ok", 4), (3, "permanent", 1)]:
        for _ in range(n):
            CallAttempt.objects.create(
                link=link,
                provider="zoom",
                operation="create",
                outcome=outcome,
                created_at=now - dt.timedelta(days=days_ago),
            )
    page = new_page()
    log_in(page, live_server.url, owner.user.email)

    page.goto(f"{live_server.url}/integrations/zoom/health/")

    assert page.locator(".stat-bad .stat-value").inner_text() == "1"
    assert page.locator(".failure-row").count() == 1
    assert page.locator(".usage-row .usage-figure").inner_text() == "84 / 100"
    assert page.locator("svg.bar-chart").count() == 2
    assert page.locator("svg.bar-chart rect.bar-sessions").count() >= 3
    assert page.locator("svg.bar-chart rect.bar-transient").count() == 1
    assert page.locator("svg.bar-chart").first.bounding_box()["height"] > 60
    # The granted scopes' long text does not squeeze the owner and the account into broken words.
    row = page.locator("table.zoom-health tbody tr").first
    for cell in (row.locator("td").nth(0), row.locator("td").nth(1)):
        assert cell.evaluate(BREAKS_INSIDE_WORDS) == [], cell.inner_text()
    shot(page, "integration-health")


# Where the first line of a cell's text was drawn over several lines with a line ending inside a word.
BREAKS_INSIDE_WORDS = """cell => {
    const node = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT).nextNode();
    const text = node.textContent, range = document.createRange(), broken = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && Math.round(rect.top) > top && text[i - 1] !== " " && text[i] !== " ") broken.push(i);
        top = Math.round(rect.top);
    }
    return broken.map(i => text.slice(0, i) + "|" + text.slice(i));
}"""
