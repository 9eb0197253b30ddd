"""Browser tests: Playwright driving Debian's Chromium against the live test server.

`page` is a fresh browser page; `sign_in(page, user)` logs in through the real login form.
"""

import os
import shutil

import pytest

from tests.cast import PASSWORD, build_world

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: `make test` installs the Debian package chromium.")
    # The live server runs in this process: load the URL configuration (which imports the text
    # engine's scikit-learn) and train the starter classifier now, not inside the first page's
    # ten-second timeout.
    import laoyuan.urls  # noqa: F401
    from laoyuan.voices import services

    services.starter_classifier()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def e2e_world(transactional_db):
    return build_world()


@pytest.fixture
def sign_in():
    def _sign_in(page, user):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    return _sign_in
