"""The week view: seven days in the viewer's time zone, with the same visibility as the list."""

from django.urls import reverse

from sessiondesk.scheduling import actions
from tests.conftest import login
from tests.scheduling.pages.conftest import DASH, book, ny


def week_titles(response) -> dict[str, list[str]]:
    return {day.isoformat(): [s.title for s in sessions] for day, sessions in response.context["columns"]}


def test_it_shows_this_week_from_monday(client, algebra, staff):
    login(client, staff)
    response = client.get(reverse("session_week"))
    assert response.status_code == 200
    assert week_titles(response) == {
        "2027-03-01": [],
        "2027-03-02": [],
        "2027-03-03": ["Algebra"],
        "2027-03-04": [],
        "2027-03-05": [],
        "2027-03-06": [],
        "2027-03-07": [],
    }
    html = response.content.decode()
    assert "Week of 1 March 2027" in html
    assert '<a class="btn" href="?week=2027-02-22">← Previous week</a>' in html
    assert '<a class="btn" href="?week=2027-03-08">Next week →</a>' in html
    assert '<a class="btn" href="?week=2027-03-01">Today</a>' in html
    assert f"<strong>16:00{DASH}17:00</strong> Algebra" in html


def test_it_places_sessions_on_the_viewers_own_day(client, consultant, consultant2, lesson):
    late = book(consultant, lesson, ny(5, 20), title="Evening")  # 01:00 Saturday in London
    late.co_hosts.add(consultant2)
    login(client, consultant2)
    columns = week_titles(client.get(reverse("session_week")))
    assert columns["2027-03-05"] == []
    assert columns["2027-03-06"] == ["Evening"]


def test_it_moves_between_weeks(client, weekly, staff):
    login(client, staff)
    response = client.get(reverse("session_week"), {"week": "2027-03-17"})
    assert response.context["monday"].isoformat() == "2027-03-15"
    assert week_titles(response)["2027-03-18"] == ["Weekly lesson"]
    assert sum(len(v) for v in week_titles(response).values()) == 1


def test_it_shows_cancelled_sessions_struck_through(client, algebra, staff):
    actions.cancel_session(algebra, actor=staff)
    login(client, staff)
    html = client.get(reverse("session_week")).content.decode()
    assert 'class="event cancelled"' in html


def test_it_shows_a_consultant_only_their_own_sessions(client, algebra, consultant2, lesson):
    book(consultant2, lesson, ny(4, 10), title="Dev's lesson")
    login(client, consultant2)
    response = client.get(reverse("session_week"), {"consultant": algebra.consultant_id})
    assert week_titles(response)["2027-03-03"] == []
    assert week_titles(response)["2027-03-04"] == ["Dev's lesson"]


def test_it_lets_staff_narrow_the_week_to_one_consultant(client, algebra, staff, consultant2, lesson):
    book(consultant2, lesson, ny(4, 10), title="Dev's lesson")
    login(client, staff)
    both = week_titles(client.get(reverse("session_week")))
    assert (both["2027-03-03"], both["2027-03-04"]) == (["Algebra"], ["Dev's lesson"])
    only = week_titles(client.get(reverse("session_week"), {"consultant": consultant2.pk}))
    assert (only["2027-03-03"], only["2027-03-04"]) == ([], ["Dev's lesson"])


def test_it_explains_a_malformed_week_and_shows_this_week(client, staff):
    login(client, staff)
    response = client.get(reverse("session_week"), {"week": "2027-13-45"})
    assert response.status_code == 400
    assert response.context["monday"].isoformat() == "2027-03-01"
    assert "That week is not a valid date; showing this week instead." in response.content.decode()
