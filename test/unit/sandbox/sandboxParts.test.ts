/**
 * The sandbox's pure parts: the environment filter, git configuration as the backstop judges it, the
 * index reader, the seccomp program's shape, the defaults of the policy's sandbox section, the
 * protection plan (on real temporary folders), the Seatbelt profile, and the post-tool notices.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { postNotice } from '../../../src/agents/postNotice';
import type { AgentEvent } from '../../../src/agents/types';
import { seatbeltProfile } from '../../../src/core/sandbox/backends';
import { describeContainment } from '../../../src/core/sandbox/containment';
import { harmlessGitKey, indexGitlinks, parseGitConfig, riskyGitConfig, riskyGitConfigChange } from '../../../src/core/sandbox/gitRisk';
import { buildProfile, decodeProfile, encodeProfile } from '../../../src/core/sandbox/profile';
import { planProtections } from '../../../src/core/sandbox/protect';
import { sandboxEnv, secretReason } from '../../../src/core/sandbox/sandboxEnv';
import { resolveSandbox, wantsSandbox } from '../../../src/core/sandbox/sandboxPolicy';
import { unixSocketFilter } from '../../../src/core/sandbox/seccomp';
import { recommendedPolicy } from '../../../src/core/policy/recommended';
import { tempTree } from '../helpers/fixtures';

const tree = tempTree('airlock-sbx-unit-');
after(() => tree.cleanup());

describe('the sandbox environment', () => {
  it('drops credentials by name and by value, and keeps what builds need', () => {
    const env = sandboxEnv({
      PATH: '/usr/bin',
      HOME: '/home/a',
      PWD: '/w',
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@b',
      CARGO_HOME: '/c',
      TOKENIZERS_PARALLELISM: 'false',
      NODE_ENV: 'test',
      GITHUB_TOKEN: 'x',
      MY_API_KEY: 'x',
      DB_PASSWORD: 'x',
      STRIPE_KEY: 'x',
      SENTRY_DSN: 'x',
      HTTP_AUTHORIZATION: 'x',
      CLAUDE_CODE_OAUTH_TOKEN: 'x',
      SSH_AUTH_SOCK: '/s',
      AIRLOCK_HOME: '/d',
      DATABASE_URL: 'postgres://u:pw@h/db',
      SOME_VALUE: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      OTHER: '-----BEGIN OPENSSH PRIVATE KEY-----',
      JWT_LIKE: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig',
      PLAIN_URL: 'https://example.com/path',
    });
    assert.deepEqual(Object.keys(env).sort(), ['AIRLOCK_SANDBOX', 'CARGO_HOME', 'GIT_AUTHOR_EMAIL', 'GIT_AUTHOR_NAME', 'HOME', 'NODE_ENV', 'PATH', 'PLAIN_URL', 'PWD', 'TOKENIZERS_PARALLELISM']);
    assert.equal(secretReason('DATABASE_URL', 'postgres://u:pw@h/db'), 'its value');
    assert.equal(secretReason('PWD', '/w'), undefined);
  });
});

describe('git configuration as the backstop judges it', () => {
  it('parses sections, subsections, quotes, escapes, continuations and comments like git', () => {
    const text = '[core]\n\tbare = false ; comment\n\tfsmonitor = "touch \\"x\\"" # c\n[remote "Origin"]\n\turl = https://x\n[Diff.Textconv]\n[alias]\n\tst = status \\\n\t-s\n[filter "lfs"]\n\tclean\n';
    assert.deepEqual(parseGitConfig(text), [
      { key: 'core.bare', value: 'false' },
      { key: 'core.fsmonitor', value: 'touch "x"' },
      { key: 'remote.Origin.url', value: 'https://x' },
      { key: 'alias.st', value: 'status \t-s' },
      { key: 'filter.lfs.clean', value: null },
    ]);
    assert.throws(() => parseGitConfig('[core\nx = 1\n'));
  });

  it('treats only known keys as harmless', () => {
    for (const [k, v] of [['user.name', 'A'], ['remote.o.url', 'x'], ['branch.main.merge', 'refs/heads/main'], ['color.ui', 'auto'], ['submodule.x.update', 'rebase']] as const) assert.ok(harmlessGitKey(k, v), k);
    for (const [k, v] of [['core.fsmonitor', 'x'], ['core.hookspath', 'h'], ['core.sshcommand', 'x'], ['diff.x.textconv', 'cat'], ['filter.x.clean', 'x'], ['include.path', 'x'], ['includeif.gitdir:x.path', 'x'], ['alias.x', '!sh'], ['submodule.x.update', '!sh'], ['credential.helper', 'x'], ['url.x.insteadof', 'y'], ['diff.external', 'x'], ['core.worktree', '/x']] as const) assert.ok(!harmlessGitKey(k, v), k);
    assert.deepEqual(riskyGitConfig('[core]\n\tbare = false\n\tfsmonitor = x\n'), ['core.fsmonitor']);
    assert.match(riskyGitConfig('[core\n')[0]!, /unreadable/);
  });

  it('sees what changed beyond harmless keys, in either direction', () => {
    const base = '[core]\n\tbare = false\n[core]\n\thooksPath = .husky\n';
    assert.deepEqual(riskyGitConfigChange(base, `${base}[remote "o"]\n\turl = x\n[user]\n\tname = A\n`), []);
    assert.deepEqual(riskyGitConfigChange(base, `${base}[core]\n\tpager = sh\n`), ['core.pager']);
    assert.deepEqual(riskyGitConfigChange(base, '[core]\n\tbare = false\n'), ['core.hookspath']);
  });

  it('finds the submodule links of an index, in formats 2 and 4', () => {
    const repo = tree.path('idx');
    execFileSync('git', ['init', '-q', repo]);
    writeFileSync(join(repo, 'a'), 'a');
    execFileSync('git', ['-C', repo, 'add', 'a']);
    const oid = execFileSync('git', ['-C', repo, 'hash-object', '-w', 'a'], { encoding: 'utf8' }).trim();
    execFileSync('git', ['-C', repo, 'update-index', '--add', '--cacheinfo', `160000,${oid},deep/sub`]);
    assert.deepEqual(indexGitlinks(readFileSync(join(repo, '.git', 'index'))), ['deep/sub']);
    execFileSync('git', ['-C', repo, 'update-index', '--index-version', '4']);
    execFileSync('git', ['-C', repo, 'update-index', '--add', '--cacheinfo', `160000,${oid},deep/sub2`]);
    assert.deepEqual(indexGitlinks(readFileSync(join(repo, '.git', 'index'))), ['deep/sub', 'deep/sub2']);
    assert.equal(indexGitlinks(Buffer.from('not an index')), undefined);
  });
});

describe('the seccomp program', () => {
  it('is a whole number of BPF instructions whose jumps stay inside it, for each architecture', () => {
    for (const arch of ['x64', 'arm64', 'riscv64']) {
      const prog = unixSocketFilter(arch)!;
      assert.equal(prog.length % 8, 0);
      const n = prog.length / 8;
      for (let i = 0; i < n; i++) {
        const code = prog.readUInt16LE(i * 8);
        if (code === 0x15) assert.ok(i + 1 + prog.readUInt8(i * 8 + 2) < n && i + 1 + prog.readUInt8(i * 8 + 3) < n, `${arch}: jump at ${i}`);
      }
      assert.equal(prog.readUInt16LE((n - 1) * 8), 0x06, 'it ends in a return');
    }
    assert.equal(unixSocketFilter('ppc64'), undefined);
  });
});

describe("the policy's sandbox section", () => {
  const decision = { action: 'allow' as const, source: 'trust' as const, reason: 'r', trustApplied: true };

  it('is on by default, falls back to running uncontained only where the policy did not require it', () => {
    const d = resolveSandbox(undefined, false);
    assert.equal(d.enabled, true);
    assert.equal(d.allowUnsandboxed, true);
    assert.equal(wantsSandbox(d, decision, 2, false).sandboxed, true);
    const required = resolveSandbox({ enabled: true }, false);
    assert.equal(required.allowUnsandboxed, false);
    assert.equal(resolveSandbox({ enabled: false }, false).enabled, false);
  });

  it('in an untrusted workspace stays on, at every level, without network or extra folders', () => {
    const r = resolveSandbox({ enabled: false, trustLevels: [0], network: 'host', writable: ['/x'], allowUnsandboxed: true }, true);
    assert.equal(r.enabled, true);
    assert.deepEqual(r.trustLevels, [0, 1, 2, 3]);
    assert.equal(r.network, 'none');
    assert.deepEqual(r.writable, []);
  });

  it('is enabled by the recommended policy', () => {
    const rec = resolveSandbox(recommendedPolicy().sandbox, false);
    assert.equal(rec.enabled, true);
    assert.equal(rec.network, 'none');
    assert.deepEqual(rec.trustLevels, [0, 1, 2, 3]);
  });

  it('travels as a profile that is validated when it comes back', () => {
    const p = buildProfile(resolveSandbox({ denyRead: ['secrets'] }, false), { workspace: '/w', home: '/h', dataRoot: '/d' });
    assert.deepEqual(decodeProfile(encodeProfile(p)), p);
    assert.ok(p.hide.includes('/w/secrets') && p.hide.includes('/d') && !p.hide.includes('/h/.ssh'), 'defaults are added by the launcher');
    assert.throws(() => decodeProfile(encodeProfile({ ...p, writable: ['/w/../etc'] })));
    assert.throws(() => decodeProfile(encodeProfile({ ...p, v: 1 } as unknown as typeof p)));
  });
});

describe('the protection plan', () => {
  it('binds what exists read-only, blocks what does not with placeholders, anchors the folders above', () => {
    const ws = tree.path('plan', 'ws');
    execFileSync('git', ['init', '-q', ws]);
    mkdirSync(join(ws, '.vscode'));
    mkdirSync(join(ws, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(ws, '.git', 'config'), '[core]\n\thooksPath = tools/hooks\n[include]\n\tpath = ../shared.gitconfig\n');
    mkdirSync(join(ws, 'vendor-repo', '.git'), { recursive: true });
    const plan = planProtections({ workspace: ws, writable: [], home: tree.path('plan', 'home') });
    const rel = (l: string[]) => l.map((p) => p.slice(ws.length + 1)).sort();
    assert.ok(rel(plan.readOnly).includes('.vscode') && rel(plan.readOnly).includes('.git/config') && rel(plan.readOnly).includes('.git/hooks'));
    for (const p of ['.gemini', '.claude', '.codex', '.cursor', '.idea', '.mcp.json', '.envrc', '.gitmodules', '.github/hooks', 'tools/hooks', '.git/modules']) assert.ok(rel(plan.placeholders).includes(p), p);
    for (const p of ['.git', '.git/objects', '.github', 'tools', 'vendor-repo', 'vendor-repo/.git']) assert.ok(rel(plan.anchors).includes(p), `anchor ${p}`);
    assert.deepEqual(rel(plan.watched), ['.git/commondir', '.git/config.worktree', 'shared.gitconfig', 'vendor-repo/.git/commondir', 'vendor-repo/.git/config', 'vendor-repo/.git/config.worktree'].sort());
    assert.deepEqual(plan.problems, []);
  });

  it('refuses a writable folder holding the home folder, and a symlink to a missing protected path', () => {
    const ws = tree.path('plan2', 'ws');
    mkdirSync(ws, { recursive: true });
    symlinkSync(join(ws, 'elsewhere'), join(ws, '.gemini'));
    const plan = planProtections({ workspace: ws, writable: [tree.path('plan2')], home: tree.path('plan2', 'home') });
    assert.equal(plan.problems.length, 2);
  });

  it('writes the same protections into the Seatbelt profile, for paths that do not exist too', () => {
    const ws = tree.path('plan', 'ws');
    const plan = planProtections({ workspace: ws, writable: [], home: '/Users/a' });
    const p = buildProfile(resolveSandbox(undefined, false), { workspace: ws, home: '/Users/a', dataRoot: '/d' });
    const sb = seatbeltProfile(p, () => undefined, plan);
    assert.match(sb, new RegExp(`\\(deny file-write\\* .*\\(subpath "${ws}/\\.gemini"\\)`));
    assert.match(sb, new RegExp(`\\(deny file-write-unlink .*\\(literal "${ws}/\\.git"\\)`));
    assert.match(sb, /\(deny network-outbound \(remote unix-socket \(path-regex #"\^\/"\)\)\)/);
  });
});

describe('containment as doctor says it', () => {
  it('says what no sandbox means for trust', () => {
    const c = describeContainment(resolveSandbox(undefined, false), { available: false, reason: 'bubblewrap (bwrap) is not installed', fix: 'install it' });
    assert.equal(c.contained, false);
    assert.match(c.summary, /no sandbox on this machine \(bubblewrap \(bwrap\) is not installed\): commands run uncontained/);
    assert.match(c.trust, /pass by trust only at level 3/);
  });
});

describe('post-tool notices', () => {
  const event = (dialect: AgentEvent['dialect']): AgentEvent => ({ dialect, agent: 'claude', phase: 'post', eventName: 'PostToolUse', agentSessionId: 's', cwd: '/', workspaceRoots: [], tool: 'Bash', toolInput: {}, action: { category: 'command', command: 'x', cwd: '/' } });
  it('reach the agent where its dialect carries them', () => {
    assert.equal((JSON.parse(postNotice(event('claude'), 'restored')!.stdout) as { decision: string }).decision, 'block');
    assert.match(postNotice(event('gemini'), 'restored')!.stdout, /additionalContext/);
    assert.equal(postNotice(event('cursor'), 'restored'), undefined);
    assert.equal(postNotice({ ...event('claude'), phase: 'pre' }, 'restored'), undefined);
  });
});
