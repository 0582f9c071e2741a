/**
 * The demo's scripted browser: it approves a consent on the bundled simulator's authorization
 * pages the way a person's browser would — open the authorize URL, log in with the demo e-mail
 * (the simulator's login needs no password), tick the chosen sites, press Accept, and follow the
 * redirect to the callback that `tidemark connect` listens on. Cookies are kept; redirects are
 * followed by hand so every step is visible.
 *
 * It works only against the simulator it is given: a URL outside `simulatorBase` is refused.
 * Real Atlassian consent always needs a person.
 */
import { TidemarkError } from '../core/index.js';

interface Form {
  id: string | undefined;
  action: string;
  method: string;
  fields: Array<{ name: string; value: string; type: string; checked: boolean; disabled: boolean }>;
  buttons: Array<{ id: string | undefined; name: string | undefined; value: string }>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#')
      return String.fromCodePoint(
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10),
      );
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const inner = tag.replace(/^<\s*[a-z0-9]+/i, '').replace(/\/?>$/, '');
  for (const m of inner.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, decode(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

function findForm(html: string, id: string): Form {
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[0].slice(0, m[0].indexOf('>') + 1));
    if (attrs.get('id') !== id) continue;
    const form: Form = {
      id,
      action: attrs.get('action') ?? '',
      method: (attrs.get('method') ?? 'get').toUpperCase(),
      fields: [],
      buttons: [],
    };
    for (const t of m[1]!.matchAll(/<input\b[^>]*>/gi)) {
      const a = attributes(t[0]);
      const name = a.get('name');
      if (!name) continue;
      const type = (a.get('type') ?? 'text').toLowerCase();
      form.fields.push({
        name,
        value: a.get('value') ?? (type === 'checkbox' ? 'on' : ''),
        type,
        checked: a.has('checked'),
        disabled: a.has('disabled'),
      });
    }
    for (const t of m[1]!.matchAll(/<button\b[^>]*>/gi)) {
      const a = attributes(t[0]);
      if ((a.get('type') ?? 'submit').toLowerCase() === 'submit')
        form.buttons.push({ id: a.get('id'), name: a.get('name'), value: a.get('value') ?? '' });
    }
    return form;
  }
  throw new TidemarkError('internal', `the simulator's page has no form #${id}`);
}

function body(form: Form, choices: { fill?: Record<string, string>; check?: string[]; button?: string }): string {
  const out = new URLSearchParams();
  for (const f of form.fields) {
    if (f.disabled) continue;
    if (f.type === 'checkbox' || f.type === 'radio') {
      if (f.checked || choices.check?.includes(f.value)) out.append(f.name, f.value);
      continue;
    }
    out.append(f.name, choices.fill?.[f.name] ?? f.value);
  }
  const button = form.buttons.find((b) => b.id === choices.button);
  if (button?.name) out.append(button.name, button.value);
  return out.toString();
}

export interface ConsentRobotInput {
  fetch: typeof fetch;
  /** The bundled simulator's base URL; nothing else is ever visited. */
  simulatorBase: string;
  /** The authorize URL that `tidemark connect` printed. */
  authorizeUrl: string;
  email: string;
  /** Cloud ids to tick on the consent page. */
  sites: string[];
}

/** Logs in, approves the sites and delivers the redirect to the callback; answers the callback's status. */
export async function approveOnSimulator(input: ConsentRobotInput): Promise<number> {
  const base = input.simulatorBase.replace(/\/+$/, '');
  if (!input.authorizeUrl.startsWith(`${base}/auth/`))
    throw new TidemarkError('policy', 'the demo approves consents only on the bundled simulator', {
      hint: 'On a real Atlassian site, a person opens the consent URL and approves it.',
    });
  const cookies = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await input.fetch(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age\s*=\s*0\b/i.test(c)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  const redirectTarget = (res: Response, from: string): string => {
    const loc = res.headers.get('location');
    if (!loc) throw new TidemarkError('internal', `the simulator answered ${res.status} where a redirect was expected`);
    return new URL(loc, from).toString();
  };
  const submit = (page: string, form: Form, choices: Parameters<typeof body>[1]): Promise<Response> => {
    const target = new URL(form.action || page, page).toString();
    if (!target.startsWith(`${base}/`)) throw new TidemarkError('policy', 'a simulator form pointed elsewhere');
    return request(target, {
      method: form.method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body(form, choices),
    });
  };

  const url = input.authorizeUrl;
  let page = await request(url);
  let html = await page.text();
  if (html.includes('id="login-form"')) {
    const login = await submit(url, findForm(html, 'login-form'), { fill: { email: input.email } });
    if (login.status !== 303) throw new TidemarkError('auth', `the simulated login failed (${login.status})`);
    page = await request(redirectTarget(login, url));
    html = await page.text();
  }
  if (page.status !== 200) throw new TidemarkError('auth', `the simulated consent page answered ${page.status}`);
  const approved = await submit(url, findForm(html, 'consent-form'), { button: 'approve', check: input.sites });
  if (approved.status !== 302) throw new TidemarkError('auth', `the simulated consent failed (${approved.status})`);
  // Atlassian redirects the browser to the app's callback: here, `tidemark connect`'s loopback listener.
  const landed = await input.fetch(redirectTarget(approved, url), { redirect: 'manual' });
  await landed.arrayBuffer();
  return landed.status;
}
