"""The home page's map: cities and partnership lines in the projection of static/partners/world.svg.

The world outline is drawn once by tools/build_world_svg.mjs (equirectangular, 2 units per
degree); this module puts points and lines into the same coordinate system so that the
server renders the whole map as SVG, with no tiles, script or third-party server.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, replace

from ..models import shown_text

SCALE = 2
WIDTH = 360 * SCALE
HEIGHT = 180 * SCALE
MARGIN = 12  # map units around the cities shown, so markers and labels are not cut off


# Labels: 7 map units on wider screens; a generous width per character, so that the
# estimate covers the real text in the fonts the site uses.
FONT_SIZE = 7
CHAR_WIDTH = 0.62
# On a phone (site.css, max-width 40rem) the map is about 340 CSS px wide or more: its
# labels are drawn in a second layout, sized to be at least 12 CSS px there, and fewer
# fit (the list under the map names every city).
PHONE_MAP_WIDTH = 340
PHONE_FONT_PX = 12
MARKER_RADIUS = 2.2
# Where a label may go around its marker, in order of preference: (dx, dy, text-anchor):
# right and left of it, then in rows further up and down (a dense region such as the
# Yangtze delta has cities less than one label height apart).
LABEL_SPOTS = [
    (dx, dy, anchor)
    for dy in (-3, 8, -12, 17, -21, 26, -30, 35)
    for dx, anchor in ((3, "start"), (-3, "end"))
] + [(0, -5, "middle"), (0, 11, "middle")]


@dataclass(frozen=True)
class MapPoint:
    city: object
    x: float
    y: float
    label_dx: float = 3
    label_dy: float = -3
    anchor: str = "start"
    labelled: bool = True
    font_size: float = FONT_SIZE
    phone: "MapPoint | None" = None  # the same point in the phone's layout

    @property
    def label_x(self) -> float:
        return round(self.x + self.label_dx, 1)

    @property
    def label_y(self) -> float:
        return round(self.y + self.label_dy, 1)


def _box(x, y, dx, dy, anchor, text, size=FONT_SIZE) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a label, from its baseline and anchor."""
    width = CHAR_WIDTH * size * len(text)
    left = x + dx - {"start": 0, "middle": width / 2, "end": width}[anchor]
    baseline = y + dy
    return (left, baseline - 0.8 * size, left + width, baseline + 0.25 * size)


def _overlap(a, b) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _marker_box(point) -> tuple[float, float, float, float]:
    r = MARKER_RADIUS
    return (point.x - r, point.y - r, point.x + r, point.y + r)


class _Boxes:
    """Boxes on the map, filed by the grid cells they touch: a label is compared with its
    neighbours only, so placing n labels costs about n, not n² (500 cities: 1.4 s)."""

    CELL = 32  # map units, about a label's width

    def __init__(self):
        self.cells: dict[tuple[int, int], dict[object, tuple]] = defaultdict(dict)

    def _cells(self, box):
        c = self.CELL
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, key, box):
        for cell in self._cells(box):
            self.cells[cell][key] = box

    def near(self, box) -> dict:
        found = {}
        for cell in self._cells(box):
            found.update(self.cells.get(cell, {}))
        return found


def place_labels(points: list[MapPoint], size: float = FONT_SIZE) -> list[MapPoint]:
    """Each label at the first spot around its marker that covers no other label or marker;
    where there is none (a crowded region), the city goes unlabelled: its marker still
    names it (a tooltip) and the list under the map does. Home cities are labelled first.
    Done in map units, so it holds at every width: the SVG scales as a whole. ``size``: the
    labels' font size; the spots around a marker grow with it."""
    scale = size / FONT_SIZE
    spots = [(dx * scale, dy * scale, anchor) for dx, dy, anchor in LABEL_SPOTS]
    boxes = _Boxes()
    for n, point in enumerate(points):
        boxes.add(("marker", n), _marker_box(point))
    placed = {}
    for n in sorted(range(len(points)), key=lambda n: not points[n].city.is_home):
        point = points[n]
        placed[n] = replace(point, labelled=False, font_size=size)
        for spot in spots:  # in order of preference
            box = _box(point.x, point.y, *spot, point.city.name, size)
            others = boxes.near(box)
            others.pop(("marker", n), None)  # its own marker
            if not any(_overlap(box, other) for other in others.values()):
                placed[n] = MapPoint(point.city, point.x, point.y, *spot, font_size=size)
                boxes.add(("label", n), box)
                break
    return [placed[n] for n in range(len(points))]


@dataclass(frozen=True)
class MapLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    language: str | None = None  # of the label's names, where they are not the page's


def project(latitude, longitude) -> tuple[float, float]:
    return round((float(longitude) + 180) * SCALE, 1), round((90 - float(latitude)) * SCALE, 1)


def _located(city) -> bool:
    return city.latitude is not None and city.longitude is not None


def build_map(cities, partnerships) -> dict:
    """Points for ``cities`` and lines for ``partnerships`` (both already published)."""
    points = {c.pk: MapPoint(c, *project(c.latitude, c.longitude)) for c in cities if _located(c)}
    lines = []
    for partnership in partnerships:
        a, b = points.get(partnership.home_city_id), points.get(partnership.partner_city_id)
        if a and b:
            # Both names shown in German for want of a translation: the title says so.
            names = {shown_text(point.city, "name")[1] for point in (a, b)}
            language = names.pop() if len(names) == 1 else None
            lines.append(MapLine(a.x, a.y, b.x, b.y, str(partnership), language))
    view_box = _view_box(points)
    phone_size = max(FONT_SIZE, math.ceil(PHONE_FONT_PX * view_box[2] / PHONE_MAP_WIDTH * 10) / 10)
    wide = place_labels(list(points.values()))
    phone = place_labels(list(points.values()), phone_size)
    placed = [replace(point, phone=on_phone) for point, on_phone in zip(wide, phone, strict=True)]
    return {"points": placed, "lines": lines, "view_box": " ".join(f"{n:g}" for n in view_box)}


def _view_box(points) -> tuple[float, float, float, float]:
    """The whole world when there is nothing to show, else the area around the cities."""
    if not points:
        return (0, 0, WIDTH, HEIGHT)
    xs = [p.x for p in points.values()]
    ys = [p.y for p in points.values()]
    left, right = max(min(xs) - 4 * MARGIN, 0), min(max(xs) + 4 * MARGIN, WIDTH)
    top, bottom = max(min(ys) - 3 * MARGIN, 0), min(max(ys) + 3 * MARGIN, HEIGHT)
    # Keep a landscape shape of at least 2:1 so a single city does not fill the screen.
    width = max(right - left, 2 * (bottom - top), 120)
    height = max(bottom - top, width / 2)
    left = max(min(left, WIDTH - width), 0)
    top = max(min(top, HEIGHT - height), 0)
    return (left, top, min(width, WIDTH), min(height, HEIGHT))
