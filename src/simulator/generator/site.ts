/**
 * One generated site: members and groups, configuration, projects of every kind with components,
 * versions, role actors and properties, boards with sprints, JSM service desks and request types,
 * filters and dashboards; then the issues (generator/issues.ts).
 */
import type { Account, Site, World } from '../world/types.js';
import type { Board, Dashboard, Filter, JsonValue, Project, Sprint } from '../world/site.js';
import { emptySite, nextId } from '../world/factory.js';
import { FIELD_IDS } from '../world/fields.js';
import { mutationContext } from '../mutate/context.js';
import { createComponent, createProject, createVersion, type ProjectSchemes } from '../mutate/projects.js';
import type { WorldAccounts } from './accounts.js';
import { type SiteConfig, CF, buildSiteConfig } from './config.js';
import { generateIssues } from './issues.js';
import { Rng } from './prng.js';
import type { SiteSpec, SizeProfile } from './sizes.js';
import { sentence } from './words.js';

export const DAY = 86_400_000;
/** Generated activity ends here (fixed, so the same seed gives the same data on any day). */
export const GENERATION_END = Date.UTC(2026, 9, 1);
export const SPRINT_LENGTH = 14 * DAY;

export type ProjectKind = 'scrum' | 'team' | 'business' | 'servicedesk' | 'restricted' | 'kanban';

export interface ProjectPlan {
  project: Project;
  kind: ProjectKind;
  /** Share of the site's issues. */
  weight: number;
  start: number;
  /** Scrum-like board with sprints (chronological: closed…, active, future…). */
  sprints: Sprint[];
  boardAdminId: string;
  /** JSM request type ids by issue type id. */
  requestTypes: Map<string, string[]>;
  /** Project members who work on its issues. */
  team: Account[];
}

export interface SiteEnv {
  seed: number;
  siteIndex: number;
  site: Site;
  accounts: WorldAccounts;
  world: World;
  cfg: SiteConfig;
  profile: SizeProfile;
  spec: SiteSpec;
  plans: ProjectPlan[];
  /** Active people who are members (workers). */
  workers: Account[];
  /** Every person member, active or not (authors of old activity). */
  people: Account[];
  agents: Account[];
  customers: Account[];
}

interface ProjectBlueprint {
  key: string;
  name: string;
  kind: ProjectKind;
  weight: number;
}

const ACME_PROJECTS: ProjectBlueprint[] = [
  { key: 'DEV', name: 'Acme Development', kind: 'scrum', weight: 30 },
  { key: 'TEAM', name: 'Team Phoenix', kind: 'team', weight: 18 },
  { key: 'MKT', name: 'Marketing — Маркетинг 🚀 マーケティング تسويق <b>&amp;</b>', kind: 'business', weight: 14 },
  { key: 'HELP', name: 'IT Help Desk', kind: 'servicedesk', weight: 22 },
  { key: 'SEC', name: 'Security Incidents (restricted)', kind: 'restricted', weight: 8 },
];

const EXTRA_KINDS: ProjectKind[] = ['scrum', 'kanban', 'business', 'team', 'servicedesk'];
const EXTRA_NAMES = [
  'API Platform',
  'Web Storefront',
  'Operations',
  'Data Warehouse',
  'Mobile Apps',
  'Infrastructure',
  'Payments',
  'People Ops',
  'Legal',
  'Quality',
];
const KIND_WEIGHT: Record<ProjectKind, number> = {
  scrum: 30,
  team: 18,
  business: 14,
  servicedesk: 22,
  restricted: 8,
  kanban: 20,
};

function blueprints(spec: SiteSpec, siteIndex: number): ProjectBlueprint[] {
  const base =
    siteIndex === 0
      ? ACME_PROJECTS
      : (() => {
          const p = spec.name.slice(0, 3).toUpperCase();
          const title = spec.name[0]!.toUpperCase() + spec.name.slice(1);
          return [
            { key: p, name: `${title} Engineering`, kind: 'scrum' as const, weight: 32 },
            { key: `${p}T`, name: `${title} Squad`, kind: 'team' as const, weight: 20 },
            { key: `${p}B`, name: `${title} Finance`, kind: 'business' as const, weight: 18 },
            { key: `${p}SD`, name: `${title} Service Desk`, kind: 'servicedesk' as const, weight: 24 },
          ];
        })();
  const prefix = siteIndex === 0 ? 'X' : spec.name.slice(0, 1).toUpperCase();
  const extras: ProjectBlueprint[] = [];
  for (let i = 0; i < spec.extraProjects; i++) {
    const kind = EXTRA_KINDS[i % EXTRA_KINDS.length]!;
    extras.push({
      key: `${prefix}${String.fromCharCode(65 + (i % 26))}${i >= 26 ? i : ''}P`,
      name: `${EXTRA_NAMES[i % EXTRA_NAMES.length]}${i >= EXTRA_NAMES.length ? ` ${i}` : ''}`,
      kind,
      weight: KIND_WEIGHT[kind],
    });
  }
  return [...base, ...extras];
}

const COMPONENTS = ['Backend', 'Frontend', 'API', 'Database', 'Mobile', 'Infrastructure', 'Docs', 'Billing', 'Search'];

function schemesFor(cfg: SiteConfig, kind: ProjectKind): Partial<ProjectSchemes> {
  switch (kind) {
    case 'business':
      return cfg.schemes.business;
    case 'servicedesk':
      return cfg.schemes.serviceDesk;
    case 'restricted':
      return cfg.schemes.restricted;
    case 'team':
      return { ...cfg.schemes.software, issueSecuritySchemeId: undefined } as Partial<ProjectSchemes>;
    default:
      return cfg.schemes.software;
  }
}

function dateString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addMembers(site: Site, accounts: WorldAccounts, siteIndex: number, rng: Rng): void {
  site.members.add(accounts.demoAdmin.accountId);
  site.members.add(accounts.serviceAccount.accountId);
  site.members.add(accounts.automation.accountId);
  if (siteIndex === 0) site.members.add(accounts.demoUser.accountId);
  for (const p of accounts.people) {
    if (p === accounts.demoAdmin || p === accounts.demoUser) continue;
    if (siteIndex === 0 || rng.chance(0.6)) site.members.add(p.accountId);
  }
  site.customers = new Set();
  for (const c of accounts.customers) if (siteIndex === 0 || rng.chance(0.5)) site.customers.add(c.accountId);
  site.admins.add(accounts.demoAdmin.accountId);
}

function fillGroups(site: Site, cfg: SiteConfig, accounts: WorldAccounts, people: Account[], rng: Rng): Account[] {
  const g = (id: string): Set<string> => site.data.groups.get(id)!.members;
  g(cfg.groups.siteAdmins).add(accounts.demoAdmin.accountId);
  for (const id of [accounts.demoAdmin.accountId, accounts.serviceAccount.accountId]) g(cfg.groups.jiraAdmins).add(id);
  const others = people.filter((p) => p !== accounts.demoAdmin && p !== accounts.demoUser);
  for (const p of rng.sample(others, 2)) {
    g(cfg.groups.jiraAdmins).add(p.accountId);
    site.admins.add(p.accountId);
  }
  for (const p of people) g(cfg.groups.softwareUsers).add(p.accountId);
  const agents: Account[] = [];
  for (const p of others) {
    if (rng.chance(0.4)) g(cfg.groups.developers).add(p.accountId);
    if (rng.chance(0.15)) g(cfg.groups.qa).add(p.accountId);
    if (rng.chance(0.1)) g(cfg.groups.managers).add(p.accountId);
    if (rng.chance(0.2)) {
      g(cfg.groups.agents).add(p.accountId);
      g(cfg.groups.jsmUsers).add(p.accountId);
      if (p.active) agents.push(p);
    }
  }
  if (site.members.has(accounts.demoUser.accountId)) g(cfg.groups.developers).add(accounts.demoUser.accountId);
  for (const p of rng.sample(others, 3)) g(cfg.groups.hostile).add(p.accountId);
  if (agents.length === 0) {
    const fallback = others.find((p) => p.active) ?? accounts.demoAdmin;
    agents.push(fallback);
    g(cfg.groups.agents).add(fallback.accountId);
  }
  return agents;
}

/** Two-week sprints from the project's start: closed ones, the active one, two future ones. */
function buildSprints(site: Site, plan: ProjectPlan, board: Board, rng: Rng): void {
  const activeStart = GENERATION_END - 7 * DAY;
  const closed = Math.floor((activeStart - plan.start) / SPRINT_LENGTH) - 1;
  const firstStart = activeStart - Math.max(1, closed) * SPRINT_LENGTH;
  const add = (s: Omit<Sprint, 'id' | 'originBoardId' | 'name'>): Sprint => {
    const id = Number(nextId(site.data, 'sprint'));
    const sprint: Sprint = {
      id,
      name: `${plan.project.key} Sprint ${plan.sprints.length + 1}`,
      originBoardId: board.id,
      ...s,
    };
    site.data.sprints.set(id, sprint);
    plan.sprints.push(sprint);
    return sprint;
  };
  for (let start = firstStart; start + SPRINT_LENGTH <= activeStart; start += SPRINT_LENGTH) {
    const s = add({
      state: 'closed',
      startDate: start,
      endDate: start + SPRINT_LENGTH,
      completeDate: start + SPRINT_LENGTH + rng.int(0, 6 * 3_600_000),
      createdDate: start - 2 * DAY,
    });
    if (rng.chance(0.6)) s.goal = sentence(rng, 4, 9);
  }
  const active = add({
    state: 'active',
    startDate: activeStart,
    endDate: activeStart + SPRINT_LENGTH,
    createdDate: activeStart - 2 * DAY,
  });
  active.goal =
    plan.sprints.length % 2 === 0 ? 'Ship the release 🚀 — «ünïcödé» goal <b>bold</b>' : sentence(rng, 4, 9);
  for (let i = 0; i < 2; i++) add({ state: 'future', createdDate: GENERATION_END - (3 - i) * DAY });
}

export function generateSite(
  seed: number,
  siteIndex: number,
  spec: SiteSpec,
  profile: SizeProfile,
  accounts: WorldAccounts,
  world: World,
): Site {
  const rng = Rng.of(seed, 'site', siteIndex);
  const cloudId = rng.uuid();
  const site = emptySite(cloudId, spec.name, `https://${spec.name}.atlassian.net`);
  site.products = ['jira-software', 'jira-servicedesk', 'jira-core'];
  addMembers(site, accounts, siteIndex, Rng.of(seed, 'site', siteIndex, 'members'));
  const siteStart = GENERATION_END - profile.spanDays * DAY;
  const cfg = buildSiteConfig(site, Rng.of(seed, 'site', siteIndex, 'config'), siteStart);
  const people = accounts.people.filter((a) => site.members.has(a.accountId));
  const workers = people.filter((a) => a.active);
  const agents = fillGroups(site, cfg, accounts, people, Rng.of(seed, 'site', siteIndex, 'groups'));
  const customers = accounts.customers.filter((c) => site.customers!.has(c.accountId));
  const admin = accounts.demoAdmin.accountId;

  // Projects.
  const prng = Rng.of(seed, 'site', siteIndex, 'projects');
  const plans: ProjectPlan[] = [];
  const bps = blueprints(spec, siteIndex);
  bps.forEach((bp, i) => {
    // Projects start over the first half of the site's history.
    const start = siteStart + Math.floor((i / bps.length) * profile.spanDays * DAY * 0.5);
    const ctx = mutationContext(world, site, start, admin);
    const lead =
      bp.kind === 'servicedesk' ? prng.pick(agents) : prng.pick(workers.filter((w) => w !== accounts.demoUser));
    const categoryId =
      bp.kind === 'servicedesk'
        ? cfg.categories[2]
        : bp.kind === 'business'
          ? cfg.categories[1]
          : bp.kind === 'restricted'
            ? cfg.categories[3]
            : cfg.categories[0];
    const project = createProject(ctx, {
      key: bp.key,
      name: bp.name,
      projectTypeKey: bp.kind === 'business' ? 'business' : bp.kind === 'servicedesk' ? 'service_desk' : 'software',
      style: bp.kind === 'team' ? 'next-gen' : 'classic',
      leadAccountId: lead.accountId,
      description:
        bp.kind === 'restricted' ? 'Security incidents. Visible to the security team only.' : sentence(prng, 6, 14),
      ...(categoryId !== undefined ? { categoryId } : {}),
      assigneeType: prng.chance(0.5) ? 'PROJECT_LEAD' : 'UNASSIGNED',
      avatarId: 10400 + prng.int(0, 20),
      isPrivate: bp.kind === 'restricted',
      ...(bp.kind === 'scrum' ? { url: `https://wiki.example.com/${bp.key.toLowerCase()}` } : {}),
      schemes: Object.fromEntries(Object.entries(schemesFor(cfg, bp.kind)).filter(([, v]) => v !== undefined)),
    });
    // Role actors.
    const roles = project.roleActors;
    roles.get(cfg.roles.administrators)!.groups.add(cfg.groups.jiraAdmins);
    const team =
      bp.kind === 'servicedesk'
        ? agents.slice()
        : prng.sample(workers, Math.max(3, Math.min(12, Math.floor(workers.length / 2))));
    if (bp.kind === 'restricted') {
      const allowed = team.filter((t) => t !== accounts.demoUser).slice(0, 4);
      for (const t of allowed) roles.get(cfg.roles.member)!.users.add(t.accountId);
      team.splice(0, team.length, ...allowed, lead);
    } else if (bp.kind === 'servicedesk') {
      roles.get(cfg.roles.sdTeam)!.groups.add(cfg.groups.agents);
      for (const c of customers) roles.get(cfg.roles.sdCustomers)!.users.add(c.accountId);
    } else {
      for (const t of team) roles.get(cfg.roles.member)!.users.add(t.accountId);
      roles.get(cfg.roles.member)!.groups.add(cfg.groups.developers);
      for (const v of prng.sample(people, 2)) roles.get(cfg.roles.viewer)!.users.add(v.accountId);
    }
    roles.get(cfg.roles.addons)!.users.add(accounts.automation.accountId);
    if (!team.includes(lead)) team.push(lead);
    // Components and versions.
    for (const name of prng.sample(COMPONENTS, prng.int(3, 5))) {
      createComponent(ctx, project, {
        name,
        description: prng.chance(0.5) ? sentence(prng, 4, 10) : '',
        ...(prng.chance(0.6) ? { leadAccountId: prng.pick(team).accountId } : {}),
        assigneeType: prng.pick(['PROJECT_DEFAULT', 'COMPONENT_LEAD', 'UNASSIGNED'] as const),
      });
    }
    if (i === 0)
      createComponent(ctx, project, { name: 'Компонент ✓ <i>UI</i> 🚀', description: 'Hostile component name' });
    if (bp.kind !== 'servicedesk') {
      const n = prng.int(4, 6);
      for (let v = 0; v < n; v++) {
        const releaseAt = start + ((v + 1) * (GENERATION_END + 120 * DAY - start)) / (n + 1);
        const released = releaseAt < GENERATION_END;
        createVersion(ctx, project, {
          name: `${Math.floor(v / 2) + 1}.${v % 2}`,
          description: prng.chance(0.5) ? sentence(prng, 3, 8) : '',
          startDate: dateString(releaseAt - 60 * DAY),
          releaseDate: dateString(releaseAt),
          released,
          archived: released && v === 0,
        });
      }
      if (i === 0)
        createVersion(ctx, project, { name: 'v3.0-β «ünïcödé» 🚀', description: '<script>alert(1)</script>' });
    }
    plans.push({
      project,
      kind: bp.kind,
      weight: bp.weight,
      start,
      sprints: [],
      boardAdminId: lead.accountId,
      requestTypes: new Map(),
      team,
    });
  });

  // Field context limited to the first service desk project (a second context with other options).
  const desk = plans.find((p) => p.kind === 'servicedesk');
  if (desk) {
    const id = nextId(site.data, 'generic');
    site.data.fieldContexts.set(id, {
      id,
      fieldId: CF.severity,
      name: `Severity for ${desk.project.key}`,
      description: 'Service desk severities',
      isGlobalContext: false,
      isAnyIssueType: false,
      projectIds: [desk.project.id],
      issueTypeIds: [cfg.types.incident, cfg.types.problem],
      options: ['P1 — outage', 'P2 — degraded', 'P3 — minor'].map((value) => ({
        id: nextId(site.data, 'generic'),
        value,
        disabled: false,
      })),
      defaultOptionIds: [],
    });
  }

  // Project properties.
  plans[0]!.project.properties.set('tidemark.project.settings', {
    reviewRequired: true,
    wipLimit: 5,
    tags: ['core', 'ünïcödé'],
  });
  if (desk)
    desk.project.properties.set('servicedesk.config', { portalName: `${spec.name} support`, sla: { p1Hours: 4 } });

  // Boards, board filters and sprints.
  const brng = Rng.of(seed, 'site', siteIndex, 'boards');
  const filterFor = (project: Project, name: string, owner: string, jql: string): Filter => {
    const filter: Filter = {
      id: nextId(site.data, 'filter'),
      name,
      description: '',
      ownerAccountId: owner,
      jql,
      favouritedBy: new Set([owner]),
      sharePermissions: [{ type: 'project', projectId: project.id }],
      editPermissions: [],
      columns: ['issuetype', 'issuekey', 'summary', 'assignee', 'status', 'priority'],
    };
    site.data.filters.set(filter.id, filter);
    return filter;
  };
  for (const plan of plans) {
    const p = plan.project;
    const boards: Array<{ type: Board['type']; name: string; sprints: boolean }> = [];
    if (plan.kind === 'scrum')
      boards.push(
        { type: 'scrum', name: `${p.key} board`, sprints: true },
        { type: 'kanban', name: `${p.key} Kanban`, sprints: false },
      );
    else if (plan.kind === 'team') boards.push({ type: 'simple', name: `${p.key} board`, sprints: true });
    else if (plan.kind === 'kanban' || plan.kind === 'restricted')
      boards.push({ type: 'kanban', name: `${p.key} board`, sprints: false });
    for (const spec2 of boards) {
      const filter = filterFor(
        p,
        `Filter for ${spec2.name}`,
        plan.boardAdminId,
        `project = ${p.key} ORDER BY Rank ASC`,
      );
      const workflowStatuses = [...site.data.workflows.values()].find((w) =>
        p.style === 'next-gen'
          ? w.scope.type === 'PROJECT' && w.scope.projectId === p.id
          : w.name === 'Software Development Workflow',
      )!.statusIds;
      const byCat = (cat: number): string[] =>
        workflowStatuses.filter((s) => site.data.statuses.get(s)?.statusCategoryId === cat);
      const board: Board = {
        id: Number(nextId(site.data, 'board')),
        name: spec2.name,
        type: spec2.type,
        projectId: p.id,
        filterId: filter.id,
        columns: [
          ...(spec2.type === 'kanban' ? [{ name: 'Backlog', statusIds: [] as string[] }] : []),
          { name: 'To Do', statusIds: byCat(2) },
          { name: 'In Progress', statusIds: byCat(4), ...(spec2.type === 'kanban' ? { max: 8 } : {}) },
          { name: 'Done', statusIds: byCat(3) },
        ],
        constraintType: spec2.type === 'kanban' ? 'issueCount' : 'none',
        rankFieldId: FIELD_IDS.rank,
        adminAccountIds: [plan.boardAdminId],
        properties: new Map(),
      };
      if (spec2.type === 'kanban') board.subQuery = 'fixVersion in unreleasedVersions() OR fixVersion is EMPTY';
      if (spec2.sprints) board.estimationFieldId = FIELD_IDS.storyPointEstimate;
      if (spec2.type === 'scrum') board.properties.set('tidemark.board.colour', { colour: '#0052cc' });
      site.data.boards.set(board.id, board);
      if (spec2.sprints) buildSprints(site, plan, board, brng);
    }
  }

  // JSM service desks and request types.
  let requestTypeId = 0;
  let deskId = 0;
  for (const plan of plans.filter((p) => p.kind === 'servicedesk')) {
    const sd = { id: String(++deskId), projectId: plan.project.id };
    site.data.serviceDesks.set(sd.id, sd);
    const kinds: Array<[string, string, string]> = [
      ['Get IT help', cfg.types.serviceRequest, 'Get assistance for general IT problems and questions.'],
      ['Request new hardware', cfg.types.serviceRequest, 'Need a new laptop, monitor or phone?'],
      ['Report a system problem', cfg.types.incident, 'Let us know if something is broken or slow.'],
      ['Investigate a problem', cfg.types.problem, 'Track the cause of repeated incidents.'],
      ['Ünïcödé 🚀 «request» <i>type</i>', cfg.types.serviceRequest, 'Hostile request type name.'],
    ];
    for (const [name, issueTypeId, description] of kinds) {
      const rt = {
        id: String(++requestTypeId),
        serviceDeskId: sd.id,
        issueTypeId,
        name,
        description,
        helpText: `Help: ${description}`,
        groupIds: issueTypeId === cfg.types.incident ? ['2'] : ['1'],
      };
      site.data.requestTypes.set(rt.id, rt);
      const list = plan.requestTypes.get(issueTypeId) ?? [];
      list.push(rt.id);
      plan.requestTypes.set(issueTypeId, list);
    }
  }

  // Filters and dashboards.
  const frng = Rng.of(seed, 'site', siteIndex, 'filters');
  const someone = (): string => frng.pick(workers).accountId;
  const addFilter = (f: Omit<Filter, 'id'>): Filter => {
    const filter = { id: nextId(site.data, 'filter'), ...f };
    site.data.filters.set(filter.id, filter);
    return filter;
  };
  const openBugs = addFilter({
    name: 'All open bugs',
    description: 'Every unresolved bug on the site',
    ownerAccountId: someone(),
    jql: `issuetype = Bug AND resolution = Unresolved ORDER BY priority DESC, updated DESC`,
    favouritedBy: new Set(frng.sample(workers, 3).map((w) => w.accountId)),
    sharePermissions: [{ type: 'global' }],
    editPermissions: [{ type: 'group', groupId: cfg.groups.developers }],
    columns: ['issuekey', 'summary', 'priority', 'status', 'assignee'],
  });
  addFilter({
    name: 'My open issues',
    description: '',
    ownerAccountId: admin,
    jql: 'assignee = currentUser() AND resolution = Unresolved ORDER BY updated DESC',
    favouritedBy: new Set([admin]),
    sharePermissions: [],
    editPermissions: [],
    columns: ['issuekey', 'summary', 'status'],
  });
  addFilter({
    name: 'Ünïcödé 🚀 filter «тест» <script>',
    description: 'Hostile filter name',
    ownerAccountId: someone(),
    jql: `summary ~ "ünïcödé" OR labels = "中文标签" ORDER BY created DESC`,
    favouritedBy: new Set(),
    sharePermissions: [{ type: 'group', groupId: cfg.groups.hostile }, { type: 'loggedin' }],
    editPermissions: [{ type: 'user', accountId: admin }],
    columns: ['issuekey', 'summary'],
  });
  if (desk)
    addFilter({
      name: 'Support queue',
      description: 'Open requests',
      ownerAccountId: desk.boardAdminId,
      jql: `project = ${desk.project.key} AND statusCategory != Done ORDER BY created ASC`,
      favouritedBy: new Set(agents.slice(0, 3).map((a) => a.accountId)),
      sharePermissions: [{ type: 'project', projectId: desk.project.id, roleId: cfg.roles.sdTeam }],
      editPermissions: [],
      columns: ['issuekey', 'summary', 'reporter', 'status', 'created'],
    });
  const dashboard = (d: Omit<Dashboard, 'id'>): void => {
    const id = nextId(site.data, 'dashboard');
    site.data.dashboards.set(id, { id, ...d });
  };
  const gadget = (
    moduleKey: string,
    title: string,
    row: number,
    column: number,
    config: Record<string, string | number | boolean>,
  ) => ({
    id: nextId(site.data, 'generic'),
    moduleKey,
    title,
    color: frng.pick(['blue', 'red', 'yellow', 'green', 'cyan', 'purple', 'gray', 'white']),
    position: { row, column },
    properties: new Map([['config', config]]) as Map<string, JsonValue>,
  });
  dashboard({
    name: 'Team dashboard',
    description: 'What the team is working on',
    ownerAccountId: admin,
    layout: 'AA',
    sharePermissions: [{ type: 'loggedin' }],
    editPermissions: [{ type: 'group', groupId: cfg.groups.managers }],
    gadgets: [
      gadget('com.atlassian.jira.gadgets:filter-results-gadget', 'Open bugs', 0, 0, {
        filterId: `filter-${openBugs.id}`,
        num: 10,
        columnNames: 'issuetype|issuekey|summary|priority|status',
        refresh: 15,
      }),
      gadget('com.atlassian.jira.gadgets:pie-chart-gadget', 'Bugs by assignee', 0, 1, {
        filterId: `filter-${openBugs.id}`,
        statType: 'assignees',
        isConfigured: true,
      }),
      gadget('com.atlassian.jira.gadgets:assigned-to-me-gadget', 'Assigned to me', 1, 0, {
        num: 5,
        isConfigured: true,
      }),
    ],
  });
  dashboard({
    name: 'Private ⚙ dashboard — «ünïcödé»',
    description: '',
    ownerAccountId: someone(),
    layout: 'A',
    sharePermissions: [],
    editPermissions: [],
    gadgets: [
      gadget('com.atlassian.jira.gadgets:activity-stream-gadget', 'Activity', 0, 0, {
        numofentries: 20,
        isConfigured: true,
      }),
    ],
  });

  const env: SiteEnv = {
    seed,
    siteIndex,
    site,
    accounts,
    world,
    cfg,
    profile,
    spec,
    plans,
    workers,
    people,
    agents,
    customers,
  };
  generateIssues(env);
  return site;
}
