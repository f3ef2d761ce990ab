/**
 * Writing a rule into a policy file for a person ("Always allow" in the approval popup): the rule goes
 * at the end of `rules`, and everything else in the file (comments, formatting, other keys) stays as it
 * was, through jsonc-parser's edits. Patterns made from an agent's request are escaped first, so a file
 * literally named `src/*` can never become a rule for the whole folder.
 */
import { applyEdits, modify, parse, type ParseError } from 'jsonc-parser';
import { parsePolicyText } from './policyFile';
import { RECOMMENDED_POLICY_TEXT } from './recommended';

/** A rule Airlock writes for a person. */
export interface NewRule {
  readonly action: 'allow';
  readonly edit?: readonly string[];
  readonly read?: readonly string[];
  readonly command?: readonly string[];
  readonly agents?: readonly string[];
  readonly reason?: string;
}

/** Thrown when the policy file cannot take a rule without losing something (it is not valid). */
export class PolicyEditError extends Error {}

/**
 * Escapes every glob character with a backslash, so the pattern matches exactly this one path.
 * Undefined for a path holding a backslash itself: policy globs cannot name one (minimatch reads `\\\\`
 * next to other escapes inconsistently, so Airlock does not accept it).
 */
export function escapeGlob(path: string): string | undefined {
  if (path.includes('\\')) return undefined;
  // A Windows drive letter would make the glob absolute; a relative path never starts with one on POSIX.
  if (/^[A-Za-z]:/.test(path)) return undefined;
  // A leading `~` would mean the home folder and a leading `#` a comment: escape them too.
  return path.replace(/[*?[\]{}()!+@,]/g, '\\$&').replace(/^[~#]/, '\\$&');
}

/** The text of the policy file with `rule` added; `text` undefined starts from the recommended policy. */
export function addRuleToPolicy(text: string | undefined, rule: NewRule): string {
  const base = text ?? RECOMMENDED_POLICY_TEXT;
  const errors: ParseError[] = [];
  const value = parse(base, errors, { allowTrailingComma: true }) as unknown;
  const parsed = parsePolicyText(base);
  if (errors.length > 0 || !value || typeof value !== 'object' || Array.isArray(value) || parsed.problems.some((p) => p.severity === 'error')) {
    throw new PolicyEditError('the policy file has errors; fix them first (Airlock will not rewrite a file it cannot read exactly)');
  }
  const rules = (value as { rules?: unknown }).rules;
  const at = Array.isArray(rules) ? rules.length : undefined;
  const edits =
    at === undefined
      ? modify(base, ['rules'], [rule], { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } })
      : modify(base, ['rules', at], rule, { isArrayInsertion: true, formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  const out = applyEdits(base, edits);
  // The result must still be a valid policy with one more rule; anything else is a bug, not a write.
  const check = parsePolicyText(out);
  const error = check.problems.find((p) => p.severity === 'error');
  if (error) throw new PolicyEditError(`the new rule would make the policy invalid: ${error.message}`);
  return out.endsWith('\n') ? out : `${out}\n`;
}
