"""Reference territories: régions, départements, EPCI, communes and their subdivisions."""

from __future__ import annotations

from django.db import models


class Region(models.Model):
    """A région (or a collectivité d'outre-mer, which the source files list as its own région)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=120)
    search_name = models.CharField(max_length=120, db_index=True)
    chef_lieu_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    """A département (2A/2B for Corsica, 971-976 overseas)."""

    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(max_length=120)
    search_name = models.CharField(max_length=120, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    chef_lieu_code = models.CharField(max_length=5, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    """An établissement public de coopération intercommunale, keyed by its SIREN."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, help_text="CC, CA, CU, METRO, MET69")
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "EPCI"

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    """A current commune with its reference point (GeoNames, or approximated when missing)."""

    code = models.CharField(max_length=5, primary_key=True, help_text="Code INSEE (COG)")
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True)
    postal_codes = models.JSONField(default=list)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinates_approximated = models.BooleanField(
        default=False, help_text="No GeoNames point: centroid of neighbours (see docs/territories.md)."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneDivision(models.Model):
    """A name that designates part of a current commune: arrondissement municipal, former commune."""

    class Kind(models.TextChoices):
        ARRONDISSEMENT = "arrondissement-municipal", "Arrondissement municipal"
        DELEGUEE = "commune-deleguee", "Commune déléguée"
        ASSOCIEE = "commune-associee", "Commune associée"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    code = models.CharField(max_length=5, help_text="Code INSEE of the division itself")
    name = models.CharField(max_length=200)
    search_name = models.CharField(max_length=200, db_index=True)
    postal_codes = models.JSONField(default=list)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="divisions")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="territories_division_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SourceVersion(models.Model):
    """Fingerprint of the source files of the last successful load, to skip unchanged reloads."""

    name = models.CharField(max_length=50, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.fingerprint[:12]}"


class GeocodeCache(models.Model):
    """Answer of the national address API for one address query, kept so that it is asked only once."""

    key = models.CharField(
        max_length=64, unique=True, help_text="SHA-256 of the query (address|postcode|citycode)."
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    citycode = models.CharField(max_length=5, blank=True)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} → {self.citycode or '∅'}"
