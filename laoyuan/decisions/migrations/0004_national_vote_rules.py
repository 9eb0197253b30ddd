"""The national counting rules of owners' votes (Civil Code art. 278, in force since 2021-01-01),
as data: a district may add its own rule set later, which wins for its compounds."""

from django.db import migrations


def load(apps, schema_editor):
    from laoyuan.decisions.votes.rulesets import ensure_national

    ensure_national(apps.get_model("decisions", "RuleSet"), apps.get_model("decisions", "MatterRule"))


def unload(apps, schema_editor):
    from laoyuan.decisions.votes.rulesets import NATIONAL_CODE

    apps.get_model("decisions", "MatterRule").objects.filter(rule_set__code=NATIONAL_CODE).delete()
    apps.get_model("decisions", "RuleSet").objects.filter(code=NATIONAL_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_plans_and_votes")]

    operations = [migrations.RunPython(load, unload)]
