/**
 * Attachment reads and the media host: metadata, 303/200/206/416/400 downloads (§7 item 4),
 * thumbnails, signed short-lived media URLs, and generated content served by range.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/core/index.js';
import { contentBytes } from '../../src/simulator/world/content.js';
import { MEDIA_URL_TTL_MS, createMediaHost, parseRange, solidPng } from '../../src/simulator/media.js';
import { registerAttachmentRoutes } from '../../src/simulator/rest/attachments.js';
import { nextId } from '../../src/simulator/world/factory.js';
import { USERS } from '../support/fixture-site.js';
import { harness, type Harness } from '../support/sim-harness.js';
import { expectContract, expectErrorCollection } from '../support/contract.js';

const CONTENT = '/rest/api/3/attachment/content/{id}';
const THUMB = '/rest/api/3/attachment/thumbnail/{id}';
const META = '/rest/api/3/attachment/{id}';

function h(clock = new FakeClock()): Harness {
  return harness({ routes: [registerAttachmentRoutes], media: createMediaHost, clock, baseUrl: 'http://sim.test' });
}

describe('GET /attachment/meta and /attachment/{id}', () => {
  it('reports attachment settings', async () => {
    const s = h();
    const res = await s.get('/rest/api/3/attachment/meta');
    expectContract('GET', '/rest/api/3/attachment/meta', res);
    expect(res.body).toEqual({ enabled: true, uploadLimit: 1024 * 1024 * 1024 });
  });

  it('returns AttachmentMetadata with a numeric id', async () => {
    const s = h();
    const res = await s.get(`/rest/api/3/attachment/${s.fx.attachments.image}`);
    expectContract('GET', META, res);
    expect(res.body).toMatchObject({
      id: Number(s.fx.attachments.image),
      filename: 'diagram.png',
      mimeType: 'image/png',
      size: 70,
    });
    expect(res.body.content).toMatch(/\/attachment\/content\/\d+$/);
    expect(res.body.thumbnail).toMatch(/\/attachment\/thumbnail\/\d+$/);
    const text = await s.get(`/rest/api/3/attachment/${s.fx.attachments.text}`);
    expect('thumbnail' in text.body).toBe(false);
  });

  it('404s for unknown ids and when attachments are off; 403 without Browse', async () => {
    const s = h();
    for (const id of ['999999', 'abc']) {
      const res = await s.get(`/rest/api/3/attachment/${id}`);
      expectErrorCollection(res, 404);
      expectContract('GET', META, res);
    }
    s.fx.issues.story.fields.security = '10100';
    const forbidden = await s.get(`/rest/api/3/attachment/${s.fx.attachments.text}`, { as: USERS.bob });
    expectErrorCollection(forbidden, 403);
    expectContract('GET', META, forbidden);
    s.fx.site.data.settings.attachmentsEnabled = false;
    expectErrorCollection(await s.get(`/rest/api/3/attachment/${s.fx.attachments.text}`), 404);
  });
});

describe('GET /attachment/content/{id} (§7.4)', () => {
  it('redirects with 303 to a signed media URL that serves the bytes', async () => {
    const s = h();
    const res = await s.get(`/rest/api/3/attachment/content/${s.fx.attachments.text}`);
    expect(res.status).toBe(303);
    expectContract('GET', CONTENT, res);
    const location = res.headers.get('location')!;
    expect(location.startsWith('http://sim.test/media/file/')).toBe(true);
    expect(new URL(location).searchParams.get('token')).toBeTruthy();
    const media = await s.fetchUrl(location);
    expect(media.status).toBe(200);
    expect(media.bytes).toEqual(s.fx.textBytes);
    expect(media.headers.get('content-type')).toBe('text/plain');
    expect(media.headers.get('accept-ranges')).toBe('bytes');
    // The hostile filename cannot break the header.
    expect(media.headers.get('content-disposition')).toBe(
      `attachment; filename="notes <1>.txt"; filename*=UTF-8''notes%20%3C1%3E.txt`,
    );
    const ranged = await s.fetchUrl(location, { headers: { range: 'bytes=10-19' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 10-19/${s.fx.textBytes.length}`);
    expect(ranged.bytes).toEqual(s.fx.textBytes.subarray(10, 20));
    const unsatisfiable = await s.fetchUrl(location, { headers: { range: `bytes=${s.fx.textBytes.length}-` } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${s.fx.textBytes.length}`);
    const malformed = await s.fetchUrl(location, { headers: { range: 'bytes=9-2' } });
    expect(malformed.status).toBe(200);
  });

  it('serves the bytes itself with redirect=false: 200, 206 for a Range, 416 and 400', async () => {
    const s = h();
    const path = `/rest/api/3/attachment/content/${s.fx.attachments.text}`;
    const size = s.fx.textBytes.length;
    const full = await s.get(path, { query: { redirect: false } });
    expect(full.status).toBe(200);
    expect(full.bytes).toEqual(s.fx.textBytes);
    expect(full.headers.get('content-type')).toBe('text/plain');
    expect(full.headers.get('content-length')).toBe(String(size));
    const part = await s.get(path, { query: { redirect: false }, headers: { range: 'bytes=5-' } });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(s.fx.textBytes.subarray(5));
    expect(part.headers.get('content-range')).toBe(`bytes 5-${size - 1}/${size}`);
    const suffix = await s.get(path, { query: { redirect: false }, headers: { range: 'bytes=-4' } });
    expect(suffix.bytes).toEqual(s.fx.textBytes.subarray(size - 4));
    const beyond = await s.get(path, { query: { redirect: false }, headers: { range: 'bytes=100000-100010' } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    const malformed = await s.get(path, { query: { redirect: false }, headers: { range: 'lines=1-2' } });
    expect(malformed.status).toBe(400);
    expectContract('GET', CONTENT, malformed);
    // Shared content: another attachment serves the same bytes.
    const shared = await s.get(`/rest/api/3/attachment/content/${s.fx.attachments.shared}`, {
      query: { redirect: false },
    });
    expect(shared.bytes).toEqual(s.fx.textBytes);
  });

  it('refuses forged and expired media URLs', async () => {
    const clock = new FakeClock();
    const s = h(clock);
    const res = await s.get(`/rest/api/3/attachment/content/${s.fx.attachments.text}`);
    const location = new URL(res.headers.get('location')!);
    const forged = new URL(location);
    // Change the first character: the last one of a base64url MAC carries unused bits, so changing
    // it may decode to the same bytes.
    forged.searchParams.set(
      'token',
      location.searchParams.get('token')!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    );
    expect((await s.fetchUrl(forged.toString())).status).toBe(401);
    const missing = new URL(location);
    missing.searchParams.delete('token');
    expect((await s.fetchUrl(missing.toString())).status).toBe(401);
    // A token for one file does not open another.
    const other = await s.get(`/rest/api/3/attachment/content/${s.fx.attachments.image}`);
    const swapped = new URL(location);
    swapped.searchParams.set('token', new URL(other.headers.get('location')!).searchParams.get('token')!);
    expect((await s.fetchUrl(swapped.toString())).status).toBe(404);
    clock.advance(MEDIA_URL_TTL_MS + 1);
    expect((await s.fetchUrl(location.toString())).status).toBe(403);
  });

  it('applies the same permission checks as the metadata', async () => {
    const s = h();
    const res = await s.get(`/rest/api/3/attachment/content/${s.fx.attachments.text}`, { as: USERS.outsider });
    expectErrorCollection(res, 403);
    expectContract('GET', CONTENT, res);
    const missing = await s.get('/rest/api/3/attachment/content/424242');
    expectErrorCollection(missing, 404);
    expectContract('GET', CONTENT, missing);
  });
});

describe('GET /attachment/thumbnail/{id}', () => {
  it('redirects to a PNG thumbnail for images, or serves it with redirect=false', async () => {
    const s = h();
    const id = s.fx.attachments.image;
    const res = await s.get(`/rest/api/3/attachment/thumbnail/${id}`);
    expect(res.status).toBe(303);
    expectContract('GET', THUMB, res);
    const media = await s.fetchUrl(res.headers.get('location')!);
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect([...media.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const direct = await s.get(`/rest/api/3/attachment/thumbnail/${id}`, { query: { redirect: false } });
    expect(direct.status).toBe(200);
    expect(direct.bytes).toEqual(media.bytes);
  });

  it('falls back to the default thumbnail for non-images unless fallbackToDefault=false', async () => {
    const s = h();
    const id = s.fx.attachments.text;
    const fallback = await s.get(`/rest/api/3/attachment/thumbnail/${id}`, { query: { redirect: false } });
    expect(fallback.status).toBe(200);
    expect(fallback.headers.get('content-type')).toBe('image/png');
    const image = await s.get(`/rest/api/3/attachment/thumbnail/${s.fx.attachments.image}`, {
      query: { redirect: false },
    });
    expect(fallback.bytes).not.toEqual(image.bytes);
    const none = await s.get(`/rest/api/3/attachment/thumbnail/${id}`, { query: { fallbackToDefault: false } });
    expectErrorCollection(none, 404);
    expectContract('GET', THUMB, none);
  });
});

describe('content bytes', () => {
  it('parses single byte ranges', () => {
    expect(parseRange(null, 10)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-0', 10)).toEqual({ kind: 'range', start: 0, end: 0 });
    expect(parseRange('bytes=5-100', 10)).toEqual({ kind: 'range', start: 5, end: 9 });
    expect(parseRange('bytes=-3', 10)).toEqual({ kind: 'range', start: 7, end: 9 });
    expect(parseRange('bytes=-30', 10)).toEqual({ kind: 'range', start: 0, end: 9 });
    expect(parseRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=3-1', 10)).toEqual({ kind: 'malformed' });
    expect(parseRange('items=1-2', 10)).toEqual({ kind: 'malformed' });
    expect(parseRange('bytes=0-1,3-4', 10)).toEqual({ kind: 'none' });
  });

  it('serves ranges of generated content exactly as the generator defines its bytes', async () => {
    const s = h();
    const { site } = s.fx;
    const content = { id: nextId(site.data, 'content'), size: 1000, generated: { seed: 9, kind: 'binary' as const } };
    site.data.contents.set(content.id, content);
    const attachment = {
      ...site.data.attachments.get(s.fx.attachments.text)!,
      id: nextId(site.data, 'attachment'),
      contentId: content.id,
      size: 1000,
      mimeType: 'application/octet-stream',
    };
    site.data.attachments.set(attachment.id, attachment);
    const whole = await s.get(`/rest/api/3/attachment/content/${attachment.id}`, { query: { redirect: false } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(whole.bytes).equals(Buffer.from(contentBytes(content)))).toBe(true);
    const part = await s.get(`/rest/api/3/attachment/content/${attachment.id}`, {
      query: { redirect: false },
      headers: { range: 'bytes=500-503' },
    });
    expect(part.status).toBe(206);
    expect([...part.bytes]).toEqual([...contentBytes(content, 500, 504)]);
  });

  it('builds valid PNGs', () => {
    const png = solidPng(2, 2, [1, 2, 3]);
    expect([...png.subarray(12, 16)].map((b) => String.fromCharCode(b)).join('')).toBe('IHDR');
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(2);
  });
});
