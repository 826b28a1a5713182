"""The admin edits a programme's reminder days; milestones and their events are read-only there."""

from supervision.models import Programme


def test_the_admin_sets_a_programmes_reminders_and_only_reads_milestones(admin_client, milestone, programme):
    answer = admin_client.post(f"/admin/supervision/programme/{programme.pk}/change/", {
        "name": programme.name, "year": programme.year, "office": programme.office_id,
        "reminder_working_days": "10,3,1"})
    assert answer.status_code == 302
    assert Programme.objects.get().reminder_working_days == [10, 3, 1]
    for model in ("task", "milestone", "supervisionorder"):
        assert admin_client.get(f"/admin/supervision/{model}/").status_code == 200
    shown = admin_client.get(f"/admin/supervision/milestone/{milestone.pk}/change/")
    assert shown.status_code == 200 and b'name="status"' not in shown.content
