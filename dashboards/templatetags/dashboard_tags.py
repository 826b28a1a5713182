from django import template

register = template.Library()


@register.filter
def percent(value):
    """Show a rate (0–1) as a percentage with one decimal; "—" when there is none."""
    return "—" if value is None or value == "" else f"{100 * value:.1f}%"


@register.filter
def cell(row, column):
    """Return `row[column.key]` formatted as the column says (a rate as a percentage)."""
    value = row.get(column.key)
    return percent(value) if column.is_rate else ("—" if value is None else value)
