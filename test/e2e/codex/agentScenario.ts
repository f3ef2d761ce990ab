/**
 * The scripted session every real agent plays through Airlock (test/e2e/{gemini,codex,copilot}): a policy,
 * a workspace, the edits and commands the model asks for, and the checks that follow on disk, in the audit
 * log, in the session list and after `airlock rollback --last`. Each agent suite writes the turns in its own
 * tool dialect; what must happen is the same for all.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotTree } from '../../unit/helpers/treeSnapshot';
import type { tempTree } from '../../unit/helpers/fixtures';
import { airlock } from '../../integration/helpers/cli';

/** The policy of the scenario: secrets denied, source and generated files allowed, two commands allowed, node and echo sandboxed. */
export const SCENARIO_POLICY = {
  version: 1,
  rules: [
    { action: 'deny', edit: ['secrets/**'], reason: 'secrets stay with humans' },
    { action: 'allow', edit: ['src/**', 'gen/**'] },
    { action: 'allow', command: ['mkdir *', 'printf *'] },
    { action: 'allow', command: ['node *', 'echo *'], sandbox: true },
  ],
  sandbox: { limits: { timeoutSeconds: 60 } },
};

/** What the model asks for, whatever the agent's tool names. */
export const SCENARIO = {
  created: { path: 'src/feature.ts', content: 'export const feature = true;\n' },
  modified: { path: 'src/app.ts', before: 'export const app = 1;\n', after: 'export const app = 2;\n' },
  secret: { path: 'secrets/key.txt', content: 'KEY=do-not-touch\n', stolen: 'KEY=stolen\n' },
  allowedCommand: "mkdir -p gen && printf 'made by a shell command\\n' > gen/out.txt",
  deniedCommand: "printf 'KEY=stolen\\n' > secrets/key.txt",
  /** Writes outside the workspace (must fail in the sandbox) and inside it (must work). */
  sandboxCommand: (outside: string): string => `node -e "require('fs').writeFileSync(process.argv[1], 'escaped')" ${outside}/escaped.txt; node -e "require('fs').writeFileSync('gen/inside.txt', 'ran in the sandbox')"; echo "exit=$?"`,
} as const;

/** Lays out the workspace (a git repository with the policy, a source file and a secret). */
export function layOutWorkspace(tree: ReturnType<typeof tempTree>, dir = 'ws'): void {
  tree.write(`${dir}/.git/HEAD`, 'ref: refs/heads/main\n');
  tree.write(`${dir}/.vscode/airlock.json`, `${JSON.stringify(SCENARIO_POLICY, null, 2)}\n`);
  tree.write(`${dir}/${SCENARIO.modified.path}`, SCENARIO.modified.before);
  tree.write(`${dir}/${SCENARIO.secret.path}`, SCENARIO.secret.content);
}

/** The workspace's files, for comparing before the session and after its rollback. */
export function treeOf(ws: string): Record<string, string> {
  return snapshotTree(ws, ['.git']);
}

/** An audit record as `airlock audit --json` prints it. */
export interface AuditLine {
  readonly type: string;
  readonly agent?: string;
  readonly session?: string;
  readonly agentSessionId?: string;
  readonly tool?: string;
  readonly kind?: string;
  readonly target?: string;
  readonly action?: string;
  readonly decidedBy?: string;
  readonly reason?: string;
  readonly nonce?: string;
}

/** The audit log of the workspace, verified. */
export function auditOf(ws: string, env: Record<string, string>): AuditLine[] {
  const verify = airlock(['audit', '--verify'], { cwd: ws, env });
  assert.equal(verify.code, 0, `the audit log verifies: ${verify.stdout}${verify.stderr}`);
  const r = airlock(['audit', '--json'], { cwd: ws, env });
  assert.equal(r.code, 0, r.stderr);
  const parsed = JSON.parse(r.stdout) as AuditLine[] | { records: AuditLine[] };
  return Array.isArray(parsed) ? parsed : parsed.records;
}

/** A session as `airlock sessions --json` prints it. */
export interface SessionLine {
  readonly id: string;
  readonly agent: string;
  readonly agentSessionId: string;
  readonly ended: string | null;
  readonly files: number;
  readonly actions: number;
}

/** The sessions of the workspace, newest first. */
export function sessionsOf(ws: string, env: Record<string, string>): SessionLine[] {
  const r = airlock(['sessions', '--json'], { cwd: ws, env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SessionLine[];
}

/** The checks on disk after the scripted session: what was allowed landed, what was denied did not, the sandbox held. */
export function assertOnDisk(ws: string, outside: string): void {
  assert.equal(readFileSync(join(ws, SCENARIO.created.path), 'utf8'), SCENARIO.created.content, 'the allowed new file landed');
  assert.equal(readFileSync(join(ws, SCENARIO.modified.path), 'utf8'), SCENARIO.modified.after, 'the allowed edit landed');
  assert.equal(readFileSync(join(ws, SCENARIO.secret.path), 'utf8'), SCENARIO.secret.content, 'the denied edit and the denied command left the secret alone');
  assert.equal(readFileSync(join(ws, 'gen/out.txt'), 'utf8'), 'made by a shell command\n', 'the allowed command ran');
  assert.equal(readFileSync(join(ws, 'gen/inside.txt'), 'utf8'), 'ran in the sandbox', 'the sandboxed command ran');
  assert.ok(!existsSync(join(outside, 'escaped.txt')), 'the sandboxed command could not write outside the workspace');
}

/** The audit log after the scripted session: each decision of the agent's session, with its session id, tool and target. */
export function assertAudited(ws: string, env: Record<string, string>, agent: string): AuditLine[] {
  const records = auditOf(ws, env).filter((r) => r.type === 'decision' && r.agent === agent);
  const find = (action: string, target: RegExp): AuditLine | undefined => records.find((r) => r.action === action && target.test(r.target ?? ''));
  assert.ok(find('allow', /src\/feature\.ts/), `the new file was allowed: ${JSON.stringify(records, null, 1)}`);
  assert.ok(find('allow', /src\/app\.ts/), 'the edit was allowed');
  assert.ok(find('deny', /^secrets\/key\.txt$/), 'the edit of the secret was denied');
  assert.ok(find('allow', /^mkdir -p gen/), 'the command was allowed');
  assert.ok(find('deny', /secrets\/key\.txt/) && records.some((r) => r.action === 'deny' && r.kind === 'command'), 'the command writing the secret was denied');
  assert.ok(find('allow', /^node -e/), 'the sandboxed command was allowed');
  assert.ok(!records.some((r) => r.decidedBy === 'error'), `no payload was refused: ${JSON.stringify(records.filter((r) => r.decidedBy === 'error'))}`);
  const sessions = new Set(records.map((r) => r.agentSessionId));
  assert.equal(sessions.size, 1, 'every decision names the one agent session');
  assert.ok(records.every((r) => r.session && r.tool), 'every decision names its session and tool');
  return records;
}

/** Rolls the last session back and checks the workspace is exactly as before it. */
export function assertRollback(ws: string, env: Record<string, string>, before: Record<string, string>, agent: string): void {
  const last = sessionsOf(ws, env)[0]!;
  assert.equal(last.agent, agent, 'the last session is the agent\'s');
  const r = airlock(['rollback', '--last', '--json'], { cwd: ws, env });
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { session: string; conflicts: string[] };
  assert.equal(report.session, last.id);
  assert.deepEqual(report.conflicts, []);
  assert.deepEqual(treeOf(ws), before, 'the workspace is exactly as before the session');
}
