"""Static files: hashed names and pre-compressed copies after collectstatic, plain names before it."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage (far-future cache headers) that falls back to the plain name."""

    manifest_strict = False
    # django-dsfr's templates pin its CSS with Subresource Integrity hashes: rewriting the url() inside
    # the CSS files (Django's default) changes their bytes and the browser then refuses the styles.
    patterns = ()

    def stored_name(self, name: str) -> str:
        """The hashed name when collected, else the name itself (tests and development use the finders)."""
        try:
            return super().stored_name(name)
        except ValueError:
            return name
