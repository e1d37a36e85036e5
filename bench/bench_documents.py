"""Render 100 profile handouts as one PDF: pages per second, against the HTML alone.

Run: python bench/bench_documents.py [PROFILES]. Uses a throw-away SQLite database unless
DATABASE_URL is set. The baseline is rendering the same handouts' HTML (template only) in
the same run, so the ratio says what the PDF layout and font embedding cost on top.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
workdir = tempfile.mkdtemp(prefix="bench-documents-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from partners import models as m  # noqa: E402
from partners.documents import handouts_pdf  # noqa: E402
from partners.documents.handouts import fitted_handouts  # noqa: E402

PROFILES = int(sys.argv[1]) if len(sys.argv) > 1 else 100
RUNS = 3


def build_world():
    call_command("migrate", verbosity=0)
    call_command("loaddata", "seed", "demo_companies", verbosity=0)
    template = m.CompanyProfile.objects.select_related("organisation").first()
    for i in range(PROFILES - m.CompanyProfile.objects.count()):
        organisation = m.Organisation.objects.create(
            name=f"Beispiel {i} Präzisionstechnik GmbH",
            kind=m.Organisation.Kind.COMPANY,
            city=template.organisation.city,
        )
        m.CompanyProfile.objects.create(
            organisation=organisation,
            sector=template.sector,
            products=template.products,
            summary=template.summary,
            consent_to_share=True,
        )


def median_seconds(work) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    build_world()
    profiles = m.CompanyProfile.objects.filter(consent_to_share=True)[:PROFILES]
    profiles = m.CompanyProfile.objects.filter(pk__in=[p.pk for p in profiles])

    def html_only():
        with translation.override("de"):
            render_to_string(
                "partners/documents/handouts.html", {"handouts": fitted_handouts(profiles)}
            )

    def pdf():
        return handouts_pdf(profiles, language="de")

    pages = len(PdfReader(io.BytesIO(pdf())).pages)
    baseline = median_seconds(html_only)
    measured = median_seconds(pdf)
    print(f"{pages} handout pages, median of {RUNS} runs")
    print(f"HTML only (baseline)  {baseline:8.3f} s  {pages / baseline:10.1f} pages/s")
    print(f"PDF (WeasyPrint)      {measured:8.3f} s  {pages / measured:10.1f} pages/s")
    print(f"ratio PDF/HTML        {measured / baseline:8.1f}x")


if __name__ == "__main__":
    main()
