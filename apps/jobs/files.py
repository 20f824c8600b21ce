"""Where jobs keep the files they make: settings.JOBS_FILES_ROOT, never Redis.

Files are written under a temporary name and renamed into place, so a reader (another worker,
a download) never sees half a file, and two workers making the same file both leave it whole.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed


@cache
def job_files() -> FileSystemStorage:
    """The storage of job files (one folder, shared by every web and worker process)."""
    return FileSystemStorage(location=settings.JOBS_FILES_ROOT)


def _forget_storage(*, setting, **kwargs) -> None:
    if setting == "JOBS_FILES_ROOT":
        job_files.cache_clear()


setting_changed.connect(_forget_storage)


def job_file_write(name: str, data: bytes) -> str:
    """Write ``data`` as ``name`` in the job files (replacing one there); returns ``name``."""
    path = job_files().path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return name


def job_file_exists(name: str) -> bool:
    return bool(name) and job_files().exists(name)
