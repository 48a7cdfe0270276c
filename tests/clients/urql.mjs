// urql 6 (@urql/core) with graphql-ws 6 for subscriptions: variables, a node by ID, a payload error, a multipart
// upload, and the exceptions the upload raises arriving over the WebSocket.
// Usage: node urql.mjs GRAPHQL_URL DCC_KEY. Prints one JSON line.
import { Client, fetchExchange, gql, subscriptionExchange } from "@urql/core";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, key] = process.argv.slice(2);
const out = {};

const socket = createClient({
  url: url.replace(/^http/, "ws"),
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${key}` },
});
const client = new Client({
  url,
  fetchOptions: () => ({ headers: { Authorization: `Bearer ${key}`, "X-Secgov-Upload": "1" } }),
  exchanges: [
    fetchExchange,
    subscriptionExchange({
      forwardSubscription(request) {
        const input = { ...request, query: request.query || "" };
        return { subscribe: (sink) => ({ unsubscribe: socket.subscribe(input, sink) }) };
      },
    }),
  ],
});

const SMALL = gql`
  query SmallSuppliers($first: Int) {
    parties(first: $first, filter: { category: SMALL_SUPPLIER }) { totalCount edges { node { id name } } }
  }
`;
const NODE = gql`
  query PartyById($id: ID!) { node(id: $id) { __typename id ... on Party { name } } }
`;
const NEW_GROUP = gql`
  mutation NewGroup { createVotingGroup(input: { name: "Not for the DCC", category: OTHER_SEC_PARTY }) { errors { code } } }
`;
const UPLOAD = gql`
  mutation Upload($file: Upload!) {
    uploadReport(reportType: "CSR_VARIANCE", period: "2018-05", file: $file) { submission { id status } errors { code message } }
  }
`;
const FLAGGED = gql`
  subscription Flagged { exceptionFlagged(reportType: "CSR_VARIANCE") { ruleCode subject status } }
`;

const page = await client.query(SMALL, { first: 3 }).toPromise();
if (page.error) throw page.error;
out.page = { totalCount: page.data.parties.totalCount, names: page.data.parties.edges.map((e) => e.node.name) };
const first = page.data.parties.edges[0].node;
const found = await client.query(NODE, { id: first.id }).toPromise();
out.node = found.data.node;
const refused = await client.mutation(NEW_GROUP, {}).toPromise();
out.refused = refused.data.createVotingGroup.errors.map((e) => e.code);

const flagged = [];
const heard = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`only ${flagged.length} exceptions heard in 60 s`)), 60_000);
  client.subscription(FLAGGED, {}).subscribe((result) => {
    if (result.error) { clearTimeout(timer); reject(result.error); return; }
    flagged.push(result.data.exceptionFlagged);
    if (flagged.length === 3) { clearTimeout(timer); resolve(); }
  });
});
// Acknowledged: graphql-ws sends the waiting subscribe message at once, long before the upload's exceptions exist.
await new Promise((resolve) => socket.on("connected", resolve));

const file = new File(["subscriber,forecast,actual\nS1,553814,873383\n"], "csr.csv", { type: "text/csv" });
const uploaded = await client.mutation(UPLOAD, { file }).toPromise();
if (uploaded.error) throw uploaded.error;
out.upload = uploaded.data.uploadReport;
await heard;
out.flagged = flagged.map((f) => `${f.ruleCode} ${f.subject} ${f.status}`).sort();
await socket.dispose();
console.log(JSON.stringify(out));
process.exit(0);
