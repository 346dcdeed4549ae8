"""A member is never double booked, even when bookings race each other."""

import dataclasses
import datetime as dt
import threading

import pytest
from django.db import connection

from sessiondesk.scheduling import actions
from sessiondesk.scheduling.errors import SlotTaken
from sessiondesk.scheduling.models import Session

RACERS = 6


@pytest.mark.django_db(transaction=True)
def test_it_books_exactly_one_of_many_parallel_requests_for_one_slot(org, staff, draft):
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def book(index: int) -> None:
        mine = dataclasses.replace(
            draft, title=f"Racer {index}", start=draft.start + dt.timedelta(minutes=index)
        )
        mine.end = mine.start + dt.timedelta(hours=1)
        barrier.wait()
        try:
            actions.schedule_session(org, mine, actor=staff)
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["taken"] * (RACERS - 1)
    assert Session.objects.filter(consultant=draft.consultant).count() == 1
