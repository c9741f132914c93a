"""Django app configuration."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts, roles and organisations."""

    name = "carrefour.accounts"
    label = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        """Connect the signal receivers (a profile for every new user)."""
        from carrefour.accounts import signals  # noqa: F401
