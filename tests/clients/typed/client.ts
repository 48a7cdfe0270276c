// A small typed client: every operation's variables and answer are typed from schema.graphql by codegen.
import { graphql } from "./gql";
import type { ErrorCode } from "./gql/graphql";
import type { ResultOf, VariablesOf } from "@graphql-typed-document-node/core";

export const PartiesPage = graphql(`
  query PartiesPage($first: Int, $after: String, $asOf: Date) {
    parties(first: $first, after: $after, asOf: $asOf) {
      totalCount
      edges { cursor node { id name status accededOn } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const WhoAmI = graphql(`
  query WhoAmI { viewer { role bodies } }
`);

export const NewVotingGroup = graphql(`
  mutation NewVotingGroup($name: String!) {
    createVotingGroup(input: { name: $name, category: OTHER_SEC_PARTY }) {
      votingGroup { id name }
      errors { code message field }
    }
  }
`);

type Page = ResultOf<typeof PartiesPage>;
type Vars = VariablesOf<typeof PartiesPage>;

export async function post<R, V>(url: string, query: string, variables: V, key?: string): Promise<R> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data: R };
  return body.data;
}

export function names(page: Page): string[] {
  return page.parties.edges.map((edge) => {
    const day: string | null = edge.node.accededOn; // a Date scalar, mapped to string (not unknown)
    return `${edge.node.name} (${day ?? "not acceded"})`;
  });
}

export const firstPage: Vars = { first: 10, asOf: "2018-07-26" };

export function isAdmin(who: ResultOf<typeof WhoAmI>): boolean {
  const role: "public" | "party" | "dcc" | "secas" | "opsg" | "panel" | "admin" = who.viewer.role;
  return role === "admin";
}

export function refusal(answer: ResultOf<typeof NewVotingGroup>): string | null {
  const first = answer.createVotingGroup.errors[0];
  if (!first) return null;
  // An enum: only the schema's codes are possible values (a plain string would not compile here).
  const askForKey: ErrorCode[] = ["UNAUTHENTICATED", "FORBIDDEN"];
  return askForKey.includes(first.code) ? `sign in: ${first.message}` : `${first.code}: ${first.message}`;
}
