// Public surface of the agent (MCP) layer that pulls no heavy package: principals and their store port, scopes,
// the tools' deps, confirmations, audit redaction and failures. Imported by their own paths instead, so only a
// bundle that needs them gets them: server.ts (the MCP SDK with ajv, and every tool's zod schemas), the HTTP
// transport http.ts and principals-dynamodb.ts (the AWS SDK). The stdio server and the local wiring live with
// their callers (lib/cli/mcp-stdio.ts, lib/local/mcp-local.ts).
export { redactArguments } from './audit.ts';
export {
  CONFIRM_TTL_MS,
  type ConfirmCheck,
  type ConfirmInput,
  checkConfirmation,
  issueConfirmation,
} from './confirm.ts';
export { DEFAULT_WAIT, type ToolDeps } from './deps.ts';
export { PrincipalError, type PrincipalErrorCode } from './errors.ts';
export {
  authenticate,
  hashToken,
  newToken,
  type Principal,
  type PrincipalRecord,
  parseDuration,
  principalStatus,
} from './principals.ts';
export { cachedPrincipals } from './principals-cache.ts';
export { openPrincipalsFile, principalsPath } from './principals-file.ts';
export {
  createPrincipal,
  type IssueOptions,
  type PrincipalStore,
  revokePrincipal,
  rotatePrincipal,
} from './principals-store.ts';
export { parseScopes, type Scope } from './scopes.ts';
export { failureText, type ToolFailure, toolFailure } from './tool-error.ts';
