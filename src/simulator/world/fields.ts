/**
 * Well-known field ids of generated sites (the ids a fresh Jira Cloud site gives these fields)
 * and lookups that find fields by their custom type, which is what code should rely on: a site
 * built by hand may use other ids.
 */
import type { FieldDef } from './site.js';
import type { Site } from './types.js';

export const CUSTOM_TYPES = {
  sprint: 'com.pyxis.greenhopper.jira:gh-sprint',
  rank: 'com.pyxis.greenhopper.jira:gh-lexo-rank',
  storyPoints: 'com.pyxis.greenhopper.jira:jsw-story-points',
  requestType: 'com.atlassian.servicedesk:vp-origin',
  requestParticipants: 'com.atlassian.servicedesk:sd-request-participants',
  textfield: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield',
  textarea: 'com.atlassian.jira.plugin.system.customfieldtypes:textarea',
  float: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
  datepicker: 'com.atlassian.jira.plugin.system.customfieldtypes:datepicker',
  datetime: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime',
  select: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
  multiselect: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect',
  radiobuttons: 'com.atlassian.jira.plugin.system.customfieldtypes:radiobuttons',
  multicheckboxes: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
  cascadingselect: 'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect',
  userpicker: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker',
  multiuserpicker: 'com.atlassian.jira.plugin.system.customfieldtypes:multiuserpicker',
  grouppicker: 'com.atlassian.jira.plugin.system.customfieldtypes:grouppicker',
  multigrouppicker: 'com.atlassian.jira.plugin.system.customfieldtypes:multigrouppicker',
  labels: 'com.atlassian.jira.plugin.system.customfieldtypes:labels',
  url: 'com.atlassian.jira.plugin.system.customfieldtypes:url',
} as const;

/** Field ids the generator uses (as on a fresh Jira Cloud site). */
export const FIELD_IDS = {
  requestType: 'customfield_10010',
  requestParticipants: 'customfield_10011',
  startDate: 'customfield_10015',
  storyPointEstimate: 'customfield_10016',
  rank: 'customfield_10019',
  sprint: 'customfield_10020',
  flagged: 'customfield_10021',
  storyPoints: 'customfield_10028',
} as const;

/** The first field (by id order) whose schema.custom is the given custom type key. */
export function findFieldByCustomType(site: Site, customType: string): FieldDef | undefined {
  for (const f of site.data.fields.values()) if (f.schema.custom === customType) return f;
  return undefined;
}

/** The Sprint field's id on this site, if it has one. */
export function sprintFieldId(site: Site): string | undefined {
  return findFieldByCustomType(site, CUSTOM_TYPES.sprint)?.id;
}

/** The Rank field's id on this site, if it has one. */
export function rankFieldId(site: Site): string | undefined {
  return findFieldByCustomType(site, CUSTOM_TYPES.rank)?.id;
}

/** The JSM request-type field's id on this site, if it has one. */
export function requestTypeFieldId(site: Site): string | undefined {
  return findFieldByCustomType(site, CUSTOM_TYPES.requestType)?.id;
}
