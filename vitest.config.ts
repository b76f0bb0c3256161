import { defineConfig } from 'vitest/config';

// Five projects: unit (no server), integration (real Prosody), ejabberd (a subset of integration on a real
// ejabberd), openclaw (real Prosody + the real OpenClaw gateway with our XMPP plugin), e2e (real Prosody +
// Debian Chromium).
// scripts/test.mjs runs them all and prints the one summary line CI reads.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/helpers/prosody-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Vitest's default on two cores is one file at a time; these files mostly wait on the server, and
          // two at a time halve the project's time on CI's two cores (about 290 s -> 145 s, measured here).
          // Not more on bigger machines: one single-threaded Prosody serves every file, and two is what was tested.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // A defined subset of the integration files, unchanged, against ejabberd 23.01 (Debian) instead of
          // Prosody, so that server-specific behaviour shows (docs/SERVER.md §10). Files run one after
          // another on two cores, so the list is kept to what exercises the server. Left out:
          // - csi, faults, server-restart, stream-loss, secrets, federation, demos, new-account-closed: start (and kill)
          //   Prosody servers of their own;
          // - gbnf, llm-node, llm-openai, autonomy-llm: no XMPP server involved;
          // - fuzz: ejabberd answers the fuzzer's spoofed 'from' attributes with an <invalid-from/> stream
          //   error (RFC 6120 §4.9.3.10; Prosody rewrites the 'from' instead), so the fuzzing client loses its
          //   session again and again and the 2000-stanza batch cannot finish;
          // - runner, brain-agent, room-storm, no-fetch: pass on ejabberd, but they test the CLI, inference
          //   or fetch policy and add ~40 s; what they need from the server is covered by the files below.
          name: 'ejabberd',
          include: [
            'tests/integration/nodes.test.ts',
            'tests/integration/skills.test.ts',
            'tests/integration/slixmpp-commands.test.ts',
            'tests/integration/slixmpp.test.ts',
            'tests/integration/iq-wire.test.ts',
            'tests/integration/pep.test.ts',
            'tests/integration/muc.test.ts',
            'tests/integration/society.test.ts',
            'tests/integration/access-matrix.test.ts',
            'tests/integration/prompt-injection.test.ts',
            'tests/integration/world.test.ts',
            'tests/integration/one-session.test.ts',
            'tests/integration/new-account.test.ts',
            // Not a shared file: it starts a two-node ejabberd cluster of its own (the project's single
            // server stays idle meanwhile).
            'tests/cluster/ejabberd-cluster.test.ts',
          ],
          globalSetup: ['tests/helpers/ejabberd-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          // One OpenClaw gateway for every file (it takes half a minute and more to start); its first run
          // installs OpenClaw into .tidepool/cache/openclaw. Files one after another: they share the
          // gateway's single model, and its turns queue anyway.
          name: 'openclaw',
          include: ['tests/openclaw/**/*.test.ts'],
          globalSetup: ['tests/helpers/openclaw-setup.ts'],
          testTimeout: 200_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/helpers/prosody-setup.ts', 'tests/helpers/page-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: CI has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
