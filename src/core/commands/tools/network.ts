/**
 * Network tools. Reading from the network (a download) stays within reach; sending to it does not:
 * uploads, posts, remote shells and copies are irreversible, and a secret in what is sent is denied.
 */
import type { CommandFacts, Effect } from '../facts';
import { has, optional, parseOptions, sliceWord, table, valued, valueOf, type ParsedArgs } from '../options';
import type { WordValue } from '../words';
import { suffixed } from './fileTools';

const D = 'data' as const;
const R = 'read' as const;
const W = 'write' as const;

const CURL = table({
  flags: 'fFiIkLlnNOqsSvJjRgGM#0123456ZapBt',
  values: {
    o: W, T: R, d: D, F: D, u: D, H: D, X: D, A: D, e: D, b: D, c: W, D: W, K: R, m: D, r: D, w: D, x: D, y: D, Y: D, z: D, C: D, E: R, Q: D, U: D, P: D, h: D,
  },
  longFlags:
    'fail fail-early fail-with-body include head location location-trusted insecure silent show-error verbose remote-name remote-name-all ' +
    'remote-header-name compressed compressed-ssh globoff get http1.0 http1.1 http2 http2-prior-knowledge http3 http3-only ipv4 ipv6 ' +
    'no-buffer no-keepalive no-progress-meter progress-bar junk-session-cookies create-dirs raw tcp-nodelay tr-encoding no-sessionid ' +
    'ssl ssl-reqd tlsv1 tlsv1.0 tlsv1.1 tlsv1.2 tlsv1.3 sslv2 sslv3 disable disable-eprt disable-epsv path-as-is styled-output no-styled-output ' +
    'anyauth basic digest ntlm negotiate netrc netrc-optional list-only append crlf use-ascii ignore-content-length no-clobber parallel ' +
    'parallel-immediate fail-early remove-on-error retry-all-errors retry-connrefused suppress-connect-headers xattr manual',
  longValues: {
    output: W, 'upload-file': R, data: D, 'data-binary': D, 'data-raw': D, 'data-ascii': D, 'data-urlencode': D, json: D, form: D,
    'form-string': D, header: D, 'proxy-header': D, request: D, user: D, 'user-agent': D, referer: D, cookie: D, 'cookie-jar': W,
    'dump-header': W, config: R, 'output-dir': valued('writeDir'), cert: R, key: R, cacert: R, capath: D, 'max-time': D, 'connect-timeout': D,
    retry: D, 'retry-delay': D, 'retry-max-time': D, url: D, proxy: D, 'proxy-user': D, trace: W, 'trace-ascii': W, stderr: W, 'netrc-file': R,
    'write-out': D, range: D, 'limit-rate': D, resolve: D, 'connect-to': D, interface: D, proto: D, 'proto-redir': D, 'proto-default': D,
    'max-filesize': D, 'max-redirs': D, 'keepalive-time': D, 'expect100-timeout': D, 'parallel-max': D, 'time-cond': D, 'oauth2-bearer': D,
    'request-target': D, 'variable': D, 'expand-url': D, 'expand-data': D, 'expand-header': D, 'expand-output': W, 'etag-save': W, 'etag-compare': R,
    'hsts': W, 'alt-svc': W, 'unix-socket': D, 'abstract-unix-socket': D, 'local-port': D, 'dns-servers': D, 'doh-url': D, 'ciphers': D,
    'cert-type': D, 'key-type': D, 'pass': D, 'pinnedpubkey': D, 'sasl-authzid': D, 'login-options': D, 'mail-from': D, 'mail-rcpt': D,
    'mail-auth': D, 'ftp-method': D, 'ftp-port': D, 'quote': D, 'socks4': D, 'socks5': D, 'socks5-hostname': D, 'noproxy': D, 'aws-sigv4': D,
    'continue-at': D, 'speed-limit': D, 'speed-time': D, 'max-time-ms': D, 'compressed': optional(D),
  },
});

const SEND_OPTS = new Set(['-d', '--data', '--data-binary', '--data-raw', '--data-ascii', '--data-urlencode', '--json', '-F', '--form', '--form-string', '-T', '--upload-file', '--mail-rcpt', '--quote', '-Q']);
const METHOD_SENDS = /^(POST|PUT|PATCH|DELETE)$/i;

/** The part of `w` from `offset` on, as a word of its own (the file of `@FILE`). */
function tail(w: WordValue, offset: number): WordValue {
  return sliceWord(w, offset);
}

/** A path as a word (one taken from inside a URL or a format string). */
function pathWord(path: string, from: WordValue): WordValue {
  return { text: path, value: path, glob: false, brace: false, ...(from.dynamic ? { dynamic: from.dynamic } : {}) };
}

/** Schemes that only fetch (a download), unless an option uploads. */
const FETCH_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps']);

/** What a URL given to curl is: its scheme (as curl guesses it for a URL without one) and, for file://, the local path. */
function urlScheme(u: WordValue, protoDefault: string): { scheme?: string; path?: string; why?: string } {
  const v = u.value.trimStart();
  // curl takes `scheme:/…` as a scheme already (`file:/etc/passwd`); `host:port` is not one.
  const m = /^([A-Za-z0-9+.-]+):(?=\/)(\/\/)?/.exec(v);
  if (u.dynamic) {
    // Expansions after `scheme://` leave the scheme known; before it, anything may come.
    const fixed = /^[^$`]*/.exec(u.text)?.[0] ?? '';
    if (!/^[A-Za-z0-9+.-]+:\//.test(fixed)) return { why: `the URL ${u.text} is only known when the command runs` };
  }
  if (/^[^:/]*[{[]/.test(v)) return { why: `the URL ${u.text} is a pattern curl expands, its scheme included` };
  if (!m) {
    // curl guesses the protocol of a URL without a scheme from the host's first label.
    const host = /^([a-z0-9]+)\./i.exec(v)?.[1]?.toLowerCase();
    const guessed = host && ['ftp', 'dict', 'ldap', 'imap', 'smtp', 'pop3'].includes(host) ? host : protoDefault;
    return { scheme: guessed };
  }
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'file') return { scheme };
  // file://[host]/path or file:/path: the path, percent-decoded.
  const rest = v.slice(m[0].length);
  const slash = m[2] ? rest.indexOf('/') : 0;
  const host = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? '' : rest.slice(slash);
  path = path.replace(/[?#].*$/, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    return { scheme, why: `the file URL ${u.text} is not one Airlock can read` };
  }
  if (host !== '' && host.toLowerCase() !== 'localhost' && host !== '127.0.0.1') return { scheme, why: `the file URL ${u.text} names a host` };
  if (!path.startsWith('/')) return { scheme, why: `the file URL ${u.text} has no absolute path` };
  return { scheme, path };
}

/** The files curl's `-w` format reads (`@FILE`) and writes (`%output{FILE}`, `%output{>>FILE}`). */
function writeOutEffects(v: WordValue): Effect[] {
  const out: Effect[] = [];
  if (v.value.startsWith('@')) {
    if (v.value !== '@-') out.push({ op: 'read', word: tail(v, 1) });
    return out;
  }
  for (const m of v.value.matchAll(/%output\{(>>)?([^}]*)\}/g)) out.push({ op: 'write', word: pathWord(m[2]!, v) });
  return out;
}

function curlFacts(args: readonly WordValue[]): CommandFacts {
  const p = parseOptions(args, CURL, 'curl');
  const effects: Effect[] = [];
  let sends = false;
  let unknown = p.unknown;
  const note = (why: string | undefined): void => {
    unknown ??= why;
  };
  let sendWhy = 'curl sends data to a server (an upload, a form or a request body)';
  const protoDefault = (valueOf(p, '--proto-default')?.value ?? 'http').toLowerCase();
  const urls = [...p.operands.map((o) => o.word), ...p.options.filter((o) => o.name === '--url' && o.value).map((o) => o.value!)];
  const uploads = has(p, '-T', '--upload-file');
  const globbing = !has(p, '-g', '--globoff');
  for (const o of p.options) {
    const v = o.value;
    if (SEND_OPTS.has(o.name)) sends = true;
    if ((o.name === '-X' || o.name === '--request') && v && (v.dynamic || METHOD_SENDS.test(v.value))) sends = true;
    if (!v) continue;
    if (o.def.role === 'write') effects.push({ op: 'write', word: v });
    else if (o.def.role === 'writeDir') effects.push({ op: 'write', word: v, recursive: true });
    else if (o.def.role === 'read') effects.push({ op: 'read', word: v });
    // `-d @FILE`, `--data-binary @FILE`, `-F name=@FILE`, `-F name=<FILE`, `-H @FILE` read a file and send it.
    if (['-d', '--data', '--data-binary', '--data-ascii', '--data-urlencode', '--json', '-H', '--header', '--proxy-header'].includes(o.name) && v.value.startsWith('@') && v.value !== '@-') {
      effects.push({ op: 'read', word: tail(v, 1) });
    }
    if (o.name === '--data-urlencode') {
      const at = v.value.indexOf('@');
      if (at > 0) effects.push({ op: 'read', word: tail(v, at + 1) });
    }
    if (['-F', '--form'].includes(o.name)) {
      const at = v.value.search(/=[@<]/);
      if (at !== -1) effects.push({ op: 'read', word: { ...tail(v, at + 2), value: v.value.slice(at + 2).replace(/;.*$/, '') } });
    }
    // `-w @FILE` reads FILE; `-w '%output{FILE}'` writes it.
    if (o.name === '-w' || o.name === '--write-out') effects.push(...writeOutEffects(v));
    // `-b FILE` (no `=`) reads cookies from FILE and sends them.
    if ((o.name === '-b' || o.name === '--cookie') && !v.value.includes('=')) {
      if (v.value !== '-') effects.push({ op: 'read', word: v });
      sends = true;
      sendWhy = 'curl -b sends the cookies of a file to a server';
    }
    // `--variable name@FILE` reads FILE into a variable that `--expand-*` puts in the request; `%NAME` takes the environment.
    if (o.name === '--variable') {
      const at = v.value.search(/[=@]/);
      if (v.value.startsWith('%')) note(`curl --variable ${v.text} puts an environment variable into the request`);
      else if (at !== -1 && v.value[at] === '@' && v.value.slice(at + 1) !== '-') effects.push({ op: 'read', word: tail(v, at + 1) });
      if (v.dynamic) note(`curl --variable ${v.text} is only known when the command runs`);
    }
    if (o.name === '--expand-output' && /\{\{/.test(v.value)) note(`curl --expand-output ${v.text} writes a file whose name comes from a variable`);
    if ((o.name === '-o' || o.name === '--output') && globbing && /#\d/.test(v.value)) note(`curl -o ${v.text} names the file after parts of a URL pattern`);
    if (o.name === '--proto-redir' && v.value.split(',').some((t) => !['http', 'https', 'ftp', 'ftps'].includes(t.replace(/^[-+=]+/, '').toLowerCase()))) note(`curl --proto-redir ${v.text} lets a server redirect to other protocols (file:// reads local files)`);
    if (o.name === '--unix-socket' || o.name === '--abstract-unix-socket') note(`curl ${o.name} talks to a local service (such as Docker's socket), which Airlock does not model`);
    if (o.name === '--proto-default' && !FETCH_SCHEMES.has(v.value.toLowerCase())) note(`curl --proto-default ${v.text} makes URLs without a scheme use another protocol`);
  }
  // The scheme decides what a URL does: file:// reads (or, uploaded to, writes) a local file; telnet://,
  // gopher://, dict://, smtp:// and the rest send what curl is given; http(s) and ftp(s) fetch.
  for (const u of urls) {
    const { scheme, path, why } = urlScheme(u, protoDefault);
    note(why);
    if (scheme === 'file' && path !== undefined) {
      effects.push({ op: uploads ? 'write' : 'read', word: pathWord(path, u) });
      continue;
    }
    if (scheme !== undefined && scheme !== 'file' && !FETCH_SCHEMES.has(scheme)) {
      sends = true;
      sendWhy = `curl ${scheme}:// sends data to another machine (a raw connection, a mail or a lookup)`;
    }
  }
  // `-O` writes a file named after the URL into the current folder (or --output-dir); `-J` one named by the server.
  if (has(p, '-J', '--remote-header-name')) note('curl -J writes a file whose name the server chooses');
  if (has(p, '-O', '--remote-name', '--remote-name-all')) {
    if (globbing && urls.some((u) => /[{[]/.test(u.value))) note('curl -O with a URL pattern writes files named after what the pattern expands to');
    const dir = valueOf(p, '--output-dir');
    for (const e of urlNames(urls)) {
      if (e.word && (e.word.value === '.' || e.word.value === '..')) note('curl -O with a URL ending in . or .. writes a name Airlock does not follow');
      effects.push(dir && e.word && !e.word.dynamic ? { ...e, word: pathWord(`${dir.value.replace(/\/+$/, '')}/${e.word.value}`, dir) } : e);
    }
  }
  if (has(p, '-K', '--config')) note('curl -K reads options from a file (URLs, outputs, uploads), which Airlock does not see in advance');
  return {
    effects,
    downloads: true,
    ...(sends ? { sends: true, irreversible: sendWhy } : {}),
    ...(unknown ? { unknown } : {}),
  };
}

const WGET = table({
  flags: 'VhbqvdNcSrkKmpEHLxF46',
  // `-nH`, `-nd`, `-nc`, `-nv`, `-np`: wget reads the letters after -n as its value.
  values: { n: D, O: W, o: W, a: W, P: valued('writeDir'), i: R, B: D, t: D, T: D, w: D, Q: D, U: D, l: D, A: D, R: D, D: D, I: D, X: D, e: D },
  longFlags:
    'background quiet verbose no-verbose debug continue server-response spider timestamping no-clobber recursive convert-links ' +
    'backup-converted mirror page-requisites adjust-extension span-hosts relative force-directories no-directories no-host-directories ' +
    'no-parent no-check-certificate inet4-only inet6-only no-cache no-cookies keep-session-cookies ignore-length content-disposition ' +
    'trust-server-names auth-no-challenge no-config ignore-case https-only no-dns-cache progress show-progress no-proxy',
  longValues: {
    'output-document': W, 'output-file': W, 'append-output': W, 'directory-prefix': valued('writeDir'), 'input-file': R, 'post-file': R,
    'body-file': R, 'load-cookies': R, 'save-cookies': W, user: D, password: D, 'http-user': D, 'http-password': D, header: D, 'user-agent': D,
    timeout: D, tries: D, 'post-data': D, 'body-data': D, method: D, referer: D, level: D, accept: D, reject: D, domains: D, 'exclude-domains': D,
    'include-directories': D, 'exclude-directories': D, wait: D, 'limit-rate': D, quota: D, 'cut-dirs': D, execute: D, 'ca-certificate': R,
    certificate: R, 'private-key': R, 'default-page': D, 'restrict-file-names': D, 'bind-address': D, 'dns-timeout': D, 'connect-timeout': D,
    'read-timeout': D, 'waitretry': D, 'random-wait': optional(D), 'local-encoding': D, 'remote-encoding': D, 'report-speed': D, 'config': R,
    'rejected-log': W, 'warc-file': W, 'xattr': optional(D),
  },
});

function wgetFacts(args: readonly WordValue[]): CommandFacts {
  const p = parseOptions(args, WGET, 'wget');
  const effects: Effect[] = [];
  let sends = false;
  let toStdout = false;
  let unknown = p.unknown;
  const note = (why: string | undefined): void => {
    unknown ??= why;
  };
  const nLetters = p.options.filter((o) => o.name === '-n' && o.value).map((o) => o.value!.value).join('');
  for (const o of p.options) {
    const v = o.value;
    if (['--post-data', '--post-file', '--body-data', '--body-file'].includes(o.name)) sends = true;
    if (o.name === '--method' && v && (v.dynamic || METHOD_SENDS.test(v.value))) sends = true;
    // A wgetrc command can set anything: the output file, the folder, a post body.
    if (o.name === '-e' || o.name === '--execute' || o.name === '--config') note(`wget ${o.name} runs wgetrc commands, which can set where it writes and what it sends`);
    if ((o.name === '-i' || o.name === '--input-file') && v) note('wget -i downloads the URLs listed in a file, into files named after them, which Airlock does not see in advance');
    if (!v) continue;
    if ((o.name === '-O' || o.name === '--output-document') && v.value === '-') {
      toStdout = true;
      continue;
    }
    if (o.def.role === 'write') effects.push({ op: 'write', word: v });
    else if (o.def.role === 'writeDir') effects.push({ op: 'write', word: v, recursive: true });
    else if (o.def.role === 'read') effects.push({ op: 'read', word: v });
  }
  if (/[^Hdcvp]/.test(nLetters)) note(`wget -n${nLetters} is an option Airlock does not model`);
  // Without -O, wget saves into the current folder (or -P), named after the URL; recursively, named by the server.
  const recursive = has(p, '-r', '--recursive', '-m', '--mirror', '-p', '--page-requisites', '--content-disposition', '--trust-server-names');
  if (recursive) note('wget -r and --content-disposition write files whose names the server chooses');
  if (has(p, '-b', '--background') && !has(p, '-o', '--output-file', '-a', '--append-output')) effects.push({ op: 'write', literal: 'wget-log' });
  if (!recursive && !toStdout && !p.options.some((o) => ['-O', '--output-document'].includes(o.name))) {
    const forceDirs = has(p, '-x', '--force-directories') && !nLetters.includes('d') && !has(p, '--no-directories');
    const cut = Number(valueOf(p, '--cut-dirs')?.value ?? '0');
    if (!Number.isInteger(cut) || cut < 0) note('wget --cut-dirs takes a count');
    effects.push(
      ...wgetNames(p.operands.map((o) => o.word), {
        forceDirs,
        noHost: nLetters.includes('H') || has(p, '--no-host-directories'),
        cut: Number.isInteger(cut) ? cut : 0,
        prefix: valueOf(p, '-P', '--directory-prefix'),
        defaultPage: valueOf(p, '--default-page')?.value,
      }),
    );
  }
  return {
    effects,
    downloads: true,
    ...(sends ? { sends: true, irreversible: 'wget sends data to a server (a post or a request body)' } : {}),
    ...(unknown ? { unknown } : {}),
  };
}

/**
 * The files wget writes for URLs without -O: the URL's last path segment (or the default page), in the
 * -P folder; with -x also the URL's folders below `host/` (without it with -nH, less --cut-dirs).
 */
function wgetNames(urls: readonly WordValue[], o: { forceDirs: boolean; noHost: boolean; cut: number; prefix?: WordValue; defaultPage?: string }): Effect[] {
  return urls.map((u): Effect => {
    if (u.dynamic || o.prefix?.dynamic) return { op: 'write', word: u.dynamic ? u : o.prefix!, recursive: true };
    let host = '';
    let segs: string[] = [];
    try {
      const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(u.value) ? u.value : `http://${u.value}`);
      host = url.host;
      segs = url.pathname.split('/').map((x) => {
        try {
          return decodeURIComponent(x);
        } catch {
          return x;
        }
      });
    } catch {
      segs = u.value.split('/');
    }
    const file = segs.pop() || o.defaultPage || 'index.html';
    const dirs = o.forceDirs ? [...(o.noHost ? [] : [host]), ...segs.filter(Boolean).slice(o.cut)] : [];
    const parts = [...(o.prefix ? [o.prefix.value.replace(/\/+$/, '')] : []), ...dirs.map((d) => d.replace(/\//g, '_')), file.replace(/\//g, '_')];
    const path = parts.join('/');
    return { op: 'write', word: { text: path, value: path, glob: false, brace: false } };
  });
}

/** The file a download without an output name writes: the last segment of the URL's path (or index.html). */
function urlNames(urls: readonly WordValue[]): Effect[] {
  return urls.map((u): Effect => {
    if (u.dynamic) return { op: 'write', word: u };
    let name = 'index.html';
    try {
      const seg = new URL(u.value).pathname.split('/').filter(Boolean).pop();
      if (seg) name = decodeURIComponent(seg);
    } catch {
      name = u.value.split('/').filter(Boolean).pop() ?? 'index.html';
    }
    return { op: 'write', word: { text: name, value: name.replace(/\//g, '_'), glob: false, brace: false } };
  });
}

/**
 * ssh `-o` settings that run nothing, read or write no file, and send nothing more than the connection
 * itself (lower case; ssh's keywords are case-insensitive). ProxyCommand, LocalCommand, KnownHostsCommand,
 * Include, PKCS11Provider, SendEnv, forwardings and the rest are not known to be harmless.
 */
const SAFE_SSH_OPTIONS = new Set([
  'port', 'user', 'connecttimeout', 'stricthostkeychecking', 'batchmode', 'compression', 'serveraliveinterval', 'serveralivecountmax',
  'loglevel', 'identitiesonly', 'passwordauthentication', 'pubkeyauthentication', 'hostkeyalgorithms', 'ciphers', 'macs', 'kexalgorithms',
  'addressfamily', 'connectionattempts', 'tcpkeepalive', 'preferredauthentications', 'checkhostip', 'hashknownhosts', 'numberofpasswordprompts',
  'kbdinteractiveauthentication', 'gssapiauthentication', 'requesttty', 'escapechar', 'visualhostkey', 'updatehostkeys', 'rekeylimit',
  'ipqos', 'pubkeyacceptedalgorithms', 'pubkeyacceptedkeytypes', 'hostkeyalias', 'fingerprinthash', 'bindaddress', 'bindinterface',
]);

/** Why an ssh `-o` setting is not known to be harmless, or undefined. */
export function unsafeSshOption(w: WordValue, tool: string): string | undefined {
  if (w.dynamic) return `${tool} -o ${w.text} is only known when the command runs`;
  const m = /^\s*([A-Za-z0-9]+)\s*(?:=\s*|\s+)?(.*)$/s.exec(w.value);
  const key = m?.[1]?.toLowerCase() ?? '';
  const value = m?.[2] ?? '';
  if (SAFE_SSH_OPTIONS.has(key)) return undefined;
  // Known-hosts files are read and written: only /dev/null is harmless.
  if ((key === 'userknownhostsfile' || key === 'globalknownhostsfile') && value.trim() === '/dev/null') return undefined;
  return `${tool} -o ${w.text} sets an ssh option that can run commands, read or write files, or send more than the copy (${m?.[1] ?? w.text})`;
}

/** Why the ssh command line a tool runs (`rsync -e 'ssh -p 22'`) is not plain ssh with harmless options, or undefined. */
function unsafeRemoteShell(w: WordValue, tool: string): string | undefined {
  if (w.dynamic) return `${tool} -e ${w.text} is only known when the command runs`;
  const words = w.value.trim().split(/\s+/);
  const program = words[0] ?? '';
  if (!/^(\/usr\/bin\/|\/bin\/|\/usr\/local\/bin\/)?ssh$/.test(program)) return `${tool} -e ${w.text} runs a program other than ssh`;
  const opts = words.slice(1).map((x): WordValue => ({ text: x, value: x, glob: false, brace: false }));
  const p = parseOptions(opts, SSH, `${tool} -e ssh`);
  if (p.unknown || p.operands.length > 0) return p.unknown ?? `${tool} -e ${w.text} gives ssh arguments Airlock does not model`;
  return sshOptionsUnknown(p, `${tool} -e ssh`);
}

/** ssh's options as getopt reads them. */
const SSH = table({ flags: '46AaCfGgKkMNnqsTtVvXxYy', values: { B: D, b: D, c: D, D: D, E: W, e: D, F: 'unknown', I: 'unknown', i: D, J: D, L: D, l: D, m: D, O: D, o: D, P: D, p: D, Q: D, R: D, S: D, W: D, w: D }, stopAtOperand: true });
const SFTP = table({ flags: '246AaCfNpqrv', values: { B: D, b: R, c: D, D: 'exec', F: 'unknown', i: D, J: D, l: D, o: D, P: D, R: D, S: 'exec', s: D, X: D }, stopAtOperand: true });
const SCP = table({ flags: '346ABCOpqRrsTv', values: { c: D, D: 'exec', F: 'unknown', i: R, J: D, l: D, o: D, P: D, S: 'exec', X: D } });

/** What an ssh-family option list runs or reads that Airlock does not follow: `-o ProxyCommand=…`, `-F FILE`, `-S PROGRAM`. */
function sshOptionsUnknown(p: ParsedArgs, tool: string): string | undefined {
  for (const o of p.options) {
    if (o.def.role === 'unknown') return `${tool} ${o.name} reads ssh settings from a file (which can run commands)`;
    if (o.def.role === 'exec') return `${tool} ${o.name} runs ${o.value ? `\`${o.value.text}\`` : 'another program'}`;
    if (o.name === '-o' && o.value) {
      const why = unsafeSshOption(o.value, tool);
      if (why) return why;
    }
  }
  return p.unknown;
}

function remote(name: string, what: string, unknown?: string): CommandFacts {
  return { effects: [], sends: true, downloads: true, irreversible: `${name} ${what}`, ...(unknown ? { unknown } : {}) };
}

/** ssh and sftp: always a remote session; settings that run local commands make them unknown too. */
function sshFacts(t: typeof SSH, name: string, what: string): (args: readonly WordValue[]) => CommandFacts {
  return (args) => remote(name, what, sshOptionsUnknown(parseOptions(args, t, name), name));
}

/** scp copies between this machine and another: a send when the destination is remote. */
function scpFacts(args: readonly WordValue[]): CommandFacts {
  const p = parseOptions(args, SCP, 'scp');
  const ops = p.operands.map((o) => o.word);
  const effects: Effect[] = [];
  const isRemote = (w: WordValue): boolean => /^[^/]*:/.test(w.value) || w.value.startsWith('scp://');
  for (const w of ops.slice(0, -1)) if (!isRemote(w)) effects.push({ op: 'read', word: w, recursive: true });
  for (const o of p.options) if (o.def.role === 'read' && o.value) effects.push({ op: 'read', word: o.value });
  const dest = ops[ops.length - 1];
  if (dest && !isRemote(dest)) effects.push({ op: 'write', word: dest, recursive: true });
  const sending = dest !== undefined && isRemote(dest);
  const unknown = sshOptionsUnknown(p, 'scp');
  return { effects, downloads: true, ...(sending ? { sends: true, irreversible: 'scp copies files to another machine' } : {}), ...(unknown ? { unknown } : {}) };
}

function rsyncFacts(args: readonly WordValue[]): CommandFacts {
  const t = table({
    flags: 'vqcarRbudlLkKHpEXAoDgtOJSnWxCyzhPi0s',
    values: { e: 'exec', f: D, T: D, B: D, M: D },
    longFlags:
      'verbose quiet checksum archive recursive relative no-implied-dirs backup update inplace append append-verify dirs links copy-links ' +
      'copy-unsafe-links safe-links munge-links copy-dirlinks keep-dirlinks hard-links perms executability acls xattrs owner group devices ' +
      'specials times atimes open-noatime crtimes omit-dir-times omit-link-times super fake-super sparse preallocate dry-run whole-file ' +
      'no-whole-file one-file-system existing ignore-existing remove-source-files delete delete-before delete-during delete-delay ' +
      'delete-after delete-excluded ignore-missing-args delete-missing-args ignore-errors force partial prune-empty-dirs numeric-ids ' +
      'ignore-times size-only compress cvs-exclude from0 protect-args secluded-args copy-as human-readable progress itemize-changes ' +
      'list-only stats mkpath no-motd ipv4 ipv6 blocking-io 8-bit-output',
    longValues: {
      rsh: 'exec', 'rsync-path': 'exec', filter: D, exclude: D, include: D, 'exclude-from': R, 'include-from': R, 'files-from': R,
      'temp-dir': D, 'partial-dir': D, 'backup-dir': D, suffix: D, chmod: D, chown: D, 'log-file': W, 'password-file': R, 'max-delete': D,
      'max-size': D, 'min-size': D, 'block-size': D, 'modify-window': D, 'compare-dest': D, 'copy-dest': D, 'link-dest': D, 'compress-level': D,
      'compress-choice': D, 'checksum-choice': D, 'out-format': D, 'log-file-format': D, timeout: D, contimeout: D, port: D, sockopts: D,
      bwlimit: D, 'write-batch': W, 'only-write-batch': W, 'read-batch': R, 'usermap': D, 'groupmap': D, 'info': D, 'debug': D, 'iconv': D, 'stop-after': D, 'stop-at': D,
    },
  });
  const p = parseOptions(args, t, 'rsync');
  const ops = p.operands.map((o) => o.word);
  const isRemote = (w: WordValue): boolean => /^[^/]*:/.test(w.value) || w.value.startsWith('rsync://');
  const effects: Effect[] = [];
  const dest = ops[ops.length - 1];
  for (const w of ops.slice(0, -1)) if (!isRemote(w)) effects.push({ op: 'read', word: w, recursive: true });
  for (const o of p.options) if (o.value && o.def.role === 'read') effects.push({ op: 'read', word: o.value });
  for (const o of p.options) if (o.value && o.def.role === 'write') effects.push({ op: 'write', word: o.value });
  if (dest && !isRemote(dest) && ops.length >= 2) {
    effects.push({ op: 'write', word: dest, recursive: true });
    if (p.options.some((o) => o.name.startsWith('--delete') || o.name === '--remove-source-files')) effects.push({ op: 'delete', word: dest, recursive: true });
  }
  if (p.options.some((o) => o.name === '--remove-source-files')) for (const w of ops.slice(0, -1)) if (!isRemote(w)) effects.push({ op: 'delete', word: w, recursive: true });
  let unknown = p.unknown;
  const note = (why: string | undefined): void => {
    unknown ??= why;
  };
  // Backups: `--backup-dir=DIR` (relative to the destination) and `--suffix=SUF` (`dest` + SUF, `~` by default);
  // `--temp-dir` and `--partial-dir` also write there.
  const localDest = dest && !isRemote(dest) && ops.length >= 2 ? dest : undefined;
  const inDest = (w: WordValue): WordValue[] => (localDest && !w.value.startsWith('/') && !localDest.dynamic ? [w, { ...w, text: `${localDest.text.replace(/\/+$/, '')}/${w.text}`, value: `${localDest.value.replace(/\/+$/, '')}/${w.value}` }] : [w]);
  for (const o of p.options) {
    if (o.value && ['--backup-dir', '--temp-dir', '-T', '--partial-dir'].includes(o.name)) for (const w of inDest(o.value)) effects.push({ op: 'write', word: w, recursive: true });
  }
  const backup = has(p, '-b', '--backup', '--backup-dir');
  if (backup && localDest) {
    const suffix = valueOf(p, '--suffix');
    if (suffix && (suffix.dynamic || suffix.value.includes('/'))) note(`rsync --suffix ${suffix.text} names backups Airlock does not follow`);
    const suf = suffix?.value ?? (has(p, '--backup-dir') ? '' : '~');
    if (suf && !localDest.dynamic) effects.push({ op: 'write', word: suffixed(localDest, suf) });
  }
  for (const o of p.options) {
    if ((o.name === '-e' || o.name === '--rsh') && o.value) note(unsafeRemoteShell(o.value, 'rsync'));
    if (o.name === '--rsync-path' && o.value) note(`rsync --rsync-path ${o.value.text} runs a command line of its own on the other machine`);
  }
  const remoteAny = ops.some(isRemote);
  const execOpt = p.options.find((o) => o.def.role === 'exec');
  return {
    effects,
    ...(remoteAny ? { downloads: true } : {}),
    ...(dest && isRemote(dest) ? { sends: true, irreversible: 'rsync copies files to another machine' } : {}),
    ...(execOpt ? { runsCode: `rsync ${execOpt.name} runs \`${execOpt.value?.text ?? ''}\`` } : {}),
    ...(unknown ? { unknown } : {}),
  };
}

/** The network tools Airlock models. */
export const NETWORK_TOOLS: Readonly<Record<string, (args: readonly WordValue[], name: string) => CommandFacts>> = {
  curl: curlFacts,
  wget: wgetFacts,
  scp: scpFacts,
  rsync: rsyncFacts,
  ssh: sshFacts(SSH, 'ssh', 'runs commands on another machine'),
  sftp: sshFacts(SFTP, 'sftp', 'copies files to and from another machine'),
  ftp: () => remote('ftp', 'copies files to and from another machine'),
  nc: () => remote('nc', 'opens a raw network connection that can send anything'),
  ncat: () => remote('ncat', 'opens a raw network connection that can send anything'),
  netcat: () => remote('netcat', 'opens a raw network connection that can send anything'),
  socat: () => remote('socat', 'connects anything to anything, the network included'),
  telnet: () => remote('telnet', 'opens a raw network connection that can send anything'),
  tftp: () => remote('tftp', 'copies files to and from another machine'),
};

/** Tools that fetch from the network without sending (their output is whatever the server sent). */
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'xh', 'aria2c', 'lynx', 'w3m']);

export type { ParsedArgs };
