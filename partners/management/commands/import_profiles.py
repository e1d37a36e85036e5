"""`manage.py import_profiles PATH [--dry-run] [--skip-invalid]` (DESIGN.md, fixed interface)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, no_translations

from partners.imports import BadFile, import_profiles


class Command(BaseCommand):
    help = "Creates or updates company profiles from an XLSX or CSV sheet."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check every row, write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows and report the invalid ones (default: all or nothing).",
        )

    @no_translations  # The error lines and summary have a fixed English form (issue #4).
    def handle(self, *args, path: Path, dry_run: bool, skip_invalid: bool, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = import_profiles(
                source=path.read_bytes(),
                filename=path.name,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
            )
        except BadFile as error:
            raise CommandError(f"{path.name}: {error.message}") from None
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        for error in result.errors:
            self.stdout.write(str(error))
        refused = result.errors and not skip_invalid
        if refused and not dry_run:
            self.stdout.write("nothing written: the file has invalid rows (see --skip-invalid)")
        if refused or dry_run:
            self.stdout.write(f"would have {result.summary()}; nothing written")
        else:
            self.stdout.write(result.summary())
        if result.errors:
            # Also with --skip-invalid: a script must notice the rows left out.
            raise SystemExit(1)
