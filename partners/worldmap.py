"""The home page's map: cities and partnership lines in the projection of static/partners/world.svg.

The world outline is drawn once by tools/build_world_svg.mjs (equirectangular, 2 units per
degree); this module puts points and lines into the same coordinate system so that the
server renders the whole map as SVG, with no tiles, script or third-party server.
"""

from dataclasses import dataclass

SCALE = 2
WIDTH = 360 * SCALE
HEIGHT = 180 * SCALE
MARGIN = 12  # map units around the cities shown, so markers and labels are not cut off


@dataclass(frozen=True)
class MapPoint:
    city: object
    x: float
    y: float


@dataclass(frozen=True)
class MapLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


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
            lines.append(MapLine(a.x, a.y, b.x, b.y, str(partnership)))
    return {"points": list(points.values()), "lines": lines, "view_box": _view_box(points)}


def _view_box(points) -> str:
    """The whole world when there is nothing to show, else the area around the cities."""
    if not points:
        return f"0 0 {WIDTH} {HEIGHT}"
    xs = [p.x for p in points.values()]
    ys = [p.y for p in points.values()]
    left, right = max(min(xs) - 4 * MARGIN, 0), min(max(xs) + 4 * MARGIN, WIDTH)
    top, bottom = max(min(ys) - 3 * MARGIN, 0), min(max(ys) + 3 * MARGIN, HEIGHT)
    # Keep a landscape shape of at least 2:1 so a single city does not fill the screen.
    width = max(right - left, 2 * (bottom - top), 120)
    height = max(bottom - top, width / 2)
    left = max(min(left, WIDTH - width), 0)
    top = max(min(top, HEIGHT - height), 0)
    return f"{left:g} {top:g} {min(width, WIDTH):g} {min(height, HEIGHT):g}"
