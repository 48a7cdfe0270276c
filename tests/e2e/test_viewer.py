"""`viewer`: the caller's role and bodies, as the key makes them (the console shows them after sign-in)."""

from __future__ import annotations

QUERY = "{ viewer { role bodies } }"


async def test_viewer_names_the_role_and_bodies_of_the_key(gql, api_keys):
    assert (await gql(QUERY))["data"]["viewer"] == {"role": "public", "bodies": []}
    dcc = await api_keys.get("dcc")
    assert (await gql(QUERY, key=dcc))["data"]["viewer"] == {"role": "dcc", "bodies": []}
    opsg = await api_keys.get("opsg", bodies=("SSC",))
    assert (await gql(QUERY, key=opsg))["data"]["viewer"] == {"role": "opsg", "bodies": ["OPSG", "SSC"]}
