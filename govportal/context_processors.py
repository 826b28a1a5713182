from django.conf import settings


def web_app(request):
    """What offline.js needs to send report drafts in the background: the CSRF cookie's name."""
    return {"CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME}
