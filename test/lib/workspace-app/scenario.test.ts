/**
 * The local run's Connect hierarchy: the functions read the roster from the Connect stand-in with
 * the real roster reader, and must find exactly the scenario's teams and coaches, whatever level
 * the policy puts teams at.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import type { HierarchyLevel } from '../../../lambda/core/policy';
import { loadRoster } from '../../../lambda/shared/roster';
import { ConnectStandIn, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/local';
import { LOCAL_ROSTER, rosterSeed } from '../../../lib/workspace-app/local/scenario';

const byId = <T extends { agentId?: string; coachId?: string }>(xs: readonly T[]) =>
  [...xs].sort((a, b) => String(a.agentId ?? a.coachId).localeCompare(String(b.agentId ?? b.coachId)));

describe('rosterSeed', () => {
  it.each<HierarchyLevel>(['LevelOne', 'LevelThree'])(
    'gives the roster reader the scenario roster with teams at %s',
    async (teamLevel) => {
      const instanceId = 'local-instance';
      const running = await new ConnectStandIn({ instanceId, ...rosterSeed(teamLevel, 'Coaches') }).start();
      const connect = new ConnectClient({
        endpoint: running.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      try {
        const roster = await loadRoster({ connect, instanceId, teamLevel, coachGroupName: 'Coaches' });
        expect(byId(roster.agents)).toEqual(byId(LOCAL_ROSTER.agents));
        expect(byId(roster.coaches)).toEqual(byId(LOCAL_ROSTER.coaches));
        expect(roster.unplaced).toBe(0);
      } finally {
        connect.destroy();
        await running.stop();
      }
    },
  );

  it('refuses a team level that leaves no level for the coaches below it', () => {
    expect(() => rosterSeed('LevelFive', 'Coaches')).toThrow(/LevelFive leaves no level below the teams/);
  });
});
