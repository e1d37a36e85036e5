"""A trade officer tries to plant a script in the back office; an administrator opens it.

The attack of issue 11: a memorandum "document" that starts with ``%PDF-`` but is a page,
uploaded as ``scan.html``, loads a second stored file as a script, which creates a user
with the administrator's session. The upload is refused; and files stored before uploads
were checked (written here straight into storage) are served so that nothing runs.
"""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from partners import models as m
from partners.roles import ADMINISTRATORS, TRADE_OFFICERS

from . import factories as f

PASSWORD = "correct horse battery staple"
User = get_user_model()

# Creates a user with the session of whoever runs it, as the admin's own form would.
PAYLOAD = b"""
window.payloadRan = true;
fetch('/admin/auth/user/add/').then(r => r.text()).then(html => {
  const token = html.match(/name="csrfmiddlewaretoken" value="([^"]+)"/)[1];
  const body = new URLSearchParams({
    csrfmiddlewaretoken: token, username: 'intruder', usable_password: 'false', _save: '1'
  });
  return fetch('/admin/auth/user/add/', {method: 'POST', body});
});
"""


def polyglot(script_url: str) -> bytes:
    return (
        b"%PDF-1.4\n<html><body><h1 id='planted'>planted</h1>"
        + f"<script src='{script_url}'></script>".encode()
        + b"</body></html>\n%%EOF\n"
    )


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


def stored_before_checks(memorandum, name, content):
    stored = default_storage.save(name, ContentFile(content))
    m.Memorandum.objects.filter(pk=memorandum.pk).update(document=stored)
    return f"/files/memoranda/{memorandum.pk}/"


@pytest.mark.browser
def test_a_planted_pdf_polyglot_is_refused_and_stored_files_run_no_script(
    live_server, browser, transactional_db, artifacts_dir
):
    f.UserFactory(username="officer", groups=[TRADE_OFFICERS])
    f.UserFactory(username="alice", groups=[ADMINISTRATORS])
    target = f.MemorandumFactory(title="MoU Leipzig–Jining")

    # The officer uploads the polyglot: it is refused, nothing is stored.
    officer = browser.new_page()
    log_in(officer, live_server, "officer")
    officer.goto(f"{live_server.url}/admin/partners/memorandum/{target.pk}/change/")
    officer.set_input_files(
        "#id_document",
        {"name": "scan.html", "mimeType": "application/pdf", "buffer": polyglot("/x.js")},
    )
    officer.click("input[name=_save]")
    expect(officer.locator(".errorlist")).to_contain_text("is not a PDF document")
    officer.screenshot(path=artifacts_dir / "upload-polyglot-refused.png", full_page=True)
    target.refresh_from_db()
    assert not target.document
    officer.close()

    # Files stored before the checks: a script, and a page that loads it.
    script_url = stored_before_checks(f.MemorandumFactory(), "memoranda/2019/annex.js", PAYLOAD)
    page_url = stored_before_checks(
        f.MemorandumFactory(), "memoranda/2019/scan.html", polyglot(script_url)
    )

    # The administrator opens the page: it is a download, never rendered.
    admin = browser.new_page()
    log_in(admin, live_server, "alice")
    with (
        admin.expect_download() as download,
        pytest.raises(PlaywrightError, match="Download is starting"),
    ):
        admin.goto(f"{live_server.url}{page_url}")
    assert download.value.suggested_filename.endswith(".pdf")

    # Even loaded as a script from a page of the application, the file does not run:
    # it is served as a PDF with nosniff, which browsers refuse to execute.
    admin.goto(f"{live_server.url}/admin/")
    with pytest.raises(PlaywrightError):
        admin.add_script_tag(url=script_url)
    admin.wait_for_timeout(300)
    assert admin.evaluate("window.payloadRan === undefined")
    assert not User.objects.filter(username="intruder").exists()
