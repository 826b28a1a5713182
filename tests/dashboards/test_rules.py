"""The counting rules in the database are the ones dashboards.rules states: a rule changed without a
migration installing it fails here."""

import pytest
from django.db import connection

from dashboards import rules

CHANGED_WITHOUT_MIGRATION = ("{name} in the database differs from dashboards.rules: add a migration that installs "
                             "rules.install_sql() as it is now, frozen as text (as dashboards/migrations/0006 does)")


def installed_definition(name):
    """Return the definition of the function `name` in the public schema, as PostgreSQL prints it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef(p.oid) FROM pg_proc p"
                       " WHERE p.proname = %s AND p.pronamespace = 'public'::regnamespace", [name])
        (definition,), = cursor.fetchall()
    return definition


def words(sql):
    return " ".join(sql.split())


@pytest.mark.django_db
@pytest.mark.parametrize("function", rules.FUNCTIONS, ids=lambda function: function.name)
def test_the_installed_function_is_the_generated_one(function):
    """The body first (PostgreSQL keeps it as written), then the whole definition (language, volatility);
    both word by word, whatever the line breaks."""
    installed = installed_definition(function.name)
    body = installed.split("AS $function$", 1)[1]
    assert words(body.removesuffix("\n").removesuffix("$function$")) == words(function.body), \
        CHANGED_WITHOUT_MIGRATION.format(name=function.name)
    assert words(installed) == words(function.create_sql()), CHANGED_WITHOUT_MIGRATION.format(name=function.name)

