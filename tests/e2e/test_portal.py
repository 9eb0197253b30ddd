"""The resident 刘桂兰 (78) signs in on her phone and sees her own household, nobody else's."""

from playwright.sync_api import expect

from laoyuan.core.models import AuditEvent
from laoyuan.registry.models import Building


def test_a_resident_sees_her_household_and_not_the_others(page, e2e_world, sign_in):
    # given 赵大海 is the head (楼栋长) of her building
    Building.objects.filter(pk=e2e_world.b1.pk).update(head=e2e_world.zhao_dahai)
    page.set_viewport_size({"width": 390, "height": 800})
    # when 刘桂兰 signs in
    sign_in(page, e2e_world.liu)
    # then she lands on her portal
    expect(page.get_by_role("heading", level=1)).to_have_text("我的家")
    members = page.get_by_role("list", name="本户成员（号码已脱敏）")
    expect(members.get_by_role("heading")).to_have_text(["刘桂兰", "刘小明"])
    expect(page.get_by_text("孙丽")).to_have_count(0)
    expect(page.get_by_text("139****1111")).to_have_count(0)  # 赵大海's phone
    expect(page.get_by_role("heading", name="我的小区")).to_be_visible()
    expect(page.get_by_text("马家沟1号")).to_be_visible()
    expect(page.get_by_text("张网格")).to_be_visible()  # her grid worker
    expect(page.get_by_text("赵大海")).to_be_visible()  # her building head, by name only
    # and the staff workspace is not hers
    response = page.goto(f"/residents/{e2e_world.zhao_dahai.pk}/")
    assert response.status == 404


def test_a_resident_reveals_her_own_phone(page, e2e_world, sign_in):
    sign_in(page, e2e_world.liu)
    expect(page.get_by_text("13812345678")).to_have_count(0)
    page.get_by_role("button", name="查看完整号码（联系电话）").click()
    expect(page.get_by_text("13812345678")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的家")
    assert AuditEvent.objects.filter(action="pii.reveal.phone", actor=e2e_world.liu).exists()
