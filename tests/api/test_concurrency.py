import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from sessiondesk.scheduling.models import Session
from tests.api.conftest import future

PARALLEL = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_bookings_of_one_slot_make_one_session(call_as, staff, consultant, lesson):
    start = future(3, 10)
    apis = [call_as(staff) for _ in range(PARALLEL)]

    def book(index: int) -> int:
        try:
            body = {
                "title": f"Lesson {index}",
                "session_type": lesson.pk,
                "consultant": consultant.pk,
                "start": start.isoformat(),
                "end": (start + dt.timedelta(hours=1)).isoformat(),
            }
            return apis[index].post("/sessions/", body).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(PARALLEL) as pool:
        statuses = sorted(pool.map(book, range(PARALLEL)))
    assert statuses == [201] + [409] * (PARALLEL - 1)
    assert Session.objects.filter(consultant=consultant).count() == 1
