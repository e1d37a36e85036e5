"""English dates in one style on every page: "25 June 2019", as partners/dates.py writes
spans ("25–30 June 2019"), not Django's American default "June 25, 2019"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
