"""The public site: its pages (views.py, calendar.py, stories.py, registration.py for a
company trip), feeds.py (Atom, iCalendar), opendata.py (the downloads' catalogue and
schemas) and files.py (uploaded files, served only after a permission check).

filters.py offers the public lists' choices, from published records only; datasets.py
declares the open-data files; sitemaps.py lists every public page; worldmap.py draws the
home page's map.
"""
