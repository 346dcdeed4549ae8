import re
import threading

import pytest
from django.db import connection

from sessiondesk.accounts.errors import AccountError
from sessiondesk.accounts.members import change_role
from sessiondesk.accounts.models import Member, Role


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(owner, admin):
    change_role(owner, admin, Role.OWNER)
    second_owner = Member.objects.get(pk=admin.pk)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor: Member, target: Member) -> None:
        try:
            barrier.wait()
            change_role(actor, target, Role.ADMIN)
            outcomes.append("demoted")
        except AccountError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(owner, second_owner)),
        threading.Thread(target=demote, args=(second_owner, owner)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["demoted", "refused"]
    assert Member.objects.filter(org=owner.org, role=Role.OWNER).count() == 1


def test_an_actor_demoted_meanwhile_is_refused(owner, admin, consultant):
    stale_admin = Member.objects.get(pk=admin.pk)
    change_role(owner, admin, Role.CONSULTANT)

    with pytest.raises(AccountError, match=re.escape("You no longer have the rights to manage members.")):
        change_role(stale_admin, consultant, Role.STAFF)

    assert Member.objects.get(pk=consultant.pk).role == "consultant"
