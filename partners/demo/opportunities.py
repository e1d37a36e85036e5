"""Opportunities in the demo world: leads in every stage, with their stage histories.

Each opportunity walks the stages in order from its first day, a few weeks to months per
step, and ends where its drawn stage says; the walk is written as its stage log, so the
report's days to win and funnel have something to count. The first seven take one stage
each, so that every stage exists at any scale.
"""

import datetime

from django.utils import timezone

from .. import models as m
from .world import FIRST_DAY, Slugs

Stage, Kind = m.Opportunity.Stage, m.Opportunity.Kind
STAGE_WEIGHTS = {
    Stage.IDEA: 25,
    Stage.CONTACTED: 15,
    Stage.IN_TALKS: 12,
    Stage.NEGOTIATING: 8,
    Stage.WON: 20,
    Stage.LOST: 15,
    Stage.ON_HOLD: 5,
}
KIND_WEIGHTS = {
    Kind.INVESTMENT: 30,
    Kind.COOPERATION: 25,
    Kind.DISTRIBUTION: 20,
    Kind.SOURCING: 10,
    Kind.RESEARCH: 10,
    Kind.OTHER: 5,
}
TITLES = {
    Kind.INVESTMENT: ["Ansiedlung eines Batteriezulieferers", "Europazentrale eines Logistikers",
                      "Montagewerk für Elektrobusse", "Rechenzentrum eines Cloud-Anbieters"],
    Kind.COOPERATION: ["Kooperation in der Medizintechnik", "Gemeinsames Ausbildungsprogramm",
                       "Partnerschaft zweier Messegesellschaften"],
    Kind.DISTRIBUTION: ["Vertrieb Leipziger Maschinen in China",
                        "Vertriebspartner für Bioprodukte"],
    Kind.SOURCING: ["Bezug von Solarmodulen", "Lieferkette für Fahrzeugteile"],
    Kind.RESEARCH: ["Forschungsverbund Wasserstoff", "Gemeinsames Labor für Materialforschung"],
    Kind.OTHER: ["Kulturaustausch mit Unternehmensbeteiligung"],
}  # fmt: skip
NEXT_STEPS = ["Standortangebot senden", "Rückruf vereinbaren", "Besuch in Leipzig planen",
              "Vertragsentwurf prüfen", "Fördermittel klären"]  # fmt: skip
LOST_REASONS = ["Standortentscheidung für eine andere Region", "Projekt vom Investor gestoppt",
                "Finanzierung nicht zustande gekommen", "Kein Interesse mehr"]  # fmt: skip
PIPELINE = [Stage.IDEA, Stage.CONTACTED, Stage.IN_TALKS, Stage.NEGOTIATING]
LAST_DAY = datetime.date(2026, 12, 31)


class OpportunitiesMixin:
    def opportunities(self):
        slugs = Slugs(m.Opportunity)

        def stage_log(batch):
            rows = [
                m.OpportunityStageChange(opportunity_id=opp.pk, stage=stage, entered_on=day)
                for opp in batch
                for stage, day in opp.demo_walk
            ]
            self.insert(m.OpportunityStageChange, rows, "opportunity stage changes")

        stages = list(STAGE_WEIGHTS)
        self.insert(
            m.Opportunity,
            (
                self.opportunity(stages[i] if i < len(stages) else None, slugs)
                for i in range(self.sizes.opportunities)
            ),
            "opportunities",
            after=stage_log,
        )

    def _walk(self, target) -> list[tuple[str, datetime.date]]:
        """The stages passed on the way to ``target``, each with the day it was entered."""
        if target in PIPELINE:
            path = PIPELINE[: PIPELINE.index(target) + 1]
        else:
            path = PIPELINE[: self.random.randint(1, len(PIPELINE))] + [target]
        # Started early enough for the longest walk (4 steps of at most 150 days) to end
        # by LAST_DAY, and not after today: a stage is entered (an opportunity won) only
        # on a day that has come.
        last_day = min(LAST_DAY, timezone.localdate())
        day = self.day(span=(last_day - FIRST_DAY).days - 4 * 150)
        walk = []
        for stage in path:
            walk.append((stage, day))
            day += datetime.timedelta(days=self.random.randint(14, 150))
        return walk

    def opportunity(self, stage, slugs):
        r = self.random
        # The first won one is a published success story at any scale.
        showcase = stage == Stage.WON
        stage = stage or self.weighted(STAGE_WEIGHTS)
        kind = self.weighted(KIND_WEIGHTS)
        walk = self._walk(stage)
        last_day = walk[-1][1]
        investing = kind == Kind.INVESTMENT
        expected_jobs = r.randint(5, 300) if investing else r.choice([None, r.randint(1, 20)])
        expected_eur = r.randrange(250_000, 50_000_000, 50_000) if investing else (
            r.randrange(10_000, 2_000_000, 10_000) if kind == Kind.DISTRIBUTION else None
        )  # fmt: skip
        won = stage == Stage.WON
        public = won and (r.random() < 0.4 or showcase)
        title = r.choice(TITLES[kind])
        link = r.randrange(5)
        handover_ids = getattr(self, "handover_ids", [])
        opportunity = m.Opportunity(
            title=title, slug=slugs(title), kind=kind, stage=stage,
            partner_city_id=r.choice(self.partner_city_ids),
            local_organisation_id=r.choice(self.home_institution_ids or self.company_ids),
            foreign_organisation_id=r.choice(self.partner_institution_ids or self.institution_ids),
            delegation_id=r.choice(self.delegation_ids) if link == 0 else None,
            meeting_id=r.choice(self.meeting_ids) if link == 1 else None,
            handover_id=r.choice(handover_ids) if link == 2 and handover_ids else None,
            memorandum_id=r.choice(self.memorandum_ids) if link == 3 else None,
            owner_id=r.choice(self.user_ids), logged_by_id=r.choice(self.user_ids),
            expected_jobs=expected_jobs, expected_investment_eur=expected_eur,
            won_on=last_day if won else None,
            jobs_created=round((expected_jobs or 0) * r.uniform(0.5, 1.2)) if won else None,
            investment_eur=round((expected_eur or 0) * r.uniform(0.5, 1.2)) if won else None,
            figures_public=won and r.random() < 0.6,
            lost_reason=r.choice(LOST_REASONS) if stage == Stage.LOST else "",
            next_step=r.choice(NEXT_STEPS) if stage in m.Opportunity.OPEN_STAGES else "",
            next_step_on=last_day + datetime.timedelta(days=r.randint(7, 90))
            if stage in m.Opportunity.OPEN_STAGES else None,
            summary=f"{title}: aus einem Kontakt der Partnerstadt entstanden." if won else "",
            visibility=m.Visibility.PUBLIC if public else m.Visibility.INTERNAL,
        )  # fmt: skip
        # Not a field: the walk is written as the stage log once the batch has its pks.
        opportunity.demo_walk = walk
        return opportunity
