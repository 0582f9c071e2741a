/** Escapes text for HTML element content and attribute values (hostile issue content, app names). */
export function escapeHtmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
