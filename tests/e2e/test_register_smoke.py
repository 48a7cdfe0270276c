"""First e2e check: the register answers over HTTP."""

from __future__ import annotations


async def test_create_and_list_party(gql, api_keys):
    admin = await api_keys.get("admin")
    r = await gql(
        """mutation { createParty(input: {name: "Boltland Energy Ltd", category: SMALL_SUPPLIER}) {
        party { id name category status votingGroup { name category } } errors { code message field } } }""",
        key=admin,
    )
    party = r["data"]["createParty"]["party"]
    assert party["votingGroup"]["name"] == "Boltland Energy Ltd"
    assert party["status"] == "APPLICANT"
    r = await gql(
        "{ parties(first: 5) { totalCount edges { cursor node { id name status } } "
        "pageInfo { hasNextPage endCursor } } }"
    )
    assert r["data"]["parties"]["totalCount"] == 1
