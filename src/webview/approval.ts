/**
 * The approval panel's script (runs in the webview, untrusted by the host). It renders what the host
 * sends with DOM APIs and `textContent` only (never HTML from data), and answers with the request id and
 * the render nonce. Keyboard first: A allow once, S allow for this session, W always allow, D deny,
 * M deny with a message, V switch the diff layout, J/K move through the queue.
 */
import type { ApprovalView, CommandPartView, DiffCell, DiffRow, FileView, HostMessage, WebviewMessage } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { layout?: 'split' | 'inline' } | undefined;
let layout: 'split' | 'inline' = saved?.layout === 'inline' ? 'inline' : 'split';
let current: { request: ApprovalView; nonce: string; queued: readonly { id: string; title: string }[]; deadline: number } | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;
/** Keys and clicks are ignored briefly after a new request appears, so a keystroke meant for the last one cannot answer it. */
let armedAt = 0;
const ARM_DELAY_MS = 600;
let mode: 'choose' | 'always' | 'message' = 'choose';

const root = document.getElementById('root')!;

/** Characters that would make what is shown differ from what runs: bidi overrides, invisible ones, controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Appends `text`, showing each hidden character as a visible marker such as ⟨U+202E⟩. */
function appendVisible(into: HTMLElement, text: string): void {
  let last = 0;
  for (const m of text.matchAll(HIDDEN)) {
    const at = m.index ?? 0;
    if (at > last) into.append(text.slice(last, at));
    const mark = document.createElement('span');
    mark.className = 'hidden-char';
    mark.textContent = `⟨U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
    mark.title = 'An invisible or direction-changing character: what you see here may differ from what runs';
    into.append(mark);
    last = at + m[0].length;
  }
  if (last < text.length) into.append(text.slice(last));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) appendVisible(e, text);
  return e;
}

function icon(name: string): HTMLElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

function button(label: string, key: string, cls: string, iconName: string, onClick: () => void, id: string): HTMLButtonElement {
  const b = el('button', `btn ${cls}`);
  b.id = id;
  b.type = 'button';
  b.append(icon(iconName), el('span', 'label', label), el('kbd', undefined, key));
  b.title = `${label} (${key})`;
  b.addEventListener('click', () => onClick());
  return b;
}

// --- light syntax colouring: strings, comments, numbers, keywords; cheap and safe (textContent only) ---

const KEYWORDS = new Set(
  'abstract as async await break case catch class const continue def default del do elif else enum export extends false final finally fn for from func function if impl import in interface is let match mut new nil none null package pass private protected pub public raise return self static struct super switch this throw true try type typeof undefined use var void while with yield'.split(' '),
);
const TOKEN = /(\/\/.*$|#.*$|\/\*.*?\*\/|"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)|(\b\d[\d_.]*\b)|(\b[A-Za-z_][A-Za-z0-9_]*\b)/gm;

function colour(text: string, language: string | undefined, into: HTMLElement): void {
  if (!language || language === 'markdown') {
    appendVisible(into, text);
    return;
  }
  const hashComments = language === 'python' || language === 'shell' || language === 'yaml' || language === 'ruby';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    let cls: string | undefined;
    if (m[1]) {
      if (m[1].startsWith('#')) cls = hashComments ? 'tok-com' : undefined;
      else cls = m[1].startsWith('/') ? 'tok-com' : 'tok-str';
    } else if (m[2]) cls = 'tok-num';
    else if (m[3] && KEYWORDS.has(m[3])) cls = 'tok-kw';
    if (!cls) continue;
    if (at > last) appendVisible(into, text.slice(last, at));
    into.append(el('span', cls, m[0]));
    last = at + m[0].length;
  }
  if (last < text.length) appendVisible(into, text.slice(last));
}

function cellText(cell: DiffCell | undefined, language: string | undefined, markClass: string): HTMLElement {
  const code = el('span', 'code');
  for (const s of cell?.segments ?? []) {
    if (s.changed) code.append(el('span', markClass, s.text));
    else colour(s.text, language, code);
  }
  return code;
}

function lineNo(cell: DiffCell | undefined): HTMLElement {
  return el('td', 'ln', cell ? String(cell.line) : '');
}

function truncatedRow(row: DiffRow): HTMLTableRowElement {
  const tr = el('tr', 'row truncated');
  const td = el('td', 'truncated', `${row.count ?? 'More'} more changed line${row.count === 1 ? '' : 's'} not shown here: use Open in diff editor to see every change before you allow it`);
  td.colSpan = 4;
  tr.append(td);
  return tr;
}

function splitRow(row: DiffRow, language: string | undefined): HTMLTableRowElement {
  if (row.kind === 'truncated') return truncatedRow(row);
  const tr = el('tr', `row ${row.kind}`);
  if (row.kind === 'gap') {
    const td = el('td', 'gap', '⋯');
    td.colSpan = 4;
    tr.append(td);
    return tr;
  }
  const left = el('td', `text ${row.left ? (row.kind === 'same' ? '' : 'old') : 'empty'}`);
  left.append(cellText(row.left, language, 'mark-del'));
  const right = el('td', `text ${row.right ? (row.kind === 'same' ? '' : 'new') : 'empty'}`);
  right.append(cellText(row.right, language, 'mark-add'));
  tr.append(lineNo(row.left), left, lineNo(row.right), right);
  return tr;
}

function inlineRows(row: DiffRow, language: string | undefined): HTMLTableRowElement[] {
  if (row.kind === 'truncated') return [truncatedRow(row)];
  if (row.kind === 'gap') {
    const tr = el('tr', 'row gap');
    const td = el('td', 'gap', '⋯');
    td.colSpan = 4;
    tr.append(td);
    return [tr];
  }
  const out: HTMLTableRowElement[] = [];
  const one = (cell: DiffCell, sign: string, cls: string, mark: string, old: boolean): void => {
    const tr = el('tr', `row ${cls}`);
    const text = el('td', `text ${cls === 'same' ? '' : old ? 'old' : 'new'}`);
    text.append(cellText(cell, language, mark));
    tr.append(el('td', 'ln', old || cls === 'same' ? String(cell.line) : ''), el('td', 'ln', old ? '' : String(cls === 'same' ? (row.right?.line ?? '') : cell.line)), el('td', 'sign', sign), text);
    out.push(tr);
  };
  if (row.kind === 'same' && row.left) one(row.left, ' ', 'same', '', false);
  else {
    if (row.left) one(row.left, '−', 'del', 'mark-del', true);
    if (row.right) one(row.right, '+', 'add', 'mark-add', false);
  }
  return out;
}

function renderFile(file: FileView, index: number, request: ApprovalView, nonce: string): HTMLElement {
  const box = el('section', 'file');
  const head = el('div', 'file-head');
  const name = el('span', 'path');
  name.append(icon(file.op === 'delete' ? 'trash' : file.op === 'create' ? 'new-file' : 'file'), el('span', undefined, file.newPath ? `${file.path} → ${file.newPath}` : file.path));
  const stats = el('span', 'stats');
  if (file.added || file.removed) stats.append(el('span', 'added', `+${file.added}`), el('span', 'removed', `−${file.removed}`));
  head.append(name, stats);
  if (file.rows.length > 0 || file.op !== 'mkdir') {
    const open = el('button', 'link');
    open.type = 'button';
    open.append(icon('diff'), el('span', undefined, 'Open in diff editor'));
    open.addEventListener('click', () => vscode.postMessage({ type: 'openDiff', id: request.id, nonce, file: index }));
    head.append(open);
  }
  box.append(head);
  if (file.note) box.append(el('p', 'note', file.note));
  if (file.rows.length > 0) {
    const table = el('table', `diff ${layout}`);
    const body = el('tbody');
    for (const row of file.rows) {
      if (layout === 'split') body.append(splitRow(row, file.language));
      else body.append(...inlineRows(row, file.language));
    }
    table.append(body);
    const scroller = el('div', 'diff-scroll');
    scroller.append(table);
    box.append(scroller);
  }
  return box;
}

function renderPart(p: CommandPartView): HTMLElement {
  const li = el('li', `part ${p.action}`);
  const badge = el('span', `badge ${p.action}`, p.action);
  const text = el('code', undefined, p.text);
  li.append(badge, text);
  const why = el('div', 'part-why', `${p.kind === 'command' ? '' : `${p.kind}: `}${p.reason}${p.via && p.via !== 'command' ? ` (via ${p.via})` : ''}`);
  li.append(why);
  if (p.action !== 'allow') li.setAttribute('aria-label', `needs approval: ${p.text}`);
  return li;
}

function fmt(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function answer(action: 'allow' | 'deny', scope: 'once' | 'session' | 'always', message?: string): void {
  if (!current || Date.now() < armedAt) return;
  if (scope === 'session' && !current.request.sessionScope) return;
  vscode.postMessage({ type: 'answer', id: current.request.id, nonce: current.nonce, action, scope, ...(message ? { message } : {}) });
  // Until the host shows the next request, nothing more can be answered.
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.btn')) b.disabled = true;
  armedAt = Number.MAX_SAFE_INTEGER;
}

function setMode(next: typeof mode): void {
  mode = next;
  document.getElementById('choices')?.classList.toggle('hidden', mode !== 'choose');
  document.getElementById('always-confirm')?.classList.toggle('hidden', mode !== 'always');
  document.getElementById('deny-message')?.classList.toggle('hidden', mode !== 'message');
  if (mode === 'message') (document.getElementById('message') as HTMLTextAreaElement | null)?.focus();
  if (mode === 'always') document.getElementById('confirm-always')?.focus();
  if (mode === 'choose') (document.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
}

/** The chips of the waiting requests, under the header; rebuilt alone when only the queue changes. */
function renderQueue(): void {
  document.getElementById('queue')?.remove();
  if (!current || current.queued.length < 2) return;
  const { request: r, queued } = current;
  const nav = el('nav', 'queue');
  nav.id = 'queue';
  nav.setAttribute('aria-label', 'Waiting requests');
  nav.append(el('span', 'queue-label', `${queued.length} waiting (J/K to move):`));
  queued.forEach((q, i) => {
    const b = el('button', `chip${q.id === r.id ? ' current' : ''}`, `${i + 1}. ${q.title}`);
    b.type = 'button';
    b.title = q.title;
    b.addEventListener('click', () => vscode.postMessage({ type: 'select', id: q.id }));
    nav.append(b);
  });
  document.querySelector('header')?.after(nav);
}

function render(): void {
  if (countdown) clearInterval(countdown);
  root.replaceChildren();
  mode = 'choose';
  if (!current) {
    const empty = el('div', 'empty');
    empty.append(icon('pass'), el('p', undefined, 'Nothing is waiting for your approval.'));
    root.append(empty);
    return;
  }
  const { request: r, nonce } = current;

  const header = el('header');
  const who = el('div', 'who');
  who.append(icon(r.kind === 'command' ? 'terminal' : r.kind === 'read' ? 'eye' : 'edit'), el('span', 'agent', r.agentName), el('span', 'trust', `trust level ${r.trust}`));
  if (r.folder) who.append(el('span', 'folder', r.folder));
  const time = el('span', 'countdown');
  time.id = 'countdown';
  who.append(time);
  const h1 = el('h1', undefined, r.title);
  h1.tabIndex = -1;
  header.append(who, h1);
  root.append(header);

  renderQueue();

  const actions = el('div', 'actions');
  actions.id = 'actions';
  const choices = el('div', 'choices');
  choices.id = 'choices';
  choices.append(
    button('Allow once', 'A', 'primary', 'check', () => answer('allow', 'once'), 'allow-once'),
    button('Allow for this session', 'S', 'secondary', 'check-all', () => answer('allow', 'session'), 'allow-session'),
  );
  const sessionButton = choices.querySelector<HTMLButtonElement>('#allow-session')!;
  sessionButton.title = r.sessionScope ? 'Allow this, and the same action again in this agent session without asking (S)' : 'Not offered: Airlock cannot tell what a later call of this tool would do, or a limit asked';
  const always = button('Always allow…', 'W', 'secondary', 'law', () => setMode('always'), 'allow-always');
  if ('unavailable' in r.always) {
    always.disabled = true;
    always.title = `Always allow is not available: ${r.always.unavailable}`;
  }
  choices.append(always, button('Deny', 'D', 'danger', 'close', () => answer('deny', 'once'), 'deny'), button('Deny with message…', 'M', 'secondary', 'comment', () => setMode('message'), 'deny-with-message'));
  if ('unavailable' in r.always) choices.append(el('p', 'hint', `Always allow: ${r.always.unavailable}.`));

  const confirm = el('div', 'confirm hidden');
  confirm.id = 'always-confirm';
  if ('rule' in r.always) {
    confirm.append(el('p', undefined, r.always.creates ? `This creates ${r.always.file} from Airlock's recommended policy with this rule added, and allows this request:` : `This rule will be added to ${r.always.file}, and this request allowed:`));
    const pre = el('pre', 'rule');
    pre.append(el('code', undefined, r.always.rule));
    confirm.append(pre);
    const yes = button('Add rule and allow', 'Enter', 'primary', 'check', () => answer('allow', 'always'), 'confirm-always');
    const no = button('Back', 'Esc', 'secondary', 'arrow-left', () => setMode('choose'), 'cancel-always');
    confirm.append(yes, no);
  }

  const deny = el('div', 'confirm hidden');
  deny.id = 'deny-message';
  const label = el('label', undefined, 'Message for the agent (why, or what to do instead):');
  label.htmlFor = 'message';
  const area = el('textarea');
  area.id = 'message';
  area.maxLength = 2000;
  area.rows = 3;
  deny.append(label, area, button('Deny and send', 'Ctrl+Enter', 'danger', 'close', () => answer('deny', 'once', area.value), 'send-deny'), button('Back', 'Esc', 'secondary', 'arrow-left', () => setMode('choose'), 'cancel-deny'));

  actions.append(choices, confirm, deny);
  root.append(actions);

  const why = el('section', 'why');
  const reason = el('p');
  reason.append(el('strong', undefined, 'Why you are asked: '), r.reason);
  why.append(reason);
  if (r.rule) {
    const p = el('p');
    p.append(el('strong', undefined, 'Rule: '), r.rule);
    why.append(p);
  }
  if (r.limit) {
    const p = el('p', 'limit');
    p.append(icon('warning'), el('strong', undefined, ' Limit: '), r.limit);
    why.append(p);
  }
  if (r.sandbox) {
    const p = el('p', 'sandbox');
    p.append(icon('shield'), el('strong', undefined, ' Sandbox: '), r.sandbox);
    why.append(p);
  }
  root.append(why);

  if (r.command) {
    const box = el('section', 'command');
    const pre = el('pre');
    pre.append(el('code', undefined, r.command.text));
    box.append(pre, el('div', 'cwd', `in ${r.command.cwd}`));
    if (r.command.parts.length > 0) {
      const list = el('ul', 'parts');
      for (const p of r.command.parts) list.append(renderPart(p));
      box.append(list);
    }
    root.append(box);
  }
  if (r.input !== undefined) {
    const box = el('section', 'command');
    box.append(el('p', 'hint', `Airlock does not know what ${r.tool} does. Its input:`));
    const pre = el('pre');
    pre.append(el('code', undefined, r.input));
    box.append(pre);
    root.append(box);
  }
  if (r.paths && r.kind === 'read') {
    const list = el('ul', 'paths');
    for (const p of r.paths) list.append(el('li', undefined, p));
    root.append(list);
  }
  if (r.files.length > 0) {
    const bar = el('div', 'files-bar');
    const toggle = el('button', 'link');
    toggle.type = 'button';
    toggle.id = 'toggle-layout';
    toggle.append(icon(layout === 'split' ? 'list-flat' : 'split-horizontal'), el('span', undefined, layout === 'split' ? 'Inline view' : 'Side-by-side view'), el('kbd', undefined, 'V'));
    toggle.addEventListener('click', () => switchLayout());
    bar.append(el('span', undefined, `${r.files.length} file${r.files.length === 1 ? '' : 's'}`), toggle);
    root.append(bar);
    r.files.forEach((f, i) => root.append(renderFile(f, i, r, nonce)));
  }


  const deadline = current.deadline;
  const tick = (): void => {
    const left = deadline - Date.now();
    const t = document.getElementById('countdown');
    if (!t) return;
    t.textContent = left > 0 ? `denied automatically in ${fmt(left)}` : 'timing out…';
    t.classList.toggle('urgent', left < 30_000);
  };
  tick();
  countdown = setInterval(tick, 1000);
  arm();
  const status = document.getElementById('status');
  if (status) status.textContent = r.title;
}

/** Buttons that can never be used for this request. */
function unavailable(b: HTMLButtonElement): boolean {
  return !!current && ((b.id === 'allow-always' && 'unavailable' in current.request.always) || (b.id === 'allow-session' && !current.request.sessionScope));
}

let armTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Nothing can be answered until the panel has been quiet for a moment: every key pressed meanwhile
 * restarts the wait, so typing meant for somewhere else runs into a disabled panel, not an answer.
 */
function arm(): void {
  armedAt = Date.now() + ARM_DELAY_MS;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#actions button.btn')) b.disabled = true;
  if (armTimer) clearTimeout(armTimer);
  armTimer = setTimeout(() => {
    for (const b of document.querySelectorAll<HTMLButtonElement>('#actions button.btn')) b.disabled = unavailable(b);
  }, ARM_DELAY_MS);
}

function switchLayout(): void {
  layout = layout === 'split' ? 'inline' : 'split';
  vscode.setState({ layout });
  const keepMode = mode;
  const keepArmed = armedAt;
  render();
  armedAt = keepArmed;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#actions button.btn')) b.disabled = Date.now() < armedAt || unavailable(b);
  if (keepMode !== 'choose') setMode(keepMode);
}

document.addEventListener('keydown', (e) => {
  if (!current) return;
  // A held-down key repeats: never let a repeat answer anything.
  if (e.repeat) {
    e.preventDefault();
    return;
  }
  // Typing while the panel is not yet armed restarts the wait (the keys were meant for somewhere else).
  if (Date.now() < armedAt && armedAt !== Number.MAX_SAFE_INTEGER) {
    arm();
    return;
  }
  const inText = (e.target as HTMLElement | null)?.tagName === 'TEXTAREA';
  if (e.key === 'Escape' && mode !== 'choose') {
    e.preventDefault();
    setMode('choose');
    return;
  }
  if (mode === 'message') {
    if (inText && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      answer('deny', 'once', (document.getElementById('message') as HTMLTextAreaElement).value);
    }
    return;
  }
  if (mode === 'always') {
    if (e.key === 'Enter') {
      e.preventDefault();
      answer('allow', 'always');
    }
    return;
  }
  if (inText || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  const order = current.queued.map((q) => q.id);
  const at = order.indexOf(current.request.id);
  switch (key) {
    case 'a':
      answer('allow', 'once');
      break;
    case 's':
      if (current.request.sessionScope) answer('allow', 'session');
      break;
    case 'w':
      if ('rule' in current.request.always) setMode('always');
      break;
    case 'd':
      answer('deny', 'once');
      break;
    case 'm':
      setMode('message');
      break;
    case 'v':
      if (current.request.files.length > 0) switchLayout();
      break;
    case 'j':
      if (at >= 0 && at + 1 < order.length) vscode.postMessage({ type: 'select', id: order[at + 1]! });
      break;
    case 'k':
      if (at > 0) vscode.postMessage({ type: 'select', id: order[at - 1]! });
      break;
    default:
      return;
  }
  e.preventDefault();
});

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'show':
      current = { request: m.request, nonce: m.nonce, queued: m.queued, deadline: Date.now() + (m.request.remainingMs ?? m.request.deadline - Date.now()) };
      render();
      break;
    case 'queue':
      if (current) {
        current = { ...current, queued: m.queued };
        renderQueue();
      }
      break;
    case 'empty':
      current = undefined;
      render();
      break;
    case 'error': {
      document.querySelector('.error-banner')?.remove();
      const banner = el('div', 'error-banner');
      banner.setAttribute('role', 'alert');
      banner.append(icon('error'), el('span', undefined, m.message));
      root.prepend(banner);
      // The answer did not go through: let the person try again.
      armedAt = Date.now();
      for (const b of document.querySelectorAll<HTMLButtonElement>('#actions button.btn')) b.disabled = unavailable(b);
      break;
    }
    default:
      break;
  }
});

vscode.postMessage({ type: 'ready' });
