"""Normalising and redacting voices: what the models see and what outputs may show."""

import pytest

from laoyuan.voices.engine.text import (
    ID_PLACEHOLDER,
    MAX_CHARS,
    PHONE_PLACEHOLDER,
    VoiceTextError,
    check,
    features,
    redact,
    topic_features,
)


def test_phone_and_id_numbers_are_replaced_in_what_may_be_shown():
    # given a message with a mobile (spaced), a landline and an ID number
    text = "我家漏水，电话 138 1234 5678，座机028-85551234，身份证510104195001011234，请联系"
    # when it is redacted
    shown = redact(text)
    # then no number is left and the placeholders say what was there
    assert "5678" not in shown and "85551234" not in shown and "1234" not in shown
    assert shown.count(PHONE_PLACEHOLDER) == 2 and shown.count(ID_PLACEHOLDER) == 1


def test_numbers_never_reach_the_features():
    # given messages with phone and ID numbers, also typed full-width
    text = "手机１３９００００１１１１，证件号11010519491231002X，楼道灯坏了"
    # when the features are built
    f = features(text)
    # then no digit at all reaches the model, and the concern is still there
    assert not any(ch.isdigit() for ch in f)
    assert "楼道灯坏" in f and "x" not in f


def test_html_links_and_scripts_are_stripped():
    text = '<p onclick="x()">物业费</p><script>alert("黑")</script>收了不干事 https://evil.example/a?b=1'
    shown = redact(text)
    assert "<" not in shown and "script" not in shown and "alert" not in shown
    assert "evil" not in shown
    assert shown == "物业费 收了不干事"


def test_full_width_traditional_and_dialect_words_are_folded():
    # full-width Latin, traditional characters, Sichuan and Suzhou words
    assert features("ＡＢＣ樓道燈") == "abc楼道灯"
    assert features("莫得水，耗儿多得很") == features("没有水，老鼠多得很")
    assert features("老虫交关多") == features("老鼠很多")


def test_filler_words_are_left_out_of_the_topic_form():
    assert topic_features("希望能不能尽快修一下楼道灯") == "修楼道灯"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "内容是空的"),
        ("   \n ", "内容是空的"),
        (None, "内容是空的"),
        ("漏" * 20_000, "内容太长：共20000个字"),
        ("138 1234 5678 http://x.cn ！！！", "内容里没有文字"),
    ],
)
def test_unusable_texts_get_a_clear_chinese_error(text, message):
    with pytest.raises(VoiceTextError) as exc:
        check(text)
    assert message in str(exc.value)


def test_a_long_but_allowed_text_passes():
    text = "楼道灯坏了。" * (MAX_CHARS // 6)
    assert check(text) == text
