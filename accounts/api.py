"""REST API of log-in: API tokens (accounts.tokens), issued under the log-in page's failure limits."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .logins import login_refusal
from .tokens import Revocation, TokenAuthentication, revocation, token_create

INVALID_CREDENTIALS = _("Unable to log in with the username and password given.")


class LoginRefused(exceptions.APIException):
    status_code = 429
    default_code = "locked"


class TokenCreateApi(APIView):
    """Log in: return a new API token and when it expires; send it as `Authorization: Token …`.

    Failed attempts count like the log-in page's: too many for a username from one address, or
    from one address over all usernames, and further attempts answer 429 until the lock ends.
    Administrators get no token (403): their work is in the admin site, behind their second factor.
    """

    authentication_classes = []
    permission_classes = [AllowAny]

    class TokenInputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    class TokenOutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField()

    @extend_schema(request=TokenInputSerializer,
                   responses={200: TokenOutputSerializer, 400: None, 403: None, 429: None})
    def post(self, request):
        data = self.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        # The Django request: axes reads the client's address from it and marks it when locked.
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        if user is None:
            refusal = login_refusal(request._request, username)
            if refusal:
                raise LoginRefused(refusal)
            raise exceptions.ValidationError({"non_field_errors": [INVALID_CREDENTIALS]})
        token, key = token_create(user=user, request=request._request)
        return Response(self.TokenOutputSerializer({"token": key, "expiry": token.expiry}).data)


class TokenLogoutApi(knox_views.LogoutView):
    """Revoke the API token this request is authenticated with."""

    authentication_classes = [TokenAuthentication]  # ours, not knox's own

    @extend_schema(request=None, responses={204: None, 401: None})
    def post(self, request, format=None):
        with revocation(Revocation.LOGOUT):
            return super().post(request, format)


class TokenLogoutAllApi(knox_views.LogoutAllView):
    """Revoke every API token of the caller's account (all devices)."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None, 401: None})
    def post(self, request, format=None):
        with revocation(Revocation.LOGOUT_ALL):
            return super().post(request, format)


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of accounts.tokens.TokenAuthentication: knox's, which names knox's class only."""

    target_class = "accounts.tokens.TokenAuthentication"
