"""Opportunity figures per partner city for a period (aggregation only: no HTTP).

What each figure means is ``DEFINITIONS``, shown on the report's "How we count" panel; an
opportunity's stages are read from its stage log (``OpportunityStageChange``). Internal
records count: managers see everything. The database counts, reading the stage logs as
subqueries; the number of queries does not grow with the data.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ..models import City, Opportunity, OpportunityStageChange
from .cache import asked_by, until_next_write
from .queries import (
    CITY_FIELDS,
    Criteria,
    on_trips_of_home_city,
    opportunity_place,
    partner_cities,
)
from .queries import opportunities as opportunities_of

Stage = Opportunity.Stage
OPEN_STAGES = list(Opportunity.OPEN_STAGES)
FUNNEL_STAGES = [Stage.IDEA, Stage.CONTACTED, Stage.IN_TALKS, Stage.NEGOTIATING, Stage.WON]
_FUNNEL_RANK = {stage: rank for rank, stage in enumerate(FUNNEL_STAGES)}

DEFINITIONS = [
    (
        _("Stage on a day"),
        _("The last stage an opportunity entered on or before that day; it started on the "
          "day of its first stage."),
    ),
    (
        _("Open"),
        _("Started by the end of the period and in an open stage (idea, contacted, in talks, "
          "negotiating, on hold) at its end. Expected jobs and investment are summed over "
          "these."),
    ),
    (
        _("Won, lost"),
        _("Won at the period's end with the day won in the period, whatever came of it "
          "since; lost, having been marked lost in the period. Realised jobs and investment "
          "are summed over the won ones."),
    ),
    (
        _("Conversion from idea to won"),
        _("Of the opportunities started in the period, the share won by the report date."),
    ),
    (
        _("Median days to win"),
        _("From the start to the day won, over the opportunities won in the period."),
    ),
    (
        _("Funnel"),
        _("Of the opportunities started in the period, how many reached each stage by the "
          "report date; reaching a later stage counts as passing the earlier ones, and each "
          "one started counts as an idea."),
    ),
]  # fmt: skip


@dataclass
class Figures:
    open_by_stage: dict = field(default_factory=lambda: dict.fromkeys(OPEN_STAGES, 0))
    won: int = 0
    lost: int = 0
    expected_jobs: int = 0
    expected_investment_eur: int = 0
    jobs_created: int = 0
    investment_eur: int = 0
    started: int = 0
    started_won: int = 0
    days_to_win: list = field(default_factory=list)
    funnel: dict = field(default_factory=lambda: dict.fromkeys(FUNNEL_STAGES, 0))

    @property
    def open(self) -> int:
        return sum(self.open_by_stage.values())

    @property
    def conversion_percent(self) -> float | None:
        """Share of those started in the period that are won, in percent with one decimal
        (as the sheet and the page show it); None if none started."""
        return round(self.started_won / self.started * 100, 1) if self.started else None

    @property
    def median_days_to_win(self) -> float | None:
        # A float, so that 150 and 150.5 are both written with one decimal.
        return float(statistics.median(self.days_to_win)) if self.days_to_win else None

    def add(self, other: "Figures") -> None:
        """Add another city's figures (the total of the cities): numbers, numbers per
        stage, and the days to win."""
        for name in (figure.name for figure in fields(self)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, dict):
                for stage, number in theirs.items():
                    mine[stage] += number
            else:
                setattr(self, name, mine + theirs)


@dataclass
class OpportunityReport:
    # (city id, Figures), cities by their default name
    # as the summary's: ids, not cities, are kept (``cache``) and a page names a few dozen.
    rows: list
    total: Figures
    # The opportunities of no partner city: in no row and not in the total.
    unplaced: Figures

    def named(self, rows=None, known=()) -> list:
        """``rows`` (all by default) with their cities, those not in ``known`` read in one
        query."""
        rows = self.rows if rows is None else rows
        cities = {city.pk: city for city in known}
        missing = [pk for pk, _figures in rows if pk is not None and pk not in cities]
        if missing:
            cities |= City.objects.only(*CITY_FIELDS).with_namesakes().in_bulk(missing)
        return [(cities.get(pk), figures) for pk, figures in rows]


def _with_stage_log(opportunities: QuerySet, start, end, today) -> QuerySet:
    """Each opportunity with what the definitions read from its stage log: the day it
    started (None: no log, it never started and counts nowhere), its stage at ``end``,
    whether it entered "lost" from ``start`` to ``end`` and the furthest funnel stage
    reached by ``today``."""
    log = OpportunityStageChange.objects.filter(opportunity=OuterRef("pk"))
    rank = Case(
        *(When(stage=stage, then=Value(rank)) for stage, rank in _FUNNEL_RANK.items()),
        default=Value(0),
    )
    # A win may be dated by a partner city's day, which begins up to a day before the
    # office's (a win today in Nanjing is "tomorrow" in Leipzig): reached by then too.
    begun = today + datetime.timedelta(days=1)
    furthest = log.filter(entered_on__lte=begun).annotate(rank=rank).order_by("-rank")
    return opportunities.annotate(
        started_on=Subquery(log.order_by("entered_on", "pk").values("entered_on")[:1]),
        # The last logged, not the latest dated: a win recorded after the fact is dated
        # back, before the stages logged on the way to it (which would reopen it).
        stage_at_end=Subquery(log.filter(entered_on__lte=end).order_by("-pk").values("stage")[:1]),
        # Marked lost in the period, whatever came of it since: revived the next year, it
        # was still lost in this one (its stage at the end, neither open nor won).
        lost_in_period=Exists(log.filter(stage=Stage.LOST, entered_on__range=(start, end))),
        reached=Coalesce(Subquery(furthest.values("rank")[:1]), 0),
    )


def of(c: Criteria) -> OpportunityReport:
    """The opportunity figures of a report's criteria, kept until the next write
    (``cache``). The criteria select the opportunities as the report's other records
    (``queries.opportunities``)."""
    # "-4": the value holds the unplaced opportunities as counted since; a shared cache may
    # keep older ones.
    compute = lambda: _opportunity_report(c)  # noqa: E731
    return until_next_write("opportunities-by-city-id-4", asked_by(c), compute)


def _opportunity_report(c: Criteria) -> OpportunityReport:
    """Figures per partner city of the report (``c.cities()``: as its other tables, never a
    home city or a city without a partnership with one). The database counts per city, in
    four small queries whatever the number of opportunities (only the period's won ones
    are listed, for the median). The same queries count those of no partner city (their
    ``place`` NULL, key None), kept apart as ``unplaced``; a home city's report counts
    there too its opportunities in another home city's partner cities. With partner
    cities chosen, only theirs count."""
    start, end, today = c.start, c.end, c.today
    opportunities = opportunities_of(c).rewrite(False)  # no translated field is read
    cities = c.cities().order_by().values("pk")
    opportunities = opportunities.alias(found=opportunity_place())
    if c.counts_unplaced:  # of no partner city, or of another home city's: key None
        counted = Q(found__in=cities) | Q(found__isnull=True)
        if c.home_city:  # its trips' in another home city's partner cities
            elsewhere = Q(found__in=partner_cities().order_by().values("pk"))
            counted |= elsewhere & on_trips_of_home_city(c, "opportunities")
        opportunities = opportunities.filter(counted).annotate(
            place=Case(When(found__in=cities, then=F("found")), output_field=IntegerField())
        )
    else:
        opportunities = opportunities.filter(found__in=cities).annotate(place=F("found"))
    logged = _with_stage_log(opportunities, start, end, today).order_by()
    per_city = defaultdict(Figures)
    still_open = (
        logged.filter(stage_at_end__in=OPEN_STAGES)
        .values("place", "stage_at_end")
        .annotate(n=Count("pk"), jobs=Sum("expected_jobs"), eur=Sum("expected_investment_eur"))
    )
    for row in still_open:
        figures = per_city[row["place"]]
        figures.open_by_stage[row["stage_at_end"]] = row["n"]
        figures.expected_jobs += row["jobs"] or 0
        figures.expected_investment_eur += row["eur"] or 0
    # Won at the period's end, whatever came of it since (the investor pulled out the next
    # year); a win undone within the period is not one.
    won = logged.filter(stage_at_end=Stage.WON, won_on__range=(start, end))
    for city, won_on, started_on, jobs, eur in won.values_list(
        "place", "won_on", "started_on", "jobs_created", "investment_eur"
    ):
        figures = per_city[city]
        figures.won += 1
        figures.jobs_created += jobs or 0
        figures.investment_eur += eur or 0
        figures.days_to_win.append((won_on - started_on).days)
    lost = logged.filter(lost_in_period=True)
    for row in lost.values("place").annotate(n=Count("pk")):
        per_city[row["place"]].lost = row["n"]
    reached = {f"reached_{r}": Count("pk", filter=Q(reached__gte=r)) for r in _FUNNEL_RANK.values()}
    started = logged.filter(started_on__range=(start, end)).values("place")
    for row in started.annotate(
        n=Count("pk"), won=Count("pk", filter=Q(stage=Stage.WON)), **reached
    ):
        figures = per_city[row["place"]]
        figures.started, figures.started_won = row["n"], row["won"]
        figures.funnel = {stage: row[f"reached_{r}"] for stage, r in _FUNNEL_RANK.items()}
    unplaced = per_city.pop(None, Figures())
    total = Figures()
    for figures in per_city.values():
        total.add(figures)
    ordered = City.objects.filter(pk__in=list(per_city))
    ordered = ordered.order_by("name_de", "pk").values_list("pk", flat=True)
    result = [(pk, per_city[pk]) for pk in ordered if has_any(per_city[pk])]
    return OpportunityReport(result, total, unplaced)


def has_any(figures: Figures) -> bool:
    return bool(figures.open or figures.won or figures.lost or figures.started)


# The table of the page and the sheet "Opportunities" ---------------------------------


# The columns after those of the open stages: each header with the figure it shows.
COLUMNS = [
    (_("Open"), "open"),
    (_("Won"), "won"),
    (_("Lost"), "lost"),
    (_("Expected jobs (open)"), "expected_jobs"),
    (_("Expected investment EUR (open)"), "expected_investment_eur"),
    (_("Jobs created (won)"), "jobs_created"),
    (_("Investment EUR (won)"), "investment_eur"),
    (_("Started"), "started"),
    (_("Conversion idea → won (%)"), "conversion_percent"),
    (_("Median days to win"), "median_days_to_win"),
]


def headers() -> list[str]:
    """The column headers after the partner city, in the language active now."""
    by_stage = [_("Open: %(stage)s") % {"stage": Stage(stage).label} for stage in OPEN_STAGES]
    return [*by_stage, *(str(header) for header, _figure in COLUMNS)]


def values(figures: Figures) -> list:
    """The figures in the order of ``headers()``."""
    by_stage = [figures.open_by_stage[stage] for stage in OPEN_STAGES]
    return [*by_stage, *(getattr(figures, figure) for _header, figure in COLUMNS)]
