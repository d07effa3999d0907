'use strict';
// Preloaded (`node -r`) into a process a benchmark wants a CPU profile of, for one window. Over
// the IPC channel, 'cpu-profile:start' starts the V8 profiler and 'cpu-profile:stop' writes
// `<CPU_PROFILE_DIR>/<name>-<pid>.cpuprofile` (Chrome DevTools, speedscope) and answers
// 'cpu-profile:written'. Not `--cpu-prof` (it writes only at a normal exit, and Nest's shutdown
// hooks end the process by re-raising the signal), and not signals (Nest's hooks take SIGUSR2).
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.CPU_PROFILE_DIR;
const name = process.env.CPU_PROFILE_NAME || 'process';
if (dir && process.send) {
  const session = new Session();
  session.connect();
  process.on('message', (message) => {
    if (message === 'cpu-profile:start') {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () => session.post('Profiler.start')),
      );
    } else if (message === 'cpu-profile:stop') {
      session.post('Profiler.stop', (error, result) => {
        if (!error)
          writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
        process.send('cpu-profile:written');
      });
    }
  });
}
