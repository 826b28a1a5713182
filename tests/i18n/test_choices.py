"""Every choice of the project shows a Chinese label in the zh-hans pages."""

import importlib
import re

from django.apps import apps
from django.db import models
from django.utils import translation

PROJECT_APPS = ("accounts", "audit", "dashboards", "govportal", "grids", "hotline", "incidents", "mediation")
MODULES = ("models", "services", "tokens", "forms")  # where the project declares its choices
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def project_choices():
    """Return every TextChoices/IntegerChoices class declared in the project's apps."""
    for app in PROJECT_APPS:
        for module in MODULES:
            try:
                importlib.import_module(f"{apps.get_app_config(app).name}.{module}")
            except ModuleNotFoundError:
                pass
    found, pending = [], [models.TextChoices, models.IntegerChoices]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.split(".")[0] in PROJECT_APPS:
                found.append(subclass)
    return found


def test_the_project_declares_choices():
    assert len(project_choices()) > 20


def test_every_choice_label_is_translated():
    with translation.override("zh-hans"):
        untranslated = [f"{choices.__module__}.{choices.__qualname__}.{member.name}: {member.label}"
                        for choices in project_choices() for member in choices
                        if not CHINESE.search(str(member.label))]
    assert untranslated == []
