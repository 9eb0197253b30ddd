from django.contrib.auth import views as auth_views
from django.urls import path

from laoyuan.core import notification_views, token_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/tokens/", token_views.tokens, name="tokens"),
    path("account/tokens/revoke/", token_views.token_revoke, name="token_revoke"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notifications_read_all,
        name="notifications_read_all",
    ),
]
