import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real temporary directory tree for one test file; removed by `cleanup()`. */
export interface TempTree {
  readonly root: string;
  path(...parts: string[]): string;
  write(rel: string, content?: string | Buffer): string;
  link(rel: string, target: string): string;
  cleanup(): void;
}

/** Creates a temporary directory (real path, so symlinked /tmp does not confuse assertions). */
export function tempTree(prefix = 'airlock-test-'): TempTree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  return {
    root,
    path: (...parts) => join(root, ...parts),
    write(rel, content = '') {
      const file = join(root, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    link(rel, target) {
      const file = join(root, rel);
      mkdirSync(dirname(file), { recursive: true });
      symlinkSync(target, file);
      return file;
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The example policy of docs/policy.md, used by the corpus. */
export const SPEC_EXAMPLE_POLICY = `{
  "version": 1,
  // What happens to an action that no rule matches, before trust is applied.
  "defaults": { "edit": "ask", "command": "ask", "read": "allow" },
  "rules": [
    { "action": "deny",  "edit": ["**/.env", "**/.env.*", "**/*.pem"], "reason": "secrets stay with humans" },
    { "action": "ask",   "edit": [".github/workflows/**", "package.json", "**/*.lock"] },
    { "action": "allow", "edit": ["src/**", "test/**"], "minTrust": 1 },
    { "action": "deny",  "command": ["git push --force*", "curl * | sh"] },
    { "action": "ask",   "command": ["git push *", "npm publish*"] },
    { "action": "allow", "command": ["npm test", "npm run *", "git status", "git diff*"] },
    { "action": "allow", "command": ["echo *", "cat *", "ls", "ls *", "grep *", "find *"] },
    { "action": "deny",  "read": ["**/.env"], "agents": ["cursor"] }
  ],
  "limits": { "maxFilesPerSession": 50, "maxChangedLinesPerSession": 2000, "maxCommandsPerMinute": 30 }
}
`;
