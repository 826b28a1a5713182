"""What the apps' pages share: a single object or 404, an action form, and taking an action from a POST."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from .errors import DomainConflict, DomainInputError


def found_or_404(get, **kwargs):
    """Return `get(**kwargs)` (a selector's single object); a page of 404 if there is none."""
    try:
        return get(**kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None


class ActionForm(forms.Form):
    """The input of one workflow action on a page; `subject` is the object acted on (a form may
    offer choices that depend on it, like the departments of its district)."""

    def __init__(self, *args, subject=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject = subject


def action_form(form_class, subject, data=None, files=None, *, prefix=None):
    """Return the form of an action on `subject` (bound when `data` is given), or None for a plain button."""
    if form_class is None:
        return None
    return form_class(data, files, subject=subject, prefix=prefix)


def action_take(request, *, service, form_class, subject, id_kwarg, prefix=None):
    """Take an action on `subject` from a page's POST, as the request's user; return (done, form).

    The form (None for a plain button) comes back bound, carrying the service's input error on its
    field when there was one, for the page to show again; a state conflict or a refusal is flashed,
    and so is success.
    """
    form = action_form(form_class, subject, request.POST, request.FILES, prefix=prefix)
    if form is not None and not form.is_valid():
        return False, form
    try:
        moved = service(**{id_kwarg: subject.pk}, actor=request.user,
                        **(form.cleaned_data if form is not None else {}))
    except DomainInputError as error:
        if form is not None:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.error(request, str(error))
        return False, form
    except (DomainConflict, PermissionDenied) as error:
        messages.error(request, str(error))
        return False, form
    messages.success(request, done_message(moved if moved is not None else subject))
    return True, form


def done_message(subject):
    """The confirmation of a move: which object, where it stands now and, if it has one, who holds it."""
    status = subject.get_status_display() if hasattr(subject, "get_status_display") else ""
    holder = getattr(subject, "handling_unit", None)
    if holder is not None:
        return _("%(subject)s: %(status)s, now with %(unit)s.") % {"subject": subject, "status": status,
                                                                   "unit": holder}
    return _("%(subject)s: %(status)s.") % {"subject": subject, "status": status}


def form_errors_flash(request, form):
    """Flash every error of `form` (for pages that go back instead of showing the form again)."""
    if form is None:
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
