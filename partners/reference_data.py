"""Reference data every installation needs: the roles, the NACE sections and interests.

Migration 0002 writes it, and the post_migrate handler (apps.py) writes it again, so that
it survives a flush (Django's transactional tests empty every table between tests).
Both paths are idempotent.
"""

from .roles import ADMINISTRATORS, MANAGERS, TRADE_OFFICERS

GROUPS = [TRADE_OFFICERS, MANAGERS, ADMINISTRATORS]

# NACE Rev. 2 sections (Regulation (EC) No 1893/2006): English, German and Chinese titles.
NACE_SECTIONS = [
    (
        "A",
        "Agriculture, forestry and fishing",
        "Land- und Forstwirtschaft, Fischerei",
        "农业、林业和渔业",
    ),
    ("B", "Mining and quarrying", "Bergbau und Gewinnung von Steinen und Erden", "采矿和采石业"),
    ("C", "Manufacturing", "Verarbeitendes Gewerbe", "制造业"),
    (
        "D",
        "Electricity, gas, steam and air conditioning supply",
        "Energieversorgung",
        "电力、燃气、蒸汽和空调供应",
    ),
    (
        "E",
        "Water supply; sewerage, waste management and remediation activities",
        "Wasserversorgung; Abwasser- und Abfallentsorgung, Beseitigung von Umweltverschmutzungen",
        "供水；污水处理、废物管理和补救活动",
    ),
    ("F", "Construction", "Baugewerbe", "建筑业"),
    (
        "G",
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
        "Handel; Instandhaltung und Reparatur von Kraftfahrzeugen",
        "批发和零售贸易；机动车辆和摩托车修理",
    ),
    ("H", "Transportation and storage", "Verkehr und Lagerei", "运输和仓储"),
    ("I", "Accommodation and food service activities", "Gastgewerbe", "住宿和餐饮服务活动"),
    ("J", "Information and communication", "Information und Kommunikation", "信息和通信"),
    (
        "K",
        "Financial and insurance activities",
        "Erbringung von Finanz- und Versicherungsdienstleistungen",
        "金融和保险活动",
    ),
    ("L", "Real estate activities", "Grundstücks- und Wohnungswesen", "房地产活动"),
    (
        "M",
        "Professional, scientific and technical activities",
        "Erbringung von freiberuflichen, wissenschaftlichen und technischen Dienstleistungen",
        "专业、科学和技术活动",
    ),
    (
        "N",
        "Administrative and support service activities",
        "Erbringung von sonstigen wirtschaftlichen Dienstleistungen",
        "行政和支助服务活动",
    ),
    (
        "O",
        "Public administration and defence; compulsory social security",
        "Öffentliche Verwaltung, Verteidigung; Sozialversicherung",
        "公共行政和国防；强制性社会保障",
    ),
    ("P", "Education", "Erziehung und Unterricht", "教育"),
    (
        "Q",
        "Human health and social work activities",
        "Gesundheits- und Sozialwesen",
        "人类健康和社会工作活动",
    ),
    (
        "R",
        "Arts, entertainment and recreation",
        "Kunst, Unterhaltung und Erholung",
        "艺术、娱乐和休闲",
    ),
    ("S", "Other service activities", "Erbringung von sonstigen Dienstleistungen", "其他服务活动"),
    (
        "T",
        "Activities of households as employers; undifferentiated goods- and "
        "services-producing activities of households for own use",
        "Private Haushalte mit Hauspersonal; Herstellung von Waren und Erbringung von "
        "Dienstleistungen durch private Haushalte für den Eigenbedarf",
        "家庭作为雇主的活动；家庭自用、未加区分的物品生产和服务活动",
    ),
    (
        "U",
        "Activities of extraterritorial organisations and bodies",
        "Exterritoriale Organisationen und Körperschaften",
        "境外组织和机构的活动",
    ),
]

INTERESTS = [
    ("cooperation", "Cooperation", "Kooperation", "合作"),
    ("expansion", "Expansion", "Expansion", "扩张"),
    ("distribution", "Distribution", "Vertrieb", "分销"),
    ("investment", "Investment", "Investition", "投资"),
    ("sourcing", "Sourcing", "Beschaffung", "采购"),
    ("research", "Research", "Forschung", "研究"),
]


def create(apps, schema_editor=None):
    Group = apps.get_model("auth", "Group")
    Sector = apps.get_model("partners", "Sector")
    Interest = apps.get_model("partners", "Interest")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for model, rows in ((Sector, NACE_SECTIONS), (Interest, INTERESTS)):
        translated = any(field.name == "name_zh_hans" for field in model._meta.get_fields())
        for code, english, german, chinese in rows:
            if translated:
                # German is the source language, also in the original column (0064).
                names = {"name": german, "name_de": german, "name_en": english}
                names["name_zh_hans"] = chinese
            else:  # the state of migration 0002: English name, German name_de
                names = {"name": english, "name_de": german}
            row, created = model.objects.get_or_create(code=code, defaults=names)
            changed = [name for name, value in names.items() if getattr(row, name) != value]
            if changed and not created:  # saved only then: each save adds a history row
                for name in changed:
                    setattr(row, name, names[name])
                row.save(update_fields=changed)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()
    for model, rows in (("Sector", NACE_SECTIONS), ("Interest", INTERESTS)):
        codes = [code for code, *_ in rows]
        apps.get_model("partners", model).objects.filter(code__in=codes).delete()
