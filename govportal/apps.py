from django.apps import AppConfig


class GovportalConfig(AppConfig):
    name = "govportal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system check)
