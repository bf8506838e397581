"""Background tasks of the assessments app, run by `manage.py db_worker`."""

from django_tasks import task


@task(takes_context=True)
def result_import_task(context, job_id: int) -> None:
    from opora.assessments.services import result_import_job_run  # the service imports this task

    result_import_job_run(job_id=job_id, task_id=str(context.task_result.id))
