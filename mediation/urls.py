from django.urls import path

from . import views

urlpatterns = [
    path("mediation/", views.case_list, name="mediation-cases"),
    path("mediation/new/", views.case_register, name="mediation-case-new"),
    path("mediation/<int:case_id>/", views.case_detail, name="mediation-case-detail"),
    path("mediation/<int:case_id>/act/<slug:action>/", views.case_act, name="mediation-case-act"),
    path("mediation/<int:case_id>/agreement.pdf", views.agreement_pdf, name="mediation-case-agreement"),
    path("mediation/parties/<int:party_id>/reveal/", views.party_reveal, name="mediation-reveal"),
    path("mediation/referrals/", views.referrals, name="mediation-referrals"),
    path("mediation/referrals/<int:ticket_id>/", views.refer, name="mediation-refer"),
    path("mediation/statistics/", views.statistics, name="mediation-statistics"),
    path("mediation/statistics/monthly.xlsx", views.monthly_report, name="mediation-monthly-xlsx"),
]
