"""The managers' report behind /reports/ and `export_report` (aggregation only: no HTTP).

filters.py reads the criteria a manager chooses; queries.py selects the records and
says, in SQL, which partner city each belongs to; places.py keeps that city and day on
each record, through every write; figures.py defines every figure once
and has the database count it; opportunities.py counts the opportunity pipeline; tables.py
lays the report out as sheets (XLSX, CSV); charts.py computes the page's SVG charts.
"""
