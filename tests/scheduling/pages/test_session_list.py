"""The booked-sessions list: what each person sees, in their own time zone, and its filters."""

import datetime as dt
import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sessiondesk.scheduling import actions
from sessiondesk.scheduling.models import Client, Session
from tests.conftest import login
from tests.scheduling.pages.conftest import DASH, book, ny


def titles(response) -> list[str]:
    return [s.title for s in response.context["sessions"]]


def test_it_lists_upcoming_sessions_in_the_viewers_time_zone(client, algebra, staff):
    login(client, staff)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Times are shown in your time zone, America/New York." in html
    assert f"Wed 3 Mar 2027<br>16:00{DASH}17:00 EST" in html
    assert f'<a href="/sessions/{algebra.pk}/">Algebra</a>' in html
    assert "Carla Consultant" in html and "Stu Student" in html
    assert '<span class="badge badge-ok">Scheduled</span>' in html
    assert (
        '<a href="https://meet.example.test/carla" target="_blank" rel="noopener">Join · Custom link</a>'
        in html
    )


def test_it_shows_a_london_viewer_london_times(client, algebra, consultant2):
    algebra.co_hosts.add(consultant2)
    login(client, consultant2)
    html = client.get(reverse("home")).content.decode()
    assert "Times are shown in your time zone, Europe/London." in html
    assert f"Wed 3 Mar 2027<br>21:00{DASH}22:00 GMT" in html


def test_it_leaves_out_past_sessions_by_default(client, algebra, staff, consultant, lesson):
    past = book(consultant, lesson, ny(10, 9), title="Old lesson")
    Session.objects.filter(pk=past.pk).update(start=ny(1, 8, month=2), end=ny(1, 9, month=2))
    login(client, staff)
    assert titles(client.get(reverse("home"))) == ["Algebra"]


def test_it_shows_a_consultant_only_their_own_sessions(client, algebra, consultant, consultant2, lesson):
    book(consultant2, lesson, ny(5, 10), title="Dev's lesson")
    login(client, consultant)
    response = client.get(reverse("home"))
    assert titles(response) == ["Algebra"]
    assert "consultant" not in response.context["form"].fields


def test_it_shows_staff_the_whole_organisation(client, algebra, staff, consultant2, lesson, outsider):
    book(consultant2, lesson, ny(5, 10), title="Dev's lesson")
    book(outsider, outsider.org.session_types.get(name="Lesson"), ny(5, 10), title="Rival lesson")
    login(client, staff)
    assert titles(client.get(reverse("home"))) == ["Algebra", "Dev's lesson"]


def test_it_filters_by_consultant(client, algebra, staff, consultant2, lesson):
    book(consultant2, lesson, ny(5, 10), title="Dev's lesson")
    login(client, staff)
    assert titles(client.get(reverse("home"), {"consultant": consultant2.pk})) == ["Dev's lesson"]


def test_it_filters_by_client(client, algebra, staff, consultant, lesson, org):
    other = Client.objects.create(org=org, name="Olga", email="olga@example.test")
    book(consultant, lesson, ny(5, 10), title="Olga's lesson", clients=[other])
    login(client, staff)
    assert titles(client.get(reverse("home"), {"client": other.pk})) == ["Olga's lesson"]


def test_it_filters_by_status(client, algebra, staff, consultant, lesson):
    gone = book(consultant, lesson, ny(5, 10), title="Called off")
    actions.cancel_session(gone, actor=staff)
    login(client, staff)
    assert titles(client.get(reverse("home"))) == ["Algebra"]
    response = client.get(reverse("home"), {"status": "cancelled"})
    assert titles(response) == ["Called off"]
    assert '<span class="badge badge-bad">Cancelled</span>' in response.content.decode()
    assert titles(client.get(reverse("home"), {"status": "all"})) == ["Algebra", "Called off"]


def test_it_filters_by_local_date_range(client, staff, consultant, lesson):
    # 23:30 New York on 8 March is already 9 March in UTC: the range is in the viewer's days.
    book(consultant, lesson, ny(8, 23, 30), title="Late", minutes=30)
    book(consultant, lesson, ny(9, 9), title="Morning")
    book(consultant, lesson, ny(10, 9), title="Next day")
    login(client, staff)
    response = client.get(reverse("home"), {"start_date": "2027-03-08", "end_date": "2027-03-08"})
    assert titles(response) == ["Late"]
    response = client.get(reverse("home"), {"start_date": "2027-03-09", "end_date": "2027-03-09"})
    assert titles(response) == ["Morning"]


def test_it_explains_a_bad_date_filter(client, algebra, staff):
    login(client, staff)
    response = client.get(reverse("home"), {"start_date": "2027-03-10", "end_date": "2027-03-01"})
    assert response.status_code == 400
    assert "The “To” date must be on or after the “From” date." in response.content.decode()
    response = client.get(reverse("home"), {"start_date": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_it_answers_htmx_with_the_results_only(client, algebra, staff):
    login(client, staff)
    response = client.get(reverse("home"), {"status": "all"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="session-table"' in html


def test_it_shows_an_empty_state_with_a_button_to_schedule(client, staff):
    login(client, staff)
    html = client.get(reverse("home")).content.decode()
    assert "No upcoming sessions" in html
    assert '<a class="btn btn-primary" href="/sessions/new/">Schedule a session</a>' in html


def test_it_says_when_filters_match_nothing(client, algebra, staff):
    login(client, staff)
    html = client.get(reverse("home"), {"status": "cancelled"}).content.decode()
    assert "No sessions match these filters" in html


def _book_many(consultant, lesson, count: int, *, first: int = 0, **fields) -> None:
    start = ny(2, 7)
    for n in range(first, first + count):
        book(consultant, lesson, start + dt.timedelta(minutes=30 * n), title=f"S{n:02}", minutes=30, **fields)


def link(response, rel: str) -> str:
    match = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    assert match is not None, f"no {rel} link"
    return html.unescape(match.group(1))


def test_it_pages_long_lists_by_key(client, staff, consultant, lesson):
    _book_many(consultant, lesson, 51)
    login(client, staff)
    first = client.get(reverse("home"))
    assert titles(first) == [f"S{n:02}" for n in range(50)]
    assert 'rel="prev"' not in first.content.decode()
    second = client.get(reverse("home") + link(first, "next"))
    assert titles(second) == ["S50"]
    assert 'rel="next"' not in second.content.decode()
    back = client.get(reverse("home") + link(second, "prev"))
    assert titles(back) == [f"S{n:02}" for n in range(50)]
    assert 'rel="prev"' not in back.content.decode()


def test_it_keeps_the_filters_across_pages(client, staff, consultant, consultant2, lesson):
    _book_many(consultant, lesson, 52)
    book(consultant2, lesson, ny(2, 8), title="Dev's lesson")
    login(client, staff)
    first = client.get(reverse("home"), {"consultant": consultant.pk, "status": "all"})
    next_link = link(first, "next")
    assert next_link.startswith(f"?consultant={consultant.pk}&status=all&after=")
    second = client.get(reverse("home") + next_link)
    assert titles(second) == ["S50", "S51"]
    assert second.context["form"].cleaned_data["consultant"] == consultant


def test_it_shows_the_first_page_for_a_cursor_it_did_not_write(client, staff, consultant, lesson):
    _book_many(consultant, lesson, 2)
    login(client, staff)
    for cursor in ["nonsense", "W1siZCIsIjIwMjciXV0", "WyJ4Il0"]:
        response = client.get(reverse("home"), {"after": cursor})
        assert response.status_code == 400
        assert titles(response) == ["S00", "S01"]
        assert "That page link is not valid; showing the first page instead." in response.content.decode()


def test_it_makes_as_many_queries_for_a_long_list_as_for_a_short_one(client, staff, consultant, lesson, org):
    students = [Client.objects.create(org=org, name=f"C{n}", email=f"c{n}@example.test") for n in range(3)]
    _book_many(consultant, lesson, 3, clients=students[:1])
    login(client, staff)
    with CaptureQueriesContext(connection) as small:
        assert len(titles(client.get(reverse("home"), {"status": "all"}))) == 3
    _book_many(consultant, lesson, 120, first=3, clients=students)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("home"), {"status": "all"})
        assert len(titles(response)) == 50
    assert len(large.captured_queries) == len(small.captured_queries)
    with CaptureQueriesContext(connection) as later:
        assert len(titles(client.get(reverse("home") + link(response, "next")))) == 50
    assert len(later.captured_queries) == len(small.captured_queries)


def test_it_lists_a_session_still_running(client, staff, consultant, lesson, frozen_now):
    running = book(consultant, lesson, ny(10, 9), title="Running")
    Session.objects.filter(pk=running.pk).update(
        start=frozen_now - dt.timedelta(hours=11), end=frozen_now + dt.timedelta(minutes=30)
    )
    ended = book(consultant, lesson, ny(11, 9), title="Ended")
    Session.objects.filter(pk=ended.pk).update(
        start=frozen_now - dt.timedelta(hours=2), end=frozen_now - dt.timedelta(minutes=1)
    )
    book(consultant, lesson, ny(12, 9), title="Later")
    login(client, staff)
    assert titles(client.get(reverse("home"))) == ["Running", "Later"]
    assert titles(client.get(reverse("home"), {"start_date": "2027-03-01"})) == ["Running", "Ended", "Later"]
