/**
 * Lines a person should see before anything else, wherever they are in a change: lines that touch
 * secrets, make network calls, or name paths Airlock or the system protect. A heuristic that errs
 * towards showing too much: it only decides what is listed first, never what is allowed.
 */

/** Why a line is listed first. */
export type AttentionKind = 'secret' | 'network' | 'protected' | 'hidden';

const SECRET = /process\.env|os\.environ|getenv\s*\(|\bENV\s*\[|\$\{?[A-Z][A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIALS?)\b|\b[A-Z0-9_]*(?:SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?TOKEN|SESSION_?TOKEN)[A-Z0-9_]*\b|\b(?:secret|password|passwd|api[_-]?key|access[_-]?key|private[_-]?key|auth[_-]?token|bearer|credentials?)\b|-----BEGIN [A-Z ]*PRIVATE KEY|(?:^|[\s'"`/])\.env\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\.ssh\/|\.aws\/|\.npmrc\b|\.netrc\b|\.pgpass\b|\.docker\/config|\bkeychain\b/i;
const NETWORK = /\b(?:fetch|axios|got|XMLHttpRequest|WebSocket|EventSource|sendBeacon|https?\.(?:request|get)|net\.(?:connect|createConnection)|tls\.connect|dgram|curl|wget|nc|ncat|netcat|socat|telnet|ssh|scp|sftp|rsync|ftp|requests\.(?:get|post|put|patch|delete)|urllib|urlopen|Invoke-WebRequest|Invoke-RestMethod|dns\.(?:lookup|resolve))\b|\b(?:https?|wss?|ftp):\/\/|\/dev\/(?:tcp|udp)\//i;
const PROTECTED = /\.vscode\/airlock\.json|\.vscode\/settings\.json|\.claude\/|\.cursor\/|\.gemini\/|\.codex\/|\.github\/(?:hooks|copilot|workflows)|\.git\/(?:hooks|config)|\.(?:bashrc|zshrc|profile|bash_profile|zprofile|gitconfig)\b|~\/\.|\$HOME\/\.|\/etc\/|authorized_keys|crontab|\bsudoers\b|AIRLOCK_HOME|\.airlock\b/i;

/** The reasons to list a line first, or an empty list. */
export function lineAttention(text: string, hidden = false): AttentionKind[] {
  // Very long lines are checked on a bounded window at each end and the middle: enough for a pattern.
  const t = text.length > 20_000 ? `${text.slice(0, 8000)}\n${text.slice(text.length / 2 - 2000, text.length / 2 + 2000)}\n${text.slice(-8000)}` : text;
  const out: AttentionKind[] = [];
  if (SECRET.test(t)) out.push('secret');
  if (NETWORK.test(t)) out.push('network');
  if (PROTECTED.test(t)) out.push('protected');
  if (hidden) out.push('hidden');
  return out;
}
