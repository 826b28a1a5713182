"""API routes of mediation, included under /api/v1/mediation/ (namespace "api")."""

from django.urls import path

from . import api

urlpatterns = [
    path("cases/", api.CaseListCreateApi.as_view(), name="mediation-case-list"),
    path("cases/<int:case_id>/", api.CaseDetailApi.as_view(), name="mediation-case-detail"),
    path("cases/<int:case_id>/timeline/", api.CaseTimelineApi.as_view(), name="mediation-case-timeline"),
    path("cases/<int:case_id>/agreement.pdf", api.AgreementPdfApi.as_view(), name="mediation-agreement-pdf"),
    *api.action_patterns(),
    path("parties/<int:party_id>/reveal/", api.PartyRevealApi.as_view(), name="mediation-party-reveal"),
    path("referrals/", api.ReferralApi.as_view(), name="mediation-referral"),
    path("mediators/", api.MediatorListApi.as_view(), name="mediation-mediator-list"),
    path("statistics/", api.StatisticsApi.as_view(), name="mediation-statistics"),
    path("reports/monthly/", api.MonthlyReportApi.as_view(), name="mediation-monthly-report"),
]
