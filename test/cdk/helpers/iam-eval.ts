// Test helper: can a role perform an action on one resource of a synthesized template? Conservative: unknown → yes.

type Json = unknown;
interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}
export type Resources = Record<string, CfnResource>;

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Principal?: Json;
}

export interface AccessQuestion {
  /** Logical id of the IAM role. */
  roleId: string;
  /** e.g. `secretsmanager:GetSecretValue`. */
  action: string;
  /** Logical id of the resource acted on. */
  targetId: string;
  /** A concrete ARN the target would have once deployed (literal ARN patterns are matched against it). */
  targetArn: string;
}

/** Managed policies known to grant nothing beyond CloudWatch Logs; any other managed policy counts as "may allow". */
const LOGS_ONLY_MANAGED_POLICIES = [/:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole$/];

/**
 * True when an Allow statement in the role's identity policies (or a resource policy of the target naming the role)
 * covers the action on the target. Wildcards in actions and ARNs are honoured; Conditions are ignored (they can
 * only narrow an Allow, so ignoring them errs towards "allowed").
 */
export function canPerform(resources: Resources, question: AccessQuestion): boolean {
  const role = resources[question.roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`${question.roleId} is not an IAM role`);

  const managed = (role.Properties?.ManagedPolicyArns as Json[] | undefined) ?? [];
  for (const arn of managed) {
    const rendered = render(arn, question.targetId);
    if (!LOGS_ONLY_MANAGED_POLICIES.some((re) => re.test(rendered))) return true;
  }

  const identityStatements: Statement[] = [];
  for (const inline of (role.Properties?.Policies as { PolicyDocument: Json }[] | undefined) ?? []) {
    identityStatements.push(...statementsOf(inline.PolicyDocument));
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const roles = (resource.Properties?.Roles as Json[] | undefined) ?? [];
    if (roles.some((r) => references(r, question.roleId))) {
      identityStatements.push(...statementsOf(resource.Properties?.PolicyDocument));
    }
  }
  if (identityStatements.some((s) => allows(s, question))) return true;

  for (const resource of Object.values(resources)) {
    const props = resource.Properties ?? {};
    const target = props.SecretId ?? props.Queues ?? props.Bucket ?? props.KeyId;
    if (!resource.Type.endsWith('Policy') || !references(target, question.targetId)) continue;
    const document = props.ResourcePolicy ?? props.PolicyDocument ?? props.KeyPolicy;
    for (const statement of statementsOf(document)) {
      const principal = statement.Principal;
      const namesRole = principal === '*' || references(principal, question.roleId) || hasStar(principal);
      if (namesRole && statement.Effect === 'Allow' && actionMatches(statement, question.action)) return true;
    }
  }
  return false;
}

function statementsOf(document: Json): Statement[] {
  const statements = (document as { Statement?: Statement | Statement[] } | undefined)?.Statement ?? [];
  return Array.isArray(statements) ? statements : [statements];
}

function allows(statement: Statement, question: AccessQuestion): boolean {
  return (
    statement.Effect === 'Allow' &&
    actionMatches(statement, question.action) &&
    resourceMatches(statement, question.targetId, question.targetArn)
  );
}

function actionMatches(statement: Statement, action: string): boolean {
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((a) => glob(a, action));
  return list(statement.Action).some((a) => glob(a, action));
}

function resourceMatches(statement: Statement, targetId: string, targetArn: string): boolean {
  if (statement.NotResource !== undefined) {
    return !list(statement.NotResource).some((r) => glob(render(r, targetId), targetArn));
  }
  return list(statement.Resource).some((r) => glob(render(r, targetId), targetArn));
}

/**
 * Renders a CloudFormation value as an ARN pattern: a reference to the target becomes `*` (it is the target's ARN),
 * pseudo parameters and unknown intrinsics become `*`, references to other resources become `<Id>` (matches nothing).
 */
function render(value: Json, targetId: string): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const [fn, arg] = Object.entries(value)[0] ?? [];
  if (fn === 'Ref') return refPattern(String(arg), targetId);
  if (fn === 'Fn::GetAtt') {
    const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
    return id === targetId ? '*' : `<${id}.${attribute}>`;
  }
  if (fn === 'Fn::Join' && Array.isArray(arg)) {
    const [separator, parts] = arg as [string, Json[]];
    return parts.map((p) => render(p, targetId)).join(separator);
  }
  if (fn === 'Fn::Sub' && typeof arg === 'string') {
    return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
      name.includes('.') ? render({ 'Fn::GetAtt': name }, targetId) : refPattern(name, targetId),
    );
  }
  return '*';
}

function refPattern(id: string, targetId: string): string {
  if (id === targetId || id.startsWith('AWS::')) return '*';
  return `<${id}>`;
}

function references(value: Json, id: string): boolean {
  return JSON.stringify(value ?? null).includes(`"${id}"`);
}

function hasStar(principal: Json): boolean {
  return JSON.stringify(principal ?? null).includes('"*"');
}

function list(value: Json): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM wildcard match (`*` any run, `?` one character); actions compare case-insensitively, so both sides do. */
function glob(pattern: Json, value: string): boolean {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  const re = new RegExp(
    `^${text
      .split('')
      .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    'i',
  );
  return re.test(value);
}
