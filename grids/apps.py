from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("Areas and grids")

    def ready(self):
        from .converters import AreaCodeConverter

        register_converter(AreaCodeConverter, "area")
