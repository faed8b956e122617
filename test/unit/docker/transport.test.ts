/**
 * The transport's clients as docker-modem uses them. docker-modem inspects every request's
 * options (the shared agent included) for its debug log even when that log is off, so the agent
 * must print as a short label rather than its whole socket graph.
 */
import {inspect} from 'node:util';
import {describe, expect, it} from 'vitest';
import {resolveTarget} from '../../../source/docker/connection.js';
import {createTransport} from '../../../source/docker/transport.js';

describe('the transport', () => {
  it('gives docker-modem an agent that inspects as a one-line label, however deep the inspection', () => {
    const transport = createTransport(resolveTarget({host: 'unix:///nonexistent/docker.sock', env: {}}));
    try {
      const agent = (transport.api.modem as unknown as {agent: object}).agent;
      const logged = inspect({path: '/v1.41/services', method: 'GET', agent}, {showHidden: true, depth: null});
      expect(logged).toContain('[unix agent]');
      expect(logged.split('\n').length).toBeLessThan(10);
      expect((transport.streaming.modem as unknown as {agent: object}).agent).toBe(agent);
    } finally {
      transport.close();
    }
  });
});
