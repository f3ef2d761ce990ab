/**
 * The approval panel's HTML: a shell whose only script is the bundled webview code, loaded by nonce under
 * a strict Content Security Policy (no inline script or style, nothing from the network). Pure, so a
 * unit test asserts the policy.
 */
import { randomBytes } from 'node:crypto';

/** Where the panel's resources are, as webview URIs. */
export interface ApprovalHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
  /** Fresh per render; {@link newNonce}. */
  readonly nonce: string;
}

/** A nonce for a script tag: 128 random bits. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The panel's HTML document. */
export function renderApprovalHtml(o: ApprovalHtmlOptions): string {
  const csp = [`default-src 'none'`, `script-src 'nonce-${o.nonce}'`, `style-src ${o.cspSource}`, `font-src ${o.cspSource}`, `img-src ${o.cspSource}`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.codiconsUri)}">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Airlock Approval</title>
</head>
<body>
<div id="status" class="sr-only" role="status" aria-live="polite"></div>
<main id="root"><p>Loading…</p></main>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>`;
}
