"""Documents sent by their hash: automatic persisted queries as Apollo's PersistedQueryLink sends them
(`extensions.persistedQuery {version: 1, sha256Hash}`, over POST or GET), and trusted documents
(SECGOV_DOCUMENTS=trusted: only documents registered from a manifest run).

Automatic: a hash alone runs the document registered under it, or is answered PERSISTED_QUERY_NOT_FOUND (the client
then sends the text with the hash); text with its hash runs, and once it has validated the document is registered
in PostgreSQL (sql/documents.py: so every API process knows it; bounded, the oldest evicted).
Trusted: a hash runs only a trusted document (else PERSISTED_QUERY_NOT_FOUND), and a text without a hash runs only
when its SHA-256 is a trusted document's (else PERSISTED_QUERY_REQUIRED); nothing is registered by a request.

Done in the operation hook, before parsing: the document's text is set on the execution context, which strawberry
then parses as if it had been sent. A refusal becomes the operation's only error before it is parsed (the way a
syntax error does), so it is answered alike over HTTP and on the WebSocket (an `error` message for the operation).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from schema.errors import bad_user_input
from sql import documents
from sql.documents import Known

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
REQUIRED = "PERSISTED_QUERY_REQUIRED"
MODES = ("any", "trusted")
MEMORY = 1024  # documents remembered per process (a hash always names the same text, so they never go stale)
_HEX64 = re.compile(r"[0-9a-f]{64}")


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def asked_hash(extensions: Mapping[str, Any] | None) -> str | None:
    """The hash a request names in `extensions.persistedQuery`, or None; BAD_USER_INPUT when it is malformed."""
    asked = (extensions or {}).get("persistedQuery")
    if asked is None:
        return None
    if not isinstance(asked, dict) or asked.get("version") != 1:
        raise bad_user_input("extensions.persistedQuery must be {version: 1, sha256Hash: <64 hex digits>}")
    value = asked.get("sha256Hash")
    # GraphQL Code Generator's manifests name documents "sha256:<hex>"; Apollo sends the hex alone.
    value = value.removeprefix("sha256:").lower() if isinstance(value, str) else None
    if value is None or not _HEX64.fullmatch(value):
        raise bad_user_input("extensions.persistedQuery.sha256Hash must be 64 hexadecimal digits")
    return value


def request_document_key(payload: Mapping[str, Any]) -> str | None:
    """What names a request's document for the response cache: its text, or else the hash it was sent by."""
    query = payload.get("query")
    if isinstance(query, str):
        return query
    extensions = payload.get("extensions")
    try:
        asked = asked_hash(extensions if isinstance(extensions, dict) else None)
    except GraphQLError:
        return None
    return f"sha256:{asked}" if asked else None


class DocumentsByHash:
    """The documents this process has seen by hash, in front of the table every process shares."""

    def __init__(self, mode: str = "any", size: int = MEMORY, shipped: Mapping[str, str] | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"SECGOV_DOCUMENTS={mode!r}: expected one of {', '.join(MODES)}")
        self.trusted_only = mode == "trusted"
        self.size = size
        self._kept: OrderedDict[str, Known] = OrderedDict()
        # Trusted documents that ship with the server (its console's), known without the table.
        self.shipped = {sha256_of(text): Known(text, trusted=True) for text in (shipped or {}).values()}

    async def find(self, ctx: Any, sha256: str) -> Known | None:
        known = self.shipped.get(sha256)
        if known is not None:
            return known
        known = self._kept.get(sha256)
        if known is not None:
            self._kept.move_to_end(sha256)
            return known
        async with ctx.connection() as conn:
            known = await documents.by_hash(conn, sha256=sha256)
        if known is not None:
            self.keep(sha256, known)
        return known

    def keep(self, sha256: str, known: Known) -> None:
        self._kept[sha256] = known
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)

    async def remember(self, ctx: Any, sha256: str, document: str) -> None:
        if sha256 in self._kept or len(document) > documents.MAX_PERSISTED_CHARS:
            return  # known already, or too long to keep: it runs, and is sent with its text each time
        async with ctx.connection() as conn:
            await documents.remember(conn, sha256=sha256, document=document)
        self.keep(sha256, Known(document, trusted=False))


def not_found(sha256: str) -> GraphQLError:
    return GraphQLError(
        f"no document is registered under the hash {sha256}; send the query's text with it",
        extensions={"code": NOT_FOUND},
    )


def refused(operation_name: str | None) -> DocumentNode:
    """A document in place of the one refused: nothing is parsed, validated or run, and strawberry answers the
    errors set with it (its operation bears the name the request asked for, which strawberry looks up)."""
    selection = SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))
    name = NameNode(value=operation_name) if operation_name else None
    operation = OperationDefinitionNode(operation=OperationType.QUERY, name=name, selection_set=selection)
    return DocumentNode(definitions=(operation,))


class PersistedDocuments(SchemaExtension):
    def __init__(self, known: DocumentsByHash) -> None:
        self.known = known
        self.to_remember: tuple[str, str] | None = None

    async def on_operation(self) -> AsyncIterator[None]:
        ec = self.execution_context
        try:
            await self.find_document()
        except Exception as e:  # noqa: BLE001 - the database away, say: masked (UNAVAILABLE) by the error policy
            ec.graphql_document = refused(ec.operation_name)
            ec.query = None  # so no memory of parsed documents stands in for the refusal
            # Refused before parsing, as strawberry's own ValidationCache reports its errors: the execution context's
            # field; tests/e2e/test_persisted_documents.py fails if strawberry stops answering with them.
            ec.pre_execution_errors = [e if isinstance(e, GraphQLError) else GraphQLError(str(e), original_error=e)]
        yield

    async def find_document(self) -> None:
        """Set the document the request names by hash, or register its text; GraphQLError when it may not run."""
        ec = self.execution_context
        asked = asked_hash(ec.operation_extensions)
        text = ec.query
        if text and asked and sha256_of(text) != asked:
            raise bad_user_input(f"extensions.persistedQuery.sha256Hash {asked} is not the SHA-256 of the query")
        if self.known.trusted_only:
            if asked or text:
                known = await self.known.find(ec.context, asked or sha256_of(text or ""))
                if known is None or not known.trusted:
                    if asked:
                        raise not_found(asked)
                    raise GraphQLError(
                        "this server runs only registered documents: send a registered document's hash in "
                        "extensions.persistedQuery",
                        extensions={"code": REQUIRED},
                    )
                ec.query = known.document
        elif asked and not text:
            known = await self.known.find(ec.context, asked)
            if known is None:
                raise not_found(asked)
            ec.query = known.document
        elif asked and text:
            self.to_remember = (asked, text)

    async def on_validate(self) -> AsyncIterator[None]:
        yield
        if self.to_remember is not None and not self.execution_context.pre_execution_errors:
            await self.known.remember(self.execution_context.context, *self.to_remember)
