"""A rule that judges measures belongs to a region (set by its operator) or to Opora itself
(no region: from the console only); rule_save checks its user itself."""

import pytest
from django.core.exceptions import PermissionDenied

from opora.monitoring import services
from opora.monitoring.models import EffectivenessRule

pytestmark = pytest.mark.django_db
PARAMS = {"results": {"min_fewer_twos": 2}}


def _save(user, region):
    return services.rule_save(
        user=user, code="own", title="Своё правило", params=PARAMS, region=region
    )


@pytest.mark.parametrize("who", ["coordinator_a", "methodist_a", "observer_b"])
def test_only_the_region_s_operator_sets_the_region_s_rule(cast, region, who):
    with pytest.raises(PermissionDenied):
        _save(cast[who], region)
    with pytest.raises(PermissionDenied):
        _save(cast["region_operator"], None)  # a rule for every region is not the region's
    assert not EffectivenessRule.objects.filter(code="own").exists()
    assert _save(cast["region_operator"], region).region == region
    console = services.rule_save(user=None, code="opora", title="Правило Opora", params=PARAMS)
    assert console.region is None
