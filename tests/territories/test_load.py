"""The `carrefour territories load` command: content of the reference and idempotence."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from carrefour.territories.models import Commune, CommuneDivision, Departement, Epci, Region, SourceVersion
from carrefour.territories.services import LoadReport

pytestmark = pytest.mark.django_db


def test_load_counts(territories_loaded: LoadReport) -> None:
    assert not territories_loaded.up_to_date
    assert Region.objects.count() == 26
    assert Departement.objects.count() == 109
    assert Epci.objects.count() > 1200
    assert Commune.objects.count() > 34_000
    # Every commune but the uninhabited TAAF districts and Clipperton has a point.
    assert Commune.objects.filter(latitude__isnull=True).count() < 10
    assert territories_loaded.approximations["postal_code"] > 0


def test_load_commune_fields(territories_loaded: LoadReport) -> None:
    paris = Commune.objects.get(code="75056")
    assert paris.name == "Paris"
    assert paris.search_name == "paris"
    assert "75011" in paris.postal_codes
    assert paris.departement_id == "75"
    assert paris.region_id == "11"
    assert paris.epci_id == "200054781"
    assert paris.population and paris.population > 2_000_000
    assert paris.latitude == pytest.approx(48.853, abs=0.01)
    assert not paris.coordinates_approximated
    ajaccio = Commune.objects.get(code="2A004")
    assert ajaccio.departement_id == "2A"
    # Mayotte: GeoNames gives its code INSEE in admin1, not admin4.
    assert not Commune.objects.get(code="97611").coordinates_approximated


def test_load_approximated_points_are_flagged(territories_loaded: LoadReport) -> None:
    approximated = Commune.objects.filter(coordinates_approximated=True)
    assert approximated.count() == sum(territories_loaded.approximations.values())
    assert not approximated.filter(latitude__isnull=True).exists()


def test_load_arrondissements_municipaux(territories_loaded: LoadReport) -> None:
    arrondissements = CommuneDivision.objects.filter(kind=CommuneDivision.Kind.ARRONDISSEMENT)
    assert arrondissements.count() == 45
    assert set(arrondissements.values_list("commune_id", flat=True)) == {"75056", "69123", "13055"}
    paris_11 = arrondissements.get(code="75111")
    assert paris_11.postal_codes == ["75011"]


def test_load_second_run_is_up_to_date(territories_loaded: LoadReport) -> None:
    before = list(Commune.objects.order_by("code").values_list("code", "latitude", "longitude", "epci_id"))
    version = SourceVersion.objects.get()
    out = StringIO()
    call_command("territories", "load", stdout=out)
    assert "already up to date" in out.getvalue()
    assert SourceVersion.objects.get().loaded_at == version.loaded_at
    after = list(Commune.objects.order_by("code").values_list("code", "latitude", "longitude", "epci_id"))
    assert after == before


def test_load_forced_reload_updates_in_place(territories_loaded: LoadReport) -> None:
    count = Commune.objects.count()
    Commune.objects.filter(code="75056").update(name="Lutèce", latitude=0.0)
    out = StringIO()
    call_command("territories", "load", "--force", stdout=out)
    assert "Territories loaded" in out.getvalue()
    assert "removed: 0" in out.getvalue()
    assert Commune.objects.count() == count
    paris = Commune.objects.get(code="75056")
    assert (paris.name, round(paris.latitude or 0)) == ("Paris", 49)
