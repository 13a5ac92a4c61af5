// A log-collection worker for tend's cluster mode: run it with
//   tend start examples/worker/app.js --name worker -i max
// Every instance picks up simulated "events" on a timer, logs one line per
// event with its instance index and pid, now and then reports a failed event
// on stderr, and shuts down cleanly on SIGINT or SIGTERM. Plain Node, no deps.
'use strict';

const crypto = require('crypto');

const instance = process.env.NODE_APP_INSTANCE ?? process.env.TEND_INSTANCE ?? '0';
const tag = `worker ${instance} (pid ${process.pid})`;
const sources = ['nginx', 'api', 'billing', 'auth', 'cron'];
let handled = 0;
let failed = 0;
let timer = null;
let stopping = false;

function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

function handleEvent() {
  const id = crypto.randomBytes(4).toString('hex');
  const source = pick(sources);
  const durationMs = 5 + Math.floor(Math.random() * 120);
  setTimeout(() => {
    if (Math.random() < 0.05) {
      failed += 1;
      console.error(`${tag}: event ${id} from ${source} failed after ${durationMs} ms: parse error`);
    } else {
      handled += 1;
      console.log(`${tag}: event ${id} from ${source} stored in ${durationMs} ms (${handled} done)`);
    }
  }, durationMs);
}

function scheduleNext() {
  if (stopping) return;
  timer = setTimeout(() => {
    handleEvent();
    scheduleNext();
  }, 200 + Math.floor(Math.random() * 300));
}

function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  console.log(`worker ${instance} shutting down (${signal}): ${handled} events stored, ${failed} failed`);
  process.exit(0);
}

process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

console.log(`${tag}: started, waiting for events`);
scheduleNext();
