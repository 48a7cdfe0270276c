// The console's GraphQL documents as a persisted-documents manifest (SHA-256 → document), the texts exactly as the
// console sends them, for a server that runs trusted documents only. Prints the manifest.
// Usage: node console_manifest.mjs > ../../api/console/persisted-documents.json
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";

const source = readFileSync(new URL("../../api/console/static/documents.js", import.meta.url), "utf8");
const documents = await import(`data:text/javascript,${encodeURIComponent(source)}`);
const manifest = {};
for (const text of Object.values(documents)) {
  if (typeof text === "string" && /^\s*(query|mutation|subscription)\b/.test(text)) {
    manifest[createHash("sha256").update(text).digest("hex")] = text;
  }
}
const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
console.log(JSON.stringify(sorted, null, 2));
