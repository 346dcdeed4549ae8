"""The import page: upload a file, adjust the column mapping, look at the preview, run it in the
background with a progress bar, read the result.

Owners, admins and staff import clients and sessions; members only owners and admins."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sessiondesk.accounts.decorators import manager_required
from sessiondesk.accounts.models import Member
from sessiondesk.accounts.views.helpers import current_member
from sessiondesk.transfer import imports, runs
from sessiondesk.transfer.columns import CLIENTS, MEMBERS, SESSIONS, fields, match
from sessiondesk.transfer.csvfile import MAX_BYTES, decode, read
from sessiondesk.transfer.errors import TransferError
from sessiondesk.transfer.models import ImportRun, RunState

KIND_LABELS = {CLIENTS: "Clients", MEMBERS: "Members", SESSIONS: "Sessions"}
PREVIEW_ROWS = 200


def _kinds(member: Member) -> dict[str, str]:
    return {k: v for k, v in KIND_LABELS.items() if k != MEMBERS or member.is_admin}


def _run_for(request: HttpRequest, pk: int) -> ImportRun:
    member = current_member(request)
    run = ImportRun.objects.filter(org=member.org, pk=pk).first()
    if run is None:
        raise Http404
    if run.kind not in _kinds(member):
        raise PermissionDenied
    return run


@manager_required
def upload(request: HttpRequest) -> HttpResponse:
    member = current_member(request)
    kinds = _kinds(member)
    error = ""
    kind = request.POST.get("kind", "")
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if kind not in kinds:
            error = "Choose what the file holds."
        elif upload_file is None:
            error = "Choose a CSV file."
        elif upload_file.size and upload_file.size > MAX_BYTES:
            error = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it in parts."
        else:
            try:
                data = upload_file.read()
                table = read(data)
            except TransferError as refusal:
                error = refusal.message
            else:
                run = ImportRun.objects.create(
                    org=member.org,
                    created_by=member,
                    kind=kind,
                    filename=(upload_file.name or "file.csv")[:200],
                    content=decode(data),
                    mapping=match(kind, table.headers),
                    invite=kind == MEMBERS and request.POST.get("invite") == "on",
                    total=len(table.rows),
                )
                return redirect("import_mapping", pk=run.pk)
    recent = ImportRun.objects.filter(org=member.org, kind__in=list(kinds)).order_by("-created_at")[:10]
    context = {"kinds": kinds, "kind": kind, "error": error, "recent": recent}
    return render(request, "transfer/upload.html", context, status=400 if error else 200)


@manager_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if run.state != RunState.UPLOADED:
        return redirect("import_progress", pk=run.pk)
    table = read(run.content.encode())
    error = ""
    if request.method == "POST":
        chosen = {f.name: request.POST.get(f.name, "") for f in fields(run.kind)}
        try:
            run.mapping = imports.check_mapping(run.kind, table, chosen)
        except TransferError as refusal:
            error = refusal.message
            run.mapping = {k: v for k, v in chosen.items() if v in table.headers}
        else:
            run.save(update_fields=["mapping"])
            return redirect("import_preview", pk=run.pk)
    context = {
        "run": run,
        "kind_label": KIND_LABELS[run.kind],
        "rows": [(f, run.mapping.get(f.name, "")) for f in fields(run.kind)],
        "headers": table.headers,
        "sample": [[cells.get(h, "") for h in table.headers] for _, cells in table.rows[:3]],
        "error": error,
    }
    return render(request, "transfer/mapping.html", context, status=400 if error else 200)


@manager_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if run.state != RunState.UPLOADED:
        return redirect("import_progress", pk=run.pk)
    table = read(run.content.encode())
    try:
        mapping = imports.check_mapping(run.kind, table, run.mapping)
    except TransferError as refusal:
        messages.error(request, refusal.message)
        return redirect("import_mapping", pk=run.pk)
    plan = imports.make_plan(run.org, run.kind, table, mapping, actor=current_member(request))
    context = {
        "run": run,
        "kind_label": KIND_LABELS[run.kind],
        "counts": plan.counts(),
        "rejected": plan.rejected[:PREVIEW_ROWS],
        "changes": plan.changes[:PREVIEW_ROWS],
        "more_rejected": max(0, len(plan.rejected) - PREVIEW_ROWS),
        "more_changes": max(0, len(plan.changes) - PREVIEW_ROWS),
    }
    return render(request, "transfer/preview.html", context)


@manager_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    runs.start(run)
    return redirect("import_progress", pk=run.pk)


@manager_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if run.state == RunState.UPLOADED:
        return redirect("import_preview", pk=run.pk)
    finished = run.state in (RunState.DONE, RunState.FAILED)
    if request.headers.get("HX-Request"):
        response = render(request, "transfer/_progress.html", {"run": run})
        if finished:
            response["HX-Redirect"] = f"/import/{run.pk}/result/"
        return response
    if finished:
        return redirect("import_result", pk=run.pk)
    return render(request, "transfer/progress.html", {"run": run, "kind_label": KIND_LABELS[run.kind]})


@manager_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_for(request, pk)
    if run.state not in (RunState.DONE, RunState.FAILED):
        return redirect("import_progress", pk=run.pk)
    context = {"run": run, "kind_label": KIND_LABELS[run.kind], "result": run.result or {}}
    return render(request, "transfer/result.html", context)
