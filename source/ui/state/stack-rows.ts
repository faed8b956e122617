/**
 * The services list grouped by stack: a row per stack (collapsed or expanded) with its services
 * under it, and the services deployed without a stack under a heading of their own. A swarm with no
 * stack at all is listed flat, as before. The reducer (list items) and the view (rows) both use
 * serviceListRows, so the cursor and the drawing agree.
 */
import type {ServiceSummary} from '../../services/console-model.js';

/** Row id prefix of a stack row; the heading of the services without a stack is NO_STACK_ROW. */
export const STACK_ROW_PREFIX = 'stack:';
export const NO_STACK_ROW = 'nostack:';

export type ServiceListRow =
  | {kind: 'stack'; id: string; stack: string | null; services: ServiceSummary[]; collapsed: boolean}
  | {kind: 'service'; id: string; summary: ServiceSummary; grouped: boolean};

export const stackRowId = (stack: string | null): string =>
  stack === null ? NO_STACK_ROW : `${STACK_ROW_PREFIX}${stack}`;

/** Whether a list id is a stack row (or the heading of the services without a stack). */
export function isStackRow(id: string | undefined): boolean {
  return id !== undefined && (id === NO_STACK_ROW || id.startsWith(STACK_ROW_PREFIX));
}

/** The stack of a stack row's id (null for the heading of services without one, or another row). */
export function stackOfRow(id: string | undefined): string | null {
  return id !== undefined && id.startsWith(STACK_ROW_PREFIX) ? id.slice(STACK_ROW_PREFIX.length) : null;
}

const cache = new WeakMap<ServiceSummary[], Map<string, ServiceListRow[]>>();

export function serviceListRows(services: ServiceSummary[], collapsed: readonly string[]): ServiceListRow[] {
  const key = collapsed.join('\n');
  const cached = cache.get(services)?.get(key);
  if (cached) return cached;
  const rows = buildRows(services, new Set(collapsed));
  const byKey = cache.get(services) ?? new Map<string, ServiceListRow[]>();
  byKey.set(key, rows);
  cache.set(services, byKey);
  return rows;
}

function buildRows(services: ServiceSummary[], collapsed: ReadonlySet<string>): ServiceListRow[] {
  if (!services.some((s) => s.stack !== undefined))
    return services.map((summary) => ({kind: 'service', id: summary.name, summary, grouped: false}));
  const stacks = new Map<string, ServiceSummary[]>();
  const loose: ServiceSummary[] = [];
  for (const service of services) {
    if (service.stack === undefined) loose.push(service);
    else stacks.set(service.stack, [...(stacks.get(service.stack) ?? []), service]);
  }
  const rows: ServiceListRow[] = [];
  const group = (stack: string | null, members: ServiceSummary[]) => {
    const id = stackRowId(stack);
    const isCollapsed = collapsed.has(id);
    rows.push({kind: 'stack', id, stack, services: members, collapsed: isCollapsed});
    if (!isCollapsed)
      for (const summary of members) rows.push({kind: 'service', id: summary.name, summary, grouped: true});
  };
  for (const stack of [...stacks.keys()].sort()) group(stack, stacks.get(stack)!);
  if (loose.length > 0) group(null, loose);
  return rows;
}
