"""Cutting lines and polygons at the antimeridian (RFC 7946 3.1.9) for the GeoJSON exports."""

from __future__ import annotations

import numpy as np
import shapely

from geo.store.antimeridian import crossing, cut_antimeridian


def test_lines_are_cut_where_they_cross_and_nothing_else_changes() -> None:
    geoms = shapely.from_wkt(["LINESTRING (179 -17, -179 -19, -178 -19)", "POINT (179 1)", "LINESTRING (0 0, 10 1)",
                              "MULTILINESTRING ((170 0, 175 1), (-175 0, -170 1))",
                              "LINESTRING (-179 5, 179 5)"])
    assert crossing(geoms).tolist() == [0, 3, 4]
    cut = cut_antimeridian(geoms)
    assert cut[0].wkt == "MULTILINESTRING ((179 -17, 180 -18), (-180 -18, -179 -19, -178 -19))"
    assert cut[1] is geoms[1] and cut[2] is geoms[2]  # untouched objects
    assert cut[3].equals(geoms[3])  # two parts far apart, neither crossing
    assert cut[4].wkt == "MULTILINESTRING ((-179 5, -180 5), (180 5, 179 5))"  # westwards across


def test_polygons_are_cut_into_pieces_of_the_same_area() -> None:
    square, holed = shapely.from_wkt([
        "POLYGON ((170 -10, -170 -10, -170 10, 170 10, 170 -10))",
        "POLYGON ((178 -2, -178 -2, -178 2, 178 2, 178 -2), (179.5 -1, -179.5 -1, -179.5 1, 179.5 1, 179.5 -1))"])
    for polygon, want in ((square, 20 * 20), (holed, 4 * 4 - 1 * 2)):
        cut = cut_antimeridian([polygon])[0]
        assert cut.geom_type == "MultiPolygon" and len(cut.geoms) == 2 and cut.is_valid
        xs = shapely.get_coordinates(cut)[:, 0]
        assert xs.min() >= -180 and xs.max() <= 180
        assert np.isclose(cut.area, want)  # planar area in the unwrapped plane: nothing lost or doubled
        west, east = sorted(cut.geoms, key=lambda p: p.bounds[0])
        assert west.bounds[0] == -180 and east.bounds[2] == 180  # the pieces meet on the antimeridian


def test_a_ring_around_a_pole_is_left_as_it_is() -> None:
    around = shapely.from_wkt("POLYGON ((-180 80, -90 80, 0 80, 90 80, 179 80, 179 90, -180 90, -180 80))")
    assert cut_antimeridian([around])[0].equals(around)
