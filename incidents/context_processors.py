from .selectors import notices_unread_count


def unread_notices(request):
    """The menu's count of unread notifications addressed to the user, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": lambda: notices_unread_count(user)}
