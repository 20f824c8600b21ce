"""Helpers for the API's HTTP conventions in tests."""


def if_match(client, url: str) -> dict:
    """The If-Match header a careful client sends to change ``url``: the ETag of its GET.

    For ``client.patch(url, data, **if_match(client, url))``: the write then runs against the
    version just read, as it must (428 without If-Match, 412 with a stale one).
    """
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {"HTTP_IF_MATCH": response["ETag"]}
