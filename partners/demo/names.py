"""Word lists for demo data: names that look like the agency's real world (Saxony and China).

Kept in code rather than taken from Faker, which is a development dependency only, while
`generate_demo_data` must also run on a production install for load tests.
"""

HOME_CITIES = [
    ("Leipzig", "Sachsen"), ("Dresden", "Sachsen"), ("Chemnitz", "Sachsen"),
    ("Halle (Saale)", "Sachsen-Anhalt"), ("Magdeburg", "Sachsen-Anhalt"), ("Erfurt", "Thüringen"),
    ("Jena", "Thüringen"), ("Zwickau", "Sachsen"), ("Plauen", "Sachsen"), ("Görlitz", "Sachsen"),
    ("Bautzen", "Sachsen"), ("Freiberg", "Sachsen"), ("Dessau-Roßlau", "Sachsen-Anhalt"),
    ("Gera", "Thüringen"), ("Weimar", "Thüringen"), ("Cottbus", "Brandenburg"),
    ("Potsdam", "Brandenburg"), ("Rostock", "Mecklenburg-Vorpommern"),
    ("Schwerin", "Mecklenburg-Vorpommern"), ("Meißen", "Sachsen"), ("Riesa", "Sachsen"),
    ("Torgau", "Sachsen"), ("Grimma", "Sachsen"), ("Delitzsch", "Sachsen"), ("Borna", "Sachsen"),
]  # fmt: skip

# Pinyin syllables with one character each: two of them make a plausible city name
# ("Jinning", 金宁). Real cities (Nanjing, Jining) come from the seed data.
SYLLABLES = [
    ("an", "安"), ("bao", "宝"), ("bei", "北"), ("chang", "长"), ("cheng", "城"), ("da", "大"),
    ("dong", "东"), ("feng", "丰"), ("fu", "福"), ("guang", "广"), ("hai", "海"), ("he", "河"),
    ("hua", "华"), ("huai", "淮"), ("ji", "吉"), ("jia", "嘉"), ("jiang", "江"), ("jin", "金"),
    ("jing", "京"), ("kai", "开"), ("lian", "连"), ("lin", "林"), ("long", "龙"), ("luo", "洛"),
    ("ma", "马"), ("nan", "南"), ("ning", "宁"), ("ping", "平"), ("qing", "青"), ("quan", "泉"),
    ("shan", "山"), ("shao", "韶"), ("tai", "泰"), ("tian", "天"), ("wu", "武"), ("xi", "西"),
    ("xiang", "湘"), ("xin", "新"), ("xing", "兴"), ("yang", "阳"), ("yi", "宜"),
    ("yong", "永"), ("yuan", "元"), ("yun", "云"), ("zhen", "镇"), ("zhou", "州"),
    ("zhu", "珠"), ("zi", "紫"),
]  # fmt: skip
PROVINCES = [
    "Jiangsu", "Shandong", "Zhejiang", "Anhui", "Henan", "Hubei", "Hunan", "Guangdong",
    "Sichuan", "Fujian", "Hebei", "Liaoning", "Shaanxi", "Jiangxi", "Yunnan",
]  # fmt: skip

SURNAMES_DE = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
    "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Werner", "Krause",
    "Lehmann", "Köhler", "Herrmann", "Walter", "König", "Mayer", "Kaiser", "Fuchs", "Peters",
    "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel",
]  # fmt: skip
GIVEN_DE = [
    "Anna", "Katrin", "Susanne", "Julia", "Claudia", "Sabine", "Petra", "Franziska", "Thomas",
    "Michael", "Andreas", "Stefan", "Frank", "Jens", "Uwe", "Matthias", "Tobias", "Christian",
    "Sebastian", "Martin", "Kerstin", "Ulrike", "Heike", "Jan", "Lars",
]  # fmt: skip
SURNAMES_CN = [
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
    ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"),
    ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"), ("Lin", "林"), ("He", "何"),
    ("Guo", "郭"), ("Ma", "马"), ("Shi", "石"),
]  # fmt: skip
GIVEN_CN = [
    ("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"), ("Jun", "军"),
    ("Yang", "洋"), ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"), ("Ming", "明"),
    ("Chao", "超"), ("Xiuying", "秀英"), ("Hua", "华"), ("Guangliang", "广亮"), ("Hong", "红"),
    ("Ping", "平"), ("Gang", "刚"), ("Li", "丽"),
]  # fmt: skip

POSITIONS_DE = [
    "Geschäftsführer", "Geschäftsführerin", "Leiter Vertrieb", "Leiterin Export", "Projektleiter",
    "Referentin Außenwirtschaft", "Bürgermeister", "Amtsleiterin", "Vorstand", "Prokurist",
    "Leiter Internationales", "Standortmanagerin",
]  # fmt: skip
POSITIONS_CN = [
    "Mayor", "Vice Mayor", "Director, Bureau of Commerce", "Deputy Director", "General Manager",
    "Chairman", "Head of Investment Promotion", "Party Secretary",
    "Director, Foreign Affairs Office", "Vice President",
]  # fmt: skip

TRADES = [
    "Präzisionstechnik", "Maschinenbau", "Logistik", "Medizintechnik", "Software",
    "Automotive Systems", "Umwelttechnik", "Energietechnik", "Biotech", "Solartechnik",
    "Kunststofftechnik", "Anlagenbau", "Druckerei", "Feinmechanik", "Elektronik", "Verpackung",
    "Lebensmittel", "Messtechnik", "Robotik", "Bau", "Consulting", "Chemie", "Textil",
    "Glastechnik", "Optik", "Photonik", "Wassertechnik", "IT-Service",
]  # fmt: skip
LEGAL_FORMS = ["GmbH", "GmbH & Co. KG", "AG", "KG", "UG (haftungsbeschränkt)", "e.K."]
PRODUCTS = [
    "Sondermaschinen für die Automobilindustrie", "Sensoren und Messsysteme",
    "Software für die Produktionsplanung", "Medizinische Verbrauchsmaterialien",
    "Logistikdienstleistungen nach Asien", "Anlagen zur Wasseraufbereitung", "Photovoltaik-Module",
    "Spritzgussteile", "Laboranalytik", "Präzisionsoptik",
]  # fmt: skip

HOME_ORGANISATIONS = [
    ("agency", "Invest Region {city}", "IR"),
    ("municipal", "Amt für Wirtschaftsförderung {city}", "AfW"),
    ("chamber", "Industrie- und Handelskammer {city}", "IHK"),
    ("chamber", "Handwerkskammer {city}", "HWK"),
    ("association", "Unternehmerverband {city}", "UV"),
    ("education", "Hochschule {city}", "HS"),
]
PARTNER_ORGANISATIONS = [
    ("government", "{city} Municipal People's Government", ""),
    ("government", "{city} Bureau of Commerce", ""),
    ("government", "{city} Foreign Affairs Office", "FAO"),
    ("agency", "{city} Investment Promotion Center", "IPC"),
    ("agency", "{city} Economic Development Zone", "EDZ"),
    ("chamber", "{city} Chamber of Commerce", "CCPIT"),
    ("facilitator", "{city} Euro-China Business Center", "ECBC"),
    ("education", "{city} University", ""),
]

MEETING_TOPICS = [
    "Kooperation in der Medizintechnik", "Ansiedlung eines Vertriebsbüros", "Fachkräfteaustausch",
    "Investitionsklima", "Messebeteiligung", "Forschungskooperation", "Städtepartnerschaft",
    "Logistikkorridor", "Erneuerbare Energien", "Unterzeichnung der Absichtserklärung",
]  # fmt: skip
FOLLOW_UP_TASKS = [
    "Firmenprofile nachreichen", "Einladung zum Gegenbesuch versenden",
    "Protokoll an die Partner schicken", "Messestand reservieren",
    "Ansprechpartner für Ansiedlung benennen", "Übersetzung der Absichtserklärung",
    "Kontakt zur Hochschule herstellen", "Delegationsbericht veröffentlichen",
]  # fmt: skip
