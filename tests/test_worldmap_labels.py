"""The home map never draws one city's label over another's, nor over another marker."""

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
        SimpleNamespace(pk=n, name=name, latitude=lat, longitude=lon)
        for n, (name, (lat, lon)) in enumerate(sorted(CITIES.items()))
    ]


def test_no_label_overlaps_another_label_or_marker():
    points = worldmap.build_map(cities(), [])["points"]
    assert len(points) == len(CITIES)
    for a in points:
        for b in points:
            if a is b:
                continue
            assert worldmap._overlap(a.label_box, b.label_box) == 0, (a.city.name, b.city.name)
            assert worldmap._overlap(a.label_box, worldmap._marker_box(b)) == 0, (
                a.city.name,
                b.city.name,
            )


def test_the_default_spot_is_kept_when_nothing_is_in_the_way():
    [point] = worldmap.build_map(cities()[:1], [])["points"]
    assert (point.label_dx, point.label_dy, point.anchor) == (3, -3, "start")
