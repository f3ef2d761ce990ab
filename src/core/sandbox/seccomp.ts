/**
 * The seccomp filter bubblewrap installs in the sandbox (`bwrap --seccomp FD`) when the network is not
 * `host`. Its one job is Unix sockets: the network namespace already cuts TCP/IP and abstract sockets,
 * but a socket *file* (Docker's, Colima's, an agent's or a database's, anywhere on disk) can be reached
 * from any namespace by its path, and seccomp cannot read the path a process connects to. So the filter
 * refuses to create Unix sockets at all: `socket(AF_UNIX, …)` fails with EAFNOSUPPORT ("Address family not
 * supported by protocol"), which programs report plainly and the launcher recognises for its hint.
 *
 * Trade-offs, chosen on purpose:
 * - `socketpair()` stays allowed: it only ever connects a process to itself or its children, and Node.js
 *   (libuv), Python and make use it for child-process pipes.
 * - Listening on a Unix socket inside the sandbox is refused too (a test suite that starts a server on a
 *   socket file fails); such commands need `"network": "host"` or a rule with `"sandbox": false`.
 * - `io_uring_setup` fails with ENOSYS: io_uring can open and connect sockets without the `socket` system
 *   call, past any seccomp filter. Programs fall back to ordinary system calls.
 * - On x86-64, 32-bit programs (`socketcall`, which passes its arguments through memory seccomp cannot
 *   read) cannot create any socket; x32 system calls are checked like native ones.
 *
 * The program is classic BPF, generated here for x86-64, AArch64 and RISC-V 64 (each with its 32-bit
 * compatibility ABI where the kernel has one). Elsewhere there is no filter and `airlock doctor` says so.
 */
import { endianness } from 'node:os';

/** Architectures Airlock can generate a filter for (Node's `process.arch` names). */
export type SeccompArch = 'x64' | 'arm64' | 'riscv64';

const AUDIT_ARCH = { x86_64: 0xc000003e, i386: 0x40000003, aarch64: 0xc00000b7, arm: 0x40000028, riscv64: 0xc00000f3 } as const;
const X32_BIT = 0x40000000;
const AF_UNIX = 1;
const SYS_SOCKET = 1; // socketcall(2)'s call number for socket(2)
const EAFNOSUPPORT = 97;
const ENOSYS = 38;

const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;

// Classic BPF opcodes.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const RET_K = 0x06;
// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
const OFF_NR = 0;
const OFF_ARCH = 4;
const OFF_ARG0_LOW = 16; // little-endian: the low 32 bits of args[0] (socket's `int domain`)

/** The system call numbers the filter checks, per ABI. */
interface Abi {
  readonly arch: number;
  /** socket(2) numbers (several for x86-64: native and x32). */
  readonly socket: readonly number[];
  /** socketcall(2), where the ABI has it. */
  readonly socketcall?: number;
  readonly ioUringSetup: readonly number[];
}

const ABIS: Readonly<Record<SeccompArch, readonly Abi[]>> = {
  x64: [
    { arch: AUDIT_ARCH.x86_64, socket: [41, X32_BIT | 41], ioUringSetup: [425, X32_BIT | 425] },
    { arch: AUDIT_ARCH.i386, socket: [359], socketcall: 102, ioUringSetup: [425] },
  ],
  arm64: [
    { arch: AUDIT_ARCH.aarch64, socket: [198], ioUringSetup: [425] },
    { arch: AUDIT_ARCH.arm, socket: [281], ioUringSetup: [425] },
  ],
  riscv64: [{ arch: AUDIT_ARCH.riscv64, socket: [198], ioUringSetup: [425] }],
};

type Insn = { code: number; k: number; jt?: string; jf?: string; label?: string };

/** True when Airlock has a filter for this machine's architecture. */
export function seccompSupported(arch: string = process.arch): arch is SeccompArch {
  return arch in ABIS && endianness() === 'LE';
}

/**
 * The filter as bytes (an array of `struct sock_filter`, as bubblewrap reads it from its `--seccomp`
 * file descriptor), or undefined where Airlock has none for `arch`.
 */
export function unixSocketFilter(arch: string = process.arch): Buffer | undefined {
  if (!seccompSupported(arch)) return undefined;
  const abis = ABIS[arch];
  const prog: Insn[] = [{ code: LD_W_ABS, k: OFF_ARCH }];
  abis.forEach((_, i) => prog.push({ code: JEQ_K, k: abis[i]!.arch, jt: `abi${i}` }));
  // A system call of an ABI the filter does not know cannot exist on this kernel: allowed as it is.
  prog.push({ code: RET_K, k: RET_ALLOW });
  abis.forEach((abi, i) => {
    prog.push({ code: LD_W_ABS, k: OFF_NR, label: `abi${i}` });
    for (const nr of abi.socket) prog.push({ code: JEQ_K, k: nr, jt: 'domain' });
    if (abi.socketcall !== undefined) prog.push({ code: JEQ_K, k: abi.socketcall, jt: 'socketcall' });
    for (const nr of abi.ioUringSetup) prog.push({ code: JEQ_K, k: nr, jt: 'enosys' });
    prog.push({ code: RET_K, k: RET_ALLOW });
  });
  prog.push(
    { code: LD_W_ABS, k: OFF_ARG0_LOW, label: 'domain' },
    { code: JEQ_K, k: AF_UNIX, jt: 'refuse' },
    { code: RET_K, k: RET_ALLOW },
    { code: LD_W_ABS, k: OFF_ARG0_LOW, label: 'socketcall' },
    { code: JEQ_K, k: SYS_SOCKET, jt: 'refuse' },
    { code: RET_K, k: RET_ALLOW },
    { code: RET_K, k: RET_ERRNO | EAFNOSUPPORT, label: 'refuse' },
    { code: RET_K, k: RET_ERRNO | ENOSYS, label: 'enosys' },
  );
  const at = new Map(prog.flatMap((p, i) => (p.label ? [[p.label, i] as const] : [])));
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    const jump = (label: string | undefined): number => {
      if (!label) return 0;
      const offset = at.get(label)! - i - 1;
      if (offset < 0 || offset > 255) throw new Error(`seccomp program: jump to ${label} out of range`);
      return offset;
    };
    buf.writeUInt16LE(p.code, i * 8);
    buf.writeUInt8(jump(p.jt), i * 8 + 2);
    buf.writeUInt8(jump(p.jf), i * 8 + 3);
    buf.writeUInt32LE(p.k >>> 0, i * 8 + 4);
  });
  return buf;
}
