"""Given every member of the cast with an API key of her own, when each posts a service request
for every compound of the small world (naming the compound's own district as jurisdiction),
then the case opens exactly where she may open cases ("cases.open" on the compound: the
community worker li in 五福苑 and 马家沟小区, the grid worker zhang in 五福苑, the street
official wang in all of 沙河街道, qian only in 桂花新村), a compound outside her scope is refused
with the very answer an unknown compound code gets, and a key whose user opens cases nowhere is
403. Nothing is stored by a refusal."""

import pytest

from laoyuan.cases.models import Case
from laoyuan.voices import places
from tests.open311.helpers import descriptions, good_request, key_of, post, snapshot

COMPOUNDS = ["wufuyuan", "majiagou", "dongguang", "guihuaxincun"]
DISTRICT_OF = {"wufuyuan": "JJ", "majiagou": "JJ", "dongguang": "JJ", "guihuaxincun": "GS"}
CAST = ["wang", "li", "zhang", "chen", "zhao", "sun", "zhou", "qian", "nobody", "liu"]


@pytest.mark.parametrize("who", CAST)
def test_a_key_files_exactly_where_its_user_may_open_cases(world, who):
    user = world.users[who]
    key = key_of(user)
    for name in COMPOUNDS:
        compound = getattr(world, name)
        fields = good_request(
            world, key, address_id=compound.code, jurisdiction_id=DISTRICT_OF[name]
        )
        del fields["attribute[building]"]  # buildings differ between compounds
        before = snapshot()
        status, answer = post(fields)
        if places.may_on_compound(user, "cases.open", compound):
            assert status == 201, (who, name, answer)
            case = Case.objects.get(request_id=answer[0]["service_request_id"])
            assert (case.compound, case.created_by) == (compound, user)
            continue
        assert snapshot() == before, (who, name)
        if not places.voice_compounds(user, "cases.open").exists():
            assert status == 403, (who, name, answer)
            continue
        unknown = post({**fields, "address_id": "NO-SUCH"})
        assert status == unknown[0] == 400, (who, name, answer)
        assert descriptions(answer)[0].replace(compound.code, "?") == descriptions(unknown[1])[
            0
        ].replace("NO-SUCH", "?")


def test_the_walk_covers_both_outcomes(world):
    assert places.may_on_compound(world.li, "cases.open", world.majiagou)
    assert not places.may_on_compound(world.zhang, "cases.open", world.majiagou)
    assert not places.voice_compounds(world.zhao, "cases.open").exists()
