import datetime as dt

from django.utils import timezone

from sessiondesk.accounts.models import ApiToken, AuditEntry, hash_api_token
from sessiondesk.accounts.tokens import authenticate, create_token, revoke_token


def test_it_creates_a_token_storing_only_its_hash(consultant):
    token, raw = create_token(consultant, "  Zapier ")

    assert raw.startswith("sd_")
    assert token.name == "Zapier"
    assert token.prefix == raw[:10]
    assert token.token_hash == hash_api_token(raw)
    assert ApiToken.objects.filter(token_hash=raw).count() == 0
    entry = AuditEntry.objects.get(action="api_token.created")
    assert (entry.actor, entry.object_id, entry.detail) == (consultant, str(token.pk), {"name": "Zapier"})


def test_it_authenticates_the_member_and_records_last_use(consultant):
    token, raw = create_token(consultant, "CLI")

    assert authenticate(raw) == consultant
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_it_writes_last_used_at_at_most_once_a_minute(consultant):
    token, raw = create_token(consultant, "CLI")
    recent = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)

    authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == recent

    old = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at > old


def test_it_refuses_unknown_and_empty_tokens(consultant):
    create_token(consultant, "CLI")

    assert authenticate("sd_not-a-token") is None
    assert authenticate("") is None


def test_it_refuses_tokens_of_inactive_members(consultant):
    _, raw = create_token(consultant, "CLI")
    consultant.is_active = False
    consultant.save()

    assert authenticate(raw) is None


def test_it_revokes_only_the_members_own_token(consultant, consultant2):
    token, raw = create_token(consultant, "CLI")

    assert revoke_token(consultant2, token.pk) is False
    assert authenticate(raw) == consultant

    assert revoke_token(consultant, token.pk) is True
    assert authenticate(raw) is None
    assert ApiToken.objects.count() == 0
    assert AuditEntry.objects.filter(action="api_token.revoked", object_id=str(token.pk)).count() == 1


def test_it_refuses_tokens_of_deactivated_users(consultant):
    _, raw = create_token(consultant, "CLI")
    consultant.user.is_active = False
    consultant.user.save()

    assert authenticate(raw) is None


def test_it_returns_the_member_with_their_organisation_and_user_read(consultant, django_assert_num_queries):
    _, raw = create_token(consultant, "CLI")
    authenticate(raw)  # the last use is written once a minute
    with django_assert_num_queries(1):
        member = authenticate(raw)
        assert member == consultant
        assert (member.org.slug, member.user.email, member.name) == (
            "acme",
            consultant.user.email,
            consultant.name,
        )
