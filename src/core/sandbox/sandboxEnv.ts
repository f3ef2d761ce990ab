/**
 * The environment a sandbox starts with. It is filtered when the sandbox is spawned, not inside it:
 * bubblewrap is process 1 in the sandbox and its own environment is readable at `/proc/1/environ`, so
 * `--unsetenv` (which cleans only the command's) is not enough.
 *
 * A variable is dropped when its name says it holds a credential (TOKEN, SECRET, PASSWORD, API_KEY, …, and
 * the well-known ones listed in {@link SECRET_ENV}), when its value looks like one (a private key, a URL with
 * a password, the token formats of GitHub, GitLab, npm, Slack, AWS, Google, OpenAI and Anthropic, a JWT),
 * or when it leads to an agent or a socket outside (SSH and GPG agents, D-Bus, Airlock's own settings).
 * Everything else passes: build tools read a great many variables, and a name list that misses one breaks a
 * build, where a secret list that misses one leaks a value the command could also read from the agent.
 */

/** Variables that commonly hold credentials or lead to an agent outside the sandbox; always removed. */
export const SECRET_ENV: readonly string[] = Object.freeze([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITLAB_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'PYPI_TOKEN',
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'GEMINI_API_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'AZURE_CLIENT_SECRET',
  'HF_TOKEN',
  'SSH_AUTH_SOCK',
  'SSH_AGENT_PID',
  'GPG_AGENT_INFO',
  'GNUPGHOME',
  'DBUS_SESSION_BUS_ADDRESS',
  'KRB5CCNAME',
  'VAULT_ADDR',
  'DOCKER_HOST',
  'CONTAINER_HOST',
  'KUBECONFIG',
  'NODE_CHANNEL_FD',
  'NODE_CHANNEL_SERIALIZATION_MODE',
  'VSCODE_IPC_HOOK_CLI',
  'VSCODE_GIT_IPC_HANDLE',
  'VSCODE_GIT_ASKPASS_NODE',
  'VSCODE_GIT_ASKPASS_MAIN',
  'VSCODE_GIT_ASKPASS_EXTRA_ARGS',
  'GIT_ASKPASS',
  'SSH_ASKPASS',
]);

/** Names kept whatever they look like (they only look like secrets). */
const NEVER_SECRET = new Set(['PWD', 'OLDPWD', 'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TERM', 'LANG', 'TMPDIR', 'AIRLOCK_SANDBOX']);

// AUTH but not GIT_AUTHOR_*; TOKEN as a word (not TOKENIZERS_PARALLELISM).
const SECRET_NAME = /SECRET|PASSW|PASSPHRASE|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SIGNING_?KEY|AUTH(?!OR_)|COOKIE|SESSION_?KEY|(^|_)(TOKEN|KEY|PAT|PASS|PWD|DSN|SALT)S?($|_)|TOKEN$/i;

const SECRET_VALUE: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY/,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i, // scheme://user:password@host
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{16,}/,
  /\bnpm_[A-Za-z0-9]{30,}/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bAIza[0-9A-Za-z_-]{30,}/,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./, // a JWT
];

/** Why a variable is kept out of the sandbox, or undefined when it may pass. */
export function secretReason(name: string, value: string, extra: readonly string[] = []): string | undefined {
  if (NEVER_SECRET.has(name)) return undefined;
  if (SECRET_ENV.includes(name) || extra.includes(name)) return 'listed';
  if (name.startsWith('AIRLOCK_')) return "Airlock's own";
  if (SECRET_NAME.test(name)) return 'its name';
  if (SECRET_VALUE.some((r) => r.test(value))) return 'its value';
  return undefined;
}

/**
 * The environment for the sandbox: `env` without the variables {@link secretReason} drops, and with
 * `AIRLOCK_SANDBOX=1` (so that tools and tests can tell they run inside).
 */
export function sandboxEnv(env: NodeJS.ProcessEnv, extra: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || secretReason(name, value, extra)) continue;
    out[name] = value;
  }
  out.AIRLOCK_SANDBOX = '1';
  return out;
}
