/**
 * Tools described by an option table and what their operands are. The facts follow from the table: an
 * option that writes makes the command a writer, one that runs code makes it run code, one Airlock does
 * not model makes it unknown.
 */
import type { CommandFacts, Effect, ScopeFilter } from '../facts';
import { parseOptions, type OptionTable, type ParsedArgs } from '../options';
import type { WordValue } from '../words';

/** What a tool's operands are. */
export type OperandRole =
  /** Files whose content is read. */
  | 'read'
  /** Paths whose name or metadata only is used (`ls`, `stat`, `test -f`): not a read of the content. */
  | 'meta'
  /** Not paths at all (`echo`, `printf`, `seq`). */
  | 'data'
  /** The tool takes no operands; any operand makes it unknown. */
  | 'none';

/** A tool described by its options and operands. */
export interface SimpleTool {
  readonly options: OptionTable;
  readonly operands: OperandRole;
  /** Arguments known only at run time are harmless (`echo $X`): they cannot become an option that matters. */
  readonly dynamicOk?: boolean;
  /** Every argument is an operand, whatever it looks like (`test -f x`, `echo -x`). */
  readonly rawOperands?: boolean;
  /** Refines the facts after parsing (the first operand is a pattern, the last one an output, …). */
  refine?(parsed: ParsedArgs, facts: MutableFacts, args: readonly WordValue[]): void;
}

/** Facts under construction. */
export interface MutableFacts {
  effects: Effect[];
  readonly: boolean;
  unknown?: string;
  runsCode?: string;
  irreversible?: string;
  sends?: boolean;
  downloads?: boolean;
  emitsEnv?: boolean;
  builtin?: string;
}

/** Applies a simple tool's table to its arguments. */
export function simpleFacts(name: string, tool: SimpleTool, args: readonly WordValue[], operandFilter?: ScopeFilter): CommandFacts {
  const parsed = tool.rawOperands ? { options: [], operands: args.map((word, index) => ({ word, index })) } : parseOptions(args, tool.options, name);
  const f: MutableFacts = { effects: [], readonly: true };
  if (parsed.unknown && !(tool.dynamicOk && /only known when the command runs/.test(parsed.unknown))) f.unknown = parsed.unknown;
  for (const o of parsed.options) {
    const v = o.value;
    switch (o.def.role) {
      case 'read':
        if (v && v.value !== '-') f.effects.push({ op: 'read', word: v });
        break;
      case 'write':
        if (v && v.value !== '-') {
          f.effects.push({ op: 'write', word: v });
          f.readonly = false;
        }
        break;
      case 'writeDir':
        if (v) {
          f.effects.push({ op: 'write', word: v, recursive: true });
          f.readonly = false;
        }
        break;
      case 'exec':
        f.runsCode ??= `${name} ${o.name} runs ${v ? `\`${v.text}\`` : 'another program'}`;
        f.readonly = false;
        break;
      case 'unknown':
        f.unknown ??= `${name} ${o.name} is an option Airlock does not follow`;
        break;
      default:
        break;
    }
  }
  const words = parsed.operands.map((o) => o.word);
  switch (tool.operands) {
    case 'read':
      for (const w of words) if (w.value !== '-') f.effects.push({ op: 'read', word: w, ...(operandFilter ? { filter: operandFilter } : {}) });
      break;
    case 'none':
      if (words.length > 0) f.unknown ??= `${name} takes no operand like ${words[0]!.text}`;
      break;
    case 'meta':
      // Names and details only: what a built-in protection keeps from agents (Airlock's data) is still seen.
      if (!tool.rawOperands) for (const w of words) if (w.value !== '-') f.effects.push({ op: 'read', word: w, meta: true });
      break;
    case 'data':
      break;
  }
  tool.refine?.(parsed, f, args);
  return f;
}
