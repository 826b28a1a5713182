"""Who a participant is on their phone: no staff account, a session that holds the keyed hash of the
phone they proved with an SMS code. Only the hash is kept (session rows are personal data too)."""

from govportal.crypto import blind_index
from incidents import verification

from .models import Participant

SESSION_KEY = "participation_phone"


def participant_sign_in(request, *, phone, code, key):
    """Prove `phone` with its SMS `code` (form `key`) and remember it in the session; DomainInputError if wrong."""
    verification.phone_code_use(phone=phone, code=code, report=key)
    phone_signed_in(request, phone)


def phone_signed_in(request, phone):
    """Remember in the session that the visitor holds `phone` (after its code was accepted)."""
    request.session.cycle_key()  # a new session id once someone is known (session fixation)
    request.session[SESSION_KEY] = blind_index(phone)


def signed_in_phone_hash(request):
    """Return the keyed hash of the visitor's proved phone, or "" if they have not signed in."""
    return request.session.get(SESSION_KEY, "")


def signed_in_registrations(request):
    """Return the registrations of the visitor's proved phone (none if they have not signed in)."""
    phone_hash = signed_in_phone_hash(request)
    if not phone_hash:
        return Participant.objects.none()
    return Participant.objects.filter(phone_hash=phone_hash).select_related("community")
