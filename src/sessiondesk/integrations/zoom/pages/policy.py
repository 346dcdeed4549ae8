"""The organisation's Zoom meeting policy: an admin page linked from Integration health."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sessiondesk.accounts import audit
from sessiondesk.accounts.decorators import admin_required
from sessiondesk.integrations.zoom.meetings.policy import policy_of
from sessiondesk.integrations.zoom.models import MeetingPolicy


class PolicyForm(forms.ModelForm):
    class Meta:
        model = MeetingPolicy
        fields = [
            "personal_links",
            "waiting_room",
            "join_before_host",
            "auto_recording",
            "when_deleted_in_zoom",
        ]
        labels = {
            "personal_links": "Give every participant their own link",
            "waiting_room": "Waiting room",
            "join_before_host": "Participants may join before the host",
            "auto_recording": "Record automatically",
            "when_deleted_in_zoom": "When someone deletes a session's meeting inside Zoom",
        }
        help_texts = {
            "personal_links": (
                "Each client is registered for the meeting and gets a join link of their own, so a "
                "forwarded email lets nobody else in. Needs a licensed Zoom host; sessions of a Basic "
                "host keep the shared link."
            ),
            "waiting_room": "Participants wait until the host admits each of them.",
            "join_before_host": "Otherwise they wait until the host starts the meeting.",
        }
        widgets = {"auto_recording": forms.RadioSelect, "when_deleted_in_zoom": forms.RadioSelect}


@admin_required
def meeting_policy(request: HttpRequest) -> HttpResponse:
    org, member = request.org, request.member  # type: ignore[attr-defined]
    policy = policy_of(org)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "zoom/meeting_policy.html", {"form": form}, status=400)
        with transaction.atomic():
            form.save()
            audit.record(org, member, "zoom.meeting_policy_changed", policy, **form.cleaned_data)
        messages.success(request, "Saved. Zoom meetings created or updated from now on follow this policy.")
        return redirect("zoom_meeting_policy")
    return render(request, "zoom/meeting_policy.html", {"form": form})
