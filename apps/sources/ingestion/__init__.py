"""Turning what a caseworker brings (a saved page, a pasted text) into a stored article."""
