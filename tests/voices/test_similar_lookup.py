"""The similar-lookup index: while a resident types, the open topics most like her text."""

from laoyuan.voices.engine.similarity import SimilarIndex

TOPICS = {
    101: "3栋顶楼漏雨，屋面防水要重做",
    102: "小区门口下雨积水严重",
    103: "楼道电动车飞线充电太危险",
    104: "广场舞音响太吵",
    105: "希望加装电梯",
    106: "楼道灯坏了晚上看不见",
    107: "垃圾站太臭了",
}


def _index():
    return SimilarIndex(list(TOPICS), list(TOPICS.values()))


def test_the_obvious_neighbour_comes_first():
    index = _index()
    assert index.query("我们楼的楼道灯不亮了，晚上上楼黑漆漆的")[0][0] == 106
    assert index.query("電動車在樓道裡拉飛線充電")[0][0] == 103
    assert index.query("六楼房顶漏水漏雨")[0][0] == 101


def test_scores_are_cosines_best_first_and_k_is_respected():
    hits = _index().query("楼道灯坏了，电动车也在楼道充电", k=3, min_score=0)
    assert len(hits) == 3
    scores = [s for _k, s in hits]
    assert scores == sorted(scores, reverse=True) and 0 <= scores[-1] <= scores[0] <= 1
    assert {hits[0][0], hits[1][0]} == {103, 106}


def test_unrelated_text_finds_nothing():
    assert _index().query("今天天气很好") == []
    assert _index().query("！！！") == []


def test_added_voices_are_found():
    index = _index()
    index.add(108, "快递柜太少，快递堆在门卫室")
    assert index.query("门卫室堆满快递")[0][0] == 108
    assert len(index) == 8


def test_an_empty_index_answers_empty():
    assert SimilarIndex([], []).query("楼道灯坏了") == []
