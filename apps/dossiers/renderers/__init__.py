"""Renderers turn the content built by apps.dossiers.selectors.dossier_content into files."""

import logging

# WeasyPrint narrates every layout step (some at import) at INFO, the level the project logs
# at. Its warnings, such as a refused fetch, still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
