from .selectors import overdue_warning_count


def overdue_visits(request):
    """The menu's count of the user's overdue visits they were warned of, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"overdue_visits": lambda: overdue_warning_count(user=user)}
