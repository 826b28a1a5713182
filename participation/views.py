"""Pages of participation: a resident registers and signs in on their phone, takes tasks, checks in
and reports them done; community staff confirm people, form teams, post tasks and confirm the work.
Every change goes through participation.services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from govportal.clientip import client_ip
from govportal.errors import DomainInputError
from govportal.masking import mask_name, mask_phone
from govportal.errors import DomainConflict
from govportal.periods import Period
from govportal.pages import action_form, action_take, done_message, form_errors_flash, found_or_404
from incidents.selectors import ticket_get
from incidents import verification
from incidents.forms import PhoneCodeForm

from . import identity, points, services
from .forms import (
    ACTION_FORMS, CLAIM_FORMS, PROJECT_FORMS, TASK_FORMS, EnterForm, ProjectForm, RegisterForm, SignInForm, TaskForm,
    TeamForm, TicketTaskForm,
)
from .models import PartnerOffer, Participant, Task
from .selectors import (
    claim_get, claim_of_participant, claims_of, open_tasks_for, participant_get,
    participant_list as participants_visible, project_get, project_list as projects_visible, project_of_organisations,
    projects_for_organisations, task_get, task_list as tasks_visible, team_list as teams_visible,
)
from .workflow import ACTION_LABELS, CLAIMS, PARTICIPANTS, PROJECT_ACTION_LABELS, PROJECTS, TASK_ACTION_LABELS, TASKS

SEND_CODE = "send_code"  # the name of the "send code" button beside the phone
# Texts of static/js/participation_checkin.js, the "check in on the spot" button.
CHECK_IN_LABELS = {
    "locating": gettext_lazy("Finding where you are…"),
    "noGeolocation": gettext_lazy("The phone did not give a position: allow it to, and try again on the spot."),
}


# Texts of static/js/participation_task_map.js, the map of the open tasks.
TASK_MAP_LABELS = {"seeTask": gettext_lazy("See the task"), "youAreHere": gettext_lazy("You are here")}


def _task_points(tasks):
    """The open tasks as the map draws them (static/js/participation_task_map.js)."""
    return [{"id": task.pk, "title": task.title, "place": task.place_name, "lat": task.place.y, "lng": task.place.x,
             "starts": f"{timezone.localtime(task.starts_at):%m-%d %H:%M}"} for task in tasks]


def _form_key(request):
    """The idempotency key of a phone form: an SMS code belongs to the form it was used on."""
    return (request.POST.get("form_key") or uuid.uuid4().hex)[:32]


def _code_send(request):
    """Send an SMS code to the phone of the POST; return the message to show, whether sent or not."""
    form = PhoneCodeForm(request.POST)
    if not form.is_valid():
        return " ".join(form.errors["phone"])
    phone = form.cleaned_data["phone"]
    try:
        verification.phone_code_send(phone=phone, address=client_ip(request))
    except verification.PhoneCodeRefused as refusal:
        return str(refusal)
    return str(verification.CODE_SENT % {"phone": mask_phone(phone), "minutes": verification.CODE_TTL.seconds // 60})


def _phone_form_page(request, form_class, template, take, **context):
    """A resident's phone form: the "send code" button texts a code and shows the form again;
    the form itself, once valid, is taken by `take(data, key)` (a DomainInputError lands on its field)."""
    key = _form_key(request)
    code_status = ""
    if request.method == "POST" and SEND_CODE in request.POST:
        code_status = _code_send(request)
        form = form_class(initial=request.POST.dict())
    else:
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                return take(form.cleaned_data, f"participation:{key}")
            except DomainInputError as error:
                form.add_error(error.field if error.field in form.fields else None, str(error))
    return render(request, template, {"form": form, "form_key": key, "code_status": code_status,
                                      "send_code": SEND_CODE, **context}, status=400 if form.errors else 200)


def register(request):
    """报到: a volunteer, party member or social worker registers with a community on their phone."""
    def take(data, key):
        participant = services.participant_register(key=key, **data)
        identity.phone_signed_in(request, data["phone"])
        messages.success(request, _("Registered with %(community)s; the community will confirm you.")
                         % {"community": participant.community.name})
        return redirect("participation-mine")

    return _phone_form_page(request, RegisterForm, "participation/register.html", take)


def my_participation(request):
    """A resident's own page: sign in with the phone, then see one's registrations, the open tasks of
    the communities that confirmed them, and the tasks they took."""
    registrations = list(identity.signed_in_registrations(request))
    if registrations:
        taken = claims_of(participants=registrations)
        month = Period.month_of(timezone.localdate())
        for registration in registrations:
            registration.balance = points.points_balance(registration)
            registration.offers = PartnerOffer.objects.filter(community=registration.community_id, is_active=True)
            # Residents see each other's names masked (张*, 欧**娜), as any personal name shown to the public.
            registration.ranking = [{**row, "participant__name": mask_name(row["participant__name"])}
                                    for row in points.monthly_ranking(community=registration.community, period=month,
                                                                      limit=10)]
        tasks = list(open_tasks_for(participants=registrations).exclude(claims__in=taken))
        return render(request, "participation/mine.html", {
            "registrations": registrations, "claims": taken, "tasks": tasks, "task_points": _task_points(tasks),
            "task_map_labels": TASK_MAP_LABELS, "projects": projects_for_organisations(participants=registrations),
        })

    def take(data, key):
        identity.participant_sign_in(request, phone=data["phone"], code=data["code"], key=key)
        return redirect(_after_sign_in(request))

    return _phone_form_page(request, SignInForm, "participation/sign_in.html", take)


def _after_sign_in(request):
    """Where a resident goes once signed in: the page that sent them (`next`, on this site), or their own page."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "participation-mine"


@require_POST
def offer_redeem(request, offer_id):
    """积分兑换: redeem a partner shop's offer with the points of the registration in its community."""
    registrations = identity.signed_in_registrations(request)
    offer = found_or_404(lambda: PartnerOffer.objects.get(
        pk=offer_id, is_active=True, community__participants__in=registrations))
    try:
        points.offer_redeem(offer_id=offer.pk, participant=registrations.get(community=offer.community_id))
    except (DomainInputError, DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Redeemed: show this page at %(shop)s to receive %(item)s.")
                         % {"shop": offer.shop, "item": offer.item})
    return redirect("participation-mine")


@require_POST
def sign_out(request):
    request.session.pop(identity.SESSION_KEY, None)
    return redirect("participation-mine")


@login_required
def participant_list(request):
    """The participants of the communities in scope, registrations awaiting confirmation first."""
    participants = list(participants_visible(user=request.user)[:500])
    for participant in participants:
        participant.actions = [(name, ACTION_LABELS[name], ACTION_FORMS[name] and ACTION_FORMS[name](prefix=name))
                               for name in PARTICIPANTS.allowed_actions(participant, request.user)]
    return render(request, "participation/people.html", {"participants": participants})


@login_required
@require_POST
def participant_act(request, participant_id, action):
    """Confirm a registration, or refuse it with a reason, then go back to the list."""
    if action not in services.ACTION_SERVICES:
        raise Http404
    participant = found_or_404(participant_get, user=request.user, participant_id=participant_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=participant, id_kwarg="participant_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("participation-people")


@login_required
def participant_enter(request):
    """Community staff enter a participant themselves (confirmed at once: the community vouches)."""
    form = EnterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_enter(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s is registered and confirmed.") % {"name": participant.name})
            return redirect("participation-people")
    return render(request, "participation/enter.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def team_list(request):
    """The teams in scope, and a form to form one."""
    form = TeamForm(request.POST or None, user=request.user, participants=participants_visible(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Team %(name)s formed.") % {"name": team.name})
            return redirect("participation-teams")
    return render(request, "participation/teams.html", {"teams": teams_visible(user=request.user), "form": form},
                  status=400 if form.errors else 200)


# --- tasks: the participant's side (signed in on their phone) ---

def _actions(workflow, forms, subject, actor):
    return [(name, TASK_ACTION_LABELS[name], action_form(forms[name], subject, prefix=name))
            for name in workflow.allowed_actions(subject, actor)]


@require_POST
def task_take(request, task_id):
    """接单: take a place on an open task of a community that confirmed the signed-in phone."""
    registrations = identity.signed_in_registrations(request)
    task = found_or_404(lambda: Task.objects.get(pk=task_id, community__participants__in=registrations))
    participant = registrations.get(community=task.community_id)
    try:
        claim = services.task_take(task_id=task.pk, participant=participant)
    except (DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
        return redirect("participation-mine")
    messages.success(request, _("You took “%(task)s”. Check in on the spot when it starts.") % {"task": task})
    return redirect("participation-claim", claim_id=claim.pk)


def claim_page(request, claim_id):
    """The participant's page of a task they took: where and when, and the next step (check in, report)."""
    claim = found_or_404(claim_of_participant, participants=identity.signed_in_registrations(request),
                         claim_id=claim_id)
    return render(request, "participation/claim.html", {
        "claim": claim, "task": claim.task, "photos": claim.photos.all(),
        "actions": _actions(CLAIMS, CLAIM_FORMS, claim, claim.participant), "check_in_labels": CHECK_IN_LABELS,
    })


@require_POST
def claim_act(request, claim_id, action):
    """Check in, withdraw or report done, as the participant who took the task; then back to its page."""
    claim = found_or_404(claim_of_participant, participants=identity.signed_in_registrations(request),
                         claim_id=claim_id)
    if action not in services.CLAIM_ACTION_SERVICES or CLAIMS.transitions[action].party != "participant":
        raise Http404
    form = action_form(CLAIM_FORMS[action], claim, request.POST, request.FILES, prefix=action)
    if form is not None and not form.is_valid():
        form_errors_flash(request, form)
        return redirect("participation-claim", claim_id=claim.pk)
    try:
        moved = services.CLAIM_ACTION_SERVICES[action](
            claim_id=claim.pk, actor=claim.participant, **(form.cleaned_data if form is not None else {}))
    except (DomainInputError, DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message(moved))
    return redirect("participation-claim", claim_id=claim.pk)


def claim_photo(request, claim_id, photo_id, thumbnail=False):
    """A photo of the work done, for the participant who took it and the staff who see the task."""
    if request.user.is_authenticated:
        claim = found_or_404(claim_get, user=request.user, claim_id=claim_id)
    else:
        claim = found_or_404(claim_of_participant, participants=identity.signed_in_registrations(request),
                             claim_id=claim_id)
    photo = found_or_404(claim.photos.get, pk=photo_id)
    return FileResponse((photo.thumbnail if thumbnail else photo.image).open("rb"), content_type="image/jpeg")


# --- tasks: the community's side ---

@login_required
def task_list(request):
    """The tasks of the communities in scope: how many places are taken, which were warned as unclaimed."""
    return render(request, "participation/tasks.html", {"tasks": tasks_visible(user=request.user)[:300]})


@login_required
def task_post(request):
    """Post a task or a resident's need (微心愿) for the community's participants."""
    form = TaskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_post(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Task “%(task)s” posted.") % {"task": task})
            return redirect("participation-task", task_id=task.pk)
    return render(request, "participation/task_post.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def ticket_task(request, ticket_id):
    """A grid worker turns a work order into a task for volunteers (能由群众办的交给群众办)."""
    ticket = found_or_404(ticket_get, user=request.user, ticket_id=ticket_id)
    form = TicketTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_from_ticket(actor=request.user, ticket_id=ticket.pk, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Task “%(task)s” posted.") % {"task": task})
            return redirect("participation-task", task_id=task.pk)
    return render(request, "participation/ticket_task.html", {"form": form, "ticket": ticket},
                  status=400 if form.errors else 200)


@login_required
def task_detail(request, task_id):
    """A task with the people who took it, their check-in, report and photos, and the actions on each."""
    task = found_or_404(task_get, user=request.user, task_id=task_id)
    claims = list(task.claims.select_related("participant").prefetch_related("photos"))
    for claim in claims:
        claim.task = task
        claim.actions = _actions(CLAIMS, CLAIM_FORMS, claim, request.user)
    events = list(task.events.select_related("actor", "participant"))
    for event in events:
        event.label = TASK_ACTION_LABELS.get(event.action, event.action)
    return render(request, "participation/task_detail.html", {
        "task": task, "claims": claims, "events": events,
        "actions": _actions(TASKS, TASK_FORMS, task, request.user),
    })


@login_required
@require_POST
def task_act(request, task_id, action):
    """Close or cancel a task from its page."""
    if action not in services.TASK_ACTION_SERVICES:
        raise Http404
    task = found_or_404(task_get, user=request.user, task_id=task_id)
    done, form = action_take(request, service=services.TASK_ACTION_SERVICES[action], form_class=TASK_FORMS[action],
                             subject=task, id_kwarg="task_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("participation-task", task_id=task.pk)


@login_required
@require_POST
def claim_staff_act(request, claim_id, action):
    """Confirm the work done (crediting the hours) or send the report back, from the task's page."""
    if action not in services.CLAIM_ACTION_SERVICES or CLAIMS.transitions[action].party != "community":
        raise Http404
    claim = found_or_404(claim_get, user=request.user, claim_id=claim_id)
    done, form = action_take(request, service=services.CLAIM_ACTION_SERVICES[action], form_class=CLAIM_FORMS[action],
                             subject=claim, id_kwarg="claim_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("participation-task", task_id=claim.task_id)


# --- service projects (三社联动): the community's and the street's side ---

def _project_actions(project, actor):
    return [(name, PROJECT_ACTION_LABELS[name], action_form(PROJECT_FORMS[name], project, prefix=name))
            for name in PROJECTS.allowed_actions(project, actor)]


def _project_page(request, project, *, template, actor, **context):
    """A project with its applications, milestones and timeline, and what `actor` may do on it now."""
    events = list(project.events.select_related("actor", "participant"))
    for event in events:  # the system's moves are named in the code; people read "System"
        event.label = PROJECT_ACTION_LABELS.get(event.action, event.action)
        event.by = event.actor or (event.participant.name if event.participant else _("System"))
    return render(request, template, {
        "project": project, "applications": project.applications.select_related("organisation"),
        "milestones": project.milestones.all(), "events": events,
        "actions": _project_actions(project, actor), **context,
    })


@login_required
def project_list(request):
    """The service projects of the communities in scope."""
    return render(request, "participation/projects.html", {"projects": projects_visible(user=request.user)[:300]})


@login_required
def project_post(request):
    """Post a service project for the street's social organisations to apply to."""
    form = ProjectForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_post(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Project “%(project)s” posted.") % {"project": project})
            return redirect("participation-project", project_id=project.pk)
    return render(request, "participation/project_post.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def project_detail(request, project_id):
    project = found_or_404(project_get, user=request.user, project_id=project_id)
    return _project_page(request, project, template="participation/project_detail.html", actor=request.user)


@login_required
@require_POST
def project_act(request, project_id, action):
    """Approve an application, plan or record a milestone, evaluate or cancel, from the project's page."""
    if action not in services.PROJECT_ACTION_SERVICES:
        raise Http404
    project = found_or_404(project_get, user=request.user, project_id=project_id)
    done, form = action_take(request, service=services.PROJECT_ACTION_SERVICES[action],
                             form_class=PROJECT_FORMS[action], subject=project, id_kwarg="project_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("participation-project", project_id=project.pk)


# --- service projects: the social organisation's side (signed in on its phone) ---

ORGANISATION_SERVICES = {"apply": services.project_apply, "milestone_done": services.milestone_done}


def _organisation_project(request, project_id):
    """Return the project and the signed-in registration that acts on it as an organisation (404 if none)."""
    registrations = identity.signed_in_registrations(request)
    project = found_or_404(project_of_organisations, participants=registrations, project_id=project_id)
    applied = registrations.filter(project_applications__project=project).first()
    organisation = applied or registrations.filter(kind=Participant.Kind.SOCIAL_ORGANISATION,
                                                   community__parent=project.community.parent_id).first()
    if organisation is None:
        raise Http404
    return project, organisation


def organisation_project(request, project_id):
    """A project as a social organisation sees it: the need, its application, the milestones to record."""
    project, organisation = _organisation_project(request, project_id)
    return _project_page(request, project, template="participation/organisation_project.html", actor=organisation,
                         own=project.applications.filter(organisation=organisation).first())


@require_POST
def organisation_project_act(request, project_id, action):
    """Apply, or record a milestone done, as the organisation; then back to the project's page."""
    if action not in ORGANISATION_SERVICES:
        raise Http404
    project, organisation = _organisation_project(request, project_id)
    form = action_form(PROJECT_FORMS[action], project, request.POST, prefix=action)
    if not form.is_valid():
        form_errors_flash(request, form)
        return redirect("participation-organisation-project", project_id=project.pk)
    try:
        moved = ORGANISATION_SERVICES[action](project_id=project.pk, actor=organisation, **form.cleaned_data)
    except (DomainInputError, DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message(moved))
    return redirect("participation-organisation-project", project_id=project.pk)
