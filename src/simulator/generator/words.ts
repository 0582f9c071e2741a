/**
 * Vocabulary of the data generator: words for summaries and comments, people's names, and the
 * hostile strings every generated world carries somewhere (Unicode, RTL, emoji sequences,
 * markup, control characters, path tricks, very long names).
 */
import type { Rng } from './prng.js';

export const VERBS = [
  'Fix',
  'Add',
  'Remove',
  'Update',
  'Refactor',
  'Investigate',
  'Document',
  'Migrate',
  'Improve',
  'Support',
  'Handle',
  'Validate',
  'Optimise',
  'Deprecate',
  'Expose',
  'Cache',
  'Retry',
  'Log',
  'Test',
  'Review',
] as const;

export const NOUNS = [
  'login page',
  'password reset flow',
  'billing export',
  'search results',
  'REST client',
  'webhook delivery',
  'CSV import',
  'dashboard gadget',
  'audit log',
  'mobile layout',
  'session timeout',
  'rate limiter',
  'PDF renderer',
  'notification emails',
  'user avatar upload',
  'SSO configuration',
  'release pipeline',
  'database migration',
  'feature flag',
  'onboarding wizard',
  'permission check',
  'error page',
  'payment gateway',
  'invoice template',
  'report scheduler',
  'attachment preview',
  'timezone handling',
  'API pagination',
  'backup job',
  'cache invalidation',
] as const;

export const QUALIFIERS = [
  'for large sites',
  'on Safari',
  'after upgrade',
  'when offline',
  'in dark mode',
  'for admins',
  'under load',
  'on first run',
  'with SSO enabled',
  'for EU customers',
  'behind a proxy',
  'in the new editor',
] as const;

export const WORDS = (
  'the a we it this that customer users team release build server client request response page button ' +
  'error warning timeout retry latency memory disk network config setting flag value field option ' +
  'should must could will can may works fails breaks returns shows hides loads saves sends receives ' +
  'quickly slowly again now later today yesterday sometimes always never randomly correctly ' +
  'after before during while when because although unless since until ' +
  'report issue bug fix patch change review test deploy rollback migrate upgrade install ' +
  'about around across behind between inside outside within without ' +
  'expected actual steps reproduce logs screenshot attached linked blocked duplicate related'
).split(' ');

export const FIRST_NAMES = [
  'Alice',
  'Bob',
  'Carla',
  'Dmitri',
  'Emeka',
  'Fatima',
  'Gustavo',
  'Hana',
  'Ivan',
  'Jia',
  'Kwame',
  'Lena',
  'Mateo',
  'Nadia',
  'Oskar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomoko',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoë',
  'Åsa',
  'Łukasz',
  'Chloé',
  'Ngọc',
] as const;

export const LAST_NAMES = [
  'Anderson',
  'Brown',
  'Chen',
  'Dubois',
  'Eriksson',
  'Fernández',
  'García',
  'Hoffmann',
  'Ito',
  'Jensen',
  'Kowalski',
  'López',
  'Müller',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quinn',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Umarov',
  'Van Dijk',
  'Wang',
  'Xu',
  'Yamamoto',
  'Zhang',
  "O'Brien",
  'Nguyễn',
] as const;

export const TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Sao_Paulo',
  'Africa/Lagos',
] as const;

export const LOCALES = ['en_US', 'en_GB', 'de_DE', 'fr_FR', 'ja_JP', 'es_ES', 'pt_BR'] as const;

export const LABELS = [
  'backend',
  'frontend',
  'ux',
  'performance',
  'security',
  'tech-debt',
  'customer-reported',
  'regression',
  'needs-triage',
  'good-first-issue',
  'api',
  'mobile',
  'infra',
  'docs',
  'Q3-goal',
  'ünïcode-label',
  '中文标签',
] as const;

export const CODE_LANGUAGES = ['javascript', 'typescript', 'python', 'java', 'sql', 'bash', 'json', 'go'] as const;

export const EMOJI = [
  { shortName: ':smile:', id: '1f604', text: '😄' },
  { shortName: ':thumbsup:', id: '1f44d', text: '👍' },
  { shortName: ':rocket:', id: '1f680', text: '🚀' },
  { shortName: ':warning:', id: 'atlassian-warning', text: ':warning:' },
  { shortName: ':tada:', id: '1f389', text: '🎉' },
] as const;

/** Hostile text: each is valid Unicode (no lone surrogates, no NUL) and non-empty. */
export const HOSTILE_TEXTS = [
  '修复登录页面的错误 — 日本語のテキスト — 한국어 텍스트',
  'Zalgo: Z̵̡̢͇̗͙a̴̡͚l̸̨̛g̶̢̛o̷͎̿ and combining e\u0301 vs é',
  'مرحبا بالعالم — שלום עולם — mixed RTL: abc \u202Eevil.exe\u202C',
  'Emoji: 🚀🔥 family 👨\u200D👩\u200D👧\u200D👦 flag 🏳️\u200D🌈 skin 👍🏽 keycap 1️⃣',
  '<script>alert("xss")</script> <img src=x onerror=alert(1)> "><b>bold</b> &amp; &lt;',
  "'; DROP TABLE issues; -- and {{template}} ${injection} %s %n",
  'Control chars: bell\u0007 escape\u001b[31mred\u001b[0m tab\tnewline\ncarriage\rDEL\u007f',
  'Zero width:\u200B\u200C\u200D joiners and BOM\uFEFF inside',
  'Math 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and astral 𠜎𠜱𠝹 characters',
  'Windows path C:\\Users\\admin\\..\\secrets.txt and ../../etc/passwd',
] as const;

export const HOSTILE_FILENAMES = [
  '../../../etc/passwd',
  '..\\..\\windows\\system32\\config\\SAM',
  'report\u0007bell.txt',
  'tab\tand\nnewline.log',
  '<script>alert(1)</script>.html',
  'résumé – 履歴書 – سيرة.pdf',
  '👨\u200D👩\u200D👧 family photo.png',
  '.hidden',
  'CON',
  'spaces   and trailing dot .',
  `${'very-long-file-name-'.repeat(12)}end.txt`,
] as const;

export function sentence(rng: Rng, minWords = 6, maxWords = 16): string {
  // join() yields a flat string; repeated += would keep a rope of cons cells alive.
  const n = rng.int(minWords, maxWords);
  const words: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) words[i] = rng.pick(WORDS);
  words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
  words[n - 1] = words[n - 1] + '.';
  return words.join(' ');
}

export function paragraphText(rng: Rng, sentences = rng.int(1, 3)): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(rng));
  return out.join(' ');
}

export function summary(rng: Rng): string {
  const base = `${rng.pick(VERBS)} ${rng.pick(NOUNS)}`;
  return rng.chance(0.5) ? `${base} ${rng.pick(QUALIFIERS)}` : base;
}

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}
