"""What every endpoint of the REST API shares; the apps' views and serializers import it.

- ``problems``: one error format everywhere, RFC 9457 problem details (``application/problem+json``);
- ``policies``: parsing, model permissions, pagination (named in ``settings.REST_FRAMEWORK``);
- ``fields``: partial dates (text in, object out) and public identifiers (UUIDs, never row ids);
- ``views``: the viewset base (records by public id, their change history, scoped choices);
- ``schema``: the OpenAPI schema class that documents the error responses of every operation.

The router lives in ``casetracker/api_urls.py`` and only wires the apps' viewsets. Nothing is
imported here, so that DRF can load ``policies`` while its own views module is loading.
"""
