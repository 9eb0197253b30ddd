"""The community worker 李社工 creates an API token on her token page, sees the secret once, a
program uses it against the API, she revokes it, and the API refuses it. The API docs load
without reaching any server but ours."""

import re

from playwright.sync_api import expect


def test_li_creates_uses_and_revokes_a_token(page, browser, live_server, e2e_world, sign_in):
    sign_in(page, e2e_world.li)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="API 令牌").click()
    expect(page.get_by_role("heading", name="API 令牌", level=1)).to_be_visible()
    expect(page.get_by_text("您还没有令牌。")).to_be_visible()

    # Given a name, when she creates the token, then the secret is shown once with a warning.
    page.get_by_label("令牌名称（用途）").fill("花名册同步脚本")
    page.get_by_role("button", name="创建令牌").click()
    expect(page.get_by_role("heading", name="新令牌“花名册同步脚本”已创建")).to_be_visible()
    expect(page.get_by_text("此密钥只显示这一次")).to_be_visible()
    secret = page.get_by_label("令牌密钥").input_value()
    assert re.fullmatch(r"ly_[A-Za-z0-9_-]{40,}", secret)
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("花名册同步脚本"))).to_contain_text("有效")
    expect(table).to_contain_text(secret[:10])

    # A program without her browser session: only the token speaks for it.
    program = browser.new_context(base_url=live_server.url)
    try:
        answer = program.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status == 200
        assert answer.json()["username"] == "li"
        residents = program.request.get(
            "/api/v1/residents?q=刘", headers={"Authorization": f"Bearer {secret}"}
        )
        assert [r["name"] for r in residents.json()["items"]] == ["刘桂兰", "刘小明"]

        # Coming back to the page, the secret is no longer shown, but the token is listed.
        page.goto("/account/tokens/")
        expect(page.get_by_label("令牌密钥")).to_have_count(0)
        assert secret not in page.content()
        row = page.get_by_role("row", name=re.compile("花名册同步脚本"))
        expect(row).not_to_contain_text("从未使用")

        # When she revokes it, then the API refuses it.
        row.get_by_text("撤销", exact=True).click()
        row.get_by_role("button", name="确认撤销“花名册同步脚本”").click()
        expect(page.get_by_role("status")).to_contain_text("已撤销")
        expect(page.get_by_role("row", name=re.compile("花名册同步脚本"))).to_contain_text("已撤销")
        refused = program.request.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert refused.status == 401
        assert "令牌" in refused.json()["detail"]
    finally:
        program.close()


def test_the_api_docs_load_only_from_our_server(page, live_server, e2e_world):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    # The page builds the whole OpenAPI document (over two hundred thousand characters) before
    # it shows its heading: more than expect's five seconds on a busy machine.
    heading = page.get_by_role("heading", name=re.compile("Laoyuan API"))
    expect(heading).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/residents/{resident_id}/reveal").first).to_be_visible()
    assert requested
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
