"""The company-profile spreadsheet import, used by `import_profiles`, the admin and the worker.

sheet.py declares the sheet's columns once; reader.py opens an uploaded file safely;
rows.py parses one row; writes.py and bulk_sql.py write a whole sheet in one
transaction; pipeline.py runs those steps; revert.py undoes a finished import.
"""

from .pipeline import BadFile, import_profiles

__all__ = ["BadFile", "import_profiles"]
