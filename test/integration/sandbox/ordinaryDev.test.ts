/**
 * Ordinary development inside the default sandbox, through the real hook path: npm and Node.js, Python,
 * Rust, Go, make with a C compiler, git add/commit/status/diff, and the caches under ~/.cache (writable,
 * persistent per workspace, and never the person's own). A toolchain this machine lacks is skipped and
 * named. The person's real home folder is used, as the toolchains (rustup, pyenv) live there; the sandbox
 * keeps it read-only.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { sandboxAvailability, which } from '../../../src/core/sandbox/backends';
import { agentShell, hostGit, hostTree, postHook, preHook } from './harness';

const available = sandboxAvailability();
const skip = !available.available && !process.env.CI ? `no sandbox here: ${available.reason}` : false;

const tree = hostTree('dev-');
const ws = tree.path('ws');
const data = tree.path('data');
const env: Record<string, string> = { ...(process.env as Record<string, string>), AIRLOCK_HOME: data, HOME: homedir() };
// Not this test runner's own variables: the commands' `node --test` would think it runs inside it.
for (const k of Object.keys(env)) if (k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS' || k === 'AIRLOCK_SANDBOX_DISABLE') delete env[k];

/** Runs `command` through the hook (it must be allowed and rewritten) and the agent's shell. */
async function dev(t: TestContext, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const pre = await preHook(ws, command, env, undefined, 'sess-dev');
  assert.equal(pre.decision, 'allow', `${command}: ${pre.reason}`);
  assert.ok(pre.command?.includes(' sandbox --profile '), `${command} runs sandboxed`);
  const r = await agentShell(pre.command!, { cwd: ws, env, timeoutMs: 300_000 });
  await postHook(ws, pre.command!, env, pre.id, 'sess-dev');
  t.diagnostic(`${command}: exit ${r.code} in ${r.ms} ms`);
  assert.equal(r.code, 0, `${command} failed in the sandbox:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return r;
}

describe('ordinary development in the default sandbox', { skip, concurrency: false }, () => {
  before(() => {
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    // No sandbox section: the default sandbox. The rules let the usual tools pass without a person.
    writeFileSync(join(ws, '.vscode', 'airlock.json'), JSON.stringify({ version: 1, rules: [{ action: 'allow', command: ['npm *', 'node *', 'python3 *', 'cargo *', 'go *', 'make', 'make *', 'git *', 'sh *', 'cat *', './*'] }, { action: 'allow', edit: ['**'] }] }));
    assert.equal(hostGit(ws, ['init', '-q'], env).status, 0);
  });
  after(() => tree.cleanup());

  it('npm and Node.js: npm test, npm run build, node', async (t) => {
    writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'demo', version: '1.0.0', private: true, scripts: { test: 'node --test test/', build: 'node build.js' } }, null, 2));
    mkdirSync(join(ws, 'test'), { recursive: true });
    writeFileSync(join(ws, 'test', 'sum.test.js'), "const { test } = require('node:test'); const assert = require('node:assert'); test('adds', () => assert.equal(1 + 1, 2));\n");
    writeFileSync(join(ws, 'build.js'), "require('fs').mkdirSync('dist', { recursive: true }); require('fs').writeFileSync('dist/out.js', 'built');\n");
    const r = await dev(t, 'npm test');
    assert.match(r.stdout + r.stderr, /pass 1/);
    await dev(t, 'npm run build');
    assert.equal(readFileSync(join(ws, 'dist', 'out.js'), 'utf8'), 'built');
    const n = await dev(t, `node -e "require('child_process').execFileSync('node', ['-e', 'console.log(40 + 2)'], { stdio: 'inherit' })"`);
    assert.match(n.stdout, /42/);
  });

  it('Python: a virtual environment, unittest, and pytest where installed', async (t) => {
    writeFileSync(join(ws, 'calc.py'), 'def add(a, b):\n    return a + b\n');
    writeFileSync(join(ws, 'test_calc.py'), 'import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n\ndef test_add_pytest():\n    assert add(2, 2) == 4\n');
    await dev(t, 'python3 -m unittest -q test_calc');
    await dev(t, 'python3 -m venv --without-pip .venv');
    assert.ok(existsSync(join(ws, '.venv', 'bin', 'python')));
    if (spawnSync('python3', ['-c', 'import pytest'], { env }).status === 0) {
      const r = await dev(t, 'python3 -m pytest -q -p no:cacheprovider test_calc.py');
      assert.match(r.stdout, /passed/);
    } else t.diagnostic('pytest is not installed here: skipped');
  });

  it('Rust: cargo build and cargo test', async (t) => {
    if (!which('cargo', env)) return t.skip('cargo is not installed here');
    mkdirSync(join(ws, 'rs', 'src'), { recursive: true });
    writeFileSync(join(ws, 'rs', 'Cargo.toml'), '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n');
    writeFileSync(join(ws, 'rs', 'src', 'main.rs'), 'fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() { println!("{}", add(40, 2)); }\n#[cfg(test)]\nmod t { #[test] fn adds() { assert_eq!(super::add(1, 2), 3); } }\n');
    await dev(t, 'cargo build --offline --manifest-path rs/Cargo.toml');
    await dev(t, 'cargo test --offline --manifest-path rs/Cargo.toml');
  });

  it('Go: go build and go test', async (t) => {
    if (!which('go', env)) return t.skip('Go is not installed here');
    mkdirSync(join(ws, 'gosrc'), { recursive: true });
    writeFileSync(join(ws, 'gosrc', 'go.mod'), 'module demo\n\ngo 1.19\n');
    writeFileSync(join(ws, 'gosrc', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc add(a, b int) int { return a + b }\n\nfunc main() { fmt.Println(add(40, 2)) }\n');
    writeFileSync(join(ws, 'gosrc', 'main_test.go'), 'package main\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) { if add(1, 2) != 3 { t.Fatal("no") } }\n');
    writeFileSync(join(ws, 'go.sh'), 'cd gosrc && go build ./... && go test ./...\n');
    const r = await dev(t, 'sh go.sh');
    assert.match(r.stdout, /ok\s+demo/);
  });

  it('make with a C compiler', async (t) => {
    if (!which('make', env) || !which('cc', env)) return t.skip('make or cc is not installed here');
    writeFileSync(join(ws, 'hello.c'), '#include <stdio.h>\nint main(void) { puts("hello from c"); return 0; }\n');
    writeFileSync(join(ws, 'Makefile'), 'hello: hello.c\n\tcc -O1 -o hello hello.c\n');
    await dev(t, 'make');
    const r = await dev(t, './hello');
    assert.match(r.stdout, /hello from c/);
  });

  it('git add, commit, status and diff', async (t) => {
    writeFileSync(join(ws, '.gitignore'), 'node_modules\ntarget\n.venv\n__pycache__\ndist\nhello\n');
    await dev(t, 'git add -A');
    await dev(t, 'git -c user.email=agent@example.com -c user.name=Agent commit -q -m "the agent\'s work"');
    writeFileSync(join(ws, 'calc.py'), 'def add(a, b):\n    return b + a\n');
    const d = await dev(t, 'git diff');
    assert.match(d.stdout, /return b \+ a/);
    const s = await dev(t, 'git status --short');
    assert.match(s.stdout, /M calc.py/);
    assert.match(hostGit(ws, ['log', '--format=%s'], env).stdout, /the agent's work/, 'the commit is in the real repository');
  });

  it('writes caches under ~/.cache: persistent for the workspace, never the person\'s own', async (t) => {
    const probe = `airlock-cache-probe-${process.pid}`;
    writeFileSync(join(ws, 'cache.sh'), `mkdir -p ~/.cache/${probe} && echo persisted > ~/.cache/${probe}/value\n`);
    await dev(t, 'sh cache.sh');
    writeFileSync(join(ws, 'readcache.sh'), `cat ~/.cache/${probe}/value\n`);
    const r = await dev(t, 'sh readcache.sh');
    assert.equal(r.stdout, 'persisted\n');
    assert.ok(!existsSync(join(homedir(), '.cache', probe)), "the person's own ~/.cache is untouched");
  });
});
