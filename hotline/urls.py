from django.urls import path, re_path

from . import api, open311, views

urlpatterns = [
    path("hotline/", views.intake, name="hotline-intake"),
    path("hotline/calls/", views.call_list, name="hotline-calls"),
    path("hotline/calls/<int:call_id>/", views.call_detail, name="hotline-call"),
    path("hotline/tickets/", views.follow_up, name="hotline-follow-up"),
    path("hotline/tickets/<int:ticket_id>/", views.ticket_panel, name="hotline-ticket"),
    path("hotline/tickets/<int:ticket_id>/citizen-phone/", views.ticket_citizen_reveal,
         name="hotline-ticket-citizen-phone"),
    path("hotline/tickets/<int:ticket_id>/<slug:action>/", views.ticket_act, name="hotline-ticket-act"),
    path("hotline/supervision-notices/<int:notice_id>.pdf", views.supervision_notice_pdf,
         name="hotline-supervision-notice"),
    path("hotline/register/", views.register, name="hotline-register"),
    path("hotline/rates/", views.rates, name="hotline-rates"),
]

api_patterns = [
    path("hotline/hints/", api.HintsApi.as_view(), name="hotline-hints"),
    path("hotline/addresses/", api.AddressSearchApi.as_view(), name="hotline-addresses"),
    path("hotline/calls/", api.CallCreateApi.as_view(), name="hotline-call-create"),
    path("hotline/calls/<int:call_id>/reveal/", api.CallRevealApi.as_view(), name="hotline-call-reveal"),
    *api.action_patterns(),
    path("hotline/rates/areas/<area:code>/", api.AreaRatesApi.as_view(), name="hotline-area-rates"),
    path("hotline/rates/units/", api.UnitRankingApi.as_view(), name="hotline-unit-ranking"),
]

# Open311 GeoReport v2: every resource in .json and .xml; the discovery document at the root too.
FMT = r"\.(?P<fmt>json|xml)$"
open311_patterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    path("v2/", open311.discovery, {"fmt": "json"}, name="root"),
    re_path(r"^v2/discovery" + FMT, open311.discovery, name="v2-discovery"),
    re_path(r"^v2/services" + FMT, open311.service_list, name="services"),
    re_path(r"^v2/services/(?P<service_code>[\w-]+)" + FMT, open311.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, open311.request_list, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[\w-]+)" + FMT, open311.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[\w-]+)" + FMT, open311.token_detail, name="token"),
]
