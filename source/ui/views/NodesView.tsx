/**
 * The swarm's nodes (`n`): name, role, leader, availability, state, Engine version, tasks running.
 * Listed while the view is on screen, with each overview pass; the node the console talks to is
 * marked * (as `docker node ls` marks it).
 */
import {Box} from 'ink';
import {Text} from '../components/SafeText.js';
import type {NodeRow} from '../../services/console-model.js';
import {type Column, Table} from '../components/Table.js';
import {TitleLine, windowInfo} from '../components/TitleLine.js';
import {useList} from '../hooks/use-list.js';
import {useUiState} from '../state/ui-context.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

const COLUMNS: Column<NodeRow>[] = [
  {title: 'NODE', width: 10, flex: 1, cell: (n) => ({text: n.self ? `${n.name} *` : n.name})},
  {
    title: 'ROLE',
    width: 7,
    cell: (n) => ({text: n.role, tone: n.role === 'manager' && n.reachability === 'unreachable' ? 'bad' : undefined}),
  },
  // As `docker node ls` shows MANAGER STATUS: Leader, Reachable, Unreachable.
  {
    title: 'LEADER',
    width: 11,
    cell: (n) => ({
      text: n.leader ? 'leader' : n.role === 'manager' ? (n.reachability ?? '') : '',
      tone: n.reachability === 'unreachable' ? 'bad' : undefined,
    }),
  },
  {
    title: 'AVAILABILITY',
    width: 12,
    priority: 2,
    cell: (n) => ({text: n.availability, tone: n.availability === 'active' ? undefined : 'warn'}),
  },
  {
    title: 'STATE',
    width: 10,
    flex: 2,
    cell: (n) =>
      n.state === 'ready'
        ? {text: `${SYMBOLS.running} ready`, tone: 'ok'}
        : {text: `${SYMBOLS.failed} ${n.state}${n.message ? ` (${n.message})` : ''}`, tone: 'bad'},
  },
  {title: 'ENGINE', width: 8, priority: 1, cell: (n) => ({text: n.engine, tone: 'muted'})},
  {title: 'TASKS', width: 5, align: 'right', cell: (n) => ({text: String(n.tasksRunning)})},
];

export function NodesView({width, height}: {width: number; height: number}) {
  const state = useUiState();
  const tone = useTone();
  const list = useList('nodes', height - 2);
  const byId = new Map((state.console.nodes ?? []).map((n) => [n.id, n]));
  const rows = list.ids.map((id) => byId.get(id)).filter((n): n is NodeRow => n !== undefined);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <TitleLine width={width} right={windowInfo(list, list.filter)}>
        <Text {...tone('title')}>Nodes</Text>
      </TitleLine>
      <Table
        columns={COLUMNS}
        rows={rows}
        rowKey={(n) => n.id}
        width={width}
        cursorRow={list.cursorRow}
        height={height - 2}
        empty={state.console.nodes === undefined ? 'loading nodes…' : 'no nodes'}
      />
    </Box>
  );
}
