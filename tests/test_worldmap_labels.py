"""The home map never draws one city's label over another's, nor over another marker."""

import random
from types import SimpleNamespace

from partners.public import worldmap

CITIES = {
    "Leipzig": (51.34, 12.37),
    "Dresden": (51.05, 13.74),
    "Halle": (51.48, 11.97),
    "Chemnitz": (50.83, 12.92),
    "Nanjing": (32.06, 118.80),
    "Shanghai": (31.23, 121.47),
    "Hefei": (31.82, 117.23),
    "Suzhou": (31.30, 120.58),
    "Wuxi": (31.49, 120.31),
    "Changzhou": (31.81, 119.97),
    "Zhenjiang": (32.19, 119.45),
    "Jining": (35.41, 116.59),
}


def cities():
    return [
        SimpleNamespace(pk=n, name=name, latitude=lat, longitude=lon, is_home=name == "Leipzig")
        for n, (name, (lat, lon)) in enumerate(sorted(CITIES.items()))
    ]


def _label_box(p):
    return worldmap._box(p.x, p.y, p.label_dx, p.label_dy, p.anchor, p.city.name, p.font_size)


def _assert_no_overlaps(points):
    for a in points:
        for b in points:
            if a is b or not a.labelled:
                continue
            if b.labelled:
                assert worldmap._overlap(_label_box(a), _label_box(b)) == 0, (
                    a.city.name,
                    b.city.name,
                )
            assert worldmap._overlap(_label_box(a), worldmap._marker_box(b)) == 0, (
                a.city.name,
                b.city.name,
            )


def test_no_label_overlaps_another_label_or_marker():
    points = worldmap.build_map(cities(), [])["points"]
    assert len(points) == len(CITIES)
    assert all(point.labelled for point in points)  # there is room for each of these
    _assert_no_overlaps(points)
    _assert_no_overlaps([point.phone for point in points])  # larger labels, fewer of them


def test_a_crowded_map_leaves_labels_out_rather_than_overlap_them_and_labels_home_first():
    rng = random.Random(7)
    crowd = [
        SimpleNamespace(
            pk=n,
            name=f"Partner city {n}",
            latitude=30 + rng.random() * 6,
            longitude=115 + rng.random() * 8,
            is_home=n == 299,
        )
        for n in range(300)
    ]

    points = worldmap.build_map(crowd, [])["points"]

    assert [p.city.pk for p in points] == list(range(300))  # every marker, in order
    assert points[299].labelled  # the home city, although the region was full before it
    assert 10 < sum(p.labelled for p in points) < 300
    _assert_no_overlaps(points)
    assert points[299].phone.labelled
    _assert_no_overlaps([point.phone for point in points])


def test_the_default_spot_is_kept_when_nothing_is_in_the_way():
    [point] = worldmap.build_map(cities()[:1], [])["points"]
    assert (point.label_dx, point.label_dy, point.anchor) == (3, -3, "start")


def test_a_phone_gets_labels_of_at_least_12_css_pixels_on_a_340_pixel_map():
    built = worldmap.build_map(cities(), [])
    width = float(built["view_box"].split()[2])
    for point in built["points"]:
        assert point.phone.font_size * worldmap.PHONE_MAP_WIDTH / width >= 12
        assert point.font_size == worldmap.FONT_SIZE  # wider screens: as before
