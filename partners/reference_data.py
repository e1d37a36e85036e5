"""Reference data every installation needs: the roles, the NACE sections and interests.

Migration 0002 writes it, and the post_migrate handler (apps.py) writes it again, so that
it survives a flush (Django's transactional tests empty every table between tests).
Both paths are idempotent.
"""

GROUPS = ["Trade officers", "Managers", "Administrators"]

# NACE Rev. 2 sections (Regulation (EC) No 1893/2006), English and German titles.
NACE_SECTIONS = [
    ("A", "Agriculture, forestry and fishing", "Land- und Forstwirtschaft, Fischerei"),
    ("B", "Mining and quarrying", "Bergbau und Gewinnung von Steinen und Erden"),
    ("C", "Manufacturing", "Verarbeitendes Gewerbe"),
    ("D", "Electricity, gas, steam and air conditioning supply", "Energieversorgung"),
    (
        "E",
        "Water supply; sewerage, waste management and remediation activities",
        "Wasserversorgung; Abwasser- und Abfallentsorgung, Beseitigung von Umweltverschmutzungen",
    ),
    ("F", "Construction", "Baugewerbe"),
    (
        "G",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Handel; Instandhaltung und Reparatur von Kraftfahrzeugen",
    ),
    ("H", "Transportation and storage", "Verkehr und Lagerei"),
    ("I", "Accommodation and food service activities", "Gastgewerbe"),
    ("J", "Information and communication", "Information und Kommunikation"),
    (
        "K",
        "Financial and insurance activities",
        "Erbringung von Finanz- und Versicherungsdienstleistungen",
    ),
    ("L", "Real estate activities", "Grundstücks- und Wohnungswesen"),
    (
        "M",
        "Professional, scientific and technical activities",
        "Erbringung von freiberuflichen, wissenschaftlichen und technischen Dienstleistungen",
    ),
    (
        "N",
        "Administrative and support service activities",
        "Erbringung von sonstigen wirtschaftlichen Dienstleistungen",
    ),
    (
        "O",
        "Public administration and defence; compulsory social security",
        "Öffentliche Verwaltung, Verteidigung; Sozialversicherung",
    ),
    ("P", "Education", "Erziehung und Unterricht"),
    ("Q", "Human health and social work activities", "Gesundheits- und Sozialwesen"),
    ("R", "Arts, entertainment and recreation", "Kunst, Unterhaltung und Erholung"),
    ("S", "Other service activities", "Erbringung von sonstigen Dienstleistungen"),
    (
        "T",
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use",
        "Private Haushalte mit Hauspersonal; Herstellung von Waren und Erbringung von "
        "Dienstleistungen durch private Haushalte für den Eigenbedarf",
    ),
    (
        "U",
        "Activities of extraterritorial organisations and bodies",
        "Exterritoriale Organisationen und Körperschaften",
    ),
]

INTERESTS = [
    ("cooperation", "Cooperation", "Kooperation"),
    ("expansion", "Expansion", "Expansion"),
    ("distribution", "Distribution", "Vertrieb"),
    ("investment", "Investment", "Investition"),
    ("sourcing", "Sourcing", "Beschaffung"),
    ("research", "Research", "Forschung"),
]


def create(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Sector = apps.get_model("partners", "Sector")
    Interest = apps.get_model("partners", "Interest")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for code, name, name_de in NACE_SECTIONS:
        Sector.objects.update_or_create(code=code, defaults={"name": name, "name_de": name_de})
    for code, name, name_de in INTERESTS:
        Interest.objects.update_or_create(code=code, defaults={"name": name, "name_de": name_de})


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    apps.get_model("partners", "Sector").objects.filter(
        code__in=[code for code, *_ in NACE_SECTIONS]
    ).delete()
    apps.get_model("partners", "Interest").objects.filter(
        code__in=[code for code, *_ in INTERESTS]
    ).delete()
