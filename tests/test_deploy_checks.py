"""`manage.py check --deploy` refuses an installation whose static files were not collected:
with DEBUG off every page looks its files up in collectstatic's manifest."""

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture
def production_static(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return settings


def deploy_check_ids():
    return {
        message.id for message in run_checks(tags=["staticfiles"], include_deployment_checks=True)
    }


def test_the_deploy_check_fails_until_collectstatic_has_run(production_static):
    assert "partners.E001" in deploy_check_ids()

    call_command("collectstatic", "--no-input", verbosity=0)

    assert "partners.E001" not in deploy_check_ids()


def test_the_check_is_quiet_in_development(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}

    assert "partners.E001" not in deploy_check_ids()


def test_the_check_runs_only_with_deploy(production_static):
    assert "partners.E001" not in {message.id for message in run_checks(tags=["staticfiles"])}
