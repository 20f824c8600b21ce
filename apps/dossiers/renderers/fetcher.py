"""The only way a dossier render may load anything: files of the dossier app's own static folder.

WeasyPrint fetches whatever a document points to — images, stylesheets, fonts — over any
protocol. A dossier quotes text that came from the outside world, and although all of it is
escaped, a second line of defence costs nothing: this fetcher refuses the network, ``data:``
and every file outside the allowed folders, so a rendering can never reach a server (an SSRF
into the NGO's network) or embed a local file such as /etc/passwd into a PDF.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "dossiers"


class FetchRefused(ValueError):
    """A render asked for something outside what dossiers may load."""


class DossierURLFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``allowed_dirs`` and refuses everything else.

    Refused URLs are kept in ``refused`` so that tests (and a curious operator) can see what a
    document tried to load.
    """

    def __init__(self, allowed_dirs: tuple[Path, ...] = (STATIC_DIR,)) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self.allowed_dirs = tuple(Path(d).resolve() for d in allowed_dirs)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            path = self.allowed_path(url)
        except FetchRefused:
            self.refused.append(url)
            logger.warning("Dossier rendering refused to fetch %.200s", url)
            raise
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )

    def allowed_path(self, url: str) -> Path:
        """The local file ``url`` names, if it is one this fetcher may serve."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file":
            raise FetchRefused(f"Dossiers load no {parts.scheme or 'relative'}: resources.")
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused("Dossiers load no files from other hosts.")
        # resolve() follows symbolic links and "..", so neither can lead out of the folder.
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(folder) for folder in self.allowed_dirs):
            raise FetchRefused("Dossiers load files only from their own static folder.")
        if not path.is_file():
            raise FetchRefused("No such file.")
        return path
