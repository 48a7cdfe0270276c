// GraphQL Code Generator: types from the committed schema for the operations in typed/, with the custom scalars
// mapped, and the persisted-documents manifest (SHA-256 → document) that `secgov documents add` registers.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["typed/**/*.ts", "!typed/gql/**"],
  generates: {
    "typed/gql/": {
      preset: "client",
      config: {
        scalars: {
          Date: "string",
          DateTime: "string",
          JSON: "{ [key: string]: unknown }",
          Upload: "File | Blob",
        },
        enumsAsTypes: true,
        strictScalars: true,
      },
      presetConfig: {
        persistedDocuments: { hashAlgorithm: "sha256" },
        fragmentMasking: false,
      },
    },
  },
};

export default config;
