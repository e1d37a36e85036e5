"""The public site's pieces other than its views (those are in partners/views/).

filters.py offers the public lists' choices, from published records only; datasets.py
declares the open-data files; sitemaps.py lists every public page; worldmap.py draws the
home page's map.
"""
