"""Only the views marked for it read from the replica; writes never go there."""

from opora.registry.models import School
from opora.replica import ReplicaRouter, replica_reads


def test_reads_of_a_marked_view_go_to_the_replica_and_writes_stay_on_the_primary():
    router = ReplicaRouter()

    @replica_reads
    def dashboard():
        return router.db_for_read(School), router.db_for_write(School)

    assert dashboard() == ("replica", None)
    assert router.db_for_read(School) is None  # elsewhere: the primary
    assert not router.allow_migrate("replica", "registry")
    assert router.allow_migrate("default", "registry")
