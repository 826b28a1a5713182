"""The ticket trigger functions run without JIT (dashboards.rules.NO_JIT).

Their statement is costed above `jit_above_cost` once a few thousand rows change in one
statement, and JIT then compiles its expressions at every call: measured on the escalation bench
(1 M tickets, a 5,000-row batch of the sweep, rolled back), the UPDATE trigger took 0.89 / 1.43 s
with JIT and 0.15 / 0.28 s without. The counting rules do not change: only the functions'
`SET jit` attribute, which is what pg_get_functiondef prints and tests/dashboards/test_rules.py
compares.
"""

from django.db import migrations

FUNCTIONS = ("dashboards_ticket_insert()", "dashboards_ticket_update()", "dashboards_ticket_delete()")


class Migration(migrations.Migration):

    dependencies = [("dashboards", "0008_province_prefixes")]

    operations = [
        migrations.RunSQL(
            [f"ALTER FUNCTION public.{function} SET jit = off" for function in FUNCTIONS],
            [f"ALTER FUNCTION public.{function} RESET jit" for function in FUNCTIONS],
        ),
    ]
