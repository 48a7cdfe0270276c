// Apollo Client 4 against a running server: InMemoryCache with relayStylePagination, the asOf case with the default
// cache, and PersistedQueryLink over POST and over GET. Usage: node apollo.mjs GRAPHQL_URL. Prints one JSON line.
import { createHash } from "node:crypto";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { relayStylePagination } from "@apollo/client/utilities";

const url = process.argv[2];
const out = {};

// Every request a client sends, as the server saw it: method, whether the text was sent, status, ETag.
function recordingFetch(log) {
  return async (input, init = {}) => {
    const target = new URL(typeof input === "string" ? input : input.url);
    const body = typeof init.body === "string" ? JSON.parse(init.body) : {};
    const response = await fetch(input, init);
    log.push({
      method: init.method ?? "GET",
      sentText: Boolean(body.query ?? target.searchParams.get("query")),
      sentHash: Boolean((body.extensions ?? JSON.parse(target.searchParams.get("extensions") ?? "{}")).persistedQuery),
      status: response.status,
      etag: response.headers.get("etag"),
    });
    return response;
  };
}

const PAGE = gql`
  query PartiesPage($after: String) {
    parties(first: 5, after: $after) {
      totalCount
      edges { cursor node { id name status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

async function paging() {
  const client = new ApolloClient({
    link: new HttpLink({ uri: url }),
    cache: new InMemoryCache({ typePolicies: { Query: { fields: { parties: relayStylePagination(["filter", "asOf"]) } } } }),
  });
  const first = await client.query({ query: PAGE });
  await client.query({ query: PAGE, variables: { after: first.data.parties.pageInfo.endCursor }, fetchPolicy: "network-only" });
  const merged = client.readQuery({ query: PAGE });
  out.paging = {
    totalCount: merged.parties.totalCount,
    edges: merged.parties.edges.length,
    distinct: new Set(merged.parties.edges.map((e) => e.node.id)).size,
    hasNextPage: merged.parties.pageInfo.hasNextPage,
  };
}

const BOLTLAND = gql`
  query Boltland($asOf: Date) {
    parties(asOf: $asOf, filter: { nameContains: "Boltland" }) { edges { node { id name status } } }
  }
`;
const NODE = gql`
  query PartyNode($id: ID!) { node(id: $id) { id ... on Party { status } } }
`;

async function asOf() {
  // The default cache configuration, as a new user has it.
  const client = new ApolloClient({ link: new HttpLink({ uri: url }), cache: new InMemoryCache() });
  const then = await client.query({ query: BOLTLAND, variables: { asOf: "2018-07-26" } });
  const today = await client.query({ query: BOLTLAND, variables: { asOf: null } });
  const again = await client.query({ query: BOLTLAND, variables: { asOf: "2018-07-26" }, fetchPolicy: "cache-only" });
  const thenNode = then.data.parties.edges[0].node;
  const found = await client.query({ query: NODE, variables: { id: thenNode.id }, fetchPolicy: "network-only" });
  out.asOf = {
    then: thenNode.status,
    today: today.data.parties.edges[0].node.status,
    thenFromCache: again.data.parties.edges[0].node.status,
    sameId: thenNode.id === today.data.parties.edges[0].node.id,
    nodeOfThen: found.data.node?.status ?? null,
  };
}

const BODY_CODES = gql`
  query BodyCodes { bodies { code name } }
`;
const BODY_NAMES = gql`
  query BodyNames { bodies { name } }
`;

async function persisted(query, useGETForHashedQueries) {
  const sha256 = (text) => createHash("sha256").update(text).digest("hex");
  const runs = [];
  for (let n = 0; n < 2; n++) {
    // A new client each time: the second knows nothing, and the server remembers the document for it.
    const log = [];
    const link = ApolloLink.from([
      new PersistedQueryLink({ sha256, useGETForHashedQueries }),
      new HttpLink({ uri: url, fetch: recordingFetch(log) }),
    ]);
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    const result = await client.query({ query });
    runs.push({ requests: log, bodies: result.data.bodies.length });
  }
  return runs;
}

await paging();
await asOf().catch((e) => { out.asOf = { error: String(e) }; });
out.persistedPost = await persisted(BODY_CODES, false);
out.persistedGet = await persisted(BODY_NAMES, true);
console.log(JSON.stringify(out));
