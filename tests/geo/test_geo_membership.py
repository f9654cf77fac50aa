"""Reference tables: provincie per gemeente, regio memberships, regio lists."""

from __future__ import annotations

import openpyxl
import pytest
from shapely.geometry import box

from etl import region_lists
from geo import membership
from geo.errors import GeoError
from tests.support.geo import GEMEENTEN, GGD_REGIOS, PROVINCIES, SIZE, X0, Y0, cell, gemeente_records, write_layer

MEMBERSHIP_COLUMNS = ["region_type", "region_code", "region_name", "gemeente_code", "source"]


# --- provincies and gemeenten ------------------------------------------------------------


def test_provincies_table(country):
    table = membership.provincies(2025)
    assert list(table.columns) == ["code", "name"]
    assert list(table.itertuples(index=False, name=None)) == [(code, name) for code, name, _ in PROVINCIES]


def test_gemeenten_get_provincie_of_their_column(country):
    table = membership.gemeenten(2025)
    assert list(table.columns) == ["code", "name", "provincie_code"]
    expected = {code: PROVINCIES[col][0] for code, _, col, _ in GEMEENTEN}
    assert dict(zip(table["code"], table["provincie_code"])) == expected
    assert dict(zip(table["code"], table["name"])) == {code: name for code, name, *_ in GEMEENTEN}


def test_gemeenten_gdf_keeps_shapes(country):
    gdf = membership.gemeenten_gdf(2025)
    assert list(gdf.columns) == ["code", "name", "provincie_code", "geometry"]
    assert gdf.crs.to_epsg() == 4326
    assert sum(g.area for g in gdf.geometry) == pytest.approx(4 * SIZE * SIZE)


def test_concave_gemeente_is_assigned_by_a_point_inside_it(tmp_path, monkeypatch):
    # A U-shaped gemeente whose centroid lies outside it, in the other provincie's gap.
    u_shape = box(X0, Y0, X0 + 0.3, Y0 + 0.1).union(box(X0, Y0, X0 + 0.1, Y0 + 0.3)).union(box(X0 + 0.2, Y0, X0 + 0.3, Y0 + 0.3))
    hole = box(X0 + 0.1, Y0 + 0.1, X0 + 0.2, Y0 + 0.3)
    write_layer(tmp_path, "gemeente_2025", [("GM0001", "Hoefijzer", u_shape), ("GM0002", "Binnenhof", hole)])
    write_layer(tmp_path, "provincie_2025", [("PV20", "Rand", u_shape), ("PV21", "Kern", hole)])
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    assert hole.contains(u_shape.centroid)
    table = membership.gemeenten(2025)
    assert dict(zip(table["code"], table["provincie_code"])) == {"GM0001": "PV20", "GM0002": "PV21"}


def test_gemeente_outside_every_provincie_is_an_error(tmp_path, monkeypatch):
    records = gemeente_records() + [("GM0005", "Buitenaf", cell(5, 0))]
    write_layer(tmp_path, "gemeente_2025", records)
    write_layer(tmp_path, "provincie_2025", PROVINCIES)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    with pytest.raises(GeoError) as caught:
        membership.gemeenten(2025)
    message = str(caught.value)
    assert "GM0005 Buitenaf ligt in geen enkele provincie" in message
    assert "GM0001" not in message


def test_gemeente_in_two_provincies_is_an_error(tmp_path, monkeypatch):
    overlapping = PROVINCIES + [("PV22", "Overlap", box(X0, Y0, X0 + 2 * SIZE, Y0 + SIZE))]
    write_layer(tmp_path, "gemeente_2025", gemeente_records())
    write_layer(tmp_path, "provincie_2025", overlapping)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    with pytest.raises(GeoError) as caught:
        membership.gemeenten(2025)
    message = str(caught.value)
    assert "GM0001 Aadorp ligt in 2 provincies (PV20, PV22)" in message
    assert "GM0002 Beekdal ligt in 2 provincies (PV21, PV22)" in message
    assert "GM0003" not in message


def test_older_provincie_file_is_used_when_year_has_none(tmp_path, monkeypatch):
    write_layer(tmp_path, "gemeente_2026", gemeente_records())
    write_layer(tmp_path, "provincie_2025", PROVINCIES)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    assert set(membership.gemeenten(2026)["provincie_code"]) == {code for code, *_ in PROVINCIES}


# --- regio's from boundary files ---------------------------------------------------------


def test_region_memberships_from_boundary_file(country):
    gdf = membership.gemeenten_gdf(2025)
    memberships, warnings = membership.boundary_region_memberships(gdf, 2025)
    assert warnings == []
    assert list(memberships.columns) == MEMBERSHIP_COLUMNS
    expected = {code: GGD_REGIOS[row][:2] for code, _, _, row in GEMEENTEN}
    got = {r.gemeente_code: (r.region_code, r.region_name) for r in memberships.itertuples()}
    assert got == expected
    assert set(memberships["region_type"]) == {"ggdregio"}
    assert set(memberships["source"]) == {"ggdregio_2025.geojson"}


def test_region_file_year_falls_back_to_newest_older(country):
    write_layer(country, "ggdregio_2027", [("GG9999", "Toekomst", box(X0, Y0, X0 + 1, Y0 + 1))])
    gdf = membership.gemeenten_gdf(2025)
    memberships, _ = membership.boundary_region_memberships(gdf, 2026)
    assert set(memberships["source"]) == {"ggdregio_2025.geojson"}
    memberships, _ = membership.boundary_region_memberships(gdf, 2027)
    assert set(memberships["region_code"]) == {"GG9999"}


def test_region_file_only_newer_than_year_is_still_used(country):
    (country / "ggdregio_2025.geojson").rename(country / "ggdregio_2030.geojson")
    memberships, _ = membership.boundary_region_memberships(membership.gemeenten_gdf(2025), 2025)
    assert set(memberships["source"]) == {"ggdregio_2030.geojson"}
    assert len(memberships) == len(GEMEENTEN)


def test_gemeente_outside_every_region_is_a_warning(country):
    write_layer(country, "jeugdregio_2025", [("JR01", "Alleen zuid", GGD_REGIOS[0][2])])
    memberships, warnings = membership.boundary_region_memberships(membership.gemeenten_gdf(2025), 2025)
    jeugd = memberships[memberships["region_type"] == "jeugdregio"]
    south = sorted(code for code, _, _, row in GEMEENTEN if row == 0)
    assert sorted(jeugd["gemeente_code"]) == south
    assert len(warnings) == 1
    assert "jeugdregio_2025.geojson: 2 gemeente(n) liggen in geen enkele jeugdregio" in warnings[0]
    assert "GM0003" in warnings[0] and "GM0004" in warnings[0]


def test_overlapping_regions_pick_largest_overlap_and_warn(country):
    # Both regio's contain the point of GM0001; the second covers only a sliver of it.
    big = box(X0, Y0, X0 + 0.2, Y0 + 0.2)
    sliver = box(X0 + 0.04, Y0 + 0.04, X0 + 0.06, Y0 + 0.06)
    write_layer(country, "veiligheidsregio_2025", [("VR01", "Groot", big), ("VR02", "Klein", sliver)])
    memberships, warnings = membership.boundary_region_memberships(membership.gemeenten_gdf(2025), 2025)
    veilig = memberships[memberships["region_type"] == "veiligheidsregio"]
    assert set(veilig["region_code"]) == {"VR01"}
    assert len(veilig) == len(GEMEENTEN)
    assert any("GM0001" in w and "VR01, VR02" in w for w in warnings)


def test_layer_finer_than_gemeenten_is_skipped(country):
    quarters = [(f"WK{i}", f"Wijk {i}", cell(i % 2, i // 2).buffer(-0.01)) for i in range(4)]
    quarters.append(("WK9", "Extra", box(X0 + 1, Y0 + 1, X0 + 1.1, Y0 + 1.1)))
    write_layer(country, "wijk_2025", quarters)
    memberships, warnings = membership.boundary_region_memberships(membership.gemeenten_gdf(2025), 2025)
    assert "wijk" not in set(memberships["region_type"])
    assert any("wijk_2025.geojson" in w for w in warnings)


def test_no_region_files_gives_empty_table_with_columns(tmp_path, monkeypatch):
    write_layer(tmp_path, "gemeente_2025", gemeente_records())
    write_layer(tmp_path, "provincie_2025", PROVINCIES)
    monkeypatch.setenv("ETVI_GEO_DIR", str(tmp_path))
    memberships, warnings = membership.boundary_region_memberships(membership.gemeenten_gdf(2025), 2025)
    assert list(memberships.columns) == MEMBERSHIP_COLUMNS
    assert len(memberships) == 0 and warnings == []


# --- regio lists -------------------------------------------------------------------------


def test_membership_files_finds_regio_lists_only(tmp_path):
    for name in ["regio_koploper.csv", "regio_woningmarkt.xlsx", "Regio_Opvang.CSV", "koploper.csv", "regio_x.txt"]:
        (tmp_path / name).write_text("x")
    (tmp_path / "regio_map.csv").mkdir()
    found = [p.name for p in membership.membership_files(tmp_path)]
    assert found == sorted(["regio_koploper.csv", "regio_woningmarkt.xlsx", "Regio_Opvang.CSV"])


def test_cp1252_semicolon_csv(tmp_path):
    path = tmp_path / "regio_opvang.csv"
    text = (
        "Gemeentecode;Regio type;RegioCode;Regio naam\r\n"
        "363;Opvangregio;OR01;Centrumgemeente Amsterdam\r\n"
        "0479;opvangregio;OR01;Centrumgemeente Amsterdam\r\n"
        "gm1900;opvangregio;OR02;Súdwest-Fryslân ‘t Gooi €\r\n"
    )
    path.write_bytes(text.encode("cp1252"))
    table = region_lists.read_membership_list(path)
    assert list(table.columns) == MEMBERSHIP_COLUMNS
    rows = set(table[["region_type", "region_code", "region_name", "gemeente_code"]].itertuples(index=False, name=None))
    assert rows == {
        ("opvangregio", "OR01", "Centrumgemeente Amsterdam", "GM0363"),
        ("opvangregio", "OR01", "Centrumgemeente Amsterdam", "GM0479"),
        ("opvangregio", "OR02", "Súdwest-Fryslân ‘t Gooi €", "GM1900"),
    }
    assert set(table["source"]) == {"regio_opvang.csv"}


def test_utf8_bom_comma_csv_without_regionaam(tmp_path):
    path = tmp_path / "regio_koploper.csv"
    path.write_text("gemeentecode,regiotype,regiocode\nGM0363,koploperregio,MRA\n", encoding="utf-8-sig")
    table = region_lists.read_membership_list(path)
    assert table.iloc[0].to_dict() == {
        "region_type": "koploperregio",
        "region_code": "MRA",
        "region_name": "MRA",
        "gemeente_code": "GM0363",
        "source": "regio_koploper.csv",
    }


def test_xlsx_with_numeric_codes(tmp_path):
    path = tmp_path / "regio_woningmarkt.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["GemeenteCode ", "RegioType", "RegioCode", "RegioNaam"])
    sheet.append([363, "woningmarktregio", "WM01", "Amsterdam"])
    sheet.append([None, None, None, None])
    sheet.append([14.0, "woningmarktregio", "WM02", "Groningen-Drenthe"])
    workbook.save(path)
    table = region_lists.read_membership_list(path)
    assert dict(zip(table["gemeente_code"], table["region_code"])) == {"GM0363": "WM01", "GM0014": "WM02"}


def test_xlsx_errors_use_sheet_row_numbers(tmp_path):
    path = tmp_path / "regio_woningmarkt.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["gemeentecode", "regiotype", "regiocode", "regionaam"])
    sheet.append(["GM0363", "woningmarktregio", "WM01", "Amsterdam"])
    sheet.append([None, None, None, None])
    sheet.append(["12345", "woningmarktregio", "WM01", "Amsterdam"])
    workbook.save(path)
    with pytest.raises(GeoError) as caught:
        region_lists.read_membership_list(path)
    assert "regio_woningmarkt.xlsx, rij 4, kolom gemeentecode: '12345' is geen geldige gemeentecode" in str(caught.value)


def test_errors_name_file_row_and_column(tmp_path):
    path = tmp_path / "regels.csv"
    path.write_text(
        "gemeentecode;regiotype;regiocode;regionaam\n"
        "GM0363;koploperregio;MRA;Metropoolregio Amsterdam\n"
        "GM0014;koploperregio;GRO;Groningen\n"
        ";koploperregio;GRO;Groningen\n"
        "GM99999;koploperregio;MRA;Metropoolregio Amsterdam\n"
        "GM0518;;HGL;Haaglanden\n"
        "GM0518;provincie;PV28;Zuid-Holland\n"
        "GM0014;koploperregio;MRA;Metropoolregio Amsterdam\n"
        "GM0599;koploperregio;MRA;Amsterdam e.o.\n"
        "GM0344;koploperregio;;Utrecht\n",
        encoding="utf-8",
    )
    with pytest.raises(GeoError) as caught:
        region_lists.read_membership_list(path)
    message = str(caught.value)
    assert message.startswith("regels.csv bevat 7 fout(en):")
    expected = [
        "regels.csv, rij 4, kolom gemeentecode: is leeg",
        "regels.csv, rij 5, kolom gemeentecode: 'GM99999' is geen geldige gemeentecode (verwacht GM gevolgd door 4 cijfers)",
        "regels.csv, rij 6, kolom regiotype: is leeg",
        "regels.csv, rij 7, kolom regiotype: 'provincie' kan niet",
        "regels.csv, rij 8, kolom regiocode: GM0014 staat voor koploperregio al in regio GRO (rij 3)",
        "regels.csv, rij 9, kolom regionaam: 'Amsterdam e.o.' verschilt van 'Metropoolregio Amsterdam' (rij 2)",
        "regels.csv, rij 10, kolom regiocode: is leeg",
    ]
    for line in expected:
        assert line in message
    assert "Traceback" not in message


def test_at_most_twenty_errors_are_shown(tmp_path):
    path = tmp_path / "regio_fout.csv"
    lines = ["gemeentecode,regiotype,regiocode"] + [f"X{i},type,R1" for i in range(30)]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(GeoError) as caught:
        region_lists.read_membership_list(path)
    message = str(caught.value)
    assert "bevat 30 fout(en)" in message
    assert "rij 21," in message and "rij 22," not in message
    assert "en nog 10" in message


def test_missing_columns_are_named(tmp_path):
    path = tmp_path / "regio_fout.csv"
    path.write_text("gemeente;regio\nGM0363;MRA\n", encoding="utf-8")
    with pytest.raises(GeoError) as caught:
        region_lists.read_membership_list(path)
    message = str(caught.value)
    assert "regio_fout.csv, rij 1" in message
    assert "gemeentecode, regiotype, regiocode ontbreken" in message
    assert "gemeente, regio" in message


@pytest.mark.parametrize("content", [b"", b"\r\n\r\n", b"gemeentecode;regiotype;regiocode\r\n"])
def test_empty_lists_are_errors(tmp_path, content):
    path = tmp_path / "regio_leeg.csv"
    path.write_bytes(content)
    with pytest.raises(GeoError, match="regio_leeg.csv"):
        region_lists.read_membership_list(path)


def test_exact_duplicate_rows_are_kept_once(tmp_path):
    path = tmp_path / "regio_dubbel.csv"
    path.write_text("gemeentecode,regiotype,regiocode\nGM0363,koploperregio,MRA\n363,koploperregio,MRA\n", encoding="utf-8")
    assert len(region_lists.read_membership_list(path)) == 1


def test_unsupported_or_damaged_files(tmp_path):
    odt = tmp_path / "regio_lijst.ods"
    odt.write_text("x")
    with pytest.raises(GeoError, match=r"\.csv- of \.xlsx"):
        region_lists.read_membership_list(odt)
    broken = tmp_path / "regio_lijst.xlsx"
    broken.write_bytes(b"PK\x03\x04 dit is geen werkmap")
    with pytest.raises(GeoError, match="regio_lijst.xlsx: het bestand (kan niet worden gelezen als|is beschadigd en kan niet worden geopend als) Excel-werkmap"):
        region_lists.read_membership_list(broken)
