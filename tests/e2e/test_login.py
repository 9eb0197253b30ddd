"""A community worker signs in, and a wrong password gets a clear message in Chinese."""

from tests.cast import PASSWORD


def test_wrong_password_is_refused_in_chinese(page, e2e_world):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("li")
    page.get_by_label("密码").fill(PASSWORD + "x")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
