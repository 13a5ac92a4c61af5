'use strict';
// The cluster example: an HTTP server on port 8000 that answers with the
// index of the instance that served the request. Run it as PM2 users do:
//
//   tend start examples/cluster-http/app.js -i max --port 8000
//
// Nothing here knows about tend: under --port, tend binds 8000 once, and
// every instance's listen(8000) (each one a Node cluster worker, as under
// PM2) gets the connections tend deals out to the instances in turn. On SIGINT (tend's stop
// signal) it stops accepting and finishes what it has, so `tend reload`
// loses no request.
const http = require('http');

const port = Number(process.env.PORT) || 8000;
const instance = process.env.NODE_APP_INSTANCE || '0';

const server = http.createServer((req, res) => {
  const body = `hello from instance ${instance} (pid ${process.pid})\n`;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
});

server.listen(port, () => {
  console.log(`instance ${instance} (pid ${process.pid}) listening on ${port}`);
  // With --wait-ready, this is what marks the instance online.
  if (process.send) process.send('ready');
});

process.on('SIGINT', () => {
  console.log(`instance ${instance} (pid ${process.pid}) shutting down`);
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
});
