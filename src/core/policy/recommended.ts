/**
 * The recommended policy (docs/policy.md "The recommended policy"): what a workspace without a policy file
 * gets, and the starting file "Airlock: Open Policy" offers. Kept as JSONC text so the file people start
 * from has the comments that explain it; parsed once with the same validator as any policy file.
 */
import { parsePolicyText } from './policyFile';
import type { PolicyDocument } from './types';

/** The text of the recommended `.vscode/airlock.json`. */
export const RECOMMENDED_POLICY_TEXT = `{
  // Airlock policy: decides what AI coding agents may do in this workspace.
  // Most restrictive wins: a "deny" rule beats an "ask" rule, which beats an "allow" rule.
  // Docs: https://github.com/airlock-dev/airlock#policy
  "version": 1,

  // What happens to an action no rule decides, before the agent's trust level is applied.
  // Trust only relaxes "ask", and only for what Airlock understands and can roll back: at level 1 edits inside
  // the workspace and read-only commands pass, at level 2 other commands too (those that run code, such as
  // tests and builds, only inside the sandbox), at level 3 code-running commands also without the sandbox.
  "defaults": { "edit": "ask", "command": "ask", "read": "allow" },

  // Commands that pass without a person run in Airlock's sandbox where this machine has one: they cannot
  // touch Airlock, the policy, hook configurations or git's internals, nor anything outside the workspace
  // (caches under ~/.cache and ~/.npm excepted, one set per workspace); no network; credentials hidden.
  // A rule with "sandbox": false runs its commands outside; "airlock doctor" says how it works here.
  "sandbox": {
    "enabled": true,
    "network": "none",   // or "host", or the hosts commands may reach: ["registry.npmjs.org"]
    "writable": []       // folders outside the workspace commands may write
  },

  "rules": [
    // Secrets stay with humans: agents may neither change nor read them. Templates such as .env.example are fine.
    {
      "action": "deny",
      "edit": [
        "**/.env", "**/.env.!(example|sample|template|dist|defaults)", "**/*.env",
        "**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/*.jks", "**/*.keystore",
        "**/id_rsa", "**/id_dsa", "**/id_ecdsa", "**/id_ed25519",
        "**/.npmrc", "**/.pypirc", "**/.netrc", "**/.git-credentials", "**/credentials.json", "**/.htpasswd",
        "~/.ssh/**", "~/.aws/**", "~/.gnupg/**", "~/.config/gcloud/**", "~/.azure/**", "~/.kube/**",
        "~/.docker/config.json", "~/.netrc", "~/.npmrc", "~/.pypirc", "~/.git-credentials", "~/.config/gh/**"
      ],
      "reason": "secrets stay with humans"
    },
    {
      "action": "deny",
      "read": [
        "**/.env", "**/.env.!(example|sample|template|dist|defaults)", "**/*.env",
        "**/*.pem", "**/*.key", "**/*.p12", "**/*.pfx", "**/*.jks", "**/*.keystore",
        "**/id_rsa", "**/id_dsa", "**/id_ecdsa", "**/id_ed25519",
        "**/.npmrc", "**/.pypirc", "**/.netrc", "**/.git-credentials", "**/credentials.json", "**/.htpasswd",
        "~/.ssh/**", "~/.aws/**", "~/.gnupg/**", "~/.config/gcloud/**", "~/.azure/**", "~/.kube/**",
        "~/.docker/config.json", "~/.netrc", "~/.npmrc", "~/.pypirc", "~/.git-credentials", "~/.config/gh/**"
      ],
      "reason": "secrets stay with humans"
    },

    // CI configuration, dependency manifests and lockfiles: a person looks before they change.
    {
      "action": "ask",
      "edit": [
        ".github/workflows/**", ".gitlab-ci.yml", ".circleci/**", ".buildkite/**", "azure-pipelines.yml",
        "Jenkinsfile", ".travis.yml", "bitbucket-pipelines.yml",
        "**/package.json", "**/package-lock.json", "**/npm-shrinkwrap.json", "**/yarn.lock", "**/pnpm-lock.yaml",
        "**/bun.lock", "**/bun.lockb", "**/*.lock", "**/requirements*.txt", "**/pyproject.toml", "**/Pipfile",
        "**/Cargo.toml", "**/go.mod", "**/go.sum", "**/Gemfile", "**/pom.xml", "**/build.gradle", "**/build.gradle.kts",
        "**/composer.json"
      ],
      "reason": "CI configuration and dependencies change only with a person's approval"
    }

    // Examples:
    // { "action": "allow", "edit": ["src/**", "test/**"], "minTrust": 1 },
    // { "action": "allow", "command": ["npm test", "npm run *", "git status", "git diff*"] },
    // { "action": "ask",   "command": ["git push *", "npm publish*"] },
    // { "action": "deny",  "command": ["git push --force*"], "reason": "history is shared" },
    // { "action": "allow", "command": ["docker compose up*"], "sandbox": false }
  ]
}
`;

let cached: PolicyDocument | undefined;

/** The recommended policy, parsed. */
export function recommendedPolicy(): PolicyDocument {
  if (cached) return cached;
  const parsed = parsePolicyText(RECOMMENDED_POLICY_TEXT);
  if (!parsed.document) throw new Error(`The recommended policy does not validate: ${parsed.problems.map((p) => p.message).join('; ')}`);
  cached = parsed.document;
  return cached;
}
