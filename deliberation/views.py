"""Pages of deliberation. Residents, on their phone and without a staff account: a community's public
page (decisions in their 公示 days, topics taking support), raising a topic, supporting one, a topic's
page. Community staff: the topics per community and quarter, a topic's steps, meetings and attendance.
Every change goes through deliberation.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govportal.errors import DomainConflict, DomainInputError
from govportal.pages import action_form, action_take, form_errors_flash, found_or_404
from grids.models import Area
from participation import identity
from participation.selectors import participant_list

from . import services
from .forms import (
    ACTION_FORMS, AttendanceForm, MeetingForm, MinutesForm, StaffTopicForm, TopicFilterForm, TopicForm,
)
from .models import Topic
from .selectors import (
    communities_for, decisions_public, deliberation_figures, meeting_get, meeting_list, quarter_label, quarter_of,
    topic_get, topic_list, topic_public_get, topics_open_for_support, topics_raised_with, work_order_progress,
)
from .workflow import ACTION_LABELS, TOPICS


def _community_or_404(code):
    return found_or_404(lambda: Area.objects.get(code=code, level=Area.Level.COMMUNITY))


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, str(error))


# --- residents ---

def community_page(request, code):
    """A community's public page (公示): its decisions within their public days, and this quarter's topics."""
    community = _community_or_404(code)
    return render(request, "deliberation/community.html", {
        "community": community, "decisions": decisions_public(community=community),
        "topics": topics_open_for_support(community=community),
        "signed_in": bool(identity.signed_in_phone_hash(request)),
    })


def topic_raise(request, code):
    """A resident raises a topic of the community on their phone (signed in with an SMS code first)."""
    community = _community_or_404(code)
    phone_hash = identity.signed_in_phone_hash(request)
    if not phone_hash:
        return redirect(f"{reverse('participation-mine')}?{urlencode({'next': request.path})}")
    form = TopicForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_raise(community=community, phone_hash=phone_hash, **form.cleaned_data)
        except DomainInputError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your topic is raised; neighbours may support it now."))
            return redirect("deliberation-topic-public", topic_id=topic.pk)
    return render(request, "deliberation/raise.html", {
        "community": community, "form": form,
        "mine": topics_raised_with(phone_hash=phone_hash).filter(community=community)[:20],
    }, status=400 if form.errors else 200)


def topic_page(request, topic_id):
    """A topic as residents see it: its support, the meeting's vote and decision, and its work orders' progress."""
    topic = found_or_404(topic_public_get, topic_id=topic_id)
    work_orders, all_done = work_order_progress(topic)
    return render(request, "deliberation/topic.html", {
        "topic": topic, "photos": topic.photos.all(), "work_orders": work_orders, "all_done": all_done,
        "may_support": topic.status in (Topic.Status.RAISED, Topic.Status.SELECTED),
        "signed_in": bool(identity.signed_in_phone_hash(request)),
    })


@require_POST
def topic_support(request, topic_id):
    """One resident, one support: the signed-in phone supports the topic."""
    phone_hash = identity.signed_in_phone_hash(request)
    if not phone_hash:
        target = reverse("deliberation-topic-public", args=[topic_id])
        return redirect(f"{reverse('participation-mine')}?{urlencode({'next': target})}")
    try:
        services.topic_support(topic_id=found_or_404(topic_public_get, topic_id=topic_id).pk, phone_hash=phone_hash)
    except DomainConflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Thank you: your support is counted."))
    return redirect("deliberation-topic-public", topic_id=topic_id)


def topic_photo(request, topic_id, photo_id, thumbnail=False):
    """A photo sent with a topic: as public as the topic's page."""
    photo = found_or_404(lambda: Topic.objects.get(pk=topic_id).photos.get(pk=photo_id))
    return FileResponse((photo.thumbnail if thumbnail else photo.image).open("rb"), content_type="image/jpeg")


# --- community staff ---

@login_required
def topic_list_page(request):
    """The topics of the communities in scope, one community and quarter at a time, with the quarter's figures."""
    form = TopicFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    quarter = data.get("quarter") or quarter_of(timezone.localdate())
    community = data.get("community")
    figures = [deliberation_figures(area=area, period=quarter)
               for area in ([community] if community else communities_for(user=request.user)[:50])]
    return render(request, "deliberation/topics.html", {
        "form": form, "quarter": quarter_label(quarter), "figures": figures,
        "topics": topic_list(user=request.user, community=community, quarter=quarter)[:300],
    }, status=200 if valid else 400)


@login_required
def topic_new(request):
    """Community staff enter a topic themselves."""
    form = StaffTopicForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_enter(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            _form_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Topic “%(topic)s” raised.") % {"topic": topic})
            return redirect("deliberation-topic", topic_id=topic.pk)
    return render(request, "deliberation/topic_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def topic_detail(request, topic_id):
    """A topic with its course (events), its work orders, and the steps the user may take now."""
    topic = found_or_404(topic_get, user=request.user, topic_id=topic_id)
    work_orders, all_done = work_order_progress(topic)
    events = list(topic.events.select_related("actor"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return render(request, "deliberation/topic_detail.html", {
        "topic": topic, "photos": topic.photos.all(), "work_orders": work_orders, "all_done": all_done,
        "events": events,
        "actions": [(name, ACTION_LABELS[name], action_form(ACTION_FORMS[name], topic, prefix=name))
                    for name in TOPICS.allowed_actions(topic, request.user)],
    })


@login_required
@require_POST
def topic_act(request, topic_id, action):
    """Take one step of a topic from its page, then go back there."""
    if action not in services.ACTION_SERVICES:
        raise Http404
    topic = found_or_404(topic_get, user=request.user, topic_id=topic_id)
    done, form = action_take(request, service=services.ACTION_SERVICES[action], form_class=ACTION_FORMS[action],
                             subject=topic, id_kwarg="topic_id", prefix=action)
    if not done:
        form_errors_flash(request, form)
    return redirect("deliberation-topic", topic_id=topic.pk)


@login_required
def meeting_list_page(request):
    """The meetings of the communities in scope, and a form to call one."""
    form = MeetingForm(request.POST or None, user=request.user, participants=participant_list(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_call(actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            _form_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Meeting “%(meeting)s” called.") % {"meeting": meeting})
            return redirect("deliberation-meeting", meeting_id=meeting.pk)
    return render(request, "deliberation/meetings.html", {
        "form": form, "meetings": meeting_list(user=request.user)[:200],
    }, status=400 if form.errors else 200)


@login_required
def meeting_detail(request, meeting_id):
    """A meeting: its agenda, the invited, who attended (recorded here, points credited), and its minutes."""
    meeting = found_or_404(meeting_get, user=request.user, meeting_id=meeting_id)
    steps = {"attendance": (lambda data=None: AttendanceForm(data, meeting=meeting), services.attendance_record),
             "minutes": (lambda data=None: MinutesForm(data, initial={"minutes": meeting.minutes}),
                         services.meeting_minutes_record)}
    forms = {step: make() for step, (make, _service) in steps.items()}
    step = request.POST.get("step")
    if request.method == "POST" and step in steps:
        make, service = steps[step]
        form = forms[step] = make(request.POST)
        if form.is_valid():
            try:
                service(meeting_id=meeting.pk, actor=request.user, **form.cleaned_data)
            except DomainInputError as error:
                _form_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved."))
                return redirect("deliberation-meeting", meeting_id=meeting.pk)
    return render(request, "deliberation/meeting_detail.html", {
        "meeting": meeting, "attendance_form": forms["attendance"], "minutes_form": forms["minutes"],
        "attendances": meeting.attendances.select_related("participant", "point_entry"),
        "agenda": meeting.agenda.all(), "units": meeting.invited_units.all(),
        "invited": meeting.invited_participants.all(),
    }, status=400 if any(form.errors for form in forms.values()) else 200)
