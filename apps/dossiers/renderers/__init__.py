"""Renderers turn the content built by apps.dossiers.selectors.dossier_content into files."""
