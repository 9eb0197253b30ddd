"""The community worker 李社工 connects the city's 12345 platform: she makes an API token, opens
"Open311 接入" from the token page and reads off the endpoint, her street's jurisdiction id, the
code of 五福苑 and the service code for water; the platform (a program, no session) posts a
resident's report with that key; the case is on her guide page and opens in the case pages;
anyone can follow it on the public endpoint, which shows no name and no phone."""

import re
from xml.etree import ElementTree as ET

from playwright.sync_api import expect


def test_li_connects_a_12345_platform_and_a_report_becomes_a_case(
    page, browser, live_server, e2e_world, sign_in
):
    sign_in(page, e2e_world.li)
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="API 令牌").click()
    page.get_by_label("令牌名称（用途）").fill("12345热线平台对接")
    page.get_by_role("button", name="创建令牌").click()
    secret = page.get_by_label("令牌密钥").input_value()

    # From the token page to the guide: what to hand to the integrator.
    page.get_by_role("link", name="Open311 接入说明").click()
    expect(page.get_by_role("heading", name="Open311 接入说明", level=1)).to_be_visible()
    endpoint = page.locator("#o311-endpoint-url").inner_text()
    assert endpoint == f"{live_server.url}/open311/v2"
    jurisdictions = page.get_by_role("table", name="辖区编码（jurisdiction_id）")
    expect(jurisdictions.get_by_role("row", name=re.compile("沙河街道"))).to_contain_text("SH")
    compounds = page.get_by_role("table", name="小区编码（address_id）")
    expect(compounds.get_by_role("row", name=re.compile("五福苑"))).to_contain_text("WFY")
    services = page.get_by_role("table", name="服务类型（service_code）")
    expect(services.get_by_role("row", name=re.compile("供水与二次供水"))).to_contain_text(
        "pipe.water"
    )
    expect(page.get_by_text("还没有通过 Open311 收到的工单。")).to_be_visible()

    # The platform posts a report with the key, form-encoded, and reads the answer in XML.
    platform = browser.new_context(base_url=live_server.url)
    try:
        answer = platform.request.post(
            "/open311/v2/requests.xml",
            form={
                "api_key": secret,
                "jurisdiction_id": "SH",
                "service_code": "pipe.water",
                "address_id": "WFY",
                "attribute[building]": "1",
                "description": "1栋停水两天了，请尽快处理",
                "first_name": "桂兰",
                "last_name": "刘",
                "phone": "13812345678",
            },
        )
        assert answer.status == 201
        rid = ET.fromstring(answer.body()).findtext("request/service_request_id")
        assert rid.startswith("GD-")

        # Anyone follows it on the public endpoint: open, no name, no phone.
        public = platform.request.get(f"/open311/v2/requests/{rid}.json?jurisdiction_id=SH")
        assert public.status == 200
        (request,) = public.json()
        assert request["status"] == "open" and request["status_notes"] == "待派单"
        assert "刘桂兰" not in public.text() and "13812345678" not in public.text()
    finally:
        platform.close()

    # Back on the guide, the report is listed and opens as a case.
    page.reload()
    received = page.get_by_role("table", name="通过 Open311 收到的工单")
    expect(received).to_contain_text("供水与二次供水")
    received.get_by_role("link", name=rid).click()
    expect(page.get_by_text(rid).first).to_be_visible()
    expect(page.get_by_text("1栋停水两天了").first).to_be_visible()
