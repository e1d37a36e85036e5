"""English dates in one style on every page: "25 June 2019", as partners/dates.py writes
spans ("25–30 June 2019"), not Django's American default "June 25, 2019"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"

# Typed dates are read as written in Europe too: 05/06/2021 is 5 June, not 6 May. ISO stays
# first, so the admin's date widgets keep writing 2021-06-05.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
]
# Short forms as the long ones: day first and a 24-hour clock (not 03/23/2027 9 a.m.).
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
