"""Uploaded workbooks waiting for their confirmation, and the removal of those never confirmed.

The upload's preview stores the file under PENDING_DIR with a random name kept in the session;
the confirmation takes it and removes it. A preview nobody confirms would stay for ever, so each
new upload first removes those older than PENDING_MAX_AGE, and `manage.py clean_media` (for cron)
does the same when nobody uploads. Confirming a removed preview says it has expired.
"""
import datetime

from django.core.files.storage import default_storage
from django.utils import timezone

PENDING_DIR = "arbetsbocker/vantande"
PENDING_MAX_AGE = datetime.timedelta(hours=24)


def expire_pending_uploads(*, older_than: datetime.timedelta = PENDING_MAX_AGE) -> int:
    """Remove the uploads that have waited longer than `older_than`; how many were removed."""
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except (FileNotFoundError, NotADirectoryError):  # nothing was ever uploaded
        return 0
    oldest_kept = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < oldest_kept:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # confirmed or removed by another worker meanwhile
            continue
    return removed
