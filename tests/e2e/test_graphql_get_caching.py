"""GraphQL over HTTP as front ends use it: GET answers carry an ETag (data version and answer), Cache-Control and
Vary, If-None-Match answers 304; a mutation over GET is 405; a request that executed has `data`, one that did not
has none."""

from __future__ import annotations


def vary(response) -> list[str]:
    """The Vary header's names, each once (the CORS layer adds Origin to what the GraphQL endpoint says)."""
    return sorted(name.strip().lower() for name in response.headers.get("vary", "").split(","))


GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json, application/json;q=0.9"}
BODIES = {"query": "query Bodies { bodies { code } }", "operationName": "Bodies"}


async def test_get_answers_carry_etag_and_revalidate_to_304(client, api_keys):
    r = await client.get("/graphql", params=BODIES, headers=GRAPHQL_RESPONSE)
    assert r.status_code == 200, r.text
    tag = r.headers["etag"]
    assert r.headers["cache-control"] == "public, no-cache"
    assert vary(r) == ["accept", "authorization", "origin"]
    again = await client.get("/graphql", params=BODIES, headers={**GRAPHQL_RESPONSE, "If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    other = await client.get("/graphql", params=BODIES, headers={**GRAPHQL_RESPONSE, "If-None-Match": '"other"'})
    assert other.status_code == 200 and other.json() == r.json()

    # A write commits: the data version moves, so the old tag no longer matches.
    admin = await api_keys.get("admin")
    created = await client.post(
        "/graphql",
        json={
            "query": 'mutation { createVotingGroup(input: {name: "G", category: OTHER_SEC_PARTY}) { errors { code } } }'
        },
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert created.json()["data"]["createVotingGroup"]["errors"] == []
    after = await client.get("/graphql", params=BODIES, headers={**GRAPHQL_RESPONSE, "If-None-Match": tag})
    assert after.status_code == 200 and after.headers["etag"] != tag


async def test_keyed_get_answers_are_private(client, api_keys):
    key = await api_keys.get("opsg", bodies=("OPSG",))
    r = await client.get("/graphql", params=BODIES, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, no-cache"
    assert vary(r) == ["accept", "authorization", "origin"]


async def test_a_mutation_over_get_is_405_allow_post(client):
    mutation = 'mutation { createVotingGroup(input: {name: "G", category: OTHER_SEC_PARTY}) { errors { code } } }'
    r = await client.get("/graphql", params={"query": mutation}, headers=GRAPHQL_RESPONSE)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"
    assert r.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_executed_with_data_nulled_is_2xx_with_data(client):
    query = '{ membershipStatistics(fromMonth: "x", toMonth: "y") { month } }'
    r = await client.post("/graphql", json={"query": query}, headers=GRAPHQL_RESPONSE)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/graphql-response+json")
    assert r.json()["data"] is None and r.json()["errors"]


async def test_a_parse_failure_has_no_data_in_either_media_type(client):
    r = await client.post("/graphql", json={"query": "{ bodies { code "})
    assert r.status_code == 200 and "data" not in r.json()
    assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    r = await client.post("/graphql", json={"query": "{ bodies { code "}, headers=GRAPHQL_RESPONSE)
    assert r.status_code == 400 and "data" not in r.json()


async def test_revalidation_without_the_response_cache(pool):
    """The tag is the same whether the answer was computed or kept: here every answer is computed."""
    import httpx

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(response_cache=False), pool=pool)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        r = await client.get("/graphql", params=BODIES)
        again = await client.get("/graphql", params=BODIES, headers={"If-None-Match": f"W/{r.headers['etag']}"})
    assert again.status_code == 304
    assert again.headers["etag"] == r.headers["etag"]
