"""Default risk grades of rental houses (以房管人), loaded by a migration and edited by admins afterwards."""

# (code, name, inspection interval in days): A 放心 (trusted), B 关注 (watched), C 严管 (strictly managed).
RISK_GRADES = [("A", "放心", 90), ("B", "关注", 30), ("C", "严管", 7)]


def risk_grades_load(risk_grade_model):
    """Create the default grades that are missing (an admin's changes to existing ones are kept)."""
    for code, name, days in RISK_GRADES:
        risk_grade_model.objects.get_or_create(code=code, defaults={"name": name, "inspection_interval_days": days})
