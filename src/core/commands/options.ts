/**
 * Option scanning for the commands Airlock looks inside. Each command's table names the options that
 * take a value, so that `timeout -s KILL 5 rm x` finds `rm x` and `cp -t dir a b` finds `dir`.
 */

/** One option found while scanning: its name (`-t`, `--target-directory`) and its value, if it takes one. */
export interface FoundOption {
  readonly name: string;
  readonly value?: string;
  /** Index in the argument list where the option (or its value) ends. */
  readonly index: number;
}

/** The result of scanning: the options seen and the index of the first operand. */
export interface Scan {
  readonly options: readonly FoundOption[];
  /** Indices of the operands (non-option arguments), in order. With `stopAtFirst`, only the first. */
  readonly operands: readonly number[];
}

/** How a command spells its options. */
export interface OptionSpec {
  /** Short option letters that take a value (`t` for `-t DIR` and `-tDIR`). */
  readonly shortWithValue?: string;
  /** Long options that take a value (`target-directory` for `--target-directory DIR` and `--target-directory=DIR`). */
  readonly longWithValue?: readonly string[];
  /** Stop at the first operand: everything after it belongs to another command (wrappers). */
  readonly stopAtFirst?: boolean;
  /** Treat a lone `-NUMBER` as an option (`nice -10 cmd`). */
  readonly numericOptions?: boolean;
}

/** Scans `args` (values, without the command name) per `spec`. */
export function scanOptions(args: readonly string[], spec: OptionSpec): Scan {
  const options: FoundOption[] = [];
  const operands: number[] = [];
  const shortWith = spec.shortWithValue ?? '';
  const longWith = spec.longWithValue ?? [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) options.push({ name: `--${name}`, value: a.slice(eq + 1), index: i });
      else if (longWith.includes(name) && i + 1 < args.length) {
        options.push({ name: `--${name}`, value: args[i + 1]!, index: i + 1 });
        i++;
      } else options.push({ name: `--${name}`, index: i });
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (spec.numericOptions && /^-\d+$/.test(a)) {
        options.push({ name: a, index: i });
        continue;
      }
      // A cluster of short options: `-rf`, `-tDIR`, `-n 5`.
      let consumedNext = false;
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (shortWith.includes(letter)) {
          const rest = a.slice(j + 1);
          if (rest) options.push({ name: `-${letter}`, value: rest, index: i });
          else if (i + 1 < args.length) {
            options.push({ name: `-${letter}`, value: args[i + 1]!, index: i + 1 });
            consumedNext = true;
          } else options.push({ name: `-${letter}`, index: i });
          break;
        }
        options.push({ name: `-${letter}`, index: i });
      }
      if (consumedNext) i++;
      continue;
    }
    operands.push(i);
    if (spec.stopAtFirst) return { options, operands };
  }
  for (; i < args.length; i++) {
    operands.push(i);
    if (spec.stopAtFirst) break;
  }
  return { options, operands };
}

/** True when the scan saw any of `names` (`-r`, `--recursive`, …). */
export function hasOption(scan: Scan, ...names: string[]): boolean {
  return scan.options.some((o) => names.includes(o.name));
}

/** The value of the last of `names` seen, if any. */
export function optionValue(scan: Scan, ...names: string[]): string | undefined {
  let value: string | undefined;
  for (const o of scan.options) if (names.includes(o.name) && o.value !== undefined) value = o.value;
  return value;
}
