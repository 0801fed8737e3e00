// Mocha root hooks (loaded through .mocharc.json "require"): stop the shared throwaway PostgreSQL
// cluster once, after every test file of this mocha process has run.

import { stopSharedPostgres } from './postgres';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout?.(60_000);
    await stopSharedPostgres();
  },
};
