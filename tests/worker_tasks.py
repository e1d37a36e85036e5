"""A task for the worker tests that needs no table but the task results' own."""

from django.tasks import task


@task
def echo(value):
    return value
