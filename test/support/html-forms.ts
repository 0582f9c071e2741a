/**
 * A minimal stand-in for a browser, for auth-page tests without a real one: parses the forms of
 * an HTML page, builds the body a browser would submit (hidden and text inputs, checked
 * checkboxes, the clicked button's name=value, nothing disabled), and keeps cookies across
 * requests while following no redirect on its own.
 */
export interface FormField {
  name: string;
  value: string;
  type: string;
  checked: boolean;
  disabled: boolean;
}

export interface FormButton {
  id?: string;
  name?: string;
  value: string;
}

export interface HtmlForm {
  id?: string;
  action: string;
  method: string;
  fields: FormField[];
  buttons: FormButton[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const inner = tag.replace(/^<\s*[a-z0-9]+/i, '').replace(/\/?>$/, '');
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (const m of inner.matchAll(re)) {
    const name = m[1]!.toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[0].slice(0, m[0].indexOf('>') + 1));
    const body = m[1]!;
    const fields: FormField[] = [];
    for (const t of body.matchAll(/<input\b[^>]*>/gi)) {
      const a = attributes(t[0]);
      const name = a.get('name');
      if (!name) continue;
      fields.push({
        name,
        value: a.get('value') ?? (a.get('type') === 'checkbox' ? 'on' : ''),
        type: (a.get('type') ?? 'text').toLowerCase(),
        checked: a.has('checked'),
        disabled: a.has('disabled'),
      });
    }
    const buttons: FormButton[] = [];
    for (const t of body.matchAll(/<button\b[^>]*>/gi)) {
      const a = attributes(t[0]);
      if ((a.get('type') ?? 'submit').toLowerCase() !== 'submit') continue;
      const b: FormButton = { value: a.get('value') ?? '' };
      const id = a.get('id');
      const name = a.get('name');
      if (id !== undefined) b.id = id;
      if (name !== undefined) b.name = name;
      buttons.push(b);
    }
    const form: HtmlForm = {
      action: attrs.get('action') ?? '',
      method: (attrs.get('method') ?? 'get').toUpperCase(),
      fields,
      buttons,
    };
    const id = attrs.get('id');
    if (id !== undefined) form.id = id;
    forms.push(form);
  }
  return forms;
}

export function findForm(html: string, id: string): HtmlForm {
  const form = parseForms(html).find((f) => f.id === id);
  if (!form) throw new Error(`no form #${id} in page:\n${html.slice(0, 2000)}`);
  return form;
}

export interface SubmitChoices {
  /** id of the submit button clicked. */
  button?: string;
  /** Values typed into text/email inputs, by name. */
  fill?: Record<string, string>;
  /** Values of checkboxes to tick (by value). */
  check?: string[];
}

/** The urlencoded body a browser submits for this form. */
export function formBody(form: HtmlForm, choices: SubmitChoices = {}): URLSearchParams {
  const body = new URLSearchParams();
  for (const f of form.fields) {
    if (f.disabled) continue;
    if (f.type === 'checkbox' || f.type === 'radio') {
      if (f.checked || choices.check?.includes(f.value)) body.append(f.name, f.value);
      continue;
    }
    body.append(f.name, choices.fill?.[f.name] ?? f.value);
  }
  if (choices.button) {
    const b = form.buttons.find((x) => x.id === choices.button);
    if (!b) throw new Error(`no button #${choices.button}`);
    if (b.name) body.append(b.name, b.value);
  }
  return body;
}

export type FetchFn = (url: string, init?: RequestInit) => Promise<Response>;

/** Cookies and manual redirects, like a browser's network layer. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly fetchFn: FetchFn) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.fetchFn(url, { ...init, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(url: string): Promise<Response> {
    return this.request(url);
  }

  /** Submits a form found on the page at pageUrl. */
  submit(pageUrl: string, form: HtmlForm, choices: SubmitChoices = {}): Promise<Response> {
    const target = new URL(form.action || pageUrl, pageUrl).toString();
    return this.request(target, {
      method: form.method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(form, choices).toString(),
    });
  }
}

/** The absolute URL a redirect response points to. */
export function location(res: Response, from: string): string {
  const loc = res.headers.get('location');
  if (!loc) throw new Error(`expected a redirect, got ${res.status}`);
  return new URL(loc, from).toString();
}
