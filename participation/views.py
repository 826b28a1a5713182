"""Pages of participation: a resident registers and signs in on their phone; community staff confirm,
enter participants and form teams. Every change goes through participation.services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govportal.clientip import client_ip
from govportal.errors import DomainInputError
from govportal.masking import mask_phone
from govportal.pages import action_take, form_errors_flash, found_or_404
from incidents import verification
from incidents.forms import PhoneCodeForm

from . import identity, services
from .forms import ACTION_FORMS, EnterForm, RegisterForm, SignInForm, TeamForm
from .selectors import participant_get, participant_list as participants_visible, team_list as teams_visible
from .workflow import ACTION_LABELS, PARTICIPANTS

SEND_CODE = "send_code"  # the name of the "send code" button beside the phone


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
    """A resident's own page: sign in with the phone, then see one's registrations and their state."""
    registrations = identity.signed_in_registrations(request)
    if registrations:
        return render(request, "participation/mine.html", {"registrations": registrations})

    def take(data, key):
        identity.participant_sign_in(request, phone=data["phone"], code=data["code"], key=key)
        return redirect("participation-mine")

    return _phone_form_page(request, SignInForm, "participation/sign_in.html", take)


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
