/**
 * The approval panel's script (runs in the webview, untrusted by the host). It renders what the host
 * sends with DOM APIs and `textContent` only (never HTML from data), and answers with the request id and
 * the render nonce. Keyboard first: A allow once, S allow for this session, W always allow, D deny,
 * M deny with a message, V switch the diff layout, J/K move through the queue.
 */
import { codePointLabel, HIDDEN_CHAR, hiddenCharName } from '../shared/hiddenChars';
import type { ApprovalView, AttentionItem, CommandPartView, DiffCell, DiffRow, FileView, HostMessage, LeftOutItem, QueuedView, Shown, WebviewMessage } from '../shared/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState() as { layout?: 'split' | 'inline' } | undefined;
let layout: 'split' | 'inline' = saved?.layout === 'inline' ? 'inline' : 'split';
let current: { request: ApprovalView; nonce: string; queued: readonly QueuedView[]; deadline: number } | undefined;
/** The ways to see what is left out that the person took for the request on screen (`file:N`, `command`). */
const opened = new Set<string>();
/** The answer waiting for the extra step (allowing what was not shown in full). */
let pendingAllow: { scope: 'once' | 'session' | 'always' } | undefined;
let countdown: ReturnType<typeof setInterval> | undefined;
/** Keys and clicks are ignored briefly after a new request appears, so a keystroke meant for the last one cannot answer it. */
let armedAt = 0;
const ARM_DELAY_MS = 600;
let mode: 'choose' | 'always' | 'message' | 'unseen' = 'choose';

const root = document.getElementById('root')!;

/**
 * Appends text, marking any hidden character. The host already sends every agent text as `Shown`
 * runs with those characters taken out; this is the second line, should one ever slip through.
 */
function appendVisible(into: HTMLElement, text: string): void {
  let last = 0;
  for (const m of text.matchAll(HIDDEN_CHAR)) {
    // A new line or a tab in a text run comes from code or a command, where it is drawn as such.
    if (m[0] === '\n' || m[0] === '\t') continue;
    const at = m.index ?? 0;
    if (at > last) into.append(text.slice(last, at));
    into.append(hiddenMark(codePointLabel(m[0]), hiddenCharName(m[0])));
    last = at + m[0].length;
  }
  if (last < text.length) into.append(text.slice(last));
}

function hiddenMark(label: string, name: string): HTMLElement {
  const mark = document.createElement('span');
  mark.className = 'hidden-char';
  mark.textContent = `⟨${label}⟩`;
  mark.title = `${name}: a character you cannot see, or that changes how the text reads. What you see here may differ from what runs.`;
  return mark;
}

/**
 * Draws a `Shown` value: its text, its marks, its lookalike words and what was cut. `strict` draws it
 * strictly left to right in stored order (names and commands), so right-to-left letters cannot reorder it.
 */
function shownEl(tag: keyof HTMLElementTagNameMap, cls: string | undefined, value: Shown, options: { strict?: boolean; language?: string } = {}): HTMLElement {
  const e = document.createElement(tag);
  e.className = `${cls ? `${cls} ` : ''}shown${options.strict ? ' strict' : ''}`;
  appendShown(e, value, options.language);
  return e;
}

/**
 * A reason or note: prose in which Airlock's own messages quote commands and paths in backticks. Each
 * quoted span is drawn as code (its text set as text, never as markup), the backticks themselves not.
 */
function appendProse(into: HTMLElement, value: Shown): void {
  const runs: Shown['runs'][number][] = [];
  let inCode = false;
  let code: HTMLElement | undefined;
  const flush = (): void => {
    if (runs.length === 0) return;
    const target = inCode ? (code ??= el('code', 'quoted')) : into;
    appendRuns(target, runs.splice(0));
  };
  for (const r of value.runs) {
    if (!('text' in r) || 'lookalike' in r) {
      runs.push(r);
      continue;
    }
    const pieces = r.text.split('`');
    pieces.forEach((piece, i) => {
      if (i > 0) {
        flush();
        if (inCode && code) into.append(code);
        code = undefined;
        inCode = !inCode;
      }
      if (piece) runs.push({ ...r, text: piece });
    });
  }
  flush();
  if (inCode && code) into.append(code);
}

function appendShown(into: HTMLElement, value: Shown, language?: string): void {
  appendRuns(into, value.runs, language);
}

function appendRuns(into: HTMLElement, runs: readonly Shown['runs'][number][], language?: string): void {
  for (const r of runs) {
    if ('hidden' in r) into.append(hiddenMark(r.hidden, r.name));
    else if ('cut' in r) {
      const cut = document.createElement('span');
      cut.className = 'cut';
      cut.textContent = ` … ${r.cut.toLocaleString('en-US')} characters not shown here … `;
      into.append(cut);
    } else if ('lookalike' in r) {
      const word = document.createElement('span');
      word.className = 'lookalike';
      word.title = `Look closely: "${r.text}" ${r.lookalike}`;
      appendVisible(word, r.text);
      into.append(word);
    } else if (language) colour(r.text, language, into);
    else appendVisible(into, r.text);
  }
}

/** The shortcut of "Airlock: Show Pending Approvals" (package.json keybindings). */
const SHOW_APPROVALS_KEY = /Mac|iPhone|iPad/.test(navigator.userAgent) ? 'Cmd+Alt+A' : 'Ctrl+Alt+A';

function showFocusHint(): void {
  const hint = document.getElementById('focus-hint');
  if (hint) hint.hidden = document.hasFocus();
}
window.addEventListener('focus', showFocusHint);
window.addEventListener('blur', showFocusHint);

/** Why a request needs a person, in the three conditions of the policy (understood, reversible, contained). */
const FAILED_TITLE = { understood: 'Not understood', reversible: 'Not reversible', contained: 'Not contained' } as const;
const FAILED_TEXT = {
  understood: 'Airlock cannot prove what this does, so it asks at every trust level.',
  reversible: 'its effects reach beyond what Airlock can roll back, so it asks at every trust level.',
  contained: 'it runs code Airlock cannot read, and it would run outside the sandbox.',
} as const;

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
  const code = el('span', 'code shown');
  for (const s of cell?.segments ?? []) {
    if (s.changed) code.append(shownEl('span', markClass, s.text, language ? { language } : {}));
    else appendShown(code, s.text, language);
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

function renderFile(file: FileView, index: number): HTMLElement {
  const box = el('section', 'file');
  const head = el('div', 'file-head');
  const name = el('span', 'path');
  name.append(icon(file.op === 'delete' ? 'trash' : file.op === 'create' ? 'new-file' : 'file'), shownEl('span', undefined, file.path, { strict: true }));
  if (file.newPath) name.append(el('span', undefined, ' → '), shownEl('span', undefined, file.newPath, { strict: true }));
  const stats = el('span', 'stats');
  if (file.added || file.removed) stats.append(el('span', 'added', `+${file.added}`), el('span', 'removed', `−${file.removed}`));
  head.append(name, stats);
  if (file.rows.length > 0 || file.op !== 'mkdir') {
    const open = el('button', 'link');
    open.type = 'button';
    open.append(icon('diff'), el('span', undefined, 'Open in diff editor'));
    open.addEventListener('click', () => openDiff(index));
    head.append(open);
  }
  box.append(head);
  if (file.note) box.append(shownEl('p', 'note', file.note));
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

function renderPart(p: CommandPartView, requestReason: string): HTMLElement {
  const li = el('li', `part ${p.action}`);
  const badge = el('span', `badge ${p.action}`, p.action);
  const text = shownEl('code', undefined, p.text, { strict: true });
  li.append(badge, text);
  if (p.count) li.append(el('span', 'count', ` ×${p.count}`));
  const why = el('div', 'part-why', p.kind === 'command' ? '' : `${p.kind}: `);
  // The reason the whole request gives is said once, above the parts, not again under each of them.
  if (plainOf(p.reason) !== requestReason) appendProse(why, p.reason);
  const via = p.via.runs.map((r) => ('text' in r ? r.text : '')).join('');
  if (via && via !== 'command') why.append(' (via ', shownEl('span', undefined, p.via, { strict: true }), ')');
  li.append(why);
  if (p.action !== 'allow') li.setAttribute('aria-label', `needs approval: ${text.textContent ?? ''}`);
  return li;
}

function fmt(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A shown value as plain text, for a tooltip or a screen reader (marks written out). */
function plainOf(value: Shown): string {
  return value.runs.map((r) => ('hidden' in r ? `⟨${r.hidden}⟩` : 'cut' in r ? ` … ${r.cut} characters not shown … ` : r.text)).join('');
}

/** What is not shown in full and the person has not opened yet. */
function unseenItems(): LeftOutItem[] {
  if (!current) return [];
  return current.request.leftOut.filter((l) => !((l.see === 'diff' && l.file !== undefined && opened.has(`file:${l.file}`)) || (l.see === 'command' && opened.has('command'))));
}

/**
 * Sends the answer. Allowing a request that is not shown in full first asks for the extra step (unless
 * the person opened every way to see it all); `unseen` tells the host the step was taken.
 */
function answer(action: 'allow' | 'deny', scope: 'once' | 'session' | 'always', message?: string, confirmedUnseen = false): void {
  if (!current || Date.now() < armedAt) return;
  if (scope === 'session' && !current.request.sessionScope) return;
  const partial = action === 'allow' && current.request.leftOut.length > 0;
  if (partial && !confirmedUnseen && unseenItems().length > 0) {
    pendingAllow = { scope };
    setMode('unseen');
    return;
  }
  vscode.postMessage({ type: 'answer', id: current.request.id, nonce: current.nonce, action, scope, ...(message ? { message } : {}), ...(partial ? { unseen: true as const } : {}) });
  // Until the host shows the next request, nothing more can be answered.
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.btn')) b.disabled = true;
  armedAt = Number.MAX_SAFE_INTEGER;
}

let unseenArmTimer: ReturnType<typeof setTimeout> | undefined;

function setMode(next: typeof mode): void {
  mode = next;
  document.getElementById('choices')?.classList.toggle('hidden', mode !== 'choose');
  document.getElementById('always-confirm')?.classList.toggle('hidden', mode !== 'always');
  document.getElementById('deny-message')?.classList.toggle('hidden', mode !== 'message');
  document.getElementById('unseen-confirm')?.classList.toggle('hidden', mode !== 'unseen');
  if (mode === 'message') (document.getElementById('message') as HTMLTextAreaElement | null)?.focus();
  if (mode === 'always') document.getElementById('confirm-always')?.focus();
  if (mode === 'unseen') {
    const list = document.getElementById('unseen-list');
    list?.replaceChildren(...unseenItems().map((l) => shownEl('li', undefined, l.what)));
    // Armed after a pause, so the key that asked for it (or a held key) cannot also confirm it.
    const confirm = document.getElementById('confirm-unseen') as HTMLButtonElement | null;
    if (confirm) confirm.disabled = true;
    if (unseenArmTimer) clearTimeout(unseenArmTimer);
    unseenArmTimer = setTimeout(() => {
      if (confirm) confirm.disabled = false;
      confirm?.focus();
    }, ARM_DELAY_MS);
  } else pendingAllow = undefined;
  if (mode === 'choose') (document.querySelector('h1') as HTMLElement | null)?.focus({ preventScroll: true });
}

function confirmUnseen(): void {
  const confirm = document.getElementById('confirm-unseen') as HTMLButtonElement | null;
  if (!pendingAllow || !confirm || confirm.disabled) return;
  answer('allow', pendingAllow.scope, undefined, true);
}

function openDiff(file: number): void {
  if (!current) return;
  vscode.postMessage({ type: 'openDiff', id: current.request.id, nonce: current.nonce, file });
  opened.add(`file:${file}`);
  renderLeftOut();
}

/** Shows the whole command in place of its start and end. */
function expandCommand(): void {
  const full = current?.request.command?.full;
  const code = document.getElementById('command-text');
  if (!full || !code) return;
  code.replaceChildren();
  appendShown(code, full);
  document.getElementById('expand-command')?.remove();
  opened.add('command');
  renderLeftOut();
}

const KIND_LABEL: Readonly<Record<AttentionItem['kinds'][number], string>> = { secret: 'secret', network: 'network', protected: 'protected path', hidden: 'hidden characters', lookalike: 'lookalike name' };

/** "Not shown in full": first on screen, with the way to see each part. */
function renderLeftOut(): void {
  const old = document.getElementById('left-out');
  if (!current || current.request.leftOut.length === 0) return void old?.remove();
  const box = el('section', 'left-out');
  box.id = 'left-out';
  box.setAttribute('role', 'alert');
  const title = el('h2');
  title.append(icon('eye-closed'), el('span', undefined, ' Not all of this request is shown here'));
  box.append(title);
  const list = el('ul');
  for (const l of current.request.leftOut) {
    const li = el('li');
    li.append(shownEl('span', 'what', l.what));
    const seen = (l.see === 'diff' && opened.has(`file:${l.file}`)) || (l.see === 'command' && opened.has('command'));
    if (l.see === 'diff' && l.file !== undefined) {
      const file = l.file;
      const b = el('button', 'link');
      b.type = 'button';
      b.append(icon('diff'), el('span', undefined, seen ? 'Opened in the diff editor' : 'See all in the diff editor'));
      b.addEventListener('click', () => openDiff(file));
      li.append(b);
    } else if (l.see === 'command') {
      const b = el('button', 'link');
      b.type = 'button';
      b.append(icon('unfold'), el('span', undefined, seen ? 'Shown in full below' : 'Show the whole command'), el('kbd', undefined, 'E'));
      b.addEventListener('click', () => expandCommand());
      li.append(b);
    } else li.append(el('span', 'hint', ' (nothing here can show it)'));
    list.append(li);
  }
  box.append(list, el('p', 'hint', 'Allowing it without seeing all of it takes one more step.'));
  if (old) old.replaceWith(box);
  else (document.getElementById('queue') ?? document.querySelector('header'))?.after(box);
}

/** "Look at these first": lines and names that need a look, whatever their place in the request. */
function renderAttention(r: ApprovalView): HTMLElement | undefined {
  if (r.attention.length === 0) return undefined;
  const box = el('section', 'attention');
  box.id = 'attention';
  const title = el('h2');
  title.append(icon('warning'), el('span', undefined, ' Look at these first'));
  box.append(title);
  const list = el('ul');
  for (const a of r.attention) {
    const li = el('li');
    for (const k of a.kinds) li.append(el('span', `badge kind-${k}`, KIND_LABEL[k]));
    li.append(shownEl('span', 'where', a.where, { strict: true }), el('span', undefined, ': '), shownEl('code', 'text', a.text, { strict: a.kinds.includes('lookalike') || a.kinds.includes('hidden') }));
    if (a.file !== undefined && a.kinds.some((k) => k !== 'lookalike' && k !== 'hidden')) {
      const file = a.file;
      const b = el('button', 'link');
      b.type = 'button';
      b.title = 'Open this file in the diff editor';
      b.append(icon('diff'));
      b.addEventListener('click', () => openDiff(file));
      li.append(b);
    }
    list.append(li);
  }
  box.append(list);
  return box;
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
    const b = el('button', `chip${q.id === r.id ? ' current' : ''} shown strict`, `${i + 1}. `);
    appendShown(b, q.title);
    b.type = 'button';
    b.title = plainOf(q.title);
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
  const { request: r } = current;

  const header = el('header');
  const who = el('div', 'who');
  who.append(icon(r.kind === 'command' ? 'terminal' : r.kind === 'read' ? 'eye' : 'edit'), shownEl('span', 'agent', r.agentName, { strict: true }), el('span', 'trust', `trust level ${r.trust}`));
  if (r.folder) who.append(shownEl('span', 'folder', r.folder, { strict: true }));
  const time = el('span', 'countdown');
  time.id = 'countdown';
  who.append(time);
  const h1 = shownEl('h1', undefined, r.title, { strict: true });
  h1.tabIndex = -1;
  header.append(who, h1);
  root.append(header);

  renderQueue();
  renderLeftOut();
  const attention = renderAttention(r);
  if (attention) root.append(attention);

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
    always.title = `Always allow is not available: ${plainOf(r.always.unavailable)}`;
  }
  choices.append(always, button('Deny', 'D', 'danger', 'close', () => answer('deny', 'once'), 'deny'), button('Deny with message…', 'M', 'secondary', 'comment', () => setMode('message'), 'deny-with-message'));
  if ('unavailable' in r.always) {
    const hint = el('p', 'hint', 'Always allow: ');
    appendShown(hint, r.always.unavailable);
    choices.append(hint);
  }
  // The popup opens without the keyboard (typing elsewhere must not answer it): say how to reach it.
  const focusHint = el('p', 'hint focus-hint', `The keys answer once this popup has the focus: click it, or press ${SHOW_APPROVALS_KEY} (Airlock: Show Pending Approvals).`);
  focusHint.id = 'focus-hint';
  focusHint.hidden = document.hasFocus();
  choices.append(focusHint);

  const confirm = el('div', 'confirm hidden');
  confirm.id = 'always-confirm';
  if ('rule' in r.always) {
    const what = el('p', undefined, r.always.creates ? 'This creates ' : 'This rule will be added to ');
    what.append(shownEl('span', undefined, r.always.file, { strict: true }), r.always.creates ? " from Airlock's recommended policy with this rule added, and allows this request:" : ', and this request allowed:');
    confirm.append(what);
    const pre = el('pre', 'rule');
    pre.append(shownEl('code', undefined, r.always.rule, { strict: true }));
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

  const unseen = el('div', 'confirm unseen hidden');
  unseen.id = 'unseen-confirm';
  unseen.append(el('p', undefined, 'You have not seen all of this request. Not shown:'));
  const unseenList = el('ul');
  unseenList.id = 'unseen-list';
  unseen.append(unseenList, button('Allow without seeing all of it', 'Enter', 'danger', 'warning', () => confirmUnseen(), 'confirm-unseen'), button('Back', 'Esc', 'secondary', 'arrow-left', () => setMode('choose'), 'cancel-unseen'));

  actions.append(choices, confirm, deny, unseen);
  root.append(actions);

  const why = el('section', 'why');
  if (r.failed) {
    const p = el('p', 'failed');
    p.append(icon('shield'), el('strong', undefined, ` ${FAILED_TITLE[r.failed]}: `), el('span', undefined, FAILED_TEXT[r.failed]));
    why.append(p);
  }
  const reason = el('p');
  const reasonText = el('span', 'shown');
  appendProse(reasonText, r.reason);
  reason.append(el('strong', undefined, 'Why you are asked: '), reasonText);
  why.append(reason);
  if (r.rule) {
    const p = el('p');
    p.append(el('strong', undefined, 'Rule: '), shownEl('span', undefined, r.rule));
    why.append(p);
  }
  if (r.limit) {
    const p = el('p', 'limit');
    p.append(icon('warning'), el('strong', undefined, ' Limit: '), shownEl('span', undefined, r.limit));
    why.append(p);
  }
  if (r.sandbox) {
    const p = el('p', 'sandbox');
    p.append(icon('shield'), el('strong', undefined, ' Sandbox: '), shownEl('span', undefined, r.sandbox));
    why.append(p);
  }
  root.append(why);

  if (r.command) {
    const box = el('section', 'command');
    // The parts that need a person come first (the host sorts them), before a command line that may be long.
    if (r.command.parts.length > 0) {
      const list = el('ul', 'parts');
      for (const p of r.command.parts) list.append(renderPart(p, plainOf(r.reason)));
      box.append(list);
    }
    const pre = el('pre');
    const code = shownEl('code', undefined, r.command.text, { strict: true });
    code.id = 'command-text';
    pre.append(code);
    const cwd = el('div', 'cwd', 'in ');
    cwd.append(shownEl('span', undefined, r.command.cwd, { strict: true }));
    box.append(pre, cwd);
    if (r.command.full && !opened.has('command')) {
      const more = el('button', 'link');
      more.type = 'button';
      more.id = 'expand-command';
      more.append(icon('unfold'), el('span', undefined, 'Show the whole command'), el('kbd', undefined, 'E'));
      more.addEventListener('click', () => expandCommand());
      box.append(more);
    } else if (r.command.full) {
      code.replaceChildren();
      appendShown(code, r.command.full);
    }
    root.append(box);
  }
  if (r.input !== undefined) {
    const box = el('section', 'command');
    const hint = el('p', 'hint', 'Airlock does not know what ');
    hint.append(shownEl('span', undefined, r.tool, { strict: true }), ' does. Its input:');
    box.append(hint);
    const pre = el('pre');
    pre.append(shownEl('code', undefined, r.input));
    box.append(pre);
    root.append(box);
  }
  if (r.paths && r.kind === 'read') {
    const list = el('ul', 'paths');
    for (const p of r.paths) list.append(shownEl('li', undefined, p, { strict: true }));
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
    r.files.forEach((f, i) => root.append(renderFile(f, i)));
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
  if (status) status.textContent = plainOf(r.title);
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
  if (mode === 'unseen') {
    // Only Enter on the armed button confirms; every other key is ignored here.
    if (e.key === 'Enter') {
      e.preventDefault();
      confirmUnseen();
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
    case 'e':
      expandCommand();
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
      if (current?.request.id !== m.request.id) opened.clear();
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
      banner.append(icon('error'), shownEl('span', undefined, m.message));
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
