"""Account pages under /compte/: ours first, then allauth's (sign-up, login, codes, reset, e-mail)."""

from django.urls import include, path

from carrefour.accounts import views

urlpatterns = [
    path("", views.account_home, name="account-home"),
    path("mes-donnees", views.account_data, name="account-data"),
    path("mes-donnees.json", views.account_data_json, name="account-data-json"),
    path("supprimer", views.account_delete, name="account-delete"),
    path("", include("allauth.urls")),
]
