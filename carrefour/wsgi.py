"""WSGI entry point (granian carrefour.wsgi:application, see `carrefour serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.settings")
application = get_wsgi_application()
