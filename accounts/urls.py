from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .forms import LockoutAuthenticationForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(
        authentication_form=LockoutAuthenticationForm, redirect_authenticated_user=True
    ), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("otp/verify/", views.otp_verify, name="otp-verify"),
    path("otp/enrol/", views.otp_enrol, name="otp-enrol"),
]
