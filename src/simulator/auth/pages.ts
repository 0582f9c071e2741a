/**
 * HTML of the simulated auth host: login, consent and error pages. Every dynamic value goes
 * through escapeHtml (app names, scopes and e-mails are attacker-controlled in principle). The
 * pages need no JavaScript; forms post to the auth host and are CSRF-protected by the caller.
 */
import { escapeHtml, htmlResponse } from '../http/respond.js';

/** Headers every auth-host page carries: no caching, no framing, no scripts, no referrer leaks. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // No form-action directive: Chrome applies it to the redirect after the consent form, which
  // must reach the app's callback on another origin.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f4f5f7;color:#172b4d;margin:0}
main{max-width:34rem;margin:3rem auto;background:#fff;border-radius:6px;padding:2rem;box-shadow:0 1px 3px rgba(9,30,66,.25)}
h1{font-size:1.4rem;margin-top:0}
.sim{background:#fffae6;border:1px solid #ffc400;border-radius:4px;padding:.6rem .8rem;font-size:.9rem}
.error{background:#ffebe6;border:1px solid #de350b;border-radius:4px;padding:.6rem .8rem}
ul.scopes{padding-left:1.2rem} ul.scopes li{margin:.4rem 0} code{font-size:.85rem;color:#5e6c84}
fieldset{border:1px solid #dfe1e6;border-radius:4px;margin:1rem 0} label{display:block;margin:.3rem 0}
.actions{display:flex;gap:.8rem;margin-top:1.2rem} button{font-size:1rem;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #c1c7d0;background:#f4f5f7;cursor:pointer}
button.primary{background:#0052cc;border-color:#0052cc;color:#fff} input[type=email]{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}
.who{font-size:.9rem;color:#5e6c84} .muted{color:#5e6c84;font-size:.85rem}`;

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>`;
}

const SIM_NOTICE = `<p class="sim" id="simulator-notice">This is the <strong>Tidemark Jira Cloud simulator</strong>, not Atlassian.
Its accounts are simulated and have no passwords: signing in needs only an account's e-mail address.</p>`;

export interface LoginPage {
  loginId: string;
  appName: string;
  error?: string;
  email?: string;
}

export function loginPage(p: LoginPage, status = 200, headers: Record<string, string> = {}): Response {
  const body = `<h1>Log in to continue to ${escapeHtml(p.appName)}</h1>
${SIM_NOTICE}
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="/auth/login" id="login-form">
<input type="hidden" name="login_id" value="${escapeHtml(p.loginId)}">
<label for="email">E-mail address of a simulated account</label>
<input type="email" id="email" name="email" required autocomplete="username" value="${escapeHtml(p.email ?? '')}">
<div class="actions"><button class="primary" type="submit" id="login">Log in</button></div>
</form>`;
  return htmlResponse(status, layout(`Log in to continue to ${p.appName}`, body), { ...PAGE_HEADERS, ...headers });
}

export interface ConsentPage {
  consentId: string;
  csrf: string;
  appName: string;
  account: { displayName: string; email: string };
  scopes: Array<{ scope: string; description: string }>;
  sites: Array<{ cloudId: string; name: string; url: string; granted: boolean }>;
  error?: string;
}

export function consentPage(p: ConsentPage, status = 200): Response {
  const hidden = `<input type="hidden" name="consent_id" value="${escapeHtml(p.consentId)}">
<input type="hidden" name="csrf" value="${escapeHtml(p.csrf)}">`;
  const scopes = p.scopes
    .map((s) => `<li>${escapeHtml(s.description)}<br><code>${escapeHtml(s.scope)}</code></li>`)
    .join('\n');
  const sites = p.sites
    .map((s) =>
      s.granted
        ? `<label><input type="checkbox" name="site" value="${escapeHtml(s.cloudId)}" checked disabled> ${escapeHtml(s.name)} <span class="muted">${escapeHtml(s.url)} — already shared with this app</span></label>`
        : `<label><input type="checkbox" name="site" value="${escapeHtml(s.cloudId)}"> ${escapeHtml(s.name)} <span class="muted">${escapeHtml(s.url)}</span></label>`,
    )
    .join('\n');
  const body = `<h1>${escapeHtml(p.appName)} is requesting access to your Atlassian account</h1>
${SIM_NOTICE}
<p class="who">Signed in as <strong>${escapeHtml(p.account.displayName)}</strong> (${escapeHtml(p.account.email)})</p>
${p.error ? `<p class="error" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post" action="/auth/consent" id="consent-form">
${hidden}
<h2>It wants to</h2>
<ul class="scopes">
${scopes}
</ul>
<fieldset><legend>Use app on</legend>
${sites}
</fieldset>
<p class="muted">The app gets access only to the sites you choose, and can do only what your account can do on them.</p>
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve" id="approve">Accept</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</div>
</form>
<form method="post" action="/auth/logout" id="logout-form">
${hidden}
<p class="muted">Not you? <button type="submit" id="switch-account">Use another account</button></p>
</form>`;
  return htmlResponse(status, layout(`${p.appName} is requesting access`, body), PAGE_HEADERS);
}

export function errorPage(status: number, title: string, message: string, code?: string): Response {
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert" id="error-message">${escapeHtml(message)}</p>
${code ? `<p class="muted">Error: <code id="error-code">${escapeHtml(code)}</code></p>` : ''}
${SIM_NOTICE}`;
  return htmlResponse(status, layout(title, body), PAGE_HEADERS);
}
